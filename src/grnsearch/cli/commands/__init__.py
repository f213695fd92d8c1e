"""One module per command: ``add_parser`` declares its options, ``run`` calls the library."""

from grnsearch.cli.commands import (
    automaton,
    compare,
    hill_check,
    infer,
    mutate,
    predict,
    score,
    search,
    sparsify,
    study,
    task,
    train,
)

COMMANDS = (train, mutate, sparsify, study, search, hill_check, compare, predict, infer, score, automaton, task)

__all__ = ["COMMANDS"]
