"""One module per command: ``add_parser`` declares its options, ``run`` calls the library."""

from grnsearch.cli.commands import compare, hill_check, mutate, predict, score, search, sparsify, study, train

COMMANDS = (train, mutate, sparsify, study, search, hill_check, compare, predict, score)

__all__ = ["COMMANDS"]
