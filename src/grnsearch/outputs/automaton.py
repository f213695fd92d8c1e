"""What ``grnsearch automaton`` writes (kind ``automaton``): a benchmark rule's training data and
its truth, ready for ``grnsearch infer DATA --coupling ring-mean --gold GOLD``:

- ``data.csv``: ``experiment,time,position,g1..g10``, the observed frames of every trajectory,
  each gene divided by its maximum (the authors' normalisation);
- ``gold.csv``: ``source,target,sign``, the rule's links;
- ``rule.json``: the rule's signs and Hill constants K (sources x targets), and how the data
  were made (rule, seeds, trajectories, steps, dt, scale).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grnsearch._files import output_directory, write_atomic
from grnsearch.infer.automaton import GENES, N_CELLS, SOURCES, AutomatonData, AutomatonRule


def automaton_table(data: AutomatonData) -> pd.DataFrame:
    """The frames as a long table: one row per trajectory, time and cell."""
    n_traj, n_frames, n_cells, _ = data.frames.shape
    e, t, p = np.meshgrid(np.arange(n_traj), np.arange(n_frames), np.arange(n_cells), indexing="ij")
    table = pd.DataFrame(
        {"experiment": [f"t{k + 1}" for k in e.ravel()], "time": data.times[t.ravel()], "position": p.ravel()}
    )
    genes = pd.DataFrame(data.frames.reshape(-1, len(GENES)), columns=list(GENES))
    return pd.concat([table, genes], axis=1)


def gold_table(rule: AutomatonRule) -> pd.DataFrame:
    """``source,target,sign`` for every link of the rule."""
    rows = [(s, t, int(sign)) for s, t, sign in rule.topology.links()]
    return pd.DataFrame(rows, columns=["source", "target", "sign"])


def write_automaton(
    out_dir: str | Path, rule: AutomatonRule, data: AutomatonData, record: dict[str, Any], *, overwrite: bool = False
) -> Path:
    """Write the three files into ``out_dir``, whole."""
    out_dir = Path(out_dir)
    rule_record = {
        **record,
        "cells": N_CELLS,
        "sources": list(SOURCES),
        "targets": list(GENES),
        "signs": rule.signs.astype(int).tolist(),
        "K": np.round(rule.K, 8).tolist(),
        "dt": data.dt,
        "frame_times": data.times.tolist(),
        "scale": data.scale.tolist(),
    }
    with output_directory(out_dir, "automaton", overwrite=overwrite, parameter="out_dir") as staging:
        write_atomic(staging / "data.csv", automaton_table(data).to_csv(index=False, float_format="%.7g"))
        write_atomic(staging / "gold.csv", gold_table(rule).to_csv(index=False))
        write_atomic(staging / "rule.json", json.dumps(rule_record, indent=1))
    return out_dir
