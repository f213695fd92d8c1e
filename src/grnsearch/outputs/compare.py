"""What ``grnsearch compare`` writes: ``compare.json`` (counts and probability masses),
``topologies.csv`` (one row per topology in either set) and the figure ``rnn_vs_hill``; the
directory is written whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

from grnsearch._files import output_directory, write_atomic
from grnsearch.plots.hill import plot_comparison
from grnsearch.workflows.compare import Comparison


def default_compare_dir(study: str | Path, search_dir: str | Path) -> Path:
    """``STUDY_DIR/compare``, or ``SEARCH_DIR/compare-<name>`` when the study is a strength table."""
    study = Path(study)
    return Path(search_dir) / f"compare-{study.stem}" if study.is_file() else study / "compare"


def write_comparison(result: Comparison, out: str | Path, *, figures: bool = True, overwrite: bool = False) -> Path:
    """Write the comparison's directory (module docstring); returns its path. An existing
    non-empty ``out`` is replaced only with ``overwrite`` and only if grnsearch wrote it as a
    comparison (never a study or search directory)."""
    out = Path(out)
    with output_directory(out, "compare", overwrite=overwrite) as tmp:
        write_atomic(tmp / "compare.json", json.dumps(result.as_dict(), indent=2))
        write_atomic(tmp / "topologies.csv", result.table.to_csv(index=False))
        if figures:
            plot_comparison(result, tmp / "rnn_vs_hill")
    return out
