"""Settings objects: every setting of training, link read-out and distribution, each validated in
one place (``validate``) so that public entry points can reject bad settings before any work."""

from __future__ import annotations

import dataclasses
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from grnsearch.errors import GrnsearchError
from grnsearch.network.links import format_link, parse_link

MODELS: tuple[str, ...] = ("mlp", "hill")
ARCHITECTURES: tuple[str, ...] = ("shared", "per-gene")
FREE_STARTS: tuple[str, ...] = ("zero", "uniform")
SOLVERS: tuple[str, ...] = ("euler", "ode")
OPTIMIZERS: tuple[str, ...] = ("rmsprop", "adam")
SCHEDULES: tuple[str, ...] = ("constant", "cosine")
COSINE_FLOOR = 0.1  # a cosine schedule ends at this fraction of the learning rate
INITS: tuple[str, ...] = ("glorot", "normal")
MODES: tuple[str, ...] = ("trajectory", "derivative")


# Upper limits of counts: beyond them a run would not finish or not fit in memory (every model's
# loss history is kept; every seed's model is held at once), so they are refused up front.
MAX_ITERATIONS = 1_000_000
MAX_SEEDS = 1_000_000
MAX_SAMPLES = 1_000_000_000


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def check_positive_int(value: Any, parameter: str, maximum: int | None = None) -> None:
    """GrnsearchError naming ``parameter`` unless ``value`` is a whole number above zero (and at
    most ``maximum``)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise GrnsearchError(f"must be a positive whole number, got {value!r}", parameter=parameter)
    if maximum is not None and value > maximum:
        raise GrnsearchError(
            f"{value:,} is more than this program handles (at most {maximum:,}); use fewer", parameter=parameter
        )


MAX_SEED = 2**32 - 1  # JAX keys hold 32 bits of a seed: larger ones would repeat smaller ones


def check_seed(value: Any, parameter: str = "seed", count: int = 1) -> None:
    """GrnsearchError naming ``parameter`` unless ``value`` .. ``value + count - 1`` are whole
    numbers in [0, MAX_SEED] (JAX's random keys take 32 bits: 2**32 would give seed 0's key)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED - (count - 1):
        top = MAX_SEED - (count - 1)
        why = f" here (the seeds used run up to seed + {count - 1}; JAX keys hold 32 bits)" if count > 1 else ""
        raise GrnsearchError(f"must be a whole number from 0 to {top}{why}, got {value!r}", parameter=parameter)


def check_finite(value: Any, parameter: str, *, minimum: float = 0.0, strict: bool = False) -> None:
    """GrnsearchError naming ``parameter`` unless ``value`` is a finite number >= ``minimum``
    (> with ``strict``)."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or (value <= minimum if strict else value < minimum):
        bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
        raise GrnsearchError(f"must be a finite number {bound}, got {value!r}", parameter=parameter)


def _choice(value: Any, choices: tuple[str, ...], parameter: str, what: str) -> None:
    if value not in choices:
        raise GrnsearchError(f"unknown {what} {value!r}: use one of {', '.join(choices)}", parameter=parameter)


@dataclass(frozen=True)
class TrainConfig:
    """How to train: architecture, initialisation, optimiser, iterations, noise, solver and
    blocked links.

    ``blocked`` holds links as ``(source, target)`` name pairs; they are held at zero in the
    link-scale matrix for the whole training. ``noise`` is the standard deviation of Gaussian
    noise added to f at every Euler step while training (0 = none). ``init = "glorot"`` draws
    Glorot-uniform weights and zero biases; ``"normal"`` draws every weight and bias from a normal
    of standard deviation ``init_std`` truncated at two of them. ``free_start`` is where the genes
    the task leaves free start: ``"zero"`` or ``"uniform"`` in [0, 1). ``schedule`` keeps the
    learning rate ``constant`` or lets it fall along a half ``cosine`` to ``COSINE_FLOOR`` of
    itself over the iterations. ``extra_iterations`` go on training, after ``iterations``, only
    the models that do not yet meet the task's success criterion, each until it does (checked
    between chunks of iterations); the others keep what ``iterations`` gave them.
    """

    model: str = "mlp"
    arch: str = "per-gene"
    hidden: tuple[int, ...] = (16, 16)
    init: str = "glorot"
    init_std: float = 0.1
    free_start: str = "zero"
    optimizer: str = "rmsprop"
    learning_rate: float = 1e-3
    schedule: str = "constant"
    iterations: int = 2000
    extra_iterations: int = 0
    noise: float = 0.0
    solver: str = "euler"
    blocked: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with ``changes`` applied (None values are ignored) and validated."""
        changes = {k: v for k, v in changes.items() if v is not None}
        if "blocked" in changes:
            changes["blocked"] = tuple(tuple(link) for link in changes["blocked"])
        if "hidden" in changes:
            changes["hidden"] = tuple(int(h) for h in changes["hidden"])
        new = dataclasses.replace(self, **changes)
        new.validate()
        if "init_std" in changes and new.init != "normal":
            # Glorot-uniform has no standard deviation to set: refuse rather than record an unused value
            raise GrnsearchError(
                f"applies only to the normal initialisation, but init is {new.init!r}; add `init` normal or drop it",
                parameter="init_std",
            )
        return new

    def validate(self) -> None:
        """Raise GrnsearchError naming the first setting that cannot work."""
        _choice(self.model, MODELS, "model", "model class")
        _choice(self.arch, ARCHITECTURES, "arch", "architecture")
        _choice(self.init, INITS, "init", "initialisation")
        check_finite(self.init_std, "init_std", strict=True)
        _choice(self.free_start, FREE_STARTS, "free_start", "free start")
        _choice(self.optimizer, OPTIMIZERS, "optimizer", "optimizer")
        _choice(self.schedule, SCHEDULES, "schedule", "learning-rate schedule")
        _choice(self.solver, SOLVERS, "solver", "solver")
        check_positive_int(self.iterations, "iterations", MAX_ITERATIONS)
        if self.extra_iterations != 0:
            check_positive_int(self.extra_iterations, "extra_iterations", MAX_ITERATIONS)
        check_finite(self.learning_rate, "learning_rate", strict=True)
        check_finite(self.noise, "noise")
        if self.noise > 0 and self.solver == "ode":
            raise GrnsearchError(
                "noise on f needs the euler solver; drop the noise or use solver euler", parameter="noise"
            )
        repeated = [link for k, link in enumerate(self.blocked) if link in self.blocked[:k]]
        if repeated:
            raise GrnsearchError(f"link {format_link(*repeated[0])} is given more than once", parameter="blocked")
        # no hidden layer is allowed: f is then a logistic function of a weighted sum of the
        # sources, the gene circuit's form, whose weights data of few conditions can identify
        if any(h <= 0 for h in self.hidden):
            raise GrnsearchError(f"hidden layer sizes must be positive, got {self.hidden!r}", parameter="hidden")

    @property
    def weight_std(self) -> float | None:
        """The normal initialisation's standard deviation, or None for Glorot-uniform."""
        return self.init_std if self.init == "normal" else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (links as ``SRC->TGT`` strings)."""
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        d["blocked"] = [format_link(s, t) for s, t in self.blocked]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        unknown = sorted(set(d) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise GrnsearchError(f"unknown setting {unknown[0]!r}", parameter="config")
        hidden, blocked = d.get("hidden", [16, 16]), d.get("blocked", [])
        if not isinstance(hidden, list) or not all(isinstance(h, int) and not isinstance(h, bool) for h in hidden):
            raise GrnsearchError(f"must be a list of layer sizes, got {hidden!r}", parameter="hidden")
        if not isinstance(blocked, list) or not all(isinstance(link, str) for link in blocked):
            raise GrnsearchError(f"must be a list of SRC->TGT links, got {blocked!r}", parameter="blocked")
        d["hidden"] = tuple(hidden)
        d["blocked"] = tuple(parse_link(s, parameter="blocked") for s in blocked)
        return cls(**d)


AUTO = "auto"


@dataclass(frozen=True)
class ReadoutSettings:
    """How a signed network is read out of trained models by link mutation.

    ``lam`` scales a link's source for its target (0 = knockout, near 1 = knockdown derivative);
    ``mode`` is ``"trajectory"`` (simulate the mutant) or ``"derivative"`` (compare f along the
    wild type); ``cutoff`` is the |strength| at or below which a link is absent, or ``"auto"``.
    """

    lam: float = 0.9
    mode: str = "trajectory"
    cutoff: float | str = AUTO

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise GrnsearchError naming the first setting that cannot work."""
        if not isinstance(self.lam, (int, float)) or not 0.0 <= self.lam < 1.0:
            raise GrnsearchError(
                f"{self.lam} is outside [0, 1): use 0 for a knockout or e.g. 0.9 for a knockdown", parameter="lam"
            )
        _choice(self.mode, MODES, "mode", "mutation mode")
        if self.cutoff != AUTO and not (isinstance(self.cutoff, (int, float)) and self.cutoff >= 0):
            raise GrnsearchError(f"{self.cutoff!r}: give a non-negative number or 'auto'", parameter="cutoff")


_HOST = r"(\[[0-9a-fA-F:.]+\]|[^\s/:\[\]]+)"
_SCHEDULER = re.compile(rf"(tcp|tls|inproc|ucx|ws|wss)://{_HOST}(:\d{{1,5}})?/?|{_HOST}:\d{{1,5}}")


@dataclass(frozen=True)
class Distribution:
    """Where independent jobs run: in-process (default), on ``workers`` local Dask processes, or
    on the existing Dask cluster at ``scheduler`` (``tcp://host:port``)."""

    workers: int | None = None
    scheduler: str | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise GrnsearchError naming the first setting that cannot work."""
        if self.workers is not None and self.scheduler is not None:
            raise GrnsearchError("give either workers or scheduler, not both", parameter="workers")
        if self.workers is not None:
            check_positive_int(self.workers, "workers")
            cores = available_cores()
            if self.workers > cores:
                raise GrnsearchError(
                    f"{self.workers} local worker processes on a machine with {cores} usable core(s); use at "
                    f"most {cores}, or give the `scheduler` of a cluster that has more",
                    parameter="workers",
                )
        if self.scheduler is not None and not _SCHEDULER.fullmatch(str(self.scheduler)):
            raise GrnsearchError(
                f"cannot read scheduler address {self.scheduler!r}: write PROTOCOL://HOST:PORT, e.g. "
                "tcp://127.0.0.1:8786",
                parameter="scheduler",
            )

    @property
    def in_process(self) -> bool:
        """True when jobs run one after another in this process."""
        return self.workers is None and self.scheduler is None

    def describe(self) -> str:
        """Where jobs run, in words."""
        if self.scheduler:
            return f"on {self.scheduler}"
        return f"on {self.workers} local workers" if self.workers else "in-process"
