"""The ``grnsearch`` command line (``main``), one module per command under ``commands``."""

from grnsearch.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
