"""Reading networks out of trained models: link mutation, topology statistics, sparsification."""

from grnsearch.readout.mutation import LinkReport, analyse, link_strengths
from grnsearch.readout.sparsify import SparsifyPath, SparsifySettings, sparsify_path
from grnsearch.readout.statistics import compare_with_reference, scan_cutoffs, topology_table

__all__ = [
    "LinkReport",
    "SparsifyPath",
    "SparsifySettings",
    "analyse",
    "compare_with_reference",
    "link_strengths",
    "scan_cutoffs",
    "sparsify_path",
    "topology_table",
]
