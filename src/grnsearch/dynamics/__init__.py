"""Models of dg/dt = f(g, I) - g behind one interface, and their simulation."""

from grnsearch.dynamics.base import AbstractDynamics
from grnsearch.dynamics.hill import HillDynamics, HillModel
from grnsearch.dynamics.hill_network import HillNetwork
from grnsearch.dynamics.neural import GeneNetworkModel
from grnsearch.dynamics.simulate import simulate

__all__ = ["AbstractDynamics", "GeneNetworkModel", "HillDynamics", "HillModel", "HillNetwork", "simulate"]
