"""The three-node adaptation atlas after Ma et al. 2009: every topology of the space searched.

Run:  python bench/bench_atlas.py [--samples 10000] [--seed 0] [--out DIR] [--from DIR]
1. ``grnsearch search adaptation-atlas --samples N --seed S --out DIR`` in a fresh process
   (start-up, compilation and writing included), timed; ``--from DIR`` skips it and reads a
   finished search.
2. Adaptive topologies: at least 2 sets pass (the task's rule), by the Euler screen and, the
   headline, on the exact solution (the sets passing both).
3. Minimal adaptive topologies: adaptive, and no single link (other than the fixed I->A) can be
   removed while staying adaptive; "strictly minimal": no adaptive topology has a proper subset of
   its signed links. Grouped into families by their adaptive cores: the negative loops through C
   (e.g. C->B->C) and the incoherent pairs of paths from A to C (e.g. A->C against A->B->C).
4. Whether Ma et al.'s core motifs are adaptive and minimal: NFBLB (A->C, C->B, B-|C) and IFFLP
   (A->C, A->B, B-|C), and which minimal topologies lie in their families.
5. With ``--rnn DIR`` (``grnsearch sparsify adaptation-atlas --protect-inputs --out DIR``): the
   RNN's sparsified networks, read into the space as ``compare --switching`` does, their families
   and their sets in the search.
6. The figure bench/figures/atlas.png: every topology by link count and passing sets, adaptive
   ones marked, minimal ones ringed, the two motifs labelled, the RNN's networks starred.
Prints Markdown for RESULTS.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from grnsearch.tasks.atlas import IFFLP, NFBLB  # noqa: E402

FIGURE = Path(__file__).resolve().parent / "figures" / "atlas.png"
NODES = ("A", "B", "C")


def run_search(samples: int, seed: int, out: Path) -> float:
    command = ["search", "adaptation-atlas", "--samples", str(samples), "--seed", str(seed), "--out", str(out)]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grnsearch.cli", *command, "--quiet"], check=True)
    return time.perf_counter() - start


def links_of(key: str) -> frozenset[tuple[str, str, int]]:
    """Signed links of a key, the fixed I->A left out."""
    found = set()
    for token in key.split():
        edge, sign = token.rsplit(":", 1)
        src, tgt = edge.split("->")
        if src != "I":
            found.add((src, tgt, 1 if sign == "+" else -1))
    return frozenset(found)


def minimal(adaptive: set[frozenset]) -> tuple[set[frozenset], set[frozenset]]:
    """(one-link minimal, strictly minimal) among the adaptive link sets."""
    one_link = {t for t in adaptive if not any(t - {link} in adaptive for link in t)}
    strict = {t for t in adaptive if not any(o < t for o in adaptive)}
    return one_link, strict


def _sign(path: list[tuple[str, str, int]]) -> int:
    return int(np.prod([s for _, _, s in path]))


def loops_and_paths(links: frozenset) -> list[str]:
    """Negative loops through C and incoherent pairs of A-to-C paths, e.g. 'NFB C->B->C' or
    'IFF A->C / A->B->C'."""
    edges = {(s, t): v for s, t, v in links}
    features = []
    for length in (1, 2, 3):
        for cycle in itertools.permutations(NODES, length):
            if cycle[0] != "C":
                continue
            hops = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
            if all(h in edges for h in hops) and _sign([(a, b, edges[(a, b)]) for a, b in hops]) < 0:
                features.append("NFB " + "->".join([*cycle, "C"]))
    paths = [["A", "C"], ["A", "B", "C"]]
    signs = [
        _sign([(a, b, edges[(a, b)]) for a, b in zip(p, p[1:], strict=False)])
        for p in paths
        if all((a, b) in edges for a, b in zip(p, p[1:], strict=False))
    ]
    if len(signs) == 2 and signs[0] != signs[1]:
        features.append("IFF A->C / A->B->C")
    return features


def family(links: frozenset) -> str:
    """The family of a topology by the adaptive cores it contains: an incoherent feed-forward loop
    through B (IFFLP-like: A->C against A->B->C), a negative feedback loop through C and B
    (NFBLB-like: C->B->C, C->A->B->C or C->B->A->C), a negative loop through C without B (C->C,
    C->A->C); 'none' if it has none of them."""
    features = loops_and_paths(links)
    names = []
    if any(f.startswith("IFF") for f in features):
        names.append("IFFL via B")
    if any(f.startswith("NFB") and "B" in f for f in features):
        names.append("NFB loop via B")
    if any(f.startswith("NFB") and "B" not in f for f in features):
        names.append("NFB loop without B")
    return " + ".join(names) if names else "none"


def key_of(links: frozenset) -> str:
    order = {n: i for i, n in enumerate(("I", *NODES))}
    items = sorted(links, key=lambda e: (order[e[0]], order[e[1]]))
    return " ".join(["I->A:+", *(f"{s}->{t}:{'+' if v > 0 else '-'}" for s, t, v in items)])


def report(table: pd.DataFrame, column: str, label: str) -> set[frozenset]:
    counts = table.set_index("topology")[column.replace("succeeds", "successful_sets").replace("_exactly", "")]
    wins = table[table[column]]
    adaptive = {links_of(k) for k in wins["topology"]}
    one_link, strict = minimal(adaptive)
    by_links = wins["n_links"].sub(1).value_counts().sort_index()
    print(f"\n### {label}\n")
    print(
        f"adaptive topologies: {len(wins)} of {len(table)}; by links among A, B, C: "
        + ", ".join(f"{k}: {v}" for k, v in by_links.items())
    )
    print(
        f"minimal (no single link removable): {len(one_link)}; strictly minimal (no adaptive subset): {len(strict)}\n"
    )
    print("| minimal topology | links | sets | family | its loops and paths | strictly minimal |")
    print("|---|---|---|---|---|---|")
    for links in sorted(one_link, key=lambda t: (len(t), key_of(t))):
        key = key_of(links)
        cores = ", ".join(loops_and_paths(links)) or "-"
        strictly = "yes" if links in strict else "no"
        print(f"| `{key}` | {len(links)} | {counts[key]} | {family(links)} | {cores} | {strictly} |")
    families = pd.Series([family(t) for t in one_link]).value_counts()
    print("\nfamilies of the minimal topologies: " + "; ".join(f"{name}: {n}" for name, n in families.items()))
    for name, key in (("NFBLB", NFBLB), ("IFFLP", IFFLP)):
        links = links_of(key)
        state = "minimal" if links in one_link else ("adaptive, not minimal" if links in adaptive else "not adaptive")
        print(f"- {name} `{key}`: {counts[key]} sets, {state}")
        kin = [key_of(t) for t in one_link if links <= t]
        print(f"  minimal topologies containing its links: {len(kin)}")
    return one_link


def rnn_networks(sparsify_dir: Path, table: pd.DataFrame, one_link: set[frozenset]) -> list[str]:
    """The RNN's sparsified networks (each path's sparsest successful one), read into the atlas's
    space as ``compare --switching`` does (A and B may be read as their complements; C is the
    output), with their family and what the search says of them; returns their keys in the space."""
    # deferred imports: only this section reads topologies through the package
    from grnsearch import tasks
    from grnsearch.hillsearch.space import task_space
    from grnsearch.network.topology import Topology
    from grnsearch.workflows.compare import in_space_form

    task = tasks.get("adaptation-atlas")
    space = task_space(task)
    paths = pd.read_csv(sparsify_dir / "paths.csv", keep_default_na=False)
    rows = table.set_index("topology")
    exact_successes = set(table.loc[table["succeeds_exactly"], "topology"])  # as compare --verdict exact
    print(f"\n### The RNN's sparsified networks ({sparsify_dir})\n")
    print("| seed | sparsest successful network | in the space as | links | family | Euler sets | exact sets |"
          " adaptive (exact) | minimal |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    keys = []
    for seed, key in zip(paths["seed"], paths["topology"], strict=True):
        if not str(key).strip():
            print(f"| {seed} | no successful step | | | | | | | |")
            continue
        found = Topology.from_key(key, task.sources, task.genes)
        inside = in_space_form(found, space, ("A", "B"), exact_successes)
        if inside is None:
            print(f"| {seed} | `{key}` | outside | {found.n_links - 1} | {family(links_of(key))} | | | | |")
            continue
        k = inside.key()
        keys.append(k)
        row = rows.loc[k]
        links = links_of(k)
        print(f"| {seed} | `{key}` | `{k}` | {len(links)} | {family(links)} | {row['successful_sets']} | "
              f"{row['exact_sets']} | {'yes' if row['succeeds_exactly'] else 'no'} | "
              f"{'yes' if links in one_link else 'no'} |")  # fmt: skip
    return keys


def figure(table: pd.DataFrame, one_link: set[frozenset], rnn: list[str]) -> None:
    rng = np.random.default_rng(0)
    x = table["n_links"].to_numpy() - 1 + rng.uniform(-0.3, 0.3, len(table))
    y = table["successful_sets"].to_numpy() + rng.uniform(0, 0.8, len(table))
    adaptive = table["succeeds_exactly"].to_numpy()
    is_min = np.array([links_of(k) in one_link for k in table["topology"]])
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.scatter(x[~adaptive], y[~adaptive], s=2, c="0.75", label="not adaptive", rasterized=True)
    ax.scatter(x[adaptive], y[adaptive], s=10, c="tab:red", label="adaptive (>= 2 sets, exact solution)")
    ax.scatter(x[is_min], y[is_min], s=60, facecolors="none", edgecolors="k", label="minimal adaptive")
    if rnn:
        found = table["topology"].isin(rnn).to_numpy()
        seeds = len(rnn)
        ax.scatter(x[found], y[found], s=160, marker="*", c="tab:blue", edgecolors="k", linewidths=0.5, zorder=3,
                   label=f"RNN's sparsified networks ({seeds} paths, {int(found.sum())} topologies)")  # fmt: skip
    for name, key in (("NFBLB", NFBLB), ("IFFLP", IFFLP)):
        row = table.index[table["topology"] == key][0]
        ax.annotate(name, (x[row], y[row]), xytext=(8, 8), textcoords="offset points", fontsize=9)
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlabel("links among A, B, C")
    ax.set_ylabel("sets passing the Euler screen (of the samples)")
    ax.set_title("Three-node adaptation atlas: every topology in which I reaches C")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    FIGURE.parent.mkdir(exist_ok=True)
    fig.savefig(FIGURE, dpi=150, bbox_inches="tight")
    fig.savefig(FIGURE.with_suffix(".svg"), bbox_inches="tight")


def deep(samples: int, seed: int, rnn: list[str]) -> None:
    """The motifs and their buffered variants with many more sets: Euler and exact passing sets."""
    # deferred imports: only this section runs the screen in this process
    import jax

    from grnsearch import tasks
    from grnsearch.hillsearch import exact, screen, space
    from grnsearch.network.topology import Topology

    task = tasks.get("adaptation-atlas")
    spec = space.task_screen(task)
    variants = {
        "NFBLB": NFBLB,
        "NFBLB, B activates itself": NFBLB + " B->B:+",
        "IFFLP": IFFLP,
        "IFFLP, B activates itself": IFFLP + " B->B:+",
    }
    others = [key for key in dict.fromkeys(rnn) if key not in variants.values()]
    variants |= {f"RNN's network {k + 1}": key for k, key in enumerate(others)}
    print(f"\n| motif | topology | Euler sets of {samples:,} | exact sets |\n|---|---|---|---|")
    for name, key in variants.items():
        signs = Topology.from_key(key, task.sources, task.genes).signs
        K, b = screen.passing_sets(signs, jax.random.PRNGKey(seed), samples, spec)
        passed = int(exact.exact_screen_sets(signs, K, b, spec).sum())
        print(f"| {name} | `{key}` | {len(K)} | {passed} |")


def jaccard(one: pd.DataFrame, other: pd.DataFrame, column: str) -> float:
    a, b = set(one.loc[one[column], "topology"]), set(other.loc[other[column], "topology"])
    return len(a & b) / max(1, len(a | b))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="keep the search directory here")
    parser.add_argument("--from", dest="source", type=Path, default=None, help="read a finished search")
    parser.add_argument("--compare", type=Path, default=None, help="a finished search of another seed")
    parser.add_argument("--deep", type=int, default=0, help="sets for the motifs' closer look (0: skip)")
    parser.add_argument("--rnn", type=Path, default=None, help="a finished 'grnsearch sparsify adaptation-atlas'")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start\n")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.source or args.out or Path(tmp) / "atlas"
        if args.source is None:
            wall = run_search(args.samples, args.seed, out)
            print(
                f"`grnsearch search adaptation-atlas --samples {args.samples} --seed {args.seed}`: {wall:.1f} s wall, "
                f"load average {os.getloadavg()[0]:.1f} at the end"
            )
        table = pd.read_csv(out / "search.csv")
    print(f"topologies searched: {len(table)}")
    report(table, "succeeds", "Euler screen (>= 2 sets)")
    one_link = report(table, "succeeds_exactly", "Exact solution (>= 2 sets passing both)")
    rnn = rnn_networks(args.rnn, table, one_link) if args.rnn is not None else []
    figure(table, one_link, rnn)
    if args.compare is not None:
        other = pd.read_csv(args.compare / "search.csv")
        print(
            f"\nanother seed ({args.compare}): {int(other['succeeds'].sum())} adaptive by Euler, "
            f"{int(other['succeeds_exactly'].sum())} exactly; Jaccard with this search: "
            f"{jaccard(table, other, 'succeeds'):.2f} (Euler), {jaccard(table, other, 'succeeds_exactly'):.2f} (exact)"
        )
    if args.deep:
        deep(args.deep, args.seed + 1000, rnn)
    print(f"\nfigure: {FIGURE.relative_to(Path(__file__).resolve().parents[1])}")


if __name__ == "__main__":
    main()
