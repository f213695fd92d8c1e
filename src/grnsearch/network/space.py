"""Topology spaces: which signed networks over given inputs and genes an exhaustive search visits.

A space states, for every link ``SRC->TGT`` (sources: the inputs, then the genes; targets: the
genes), which signs it may take, as a string of choices among ``-`` (repression), ``0`` (absent)
and ``+`` (activation): ``"-0+"`` is free, ``"+"`` a fixed activation, ``"0"`` a forbidden link,
``"-+"`` a link that must be present with either sign. Filters then keep only some of the
combinations:

- ``reach``: pairs (input, gene) such that the input must reach the gene along present links
  (whatever their signs), e.g. the atlas's ("I", "C");
- ``inputs_regulate``: every input regulates at least one gene directly;
- ``genes_strongly_connected``: every gene reaches every other through gene-gene links.

The last two together are the paper's filter of the oscillation search
(:func:`grnsearch.network.topology.signs_connected`). The enumeration is an array program: the
candidates are the mixed-radix digits of ``arange(size)`` in lexicographic order of the
flattened links (choices in the order ``-``, ``0``, ``+``), and the filters are boolean matrix
closures over all candidates at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grnsearch.errors import GrnsearchError
from grnsearch.network.links import link_names

CHOICE_ORDER = "-0+"
SIGN_OF = {"-": -1, "0": 0, "+": 1}
# the largest space enumerated (3^10 candidates, as the search has always allowed)
MAX_SPACE_CANDIDATES = 3**10


@dataclass(frozen=True)
class TopologySpace:
    """The signed topologies a search visits; build it with :meth:`build` (validated)."""

    inputs: tuple[str, ...]
    genes: tuple[str, ...]
    choices: tuple[str, ...]  # per link, in sign-matrix order (sources, then targets)
    reach: tuple[tuple[str, str], ...] = ()
    inputs_regulate: bool = False
    genes_strongly_connected: bool = False

    def __post_init__(self) -> None:
        sources = self.inputs + self.genes
        if not self.genes or len(set(sources)) != len(sources):
            raise GrnsearchError(
                f"a topology space needs at least one gene and distinct node names, got inputs {self.inputs} "
                f"and genes {self.genes}",
                parameter="space",
            )
        if len(self.choices) != len(sources) * len(self.genes):
            raise GrnsearchError(
                f"a topology space over {len(sources)} sources and {len(self.genes)} genes needs "
                f"{len(sources) * len(self.genes)} link choices, got {len(self.choices)}",
                parameter="space",
            )
        for name, choice in zip(self.link_names, self.choices, strict=True):
            if not choice or any(c not in CHOICE_ORDER for c in choice) or len(set(choice)) != len(choice):
                raise GrnsearchError(
                    f"link {name}: choices {choice!r} must be distinct characters among '-', '0' and '+' "
                    "(e.g. '-0+' free, '+' fixed activation, '0' absent)",
                    parameter="space",
                )
        for src, tgt in self.reach:
            if src not in self.inputs or tgt not in self.genes:
                raise GrnsearchError(
                    f"reach ({src!r}, {tgt!r}): the first must be an input ({', '.join(self.inputs)}) and the "
                    f"second a gene ({', '.join(self.genes)})",
                    parameter="space",
                )

    @classmethod
    def build(
        cls,
        inputs: Sequence[str],
        genes: Sequence[str],
        links: Mapping[str, str] | None = None,
        *,
        default: str = "-0+",
        reach: Sequence[tuple[str, str]] = (),
        inputs_regulate: bool = False,
        genes_strongly_connected: bool = False,
    ) -> TopologySpace:
        """A space where link ``SRC->TGT`` takes the choices ``links[SRC->TGT]``, and every other
        link ``default``; GrnsearchError naming an unknown link."""
        inputs, genes = tuple(inputs), tuple(genes)
        names = link_names(inputs + genes, genes)
        links = dict(links or {})
        unknown = sorted(set(links) - set(names))
        if unknown:
            raise GrnsearchError(
                f"unknown link {unknown[0]!r} in the topology space: links are SRC->TGT with sources "
                f"{', '.join(inputs + genes)} and targets {', '.join(genes)}",
                parameter="space",
            )
        choices = tuple("".join(sorted(str(links.get(n, default)), key=CHOICE_ORDER.find)) for n in names)
        reach_pairs = tuple((str(a), str(b)) for a, b in reach)
        return cls(inputs, genes, choices, reach_pairs, inputs_regulate, genes_strongly_connected)

    # ---- description ------------------------------------------------------------------
    @property
    def sources(self) -> tuple[str, ...]:
        """Regulators in link order: the inputs, then the genes."""
        return self.inputs + self.genes

    @property
    def link_names(self) -> list[str]:
        """``SRC->TGT`` names of the links, in sign-matrix order."""
        return link_names(self.sources, self.genes)

    @property
    def candidates(self) -> int:
        """Number of sign combinations before the filters (product of the choices per link)."""
        return int(np.prod([len(c) for c in self.choices], dtype=object))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :meth:`from_dict` reads it back."""
        return {
            "inputs": list(self.inputs),
            "genes": list(self.genes),
            "links": dict(zip(self.link_names, self.choices, strict=True)),
            "reach": [list(pair) for pair in self.reach],
            "inputs_regulate": self.inputs_regulate,
            "genes_strongly_connected": self.genes_strongly_connected,
        }

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> TopologySpace:
        """The space of :meth:`to_dict`'s record; GrnsearchError naming a missing or unknown key."""
        keys = {"inputs", "genes", "links", "reach", "inputs_regulate", "genes_strongly_connected"}
        if not isinstance(record, Mapping) or set(record) - keys or {"inputs", "genes"} - set(record):
            raise GrnsearchError(
                f"a topology space needs keys inputs and genes (optional: links, reach, inputs_regulate, "
                f"genes_strongly_connected), got {record!r}",
                parameter="space",
            )
        return cls.build(
            record["inputs"],
            record["genes"],
            record.get("links", {}),
            reach=[tuple(pair) for pair in record.get("reach", [])],
            inputs_regulate=bool(record.get("inputs_regulate", False)),
            genes_strongly_connected=bool(record.get("genes_strongly_connected", False)),
        )

    def describe(self) -> str:
        """The space in words, e.g. 'I->B absent, I->A fixed +; I reaches C'."""
        fixed = [f"{n} absent" if c == "0" else f"{n} fixed {c}" if len(c) == 1 else f"{n} one of {c!r}"
                 for n, c in zip(self.link_names, self.choices, strict=True) if c != CHOICE_ORDER]  # fmt: skip
        filters = [f"{a} reaches {b}" for a, b in self.reach]
        if self.inputs_regulate:
            filters.append("every input regulates a gene")
        if self.genes_strongly_connected:
            filters.append("the genes strongly connected")
        return "; ".join(part for part in (", ".join(fixed), ", ".join(filters)) if part) or "every topology"

    # ---- enumeration ------------------------------------------------------------------
    def enumerate(self, max_candidates: int = MAX_SPACE_CANDIDATES) -> np.ndarray:
        """Sign matrices (n, n_sources, n_genes) of the space's topologies, in lexicographic order
        of the flattened links; GrnsearchError when there are too many candidates to enumerate or
        when the filters leave none."""
        if self.candidates > max_candidates:
            free = sum(len(c) > 1 for c in self.choices)
            raise GrnsearchError(
                f"the topology space has {self.candidates:,} candidate topologies ({free} links with a choice), "
                f"too many for an exhaustive search (at most {max_candidates:,}); fix or forbid links "
                "(choices '+', '-' or '0') to shrink it",
                parameter="space",
            )
        signs = _mixed_radix(self.choices).reshape(-1, len(self.sources), len(self.genes))
        keep = self.keeps(signs)
        if not keep.any():
            raise GrnsearchError(
                f"the topology space is empty: none of its {self.candidates:,} candidates passes its filters "
                f"(reach {list(self.reach)}, inputs_regulate {self.inputs_regulate}, genes_strongly_connected "
                f"{self.genes_strongly_connected}); allow more links or drop a filter",
                parameter="space",
            )
        return signs[keep]

    def contains(self, signs: np.ndarray) -> np.ndarray:
        """Which sign matrices (n, n_sources, n_genes) are topologies of the space: every link's
        sign among its choices, and the filters passed; boolean (n,)."""
        signs = np.asarray(signs, dtype=np.int64).reshape(-1, len(self.sources) * len(self.genes))
        allowed = np.array([[c in choice for c in CHOICE_ORDER] for choice in self.choices])  # (links, -0+)
        ok = allowed[np.arange(signs.shape[1]), signs + 1].all(axis=1)
        return ok & self.keeps(signs.reshape(-1, len(self.sources), len(self.genes)))

    def keeps(self, signs: np.ndarray) -> np.ndarray:
        """Which sign matrices (n, n_sources, n_genes) pass the space's filters (the link choices
        are not checked here); boolean (n,)."""
        present = np.asarray(signs) != 0
        n_inputs = len(self.inputs)
        keep = np.ones(len(present), dtype=bool)
        if self.inputs_regulate and n_inputs:
            keep &= present[:, :n_inputs].any(axis=2).all(axis=1)
        core = _closure(present[:, n_inputs:])  # gene reaches gene in >= 1 step
        if self.genes_strongly_connected and len(self.genes) > 1:
            off_diagonal = ~np.eye(len(self.genes), dtype=bool)
            keep &= (core | ~off_diagonal).all(axis=(1, 2))
        for src, tgt in self.reach:
            direct = present[:, self.inputs.index(src)]  # (n, genes) reached in one step
            reached = direct | (np.einsum("ng,ngh->nh", direct.astype(np.int32), core.astype(np.int32)) > 0)
            keep &= reached[:, self.genes.index(tgt)]
        return keep


def _mixed_radix(choices: Sequence[str]) -> np.ndarray:
    """Every combination of the per-link choices as signs (size, n_links), the last link fastest."""
    radix = np.array([len(c) for c in choices], dtype=np.int64)
    size = int(np.prod(radix))
    index = np.arange(size, dtype=np.int64)
    stride = np.concatenate([np.cumprod(radix[::-1])[::-1][1:], [1]])
    digits = (index[:, None] // stride[None, :]) % radix[None, :]
    table = np.zeros((len(choices), 3), dtype=np.int8)
    for k, choice in enumerate(choices):
        table[k, : len(choice)] = [SIGN_OF[c] for c in choice]
    return table[np.arange(len(choices))[None, :], digits]


def _closure(adjacency: np.ndarray) -> np.ndarray:
    """Reachability in one or more steps of boolean adjacency matrices (n, nodes, nodes)."""
    reach = adjacency.copy()
    for _ in range(adjacency.shape[1]):
        reach = reach | (np.einsum("nij,njk->nik", reach.astype(np.int32), adjacency.astype(np.int32)) > 0)
    return reach
