"""Names for the three-node adaptation atlas after Ma et al. 2009 (Cell 138:760), whose task,
screen and topology space are the shipped task file ``tasks/data/adaptation-atlas.toml``: the
two core motifs of adaptation, written as topology keys over that file's nodes (I; A, B, C), which
``bench/bench_atlas.py`` compares the atlas with.
"""

from __future__ import annotations

# the two core motifs of Ma et al. 2009, in the atlas's node names
NFBLB = "I->A:+ A->C:+ B->C:- C->B:+"  # negative feedback loop with a buffer node
IFFLP = "I->A:+ A->B:+ A->C:+ B->C:-"  # incoherent feed-forward loop with a proportioner node

__all__ = ["IFFLP", "NFBLB"]
