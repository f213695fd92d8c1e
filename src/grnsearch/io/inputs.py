"""Reading the files a user or an earlier run provides, checked where they enter.

Every reader here fails with one :class:`GrnsearchError` that names the file, says what is wrong
with it (missing, a directory, unreadable, empty, compressed, not UTF-8 text, not JSON, a ragged
or non-numeric table, duplicated or missing columns) and ends with ``fix``, what the user can do
about it. Readers of particular files (run directories, strength tables, search directories) build
on these and add the checks of their own layout.
"""

from __future__ import annotations

import csv
import io as _io
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grnsearch.errors import GrnsearchError

JSON_KINDS = {dict: "an object", list: "a list", str: "text", int: "a whole number", float: "a number",
              bool: "true or false"}  # fmt: skip
GZIP_MAGIC = b"\x1f\x8b"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"


def bad_file(path: str | Path, problem: str, fix: str) -> GrnsearchError:
    """The error for a file that cannot be used: ``PATH: problem; fix``."""
    return GrnsearchError(f"{path}: {problem}; {fix}")


def require_output_files(directory: Path, files: tuple[Path, ...], what: str, fix: str) -> None:
    """GrnsearchError unless ``directory`` is a directory holding every one of ``files``: the
    check that a path given as a finished ``what`` (a study, a search) is one, naming the first
    thing missing and ``fix``."""
    if not directory.is_dir():
        state = "is a file" if directory.exists() else "does not exist"
        raise GrnsearchError(f"{directory} {state}, so it is not a finished {what}: {fix}")
    for path in files:
        if not path.exists():
            raise GrnsearchError(f"{path}: no such file, so {directory} is not a finished {what}; {fix}")


def read_bytes(path: str | Path, fix: str, *, allow_empty: bool = False) -> bytes:
    """The content of a file that must exist, be a regular file, be readable and (unless
    ``allow_empty``) hold something."""
    path = Path(path)
    if not path.exists():
        raise bad_file(path, "no such file", fix)
    if path.is_dir():
        raise bad_file(path, "is a directory, not a file", fix)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise bad_file(path, f"cannot be read ({err.strerror or err})", fix) from None
    if not data and not allow_empty:
        raise bad_file(path, "is empty", fix)
    return data


def decode_text(path: str | Path, data: bytes, fix: str) -> str:
    """``data`` as UTF-8 text (a UTF-8 byte-order mark is dropped); compressed, UTF-16 and
    binary content are named."""
    if data.startswith(GZIP_MAGIC):
        raise bad_file(path, "is gzip-compressed", f"decompress it first (gunzip); {fix}")
    if data.startswith(ZIP_MAGIC):
        raise bad_file(path, "is a zip archive", f"extract it first; {fix}")
    if data.startswith(UTF16_BOMS):
        raise bad_file(path, "is UTF-16 text", f"save it as UTF-8; {fix}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise bad_file(path, f"is not UTF-8 text (byte {err.start} cannot be decoded)", fix) from None
    if "\x00" in text:
        raise bad_file(path, "holds binary data (NUL bytes), not text", fix)
    return text


def read_text(path: str | Path, fix: str) -> str:
    """A non-empty UTF-8 text file."""
    text = decode_text(path, read_bytes(path, fix), fix)
    if not text.strip():
        raise bad_file(path, "holds only white space", fix)
    return text


def read_json(path: str | Path, fix: str) -> Any:
    """A JSON file (NaN and Infinity allowed, as Python writes them)."""
    text = read_text(path, fix)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise bad_file(path, f"is not valid JSON ({err.msg} at line {err.lineno})", fix) from None


def json_object(path: str | Path, fix: str, fields: dict[str, type | tuple[type, ...]]) -> dict[str, Any]:
    """A JSON file holding an object with at least ``fields`` (name -> accepted types)."""
    record = read_json(path, fix)
    if not isinstance(record, dict):
        raise bad_file(path, f"holds a JSON {type(record).__name__}, not an object", fix)
    check_fields(record, path, fix, fields)
    return record


def check_fields(record: dict[str, Any], path: str | Path, fix: str, fields: dict[str, Any], prefix: str = "") -> None:
    """Each of ``fields`` is in ``record`` with one of its accepted types (bools are not numbers)."""
    for name, types in fields.items():
        if name not in record:
            raise bad_file(path, f"has no field '{prefix}{name}'", fix)
        value, accepted = record[name], types if isinstance(types, tuple) else (types,)
        if isinstance(value, bool) and bool not in accepted or not isinstance(value, accepted):
            kinds = [JSON_KINDS.get(t, t.__name__) for t in accepted if not (t is int and float in accepted)]
            wanted = " or ".join(kinds)
            raise bad_file(path, f"field '{prefix}{name}' is {json.dumps(value)}, expected {wanted}", fix)


def _check_shape(path: str | Path, text: str, fix: str) -> None:
    """A header of distinct names and every non-blank row as long as the header."""
    rows = csv.reader(_io.StringIO(text))
    names = [name.strip() for name in next(rows, [])]
    if not any(names):
        raise bad_file(path, "has no header row", fix)
    other = [sep for sep in (";", "\t", "|") if len(names) == 1 and sep in names[0]]
    if other:
        raise bad_file(
            path, f"is not comma-separated (its header is split by {other[0]!r})", f"save it with commas; {fix}"
        )
    seen: set[str] = set()
    repeated = [n for n in names if n in seen or seen.add(n)]
    if repeated:
        raise bad_file(path, f"column {repeated[0]!r} appears more than once", fix)
    for row in rows:
        if row and len(row) != len(names):
            where = f"line {rows.line_num} has {len(row)} fields"
            raise bad_file(path, f"{where} but the header has {len(names)} (a ragged table)", fix)


def read_csv(
    path: str | Path, fix: str, *, required: Sequence[str] = (), numeric: Iterable[str] = (), **read_options: Any
) -> pd.DataFrame:
    """A CSV table with a header of distinct names, rows as long as the header, the ``required``
    columns, at least one row, and finite numbers in every ``numeric`` column."""
    text = read_text(path, fix)
    try:
        _check_shape(path, text, fix)
    except csv.Error as err:
        raise bad_file(path, f"is not a well-formed CSV table ({err})", fix) from None
    try:
        table = pd.read_csv(_io.StringIO(text), skipinitialspace=True, **read_options)
    except (pd.errors.ParserError, ValueError) as err:
        detail = str(err).strip().splitlines()[-1]
        raise bad_file(path, f"is not a well-formed CSV table ({detail})", fix) from None
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        raise bad_file(path, "has a header but no rows", fix)
    return check_columns(table, path, fix, required=required, numeric=numeric)


def check_columns(
    table: pd.DataFrame, path: str | Path, fix: str, *, required: Sequence[str] = (), numeric: Iterable[str] = ()
) -> pd.DataFrame:
    """``table`` with the ``required`` columns present and its ``numeric`` ones as finite floats."""
    missing = [c for c in required if c not in table.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
        raise bad_file(path, f"has no column {shown}", fix)
    for column in numeric:
        table[column] = numeric_column(table, column, path, fix)
    return table


def numeric_column(table: pd.DataFrame, column: str, path: str | Path, fix: str) -> pd.Series:
    """``table[column]`` as finite floats; the first bad cell is named by line."""
    values = pd.to_numeric(table[column], errors="coerce")
    bad = ~np.isfinite(values.to_numpy(dtype=float))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        cell = table[column].iloc[k]
        shown = (
            "empty" if isinstance(cell, float) and math.isnan(cell) else repr(cell) if isinstance(cell, str) else cell
        )
        raise bad_file(path, f"column {column!r}, data row {k + 1}: {shown} is not a finite number", fix)
    return values.astype(float)
