"""Reference networks: signed networks from elsewhere (literature, other models, other fits) that a
consensus of trained runs is compared with, link by link (:mod:`grnsearch.readout.consensus`)."""

from __future__ import annotations

from dataclasses import dataclass

COMPARED_SIGNS = ("majority", "robust")


@dataclass(frozen=True)
class ReferenceNetwork:
    """A signed network to compare a consensus with.

    ``signs`` maps (source, target) to +1, -1 or 0 for every link the reference makes a statement
    about (0: the reference says the link is absent); other links are not compared. ``compare``
    names which of our signs is set beside it: ``majority`` (the consensus sign) or ``robust``
    (the sign only where the runs agree robustly, else 0, for references that also mark weak links
    as absent).
    """

    name: str
    description: str
    signs: tuple[tuple[str, str, int], ...]
    compare: str = "majority"

    def __post_init__(self) -> None:
        if self.compare not in COMPARED_SIGNS:
            raise ValueError(f"compare must be one of {COMPARED_SIGNS}")
        if any(s not in (-1, 0, 1) for _, _, s in self.signs):
            raise ValueError(f"reference {self.name}: signs must be -1, 0 or +1")

    def sign_of(self) -> dict[tuple[str, str], int]:
        """The reference's sign per link it states."""
        return {(src, tgt): s for src, tgt, s in self.signs}
