"""Ctrl-C at random moments of ``grnsearch train``: clean exits, no crash, nothing that blocks a rerun.

Run:  python bench/bench_interrupt.py [--tries 20] [--seed 0]
Each try starts ``grnsearch train adaptation --seeds 4 --iterations 3000 --out DIR`` in a
subprocess (SIGINT at its default, as for a command started from a terminal), sends SIGINT after
a random delay drawn over the whole run (start-up, compilation, training, writing) and checks
that the command exited 130 with one ``grnsearch: interrupted`` line, no traceback and no
crash, and that DIR may be written again without ``--overwrite`` (it is absent, empty, or holds
a complete run when the signal came after the end). Prints a Markdown summary for RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grnsearch._files import MARKER, check_output_target
from grnsearch.errors import GrnsearchError

COMMAND = ["grnsearch", "train", "adaptation", "--seeds", "4", "--iterations", "3000"]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a background parent may have ignored it


def one_try(out: Path, delay: float) -> dict[str, object]:
    """Run the command, interrupt it after ``delay`` seconds, and classify the outcome."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*COMMAND, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("grnsearch: training")]
    finished = (out / MARKER).is_file()
    try:
        check_output_target(out, "train", overwrite=False)
        rerun_ok = True
    except GrnsearchError:
        rerun_ok = finished  # a complete run is there: a rerun needs --overwrite, as it should
    return {
        "delay": delay,
        "seconds": time.perf_counter() - start,
        "code": proc.returncode,
        "one_line": lines == [] if proc.returncode == 0 else len(lines) == 1 and "interrupted" in lines[0],
        "traceback": "Traceback" in err,
        "crash": proc.returncode < 0 or "Fatal Python error" in err,
        "rerun_ok": rerun_ok,
        "finished": finished,
        "stderr": err[-400:],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--longest", type=float, default=18.0, help="latest interrupt, seconds after start")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="bench-interrupt-"))
    results = []
    for k in range(args.tries):
        out = work / f"run-{k}"
        result = one_try(out, rng.uniform(0.2, args.longest))
        results.append(result)
        print(
            f"try {k}: SIGINT at {result['delay']:.1f} s -> exit {result['code']}, one line {result['one_line']}, "
            f"traceback {result['traceback']}, crash {result['crash']}, rerun possible {result['rerun_ok']}",
            file=sys.stderr,
        )
        if result["crash"] or result["traceback"] or not result["one_line"]:
            print(result["stderr"], file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    clean = [r for r in results if r["code"] == 130 and r["one_line"] and not r["traceback"] and r["rerun_ok"]]
    print(f"\n{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"`{' '.join(COMMAND)} --out DIR`, SIGINT at uniform random 0.2-{args.longest:g} s, seed {args.seed}\n")
    print("| tries | clean exit 130, one line, rerun possible | finished before the signal | tracebacks | crashes |")
    print("|---|---|---|---|---|")
    print(
        f"| {len(results)} | {len(clean)} | {sum(r['finished'] for r in results)} | "
        f"{sum(r['traceback'] for r in results)} | {sum(r['crash'] for r in results)} |"
    )


if __name__ == "__main__":
    main()
