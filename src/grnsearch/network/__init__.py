"""Signed networks over named nodes: links and their names, topologies, topology spaces."""

from grnsearch.network.links import format_link, link_names, parse_link
from grnsearch.network.topology import Topology, enumerate_topologies

__all__ = ["Topology", "enumerate_topologies", "format_link", "link_names", "parse_link"]
