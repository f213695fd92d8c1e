"""Network exports of a mutated run: strength matrix, edge list, topology JSON and GraphML.

Every file is written through a temporary name and a rename. GraphML carries ``sign`` (+1/-1),
``interaction`` (activation/repression) and ``strength`` as edge attributes and ``kind``
(input/gene) as a node attribute, so Cytoscape can style edges by sign.
"""

from __future__ import annotations

import io as _io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from grnsearch._files import write_atomic
from grnsearch.io.tables import edge_table, strength_table
from grnsearch.network.topology import Topology


def graphml_text(topology: Topology, strengths: np.ndarray) -> str:
    """GraphML of the topology with signs and strengths as edge attributes."""
    buffer = _io.BytesIO()
    nx.write_graphml(topology.to_networkx(strengths), buffer)
    return buffer.getvalue().decode()


def write_network_exports(
    run_dir: Path, topology: Topology, strengths: np.ndarray, details: dict[str, Any]
) -> list[Path]:
    """Write links.csv, edges.csv, network.graphml and (last) topology.json into ``run_dir``."""
    run_dir = Path(run_dir)
    written = [
        write_atomic(run_dir / "links.csv", strength_table(strengths, topology.sources, topology.genes).to_csv()),
        write_atomic(run_dir / "edges.csv", edge_table(topology, strengths).to_csv(index=False)),
        write_atomic(run_dir / "network.graphml", graphml_text(topology, strengths)),
    ]
    record = topology.to_dict(strengths=strengths)
    record.update(details)

    written.append(write_atomic(run_dir / "topology.json", json.dumps(record, indent=2)))
    return written
