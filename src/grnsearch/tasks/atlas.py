"""The three-node adaptation atlas after Ma et al. 2009 (Cell 138:760): which networks of three
nodes A, B, C adapt, when an input I acts on A only and C is the output.

Space: I -> A is a fixed activation (the input acts on A only; I -> B and I -> C are absent);
the nine links among A, B and C (self-loops included) are each absent, activating or
repressing: 3^9 = 19,683 topologies, of which the 16,038 in which I reaches C along present
links (any signs) are searched, Ma et al.'s count.

Screen (Euler dt 0.25, 280 steps, every gene starts at 0.5): I = 0.5 for 120 steps (t = 30,
thirty unit decay times to settle), then I = 0.6 for 160 steps (t = 40): Ma et al.'s step, a
relative input change of 0.2. With pre = the level of C at the step (step 120):

- C is on before the step: mean of C over steps 101-120 > 0.01 (a hundredth of the scale of K and
  b ~ Exp(1)), so that relative changes are not ratios of rounding noise of a dead node; this is
  the first stage (the run up to the step only), which about 60% of all sets fail;
- sensitivity (Ma et al.): the peak |C - pre| after the step, relative to pre, over the relative
  input change: (peak / pre) / 0.2 > 1 (the output changes relatively more than the input);
- precision (Ma et al.'s 1 / precision < 0.1): the largest |C - pre| over the last 20 steps
  (t 65-70), relative to pre, over the relative input change: (error / pre) / 0.2 < 0.1, i.e.
  C returns to within 2% of its pre-step level and stays there (a lasting oscillation or drift fails).

A topology is adaptive with at least 2 passing sets (as the oscillation search), here among
10,000 sets per topology (Ma et al. sampled 10,000), drawn in blocks of 10,000 (drawing costs
about as much as screening). The Hill form has no basal rate: a gene
without an activating link has synthesis 0 and decays to 0, so its outgoing repressions fall
to no repression and its activations to nothing; a topology in which C has no activator (about a
third of the space) cannot adapt, and links out of a dead node are inert, so such topologies
behave as their pruned versions.
"""

from __future__ import annotations

from dataclasses import replace

from grnsearch.network.space import TopologySpace
from grnsearch.tasks.adaptation import AdaptationTask, adaptation
from grnsearch.tasks.hill_criteria import Mean, Precision, Sensitivity, Window
from grnsearch.tasks.hill_screen import Condition, HillScreen, Schedule

ATLAS_GENES = ("A", "B", "C")
ATLAS_INPUTS = ("I",)
LOW_INPUT, HIGH_INPUT = 0.5, 0.6
STEP_AT, STEPS, DT = 120, 280, 0.25
MIN_SENSITIVITY, MAX_PRECISION_ERROR = 1.0, 0.1
ATLAS_SAMPLES = 10_000

# the two core motifs of Ma et al. 2009, in this space's names
NFBLB = "I->A:+ A->C:+ B->C:- C->B:+"  # negative feedback loop with a buffer node
IFFLP = "I->A:+ A->B:+ A->C:+ B->C:-"  # incoherent feed-forward loop with a proportioner node


def atlas_space() -> TopologySpace:
    """I -> A fixed activation, I -> B and I -> C absent, the nine links among A, B, C free;
    I must reach C."""
    return TopologySpace.build(
        ATLAS_INPUTS,
        ATLAS_GENES,
        {"I->A": "+", "I->B": "0", "I->C": "0"},
        reach=[("I", "C")],
    )


def atlas_screen(
    min_sensitivity: float = MIN_SENSITIVITY, max_precision_error: float = MAX_PRECISION_ERROR
) -> HillScreen:
    """Adaptation of C to the step of I from 0.5 to 0.6 (module docstring)."""
    schedule = Schedule(((LOW_INPUT,), (HIGH_INPUT,)), (0, STEP_AT))
    # the same run, judged in two stages: is C on before the step (simulated up to the step only),
    # then, for the sets where it is, the response
    settle = Condition("settle", schedule, (Mean(Window(STEP_AT - 20, STEP_AT), min=0.01),))
    step = Condition(
        "step",
        schedule,
        (
            Sensitivity(STEP_AT, Window(STEP_AT, STEPS), min_sensitivity),
            Precision(STEP_AT, Window(STEPS - 20, STEPS), max_precision_error),
        ),
    )
    return HillScreen(
        conditions=(settle, step),
        stages=(("settle",), ("step",)),
        dt=DT,
        steps=STEPS,
        start=0.5,
        readout=ATLAS_GENES.index("C"),
        min_successful_sets=2,
        space=atlas_space(),
        sample_block=ATLAS_SAMPLES,
        samples=ATLAS_SAMPLES,
    )


def adaptation_atlas() -> AdaptationTask:
    """The adaptation task over nodes A, B, C with output C (trained like ``adaptation``: C
    starts at 0.4 and answers steps of I with the pulse A(s)), whose Hill screen is the atlas."""
    base = adaptation()
    return replace(
        base,
        name="adaptation-atlas",
        genes=ATLAS_GENES,
        scored=("C",),
        initial_values=(None, None, 0.4),
        hill_screen=atlas_screen(),
    )
