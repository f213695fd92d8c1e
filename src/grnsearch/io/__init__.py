"""Reading and writing data: run directories, tables, network formats, SBML/Antimony and search
directories. Data only: figures are drawn by :mod:`grnsearch.plots` and put beside the data by
:mod:`grnsearch.outputs`."""

from grnsearch.io.runs import load_run
from grnsearch.io.search_dir import read_search

__all__ = ["load_run", "read_search"]
