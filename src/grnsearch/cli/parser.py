"""The argument parser of the ``grnsearch`` command: one sub-command per module of
:mod:`grnsearch.cli.commands`. Importing it imports the library (and jax)."""

from __future__ import annotations

import argparse

from grnsearch import __version__
from grnsearch.cli.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``grnsearch`` command."""
    parser = argparse.ArgumentParser(
        prog="grnsearch", description="Find gene regulatory network topologies for a biological function."
    )
    parser.add_argument("--version", action="version", version=f"grnsearch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser
