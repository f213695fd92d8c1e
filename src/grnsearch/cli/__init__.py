"""The ``grnsearch`` command line (``main``), one module per command under ``commands``.

Importing this package imports no library module (and no jax): ``main`` installs the interrupt
handler first and then imports the commands, so that Ctrl-C at start-up exits cleanly.
"""

from __future__ import annotations

from typing import Any

from grnsearch.cli.main import main

__all__ = ["build_parser", "main"]


def __getattr__(name: str) -> Any:
    if name == "build_parser":
        # deferred: the parser imports every command and jax
        from grnsearch.cli.parser import build_parser

        return build_parser
    raise AttributeError(f"module 'grnsearch.cli' has no attribute {name!r}")
