"""Settings objects: every setting of training, link read-out and distribution, each validated in
one place (``validate``) so that public entry points can reject bad settings before any work."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any

from grnsearch.errors import GrnsearchError
from grnsearch.network.links import format_link, parse_link

ARCHITECTURES: tuple[str, ...] = ("shared", "per-gene")
FREE_STARTS: tuple[str, ...] = ("zero", "uniform")
SOLVERS: tuple[str, ...] = ("euler", "ode")
OPTIMIZERS: tuple[str, ...] = ("rmsprop", "adam")
INITS: tuple[str, ...] = ("glorot", "normal")
MODES: tuple[str, ...] = ("trajectory", "derivative")


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def check_positive_int(value: Any, parameter: str) -> None:
    """GrnsearchError naming ``parameter`` unless ``value`` is a whole number above zero."""
    if not isinstance(value, int) or value <= 0:
        raise GrnsearchError(f"must be a positive whole number, got {value!r}", parameter=parameter)


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
    the task leaves free start: ``"zero"`` or ``"uniform"`` in [0, 1).
    """

    arch: str = "per-gene"
    hidden: tuple[int, ...] = (16, 16)
    init: str = "glorot"
    init_std: float = 0.1
    free_start: str = "zero"
    optimizer: str = "rmsprop"
    learning_rate: float = 1e-3
    iterations: int = 2000
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
        return new

    def validate(self) -> None:
        """Raise GrnsearchError naming the first setting that cannot work."""
        _choice(self.arch, ARCHITECTURES, "arch", "architecture")
        _choice(self.init, INITS, "init", "initialisation")
        if not self.init_std > 0:
            raise GrnsearchError(f"must be positive, got {self.init_std!r}", parameter="init_std")
        _choice(self.free_start, FREE_STARTS, "free_start", "free start")
        _choice(self.optimizer, OPTIMIZERS, "optimizer", "optimizer")
        _choice(self.solver, SOLVERS, "solver", "solver")
        check_positive_int(self.iterations, "iterations")
        if not self.learning_rate > 0:
            raise GrnsearchError(f"must be positive, got {self.learning_rate!r}", parameter="learning_rate")
        if not self.noise >= 0:
            raise GrnsearchError(f"must be zero or positive, got {self.noise!r}", parameter="noise")
        if self.noise > 0 and self.solver == "ode":
            raise GrnsearchError(
                "noise on f needs the euler solver; drop the noise or use solver euler", parameter="noise"
            )
        if not self.hidden or any(h <= 0 for h in self.hidden):
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
        d["hidden"] = tuple(d.get("hidden", (16, 16)))
        d["blocked"] = tuple(parse_link(s) for s in d.get("blocked", ()))
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

    @property
    def in_process(self) -> bool:
        """True when jobs run one after another in this process."""
        return self.workers is None and self.scheduler is None

    def describe(self) -> str:
        """Where jobs run, in words."""
        if self.scheduler:
            return f"on {self.scheduler}"
        return f"on {self.workers} local workers" if self.workers else "in-process"
