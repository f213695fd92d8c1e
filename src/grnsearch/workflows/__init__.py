"""Multi-step runs that may spread over Dask workers: studies, sparsification of many seeds, the
exhaustive Hill search, and comparisons of studies with searches. The only users of Dask."""

from grnsearch.workflows.compare import Comparison, compare, compare_directories
from grnsearch.workflows.search import run_search
from grnsearch.workflows.sparsify import sparsify
from grnsearch.workflows.study import StudyResult, run_study

__all__ = ["Comparison", "StudyResult", "compare", "compare_directories", "run_search", "run_study", "sparsify"]
