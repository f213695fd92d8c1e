"""Writing files so that nothing half-written ever looks complete or replaces what it should not,
and recording versions.

Files are written to a temporary name beside the target and renamed into place. Output
directories are built under a hidden staging name and moved into place whole
(:func:`output_directory`), with a marker file (``.grnsearch.json``, naming the kind of output)
that is the ownership test of ``overwrite``: grnsearch replaces only a directory it wrote for the
same kind of output, and never the working directory, a home directory or an ancestor of either
(:func:`check_output_target`). Staging names record the writing process's id
(``.NAME.grnsearch-PID-HOST-RANDOM.partial``), so that staging left by a process that is gone is
removed at the next write there (:func:`clean_stale`) while a concurrent run's is left alone.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from grnsearch.errors import GrnsearchError

DEPENDENCIES = (
    "jax",
    "jaxlib",
    "equinox",
    "optax",
    "diffrax",
    "numpy",
    "pandas",
    "matplotlib",
    "networkx",
    "dask",
    "python-libsbml",
)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def versions() -> dict[str, str]:
    """Installed versions of grnsearch, Python and the numerical dependencies."""
    found = {"python": sys.version.split()[0]}
    for name in ("grnsearch", *DEPENDENCIES):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


MARKER = ".grnsearch.json"
_STAGED = re.compile(
    r"^\.(?P<name>.+)\.grnsearch-(?P<pid>\d+)-(?P<host>[0-9a-f]{8})-[A-Za-z0-9_-]+\.(?P<role>partial|old)$"
)
# process ids mean something only on their own machine (a shared file system may hold staging of others)
_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]
# staging names of grnsearch before pids were recorded: ``.staging-*`` inside an output directory,
# ``.NAME.*.partial`` beside NAME; only these exact shapes are taken for stale staging, so that a
# user's own hidden files are never removed
_LEGACY_INSIDE = re.compile(r"^\.staging-[A-Za-z0-9_]+$")


def _tag() -> str:
    """``grnsearch-<pid>-<host>-<random>``: names staging entries so that a later run on the same
    machine can tell whether the process that made them is still alive."""
    return f"grnsearch-{os.getpid()}-{_HOST}-{secrets.token_hex(4)}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _stale(entry: Path, legacy_name: str | None = None) -> re.Match | None | bool:
    """The name's match when ``entry`` is staging left by a dead process of this machine; True
    for staging of an earlier grnsearch version (``.staging-*``, or ``.<legacy_name>.*.partial``
    with ``legacy_name`` given); None otherwise."""
    found = _STAGED.match(entry.name)
    if found:
        return found if found["host"] == _HOST and not _alive(int(found["pid"])) else None
    if _LEGACY_INSIDE.match(entry.name):
        return True
    legacy = legacy_name is not None and re.fullmatch(
        rf"\.{re.escape(legacy_name)}\.[A-Za-z0-9_]+\.partial", entry.name
    )
    return True if legacy else None


def clean_stale(directory: Path, legacy_name: str | None = None) -> None:
    """Remove the staging entries in ``directory`` whose process is gone (``.NAME.grnsearch-PID-
    ....partial``; of earlier versions ``.staging-*`` and, for ``legacy_name``,
    ``.<legacy_name>.*.partial``); a directory moved aside for ``overwrite``
    (``.NAME.grnsearch-PID-....old``) is put back if nothing replaced it."""
    directory = Path(directory)
    if not directory.is_dir():
        return
    for entry in directory.iterdir():
        found = _stale(entry, legacy_name)
        if found is None:
            continue
        if found is not True and found["role"] == "old" and not (directory / found["name"]).exists():
            with contextlib.suppress(OSError):
                os.replace(entry, directory / found["name"])
                continue
        _remove(entry)


def _is_empty(directory: Path) -> bool:
    """True when ``directory`` holds nothing but staging left by dead processes."""
    return all(_stale(entry) is not None for entry in directory.iterdir())


def read_marker(directory: Path) -> dict[str, Any] | None:
    """The ownership marker grnsearch writes in every output directory, or None."""
    try:
        found = json.loads((Path(directory) / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and isinstance(found.get("kind"), str) else None


def _refusal(target: Path, kind: str) -> str | None:
    """Why grnsearch must not replace ``target`` with a ``kind`` output, or None."""
    resolved, cwd = target.resolve(), Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        return "is the current directory or holds it"
    try:
        home = Path.home().resolve()
    except RuntimeError:  # no home directory known
        home = None
    if home is not None and (resolved == home or resolved in home.parents):
        return "is a home directory or holds one"
    marker = read_marker(target)
    if marker is None:
        return f"has no {MARKER}, so grnsearch did not write it (or a version from before that marker did)"
    if marker["kind"] != kind:
        return f"holds grnsearch {marker['kind']} output, not {kind} output"
    return None


def check_output_target(target: str | Path, kind: str, overwrite: bool, *, parameter: str | None = "out") -> Path:
    """Check, before any work, that a ``kind`` output may be written at ``target``: it does not
    exist, is an empty directory (stale staging aside), or, with ``overwrite``, is a directory
    that grnsearch wrote for the same kind of output (its marker file says so) and is not the
    current directory, a home directory or an ancestor of either. Stale staging beside and
    inside ``target`` is cleaned up. GrnsearchError naming ``parameter`` otherwise."""
    target = Path(target)
    clean_stale(target.parent, legacy_name=target.name)
    if target.is_symlink() or target.exists() and not target.is_dir():
        raise GrnsearchError(f"{target} exists and is not a directory; choose another path", parameter=parameter)
    probe = target
    if target.is_dir():
        clean_stale(target)
        if not _is_empty(target):
            if not overwrite:
                raise GrnsearchError(
                    f"{target} exists and is not empty; choose a new path, or pass `overwrite` to replace "
                    "the whole directory",
                    parameter=parameter,
                )
            why = _refusal(target, kind)
            if why is not None:
                raise GrnsearchError(
                    f"{target} {why}; grnsearch replaces only its own output directories of the same "
                    "kind, even with `overwrite`: choose another path, or move it away yourself",
                    parameter=parameter,
                )
            probe = target.parent  # the new directory is built beside the old one
    existing = next(p for p in (probe, *probe.parents) if p.exists() or p == Path(p.anchor))
    if not existing.is_dir():
        raise GrnsearchError(f"{target}: {existing} is a file; choose another path", parameter=parameter)
    try:  # a real probe: permission bits say nothing to root, or about /proc and read-only mounts
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as err:
        raise GrnsearchError(
            f"{target}: cannot write there ({err.strerror}); choose a writable directory", parameter=parameter
        ) from None
    return target


@contextlib.contextmanager
def output_directory(
    target: str | Path, kind: str, *, overwrite: bool = False, parameter: str | None = "out"
) -> Iterator[Path]:
    """Yield a hidden staging directory to build a ``kind`` output in; on success its marker is
    written last and it becomes ``target`` (:func:`check_output_target` says when that is
    allowed). A new ``target`` appears whole, by one rename; an existing empty one (the working
    directory, say) is staged inside and receives the entries, the marker last; with
    ``overwrite`` the old directory is moved aside, the new one moved in, and the old one removed
    only then (put back if the move fails). On any error or interruption the staging directory
    is removed and ``target`` is left as it was."""
    target = check_output_target(target, kind, overwrite, parameter=parameter)
    in_place = target.is_dir() and _is_empty(target)
    home = target if in_place else target.parent
    home.mkdir(parents=True, exist_ok=True)
    tmp = home / f".{target.resolve().name or 'output'}.{_tag()}.partial"
    tmp.mkdir()
    try:
        yield tmp
        marker = {"written_by": "grnsearch", "kind": kind, "version": _version()}
        write_atomic(tmp / MARKER, json.dumps(marker, indent=2))
        if in_place:
            _fill(tmp, target, parameter)
        else:
            _commit(tmp, check_output_target(target, kind, overwrite, parameter=parameter))
    finally:
        _remove(tmp)


@functools.cache
def _version() -> str:
    try:
        return metadata.version("grnsearch")
    except metadata.PackageNotFoundError:
        return "not installed"


def _fill(tmp: Path, target: Path, parameter: str | None) -> None:
    """Move the entries of ``tmp`` into the empty directory ``target``, the marker last."""
    entries = sorted(tmp.iterdir(), key=lambda e: e.name == MARKER)
    taken = [e.name for e in entries if (target / e.name).exists()]
    if taken:
        raise GrnsearchError(
            f"{target}: {taken[0]} appeared while this command ran; nothing written", parameter=parameter
        )
    for entry in entries:
        os.replace(entry, target / entry.name)


def _commit(tmp: Path, target: Path) -> None:
    """Move the finished directory ``tmp`` to ``target`` (checked by check_output_target)."""
    if not target.exists():
        os.replace(tmp, target)
        return
    aside = target.parent / f".{target.name}.{_tag()}.old"
    os.replace(target, aside)
    try:
        os.replace(tmp, target)
    except BaseException:
        os.replace(aside, target)
        raise
    _remove(aside)


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_tag()}-", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def json_ready(value: Any) -> Any:
    """``value`` with arrays and NumPy scalars turned into lists and Python numbers."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.ndarray) or hasattr(value, "__array__") and not np.isscalar(value):
        return np.asarray(value).tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value
