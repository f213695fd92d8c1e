"""Network exports of a mutated run: strength matrix, edge list, topology JSON and GraphML.

Every file is written through a temporary name and a rename. GraphML carries ``sign`` (+1/-1),
``interaction`` (activation/repression) and ``strength`` as edge attributes, ``kind``
(input/gene) and the node's ``name`` and ``label`` (which R igraph and Gephi show) as node
attributes, and the read-out settings as graph attributes, so Cytoscape can style edges by sign.
The CSV tables have sidecar JSON files with the read-out settings (:func:`io.tables.write_table`).
"""

from __future__ import annotations

import io as _io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from grnsearch._files import write_atomic
from grnsearch.io.tables import edge_table, strength_table, write_table
from grnsearch.network.topology import Topology


def graphml_text(
    topology: Topology,
    strengths: np.ndarray,
    settings: dict[str, Any] | None = None,
    edge_values: dict[str, np.ndarray] | None = None,
) -> str:
    """GraphML of the topology with signs and strengths as edge attributes, ``kind``, ``name`` and
    ``label`` as node attributes and ``settings`` (scalars) as graph attributes; ``edge_values``
    adds edge attributes from matrices shaped as ``strengths`` (an inferred link's stability)."""
    graph = topology.to_networkx(strengths)
    for name, matrix in (edge_values or {}).items():
        for src, tgt, data in graph.edges(data=True):
            data[name] = float(matrix[topology.sources.index(src), topology.genes.index(tgt)])
    for node, data in graph.nodes(data=True):
        data["name"] = data["label"] = node
    graph.graph.update({k: v for k, v in (settings or {}).items() if isinstance(v, str | int | float | bool)})
    buffer = _io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue().decode()


def write_network_exports(
    run_dir: Path, topology: Topology, strengths: np.ndarray, details: dict[str, Any]
) -> list[Path]:
    """Write links.csv, edges.csv (each with its sidecar JSON of ``details``: lam, mode, cutoff,
    cutoff_rule, ...), network.graphml and (last) topology.json into ``run_dir``."""
    run_dir = Path(run_dir)
    links = strength_table(strengths, topology.sources, topology.genes)
    written = [
        *write_table(
            run_dir / "links.csv",
            links,
            "link strengths: one row per source, one column per target gene (every possible link)",
            details,
            index=True,
        ),
        *write_table(
            run_dir / "edges.csv",
            edge_table(topology, strengths),
            "the links present at the cutoff (|strength| > cutoff) with their sign and strength",
            details,
        ),
        write_atomic(run_dir / "network.graphml", graphml_text(topology, strengths, details)),
    ]
    record = topology.to_dict(strengths=strengths)
    record.update(details)

    written.append(write_atomic(run_dir / "topology.json", json.dumps(record, indent=2)))
    return written
