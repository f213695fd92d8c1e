"""Wall time of the two 5-seed adaptation sparsification runs of the CLI, with --workers 2 and
in-process, side by side, and what each found.

Run:  python bench/bench_sparsify.py [--seed 0]
Each run is the real command line (a fresh process, compilation included) writing into a
temporary directory. Prints a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

IFFL = "I->g1:+ I->g2:+ g2->g1:-"
NFBL = ("I->g1:+ g1->g2:+ g2->g1:-", "I->g1:+ g1->g2:- g2->g1:+")


def run(args: list[str]) -> tuple[float, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "grnsearch.cli",
                "sparsify",
                "adaptation",
                *args,
                "--out",
                str(out),
                "--quiet",
                "--no-figures",
            ],
            check=True,
        )
        return time.perf_counter() - start, pd.read_csv(out / "paths.csv")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    base = ["--seeds", "5", "--seed", str(args.seed)]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; command: python bench/bench_sparsify.py "
        f"--seed {args.seed}\n"
    )
    print("| command | wall time (s) | sparsest successful network per seed | expected motif |")
    print("|---|---|---|---|")
    for extra, expected in (([], (IFFL,)), (["--block", "I->g2"], NFBL)):
        for where in (["--workers", "2"], []):
            wall, paths = run(base + extra + where)
            hits = sum(t in expected for t in paths["topology"].fillna(""))
            found = "; ".join(f"{s}: {t}" for s, t in zip(paths["seed"], paths["topology"].fillna("none"), strict=True))
            label = shlex.join(["grnsearch", "sparsify", "adaptation", *base, *extra, *where])
            print(f"| `{label}` | {wall:.1f} | {found} | {hits} of {len(paths)} |")


if __name__ == "__main__":
    main()
