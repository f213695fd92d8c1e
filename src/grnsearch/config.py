"""Training configuration: every setting of a training run, resolved and validated in one place."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from grnsearch.errors import GrnsearchError
from grnsearch.model import ARCHITECTURES, FREE_STARTS
from grnsearch.simulate import SOLVERS

OPTIMIZERS: tuple[str, ...] = ("rmsprop", "adam")
INITS: tuple[str, ...] = ("glorot", "normal")


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
        if self.arch not in ARCHITECTURES:
            raise GrnsearchError(f"unknown architecture {self.arch!r}: use one of {', '.join(ARCHITECTURES)}")
        if self.init not in INITS:
            raise GrnsearchError(f"unknown initialisation {self.init!r}: use one of {', '.join(INITS)}")
        if not self.init_std > 0:
            raise GrnsearchError(f"init_std must be positive, got {self.init_std!r}")
        if self.free_start not in FREE_STARTS:
            raise GrnsearchError(f"unknown free_start {self.free_start!r}: use one of {', '.join(FREE_STARTS)}")
        if self.optimizer not in OPTIMIZERS:
            raise GrnsearchError(f"unknown optimizer {self.optimizer!r}: use one of {', '.join(OPTIMIZERS)}")
        if self.solver not in SOLVERS:
            raise GrnsearchError(f"unknown solver {self.solver!r}: use one of {', '.join(SOLVERS)}")
        if not isinstance(self.iterations, int) or self.iterations <= 0:
            raise GrnsearchError(f"iterations must be a positive whole number, got {self.iterations!r}")
        if not self.learning_rate > 0:
            raise GrnsearchError(f"learning rate must be positive, got {self.learning_rate!r}")
        if not self.noise >= 0:
            raise GrnsearchError(f"noise must be zero or positive, got {self.noise!r}")
        if self.noise > 0 and self.solver == "ode":
            raise GrnsearchError("noise on f needs the euler solver; drop the noise or use --solver euler")
        if not self.hidden or any(h <= 0 for h in self.hidden):
            raise GrnsearchError(f"hidden layer sizes must be positive, got {self.hidden!r}")

    @property
    def weight_std(self) -> float | None:
        """The normal initialisation's standard deviation, or None for Glorot-uniform."""
        return self.init_std if self.init == "normal" else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (links as ``SRC->TGT`` strings)."""
        d = dataclasses.asdict(self)
        d["hidden"] = list(self.hidden)
        d["blocked"] = [f"{s}->{t}" for s, t in self.blocked]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        d["hidden"] = tuple(d.get("hidden", (16, 16)))
        d["blocked"] = tuple(parse_link(s) for s in d.get("blocked", ()))
        return cls(**d)


def parse_link(text: str) -> tuple[str, str]:
    """``"SRC->TGT"`` -> ``("SRC", "TGT")``; raises GrnsearchError on any other shape."""
    parts = text.split("->")
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        hint = ""
        if text.endswith("-"):
            # the shell took '>' as an output redirection
            hint = "; quote it on the command line, e.g. --block 'I->g2', or the shell reads '>' as a redirection"
        raise GrnsearchError(f"cannot read link {text!r}: write it as SRC->TGT, for example I->g2{hint}")
    return parts[0].strip(), parts[1].strip()
