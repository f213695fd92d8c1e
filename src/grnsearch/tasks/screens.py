"""The Hill screen of a task file and the parts of a task file that name code rather than state
data. ``[hill_screen]`` states a general screen (:mod:`grnsearch.tasks.screen_files`: conditions,
criteria, stages and topology space by node names), or, with ``kind = "oscillation"``, is the
shorthand for the controlled-oscillation screen of METHOD.md section 5 over the ``connected``
topology space, its thresholds as data (:meth:`OscillationScreen.spec` is its general form). The
reference networks a study's consensus is compared with are named (``references = "gap-genes"``:
the networks of Fig. 5, read from ``tasks/data/``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from grnsearch.network.reference import ReferenceNetwork
from grnsearch.tasks.fields import Section
from grnsearch.tasks.gap_genes import reference_networks
from grnsearch.tasks.hill_screen import HillScreen, OscillationScreen
from grnsearch.tasks.screen_files import hill_screen_toml, read_hill_screen

SCREEN_KINDS = ("oscillation",)
# the topology spaces an exhaustive search can enumerate: "connected", every topology in which
# each input reaches the genes and the first two genes regulate each other (hillsearch/space.py)
SPACES = ("connected",)
REFERENCES: dict[str, Callable[[], tuple[ReferenceNetwork, ...]]] = {"gap-genes": reference_networks}
_SCREEN_FIELDS = [f.name for f in dataclasses.fields(OscillationScreen)]


def read_screen(top: Section, nodes: dict[str, Any]) -> tuple[OscillationScreen | HillScreen | None, str]:
    """The ``[hill_screen]`` table (None when absent) and the name of the shorthand's topology
    space (``connected`` for a general screen, which holds its own)."""
    sec = top.table("hill_screen", None)
    if sec is None:
        return None, "connected"
    if not sec.has("kind"):
        return read_hill_screen(sec, nodes), "connected"
    sec.known("kind", sec.take("kind", str, what='"oscillation"'), SCREEN_KINDS, "Hill screen shorthand")
    space = sec.known("space", sec.take("space", str, "connected"), SPACES, "topology space")
    if len(nodes["inputs"]) < 2:
        raise sec.error("kind", "the oscillation screen drives the first two inputs", "give the task two inputs")
    values: dict[str, Any] = {}
    for name in list(sec.values):
        sec.known(name, name, _SCREEN_FIELDS, "Hill-screen setting")
        if name == "readout":
            gene = sec.known(name, sec.take(name, str, what="a gene name"), nodes["genes"], "gene")
            values[name] = nodes["genes"].index(gene)
        elif name in ("steps", "min_successful_sets"):
            values[name] = sec.integer(name, minimum=1)
        else:
            values[name] = sec.number(name, minimum=0.0)
    if values.get("steps", OscillationScreen.steps) < 4:
        raise sec.error("steps", "must be at least 4 (the screen judges the second half)", "give more steps")
    sec.done()
    return OscillationScreen(**values), space


def screen_toml(
    screen: OscillationScreen | HillScreen, space: str, genes: tuple[str, ...], inputs: tuple[str, ...]
) -> dict[str, Any]:
    """The ``[hill_screen]`` table of ``screen``."""
    if isinstance(screen, HillScreen):
        return hill_screen_toml(screen, genes, inputs)
    out: dict[str, Any] = {"kind": "oscillation", "space": space}
    for name, value in dataclasses.asdict(screen).items():
        out[name] = genes[value] if name == "readout" else value
    return out


def read_references(top: Section) -> tuple[str | None, tuple[ReferenceNetwork, ...]]:
    """The named reference networks (``references = "gap-genes"``), or none."""
    name = top.take("references", str, None)
    if name is None:
        return None, ()
    top.known("references", name, REFERENCES, "set of reference networks")
    return name, REFERENCES[name]()
