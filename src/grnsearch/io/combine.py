"""COMBINE archives (OMEX, a zip with a ``manifest.xml``) and the trajectory table that travels in
them, written per the COMBINE archive specification without further dependencies.

A Hill check's archive holds the SBML model, the SED-ML description of the protocol's time
courses (the master file, run by libroadrunner, tellurium or COPASI) and the tool's own
exact-ODE trajectories as CSV, to compare against.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from grnsearch.io.protocol import Protocol

OMEX = "http://identifiers.org/combine.specifications/omex"
MANIFEST_FORMAT = "http://identifiers.org/combine.specifications/omex-manifest"
SBML_FORMAT = "http://identifiers.org/combine.specifications/sbml.level-3.version-2"
SEDML_FORMAT = "http://identifiers.org/combine.specifications/sed-ml.level-1.version-3"
CSV_FORMAT = "http://purl.org/NET/mediatypes/text/csv"


class ArchiveEntry(NamedTuple):
    """One file of an archive: its name (at the archive's root), its text, its format URI and
    whether it is the master file (the one to run)."""

    name: str
    text: str
    format: str
    master: bool = False


def manifest_xml(entries: Sequence[ArchiveEntry]) -> str:
    """The archive's ``manifest.xml``: the archive itself, the manifest and every entry."""
    rows = [
        f'  <content location="." format="{OMEX}"/>',
        f'  <content location="./manifest.xml" format="{MANIFEST_FORMAT}"/>',
    ]
    for entry in entries:
        master = ' master="true"' if entry.master else ""
        rows.append(f"  <content location={quoteattr('./' + entry.name)} format={quoteattr(entry.format)}{master}/>")
    body = "\n".join(rows)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<omexManifest xmlns="{MANIFEST_FORMAT}">\n{body}\n</omexManifest>\n'
    )


def write_combine_archive(path: str | Path, entries: Sequence[ArchiveEntry]) -> Path:
    """Write the COMBINE archive ``path`` with ``manifest.xml`` and ``entries`` (inside a
    directory that is made whole or not at all, as a Hill check's: no temporary name here)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.xml", manifest_xml(entries))
        for entry in entries:
            archive.writestr(entry.name, entry.text)
    return path


def trajectory_table(protocol: Protocol, genes: Sequence[str], trajectories: np.ndarray) -> pd.DataFrame:
    """``condition,label,time,<gene>...``: trajectories (conditions, steps + 1, n_genes) at the
    protocol's output points (time 0 and the end of every step)."""
    trajectories = np.asarray(trajectories, dtype=np.float64)
    n_points = protocol.steps + 1
    times = np.round(np.arange(n_points) * protocol.dt, 12)
    frames = [
        pd.DataFrame(
            {
                "condition": condition.id,
                "label": condition.label,
                "time": times,
                **{gene: trajectories[c, :, j] for j, gene in enumerate(genes)},
            }
        )
        for c, condition in enumerate(protocol.conditions)
    ]
    return pd.concat(frames, ignore_index=True)
