"""Time to train and read out one automaton rule (issue 14's bar: 60 s), for two source trees
side by side: each rule runs under the old tree, then under the new one, each in a fresh process,
so both see the same load. The defaults of ``grnsearch infer --coupling ring-mean`` (4 seeds of
12000 iterations), without the baselines.

    python bench/bench_automaton_time.py --trees OLD_SRC,NEW_SRC [--rules 1-4]

OLD_SRC and NEW_SRC are ``src`` folders (for example of a ``git worktree`` at an older commit).
Prints one JSON line per run: the tree, the rule, the wall time, training and read-out seconds,
and both paper AUROCs (equal between the trees when only speed changed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from bench_automaton import rule_list

RUN = r"""
import json, sys, time
from grnsearch.infer.automaton import automaton_data, automaton_series, shipped_rule
from grnsearch.infer.score import score_network
from grnsearch.workflows.infer import InferenceSettings, infer_network
rule = shipped_rule(int(sys.argv[1]))
series = automaton_series(automaton_data(rule, seed=int(sys.argv[1])))
start = time.perf_counter()
result = infer_network(series, InferenceSettings(coupling="ring-mean", baselines=()))
wall = time.perf_counter() - start
auroc = {c.convention: round(c.auroc, 4) for c in score_network(rule.signs, result.consensus.strength).conventions}
print(json.dumps({"wall_s": round(wall, 1), **{k + "_s": round(v, 1) for k, v in result.timings.items()},
                  "act": auroc["activating_vs_rest"], "inh": auroc["inhibiting_vs_rest"]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", required=True, help="OLD_SRC,NEW_SRC")
    parser.add_argument("--rules", type=rule_list, default=[1, 2, 3, 4])
    args = parser.parse_args()
    trees = args.trees.split(",")
    for rule in args.rules:
        for tree in trees:
            env = {**os.environ, "PYTHONPATH": os.path.abspath(tree)}
            done = subprocess.run([sys.executable, "-c", RUN, str(rule)], env=env, capture_output=True, text=True)
            line = done.stdout.strip().splitlines()[-1] if done.returncode == 0 else done.stderr.strip()[-300:]
            print(json.dumps({"tree": tree, "rule": rule, **json.loads(line)}) if done.returncode == 0 else line)


if __name__ == "__main__":
    main()
