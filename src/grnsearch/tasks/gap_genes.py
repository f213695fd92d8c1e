"""Gap genes (the paper's Fig. 5): hb, Kr, kni and gt reach the measured FlyEX pattern from zero.

The task is the file ``data/gap-genes.toml``; its targets are the FlyEX frame shipped in
``data/`` (read as a table of that file), its ``references = "gap-genes"`` names the reference
networks built here (:func:`reference_networks`), which cannot be stated as data yet: the
authors' RNN consensus and the gene-circuit weights are cut to signed networks by rules. This
module also keeps the checked reader of the FlyEX frame and the maternal gradients as functions.

The task in words: inputs Bcd and Tor, static maternal gradients; genes hb, Kr, kni, gt, all
starting at 0. Each of the 91 positions x = 0.05, 0.06, ..., 0.95 runs the same model without
coupling, under Bcd(x) = exp(-x/0.2) and Tor(x) = exp(-x/0.05) + exp(-(1-x)/0.05), for 30 Euler
steps of dt 0.1. Only the final state is scored, against the FlyEX cycle-14 T7 frame (its
SOURCE.md gives the provenance; tll, the fifth column, is not used).

The authors' settings (their training script; METHOD.md section 2): one shared 32-32 MLP, weights
and biases drawn from a normal of std 0.1 truncated at two std, Adam lr 1e-3, 4000 iterations,
noise of std 0.05 on f at every step and position while training. We keep all of them but the
iterations, 10000 instead of 4000: many runs sit for thousands of iterations on a plateau of MSE
about 0.005 (the anterior hb dip not yet formed: it needs Tor's repression of hb) and then leave
it. Of seeds 0-49, 37 converge with 4000 iterations, 45 with 8000 and 47 with 10000; of seeds
100-149, 49 with 8000 (bench/RESULTS.md). The authors' own run 1 trained for 7900
steps. ``--iterations 4000`` gives their setting. Their loss is the square root
of the mean squared error over the 91 x 4 final values, and so is ours (``loss_reduction``
"mean"): with Adam the factor sqrt(364) between sqrt(SSE) and sqrt(MSE) would change little but
the step-size epsilon, and the mean keeps our loss on their scale. Their noise is truncated at two
std; ours is plain Gaussian. Their reported error includes that noise; our ``mse`` metric is the
final pattern's mean squared error without noise.

Success criterion (the authors' rule for keeping a run): final ``mse`` below 0.0015.

Link mutation: a knockout on the authors' 64-point grid x in [0, 1] (their read-out positions,
not the training ones), without noise; strength = -sum over x of (mutant - wild type) of the
target's final level (positive = activation).
"""

from __future__ import annotations

import csv
import functools
from importlib import resources
from pathlib import Path

import numpy as np

from grnsearch.errors import GrnsearchError
from grnsearch.network.reference import ReferenceNetwork

GENES = ("hb", "Kr", "kni", "gt")
DATA_FILE = "FlyEX_nc14T7_gap-genes.csv"
DATA_COLUMNS = ("hb", "Kr", "kni", "gt", "tll")
N_POSITIONS = 91
RNN_CONSENSUS_FILE = "shen2021_fig5_rnn_consensus.csv"
GENE_CIRCUIT_FILE = "gap_network_gene_circuit_hkgn58.csv"
# the references' node names -> ours; Shen's "tsl" is their synthetic terminal input (our Tor), the
# gene circuit's Tll a measured terminal gene compared with it (data SOURCE.md); Cad is not modelled
REFERENCE_NAMES = {"hb": "hb", "Kr": "Kr", "kni": "kni", "gt": "gt", "bcd": "Bcd", "tsl": "Tor", "tll": "Tor"}
ROBUST_RUNS = 6  # of the authors' 7 kept runs: a link of their consensus is robust at this many
CIRCUIT_THRESHOLD = 0.005  # |weight| below which the gene circuit's link counts as absent


def training_positions() -> np.ndarray:
    """The 91 positions of the FlyEX frame, x = 0.05..0.95 (fraction of egg length)."""
    return np.linspace(0.05, 0.95, N_POSITIONS)


def maternal_inputs(x: np.ndarray) -> np.ndarray:
    """Bcd(x) = exp(-x/0.2) and Tor(x) = exp(-x/0.05) + exp(-(1-x)/0.05): (len(x), 2) float32."""
    x = np.asarray(x, dtype=np.float64)
    bcd = np.exp(-x / 0.2)
    tor = np.exp(-x / 0.05) + np.exp(-(1.0 - x) / 0.05)
    return np.stack([bcd, tor], axis=-1).astype(np.float32)


def load_flyex(path: str | Path | None = None) -> np.ndarray:
    """The FlyEX frame (91 positions, hb, Kr, kni, gt) from ``path`` (default: the file shipped
    with the package); GrnsearchError naming the file if it is missing, not numeric, not 91 rows
    of the 5 columns hb, Kr, kni, gt, tll, or holds NaN or infinite values."""
    source = resources.files("grnsearch.tasks") / "data" / DATA_FILE if path is None else Path(path)
    fix = "restore it from the grnsearch package or its source (shared/data/flyex_gap_genes_shen2021/)"
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise GrnsearchError(f"cannot read the gap-gene data file {source}: {err}; {fix}") from None
    rows = [line.split(",") for line in text.splitlines() if line.strip()]
    try:
        values = np.asarray([[float(cell) for cell in row] for row in rows], dtype=np.float64)
    except ValueError:
        raise GrnsearchError(f"gap-gene data file {source} holds a cell that is not a number; {fix}") from None
    expected = (N_POSITIONS, len(DATA_COLUMNS))
    if values.ndim != 2 or values.shape != expected:
        shape = f"{len(rows)} rows of {sorted({len(r) for r in rows})} columns"
        raise GrnsearchError(
            f"gap-gene data file {source} has {shape}, expected {expected[0]} rows of the {expected[1]} "
            f"columns {', '.join(DATA_COLUMNS)}; {fix}"
        )
    if not np.all(np.isfinite(values)):
        bad = sorted({DATA_COLUMNS[j] for j in np.nonzero(~np.isfinite(values))[1]})
        raise GrnsearchError(f"gap-gene data file {source} holds NaN or infinite values (columns {bad}); {fix}")
    return values[:, : len(GENES)].astype(np.float32)


def _shipped_rows(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a reference table shipped in ``data/``; GrnsearchError naming it if it cannot be
    read or lacks ``columns``."""
    source = resources.files("grnsearch.tasks") / "data" / name
    fix = "restore it from the grnsearch package or its source (see data/SOURCE.md)"
    try:
        rows = list(csv.DictReader(source.read_text(encoding="utf-8").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise GrnsearchError(f"cannot read the reference file {source}: {err}; {fix}") from None
    if not rows or any(c not in rows[0] for c in columns):
        raise GrnsearchError(f"reference file {source} lacks the columns {', '.join(columns)}; {fix}")
    return rows


def _number(row: dict[str, str], column: str, name: str) -> float:
    try:
        return float(row[column])
    except (TypeError, ValueError):
        raise GrnsearchError(
            f"reference file {name}: {column} {row.get(column)!r} is not a number; restore the file"
        ) from None


@functools.lru_cache(maxsize=1)
def reference_networks() -> tuple[ReferenceNetwork, ...]:
    """The two networks of Fig. 5 that a gap-gene consensus is compared with (data/SOURCE.md): the
    authors' RNN consensus over their 7 kept runs (its robust links, where at least 6 agree) and
    the gene circuit fitted to FlyEX time series (sign where |weight| >= 0.005, else absent;
    Cad, not modelled here, left out)."""
    rnn = []
    for row in _shipped_rows(RNN_CONSENSUS_FILE, ("regulator", "target", "n_positive", "n_negative")):
        pos, neg = (_number(row, c, RNN_CONSENSUS_FILE) for c in ("n_positive", "n_negative"))
        if max(pos, neg) >= ROBUST_RUNS:
            rnn.append((REFERENCE_NAMES[row["regulator"]], REFERENCE_NAMES[row["target"]], 1 if pos > neg else -1))
    circuit = []
    for row in _shipped_rows(GENE_CIRCUIT_FILE, ("regulator", "target", "weight")):
        if row["regulator"] in REFERENCE_NAMES:
            weight = _number(row, "weight", GENE_CIRCUIT_FILE)
            sign = int(np.sign(weight)) if abs(weight) >= CIRCUIT_THRESHOLD else 0
            circuit.append((REFERENCE_NAMES[row["regulator"]], REFERENCE_NAMES[row["target"]], sign))
    return (
        ReferenceNetwork(
            "shen2021_rnn",
            "the authors' RNN consensus (Fig. 5c): links where at least 6 of their 7 kept runs agree in sign",
            tuple(rnn),
            compare="majority",
        ),
        ReferenceNetwork(
            "gene_circuit",
            "the gene circuit fitted to FlyEX time series (hkgn58, Jaeger et al. 2004 data): sign where "
            "|weight| >= 0.005, else absent; its Tll is compared with our Tor; our sign where at least "
            "6 of 7 runs agree",
            tuple(circuit),
            compare="robust",
        ),
    )


@functools.lru_cache(maxsize=1)
def flyex_pattern() -> np.ndarray:
    """The shipped FlyEX frame, (91, 4), read and checked once."""
    pattern = load_flyex()
    pattern.setflags(write=False)
    return pattern
