"""Signed network topologies: signs from link strengths, distance, canonical keys, connectivity.

A topology is an int8 matrix of signs (+1 activation, -1 repression, 0 absent) of shape
(n_sources, n_genes), sources being the inputs then the genes, as in the link-scale matrix.
Its canonical key lists the present links as ``SRC->TGT:+`` or ``SRC->TGT:-`` in source order,
then target order, joined by single spaces, e.g. ``I->g1:+ I->g2:+ g2->g1:-``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from grnsearch.errors import GrnsearchError
from grnsearch.network.links import format_signed_link, parse_signed_link


def signs_from_strengths(strengths: np.ndarray, cutoff: float) -> np.ndarray:
    """Signs of ``strengths`` (any shape): 0 where |strength| <= cutoff, else +1 / -1."""
    s = np.asarray(strengths)
    return np.where(np.abs(s) > cutoff, np.sign(s), 0).astype(np.int8)


def inputs_regulate_genes(signs: np.ndarray, n_inputs: int) -> bool:
    """Whether every input regulates at least one gene (sign matrix (n_sources, n_genes))."""
    present = np.asarray(signs) != 0
    return bool(np.all(np.any(present[:n_inputs], axis=1)))


def genes_strongly_connected(signs: np.ndarray, n_inputs: int) -> bool:
    """Whether each gene reaches every other through gene-gene links (for two genes, g1->g2 and
    g2->g1): a network can be connected as a graph, as the feed-forward loop I->g1, I->g2,
    g2->g1 is, and still fail this."""
    core = np.asarray(signs)[n_inputs:] != 0
    return core.shape[0] == 1 or nx.is_strongly_connected(nx.DiGraph(core.astype(int)))


def signs_connected(signs: np.ndarray, n_inputs: int) -> bool:
    """The search-space filter of the paper's enumeration on a sign matrix (n_sources, n_genes):
    every input regulates at least one gene, and the genes form one strongly connected core.
    ``topology.json`` records it as ``in_search_space`` (``connected`` in files of release 0.1.0)."""
    return inputs_regulate_genes(signs, n_inputs) and genes_strongly_connected(signs, n_inputs)


@dataclass(frozen=True)
class Topology:
    """A signed regulatory network over named sources (inputs + genes) and target genes."""

    signs: np.ndarray  # (n_sources, n_genes) int8
    sources: tuple[str, ...]
    genes: tuple[str, ...]

    def __post_init__(self) -> None:
        signs = np.asarray(self.signs, dtype=np.int8)
        if signs.shape != (len(self.sources), len(self.genes)):
            raise GrnsearchError(
                f"topology signs have shape {signs.shape}, expected "
                f"({len(self.sources)}, {len(self.genes)}) for sources {self.sources}"
            )
        if not np.all(np.isin(signs, (-1, 0, 1))):
            raise GrnsearchError("topology signs must be -1, 0 or 1")
        object.__setattr__(self, "signs", signs)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_strengths(
        cls, strengths: np.ndarray, cutoff: float, sources: tuple[str, ...], genes: tuple[str, ...]
    ) -> Topology:
        """Present links are those with |strength| > cutoff, signed by the strength."""
        return cls(signs_from_strengths(strengths, cutoff), tuple(sources), tuple(genes))

    @classmethod
    def from_key(cls, key: str, sources: tuple[str, ...], genes: tuple[str, ...]) -> Topology:
        """Parse a canonical key (or any space-separated ``SRC->TGT:+`` list)."""
        if not isinstance(key, str):
            raise GrnsearchError(f"a topology key is text such as 'I->g1:+ g1->g2:-', got {key!r}")
        signs = np.zeros((len(sources), len(genes)), dtype=np.int8)
        seen: set[tuple[str, str]] = set()
        for token in key.split():
            try:
                src, tgt, sign = parse_signed_link(token)
                signs[sources.index(src), genes.index(tgt)] = sign
            except ValueError:
                raise GrnsearchError(
                    f"cannot read link {token!r} in topology {key!r}: write SRC->TGT:+ or SRC->TGT:- "
                    f"with sources {', '.join(sources)} and targets {', '.join(genes)}"
                ) from None
            if (src, tgt) in seen:
                raise GrnsearchError(
                    f"link {src}->{tgt} appears more than once in topology {key!r}: give each link once, with one sign"
                )
            seen.add((src, tgt))
        return cls(signs, tuple(sources), tuple(genes))

    # ---- description --------------------------------------------------------------------
    @property
    def inputs(self) -> tuple[str, ...]:
        """The sources that are not genes."""
        return self.sources[: len(self.sources) - len(self.genes)]

    @property
    def n_links(self) -> int:
        """Number of present links."""
        return int(np.count_nonzero(self.signs))

    def links(self) -> list[tuple[str, str, int]]:
        """Present links as (source, target, sign) in canonical order."""
        return [
            (self.sources[i], self.genes[j], int(self.signs[i, j]))
            for i, j in zip(*np.nonzero(self.signs), strict=False)
        ]

    def key(self) -> str:
        """The canonical key, e.g. ``I->g1:+ I->g2:+ g2->g1:-`` (empty string for no links)."""
        return " ".join(format_signed_link(s, t, v) for s, t, v in self.links())

    def __str__(self) -> str:
        return self.key()

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Topology)
            and self.sources == other.sources
            and self.genes == other.genes
            and np.array_equal(self.signs, other.signs)
        )

    def __hash__(self) -> int:
        return hash((self.sources, self.genes, self.signs.tobytes()))

    def distance(self, other: Topology) -> int:
        """Sum of |sign differences|: an added or removed link counts 1, a sign flip 2."""
        if (self.sources, self.genes) != (other.sources, other.genes):
            raise GrnsearchError("topologies over different nodes cannot be compared")
        return int(np.abs(self.signs.astype(int) - other.signs.astype(int)).sum())

    # ---- connectivity -------------------------------------------------------------------
    def switched(self, genes: Sequence[str]) -> Topology:
        """The topology with ``genes`` read as their complements (switching equivalence of signed
        graphs): every link into or out of exactly one of them changes sign, a link between two of
        them (or a self-loop) keeps it. Every loop's sign, and whether two paths between unswitched
        nodes agree, are unchanged."""
        flip = np.ones(len(self.sources), dtype=np.int8)
        for gene in genes:
            flip[self.sources.index(gene)] = -1
        target_flip = flip[len(self.inputs) :]
        return Topology((flip[:, None] * self.signs * target_flip[None, :]).astype(np.int8), self.sources, self.genes)

    def is_connected(self) -> bool:
        """The search-space filter of the paper's enumeration (see :func:`signs_connected`)."""
        return signs_connected(self.signs, len(self.inputs))

    # ---- export -------------------------------------------------------------------------
    def to_dict(self, strengths: np.ndarray | None = None, cutoff: float | None = None) -> dict[str, Any]:
        """JSON-ready description: key, nodes, links (with strengths if given)."""
        links = []
        for src, tgt, sign in self.links():
            entry: dict[str, Any] = {"source": src, "target": tgt, "sign": sign}
            if strengths is not None:
                entry["strength"] = float(strengths[self.sources.index(src), self.genes.index(tgt)])
            links.append(entry)
        record = {
            "key": self.key(),
            "inputs": list(self.inputs),
            "genes": list(self.genes),
            "n_links": self.n_links,
            # the paper's search-space filter and its two parts; files of release 0.1.0 call the
            # first "connected", a name that read as graph connectivity
            "in_search_space": self.is_connected(),
            "inputs_regulate_genes": inputs_regulate_genes(self.signs, len(self.inputs)),
            "genes_strongly_connected": genes_strongly_connected(self.signs, len(self.inputs)),
            "links": links,
        }
        if cutoff is not None:
            record["cutoff"] = float(cutoff)
        return record

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as indented JSON."""
        return json.dumps(self.to_dict(**kwargs), indent=2)

    def to_networkx(self, strengths: np.ndarray | None = None) -> nx.DiGraph:
        """A directed graph with node attribute ``kind`` (input/gene) and edge attributes
        ``sign`` (+1/-1), ``interaction`` (activation/repression) and ``strength``."""
        graph = nx.DiGraph()
        for name in self.inputs:
            graph.add_node(name, kind="input")
        for name in self.genes:
            graph.add_node(name, kind="gene")
        for src, tgt, sign in self.links():
            strength = 0.0 if strengths is None else float(strengths[self.sources.index(src), self.genes.index(tgt)])
            graph.add_edge(
                src,
                tgt,
                sign=sign,
                interaction="activation" if sign > 0 else "repression",
                strength=strength,
                weight=abs(strength),
            )
        return graph


def enumerate_topologies(n_inputs: int, n_genes: int, connected: bool = True) -> np.ndarray:
    """Every sign matrix (n, n_inputs + n_genes, n_genes) with entries in {-1, 0, 1}, in
    lexicographic order of the flattened links (source order, then target order); with
    ``connected`` only those passing the connectivity filter (2304 for 2 inputs and 2 genes)."""
    n_links = (n_inputs + n_genes) * n_genes
    all_signs = np.array(list(itertools.product((-1, 0, 1), repeat=n_links)), dtype=np.int8)
    all_signs = all_signs.reshape(-1, n_inputs + n_genes, n_genes)
    if not connected:
        return all_signs
    keep = np.fromiter((signs_connected(s, n_inputs) for s in all_signs), dtype=bool, count=len(all_signs))
    return all_signs[keep]
