"""Output directories of commands: the default name and the checks before any work starts."""

from __future__ import annotations

import datetime as _dt
import tempfile
from pathlib import Path

from grnsearch.errors import GrnsearchError


def default_out(name: str) -> Path:
    """``runs/<name>-<date-time>``: where a command writes when no directory is given."""
    return Path("runs") / f"{name}-{_dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def prepare_output_dir(out: str | Path | None, default_name: str, overwrite: bool) -> Path:
    """The output directory (``out``, or :func:`default_out` of ``default_name``), created and
    checked writable; a non-empty one only with ``overwrite``. GrnsearchError naming ``out``."""
    out = default_out(default_name) if out is None else Path(out)
    if out.exists() and not out.is_dir():
        raise GrnsearchError(f"{out} exists and is not a directory; choose another path", parameter="out")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise GrnsearchError(
            f"{out}: directory is not empty; choose a new path or pass `overwrite` to replace its runs", parameter="out"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as err:
        raise GrnsearchError(
            f"{out}: cannot write there ({err.strerror}); choose a writable directory", parameter="out"
        ) from None
    return out


def check_output_path(out: str | Path) -> Path:
    """``out`` as a place a command can create its directory: not an existing file, and under a
    directory (its nearest existing parent) where files can be made (probed with a temporary
    file). GrnsearchError naming ``out``."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise GrnsearchError(f"{out} exists and is not a directory; choose another path", parameter="out")
    parent = next((p for p in out.absolute().parents if p.exists()), Path("/"))
    if not parent.is_dir():
        raise GrnsearchError(f"{out}: {parent} is a file; choose another path", parameter="out")
    try:
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as err:
        raise GrnsearchError(
            f"{out}: cannot write in {parent} ({err.strerror}); choose a writable directory", parameter="out"
        ) from None
    return out
