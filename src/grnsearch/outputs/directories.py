"""Output directories of commands: the default name and the checks before any work starts."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from grnsearch._files import check_output_target


def default_out(name: str) -> Path:
    """``runs/<name>-<date-time>``: where a command writes when no directory is given."""
    return Path("runs") / f"{name}-{_dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def prepare_output_dir(
    out: str | Path | None, default_name: str, overwrite: bool, kind: str, *, parameter: str | None = "out"
) -> Path:
    """The output directory of a ``kind`` output (``out``, or :func:`default_out` of
    ``default_name``), checked before any work: new, empty, or with ``overwrite`` a directory
    grnsearch wrote for the same kind of output (:func:`grnsearch._files.check_output_target`).
    Nothing is created yet; the directory is written whole at the end."""
    out = default_out(default_name) if out is None else Path(out)
    return check_output_target(out, kind, overwrite, parameter=parameter)
