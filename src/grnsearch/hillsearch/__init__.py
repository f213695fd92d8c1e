"""Hill-function models against tasks: the fast random-parameter screen, the search space and its
results, and fitting a Hill model of one topology to a task."""

from grnsearch.hillsearch.fit import HillFit, fit_hill
from grnsearch.hillsearch.space import SearchResult, SearchSettings, search_space

__all__ = ["HillFit", "SearchResult", "SearchSettings", "fit_hill", "search_space"]
