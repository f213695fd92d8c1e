"""The ``grnsearch`` command line: parses arguments and calls the library, nothing more.

Every error the user can fix is reported as one line ``grnsearch: error: ...`` with exit code 2,
naming the command-line flag of the parameter at fault.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from grnsearch import __version__
from grnsearch.cli.commands import COMMANDS
from grnsearch.cli.options import FLAGS
from grnsearch.errors import GrnsearchError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``grnsearch`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except GrnsearchError as err:
        print(f"grnsearch: error: {err.renamed(FLAGS)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        kept = getattr(args, "interrupted", "runs not yet written were discarded")
        print(f"grnsearch: interrupted; {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
