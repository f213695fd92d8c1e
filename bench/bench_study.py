"""Wall time of the 200-run oscillation study through the CLI, with --workers 2 and in-process.

Run:  python bench/bench_study.py [--seeds 200]
Each run is a fresh process (start-up and compilation included). Prints a Markdown table for
RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from grnsearch.network.topology import Topology


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=200)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; command: python bench/bench_study.py "
        f"--seeds {args.seeds}\n"
    )
    print(
        "| command | wall time (s) | converged | with g1-g2 negative feedback | distinct topologies | top 30% cover |"
    )
    print("|---|---|---|---|---|---|")
    for where in (["--workers", "2"], []):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "study"
            command = ["grnsearch", "study", "oscillation", "--seeds", str(args.seeds), *where]
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "grnsearch.cli", *command[1:], "--out", str(out), "--quiet"], check=True
            )
            wall = time.perf_counter() - start
            summary = json.loads((out / "summary.json").read_text())
            table = pd.read_csv(out / "study.csv")
            converged = table[table["converged"]]
            sources, genes = ("I1", "I2", "g1", "g2"), ("g1", "g2")
            feedback = sum(
                int(t.signs[2, 1]) * int(t.signs[3, 0]) < 0
                for t in (Topology.from_key(k, sources, genes) for k in converged["topology"])
            )
            print(
                f"| `{shlex.join(command)}` | {wall:.1f} | {summary['converged']} of {summary['runs']} | "
                f"{feedback} of {len(converged)} | {summary['distinct_topologies']} | "
                f"{100 * summary['runs_covered_by_top']:.1f}% |"
            )


if __name__ == "__main__":
    main()
