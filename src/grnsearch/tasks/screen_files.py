"""The general Hill screen in a task file: the ``[hill_screen]`` section read into a
:class:`~grnsearch.tasks.hill_screen.HillScreen` and written back from one.

The section states (every node by name)::

    [hill_screen]
    dt = 0.25                 # Euler step
    steps = 280               # Euler steps per run
    start = 0.5               # every gene's start level, or { A = 0.5, B = 0.1, C = 0.5 }
    readout = "C"             # the gene the criteria read
    n = 2.0                   # Hill coefficient
    min_successful_sets = 2   # a topology succeeds with at least this many passing sets
    samples = 10000           # parameter sets per topology unless a search is told otherwise
    sample_block = 10000      # parameter sets drawn per random block
    stages = [["settle"], ["step"]]   # the order of the staged early rejection
    space = { links = { "I->A" = "+", "I->B" = "0" }, reach = [["I", "C"]] }   # or "connected"

    [[hill_screen.condition]]
    name = "step"
    starts = [0, 120]                 # the steps from which each level holds
    levels = { I = [0.5, 0.6] }       # per input, one level per start (a number: constant; absent: 0)

    [[hill_screen.condition.criterion]]
    kind = "sensitivity"              # variance, mean, rises_and_falls, sensitivity, precision
    at = 120
    window = [120, 280]
    minimum = 1.0

    [[hill_screen.relation]]          # mean under numerator > ratio x mean under denominator
    numerator = "I2"
    denominator = "no input"
    window = [100, 200]
    ratio = 4.0

A space's links not named take every sign (``"-0+"``); ``inputs_regulate`` and
``genes_strongly_connected`` switch on the paper's filters. ``space = "connected"`` (the default)
is every topology passing those two filters. The space is enumerated when the file is read, so
that an empty or too large one is refused there.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from grnsearch.errors import GrnsearchError
from grnsearch.network.links import link_names
from grnsearch.network.space import MAX_SPACE_CANDIDATES, TopologySpace
from grnsearch.tasks.fields import Section, TaskFileError, fail
from grnsearch.tasks.hill_criteria import CRITERIA, Criterion, MeanRatio, Window
from grnsearch.tasks.hill_screen import Condition, HillScreen, Schedule

_LIMITS = {"steps": (1, 100_000), "min_successful_sets": (1, None), "samples": (1, 10_000_000),
           "sample_block": (1, 1_000_000)}  # fmt: skip
_SPACE_KEYS = ("links", "reach", "inputs_regulate", "genes_strongly_connected")


def read_hill_screen(sec: Section, nodes: dict[str, Any]) -> HillScreen:
    """The general screen of the ``[hill_screen]`` table ``sec`` (its ``kind`` already taken)."""
    genes, inputs = tuple(nodes["genes"]), tuple(nodes["inputs"])
    values: dict[str, Any] = {"dt": sec.number("dt", 0.25, minimum=0.0, strict=True)}
    if values["dt"] > 1:
        raise sec.error(
            "dt", f"must be <= 1 (an Euler step of the unit decay), got {values['dt']!r}", "give a smaller dt"
        )
    for name, (low, high) in _LIMITS.items():
        values[name] = sec.integer(name, getattr(HillScreen, name), minimum=low, maximum=high)
    values["n"] = sec.number("n", 2.0, minimum=0.0, strict=True)
    values["start"] = _start(sec, genes)
    readout = sec.known("readout", sec.take("readout", str, what="a gene name"), genes, "gene")
    values["readout"] = genes.index(readout)
    conditions = tuple(_condition(c, inputs, values["steps"]) for c in sec.tables("condition"))
    if not conditions:
        raise sec.error("condition", "is missing", "add at least one [[hill_screen.condition]]")
    names = [c.name for c in conditions]
    twice = [name for k, name in enumerate(names) if name in names[:k]]
    if twice:
        raise sec.error("condition", f"names condition {twice[0]!r} twice", "give each condition its own name")
    values["stages"] = _stages(sec, names)
    values["relations"] = tuple(_relation(r, names, values["steps"]) for r in sec.tables("relation"))
    values["space"] = _space(sec, inputs, genes)
    sec.done()
    try:
        return HillScreen(conditions=conditions, **values)
    except GrnsearchError as err:  # what only the whole screen can tell (relations across stages)
        raise _error(sec, sec.where, err, "correct the screen") from None


def _error(sec: Section, where: str, err: GrnsearchError, fix: str) -> TaskFileError:
    """``err`` of a checker as the error of key ``where``, keeping the checker's own fix."""
    problem, _, own_fix = err.detail.rpartition("; ")
    return fail(sec.source, where, problem, own_fix) if problem else fail(sec.source, where, err.detail, fix)


def _start(sec: Section, genes: tuple[str, ...]) -> float | tuple[float, ...]:
    if not sec.has("start") or not isinstance(sec.values["start"], dict):
        return sec.number("start", 0.1, minimum=0.0)
    levels = Section(sec.values.pop("start"), sec.key("start"), sec.source, sec.base_dir)
    out = tuple(levels.number(g, minimum=0.0) for g in genes)
    levels.done_with(genes)
    return out


def _condition(sec: Section, inputs: tuple[str, ...], steps: int) -> Condition:
    name = sec.take("name", str, what="a name")
    starts = sec.take("starts", list, [0], "a list of step indices")
    for k, s in enumerate(starts):
        sec.check(f"starts[{k}]", s, int, "a whole number")
    if not starts or starts[0] != 0 or any(a >= b for a, b in zip(starts, starts[1:], strict=False)):
        raise sec.error("starts", f"must begin at 0 and increase, got {starts}", "list the steps in order, from 0")
    if starts[-1] >= steps:
        raise sec.error("starts", f"step {starts[-1]} is outside the {steps} steps", f"give steps below {steps}")
    given = sec.table("levels", None)
    columns = [_levels(given, i, len(starts)) if given is not None else (0.0,) * len(starts) for i in inputs]
    if given is not None:
        given.done_with(inputs)
    rows = tuple(zip(*columns, strict=True)) if columns else ((),) * len(starts)  # a task without inputs
    schedule = Schedule(rows, tuple(starts))
    criteria = tuple(_criterion(c, steps, schedule) for c in sec.tables("criterion"))
    if not criteria:
        raise sec.error("criterion", "is missing", "add at least one [[hill_screen.condition.criterion]]")
    sec.done()
    return Condition(name, schedule, criteria)


def _levels(sec: Section, name: str, count: int) -> tuple[float, ...]:
    if not sec.has(name):
        return (0.0,) * count
    if not isinstance(sec.values[name], list):
        return (sec.number(name, minimum=0.0),) * count
    row = sec.take(name, list)
    if len(row) != count:
        raise sec.error(name, f"gives {len(row)} levels for {count} start steps", "give one level per start step")
    levels = tuple(sec.check(f"{name}[{k}]", v, float, "a number") for k, v in enumerate(row))
    if any(v < 0 for v in levels):
        raise sec.error(name, f"levels must be >= 0, got {list(levels)}", "give levels >= 0")
    return levels


def _window(sec: Section, name: str = "window") -> Window:
    pair = sec.take(name, list, what="[start, stop]")
    if len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair):
        raise sec.error(name, f"must be two whole numbers [start, stop], got {pair!r}", "give [start, stop]")
    return Window(*pair)


def _criterion(sec: Section, steps: int, schedule: Schedule) -> Criterion:
    kind = sec.known("kind", sec.take("kind", str, what="a criterion kind"), CRITERIA, "criterion kind")
    cls = CRITERIA[kind]
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        optional = f.default is not dataclasses.MISSING
        if f.name == "window":
            values["window"] = _window(sec)
        elif f.name == "at":
            values["at"] = sec.integer("at", minimum=0, maximum=steps - 1)
        elif f.name == "relative":
            values["relative"] = sec.take("relative", bool, f.default)
        elif optional:
            values[f.name] = sec.take(f.name, float, f.default, "a number")
        else:
            values[f.name] = sec.number(f.name)
    sec.done()
    criterion = cls(**values)
    try:
        criterion.check(steps, schedule.relative_change, kind)
    except GrnsearchError as err:
        raise _error(sec, sec.where, err, "correct the criterion") from None
    return criterion


def _stages(sec: Section, names: list[str]) -> tuple[tuple[str, ...], ...]:
    stages = sec.take("stages", list, [names], "a list of lists of condition names")
    out = []
    for k, stage in enumerate(stages):
        sec.check(f"stages[{k}]", stage, list, "a list of condition names")
        if not stage:
            raise sec.error(f"stages[{k}]", "is empty", "name at least one condition in every stage, or remove it")
        for item in stage:
            sec.known(f"stages[{k}]", sec.check(f"stages[{k}]", item, str, "a condition name"), names, "condition")
        out.append(tuple(stage))
    staged = [name for stage in out for name in stage]
    if sorted(staged) != sorted(names):
        raise sec.error("stages", f"must list every condition ({', '.join(names)}) exactly once", "list each once")
    return tuple(out)


def _relation(sec: Section, names: list[str], steps: int) -> MeanRatio:
    top = sec.known("numerator", sec.take("numerator", str, what="a condition name"), names, "condition")
    bottom = sec.known("denominator", sec.take("denominator", str, what="a condition name"), names, "condition")
    window = _window(sec)
    try:
        window.check(steps, "window")
    except GrnsearchError as err:
        raise _error(sec, sec.key("window"), err, "correct it") from None
    relation = MeanRatio(top, bottom, window, sec.number("ratio"))
    sec.done()
    return relation


def _space(sec: Section, inputs: tuple[str, ...], genes: tuple[str, ...]) -> TopologySpace | None:
    if not sec.has("space") or isinstance(sec.values["space"], str):
        sec.known("space", sec.take("space", str, "connected"), ("connected",), "topology space")
        return None
    table = sec.table("space")
    links = table.take("links", dict, {}, "a table of link choices")
    allowed = link_names(inputs + genes, genes)
    for name, choice in links.items():
        table.known(f"links.{name}", name, allowed, "link")
        table.check(f"links.{name}", choice, str, 'a string of signs ("-0+", "+", "0" ...)')
    reach = table.take("reach", list, [], "a list of [input, gene] pairs")
    for k, pair in enumerate(reach):
        if not (isinstance(pair, list) and len(pair) == 2 and pair[0] in inputs and pair[1] in genes):
            raise table.error(
                f"reach[{k}]", f"must be [input, gene], got {pair!r}", f"inputs: {inputs}, genes: {genes}"
            )
    flags = {name: table.take(name, bool, False) for name in _SPACE_KEYS[2:]}
    table.done_with(_SPACE_KEYS)
    try:
        space = TopologySpace.build(inputs, genes, links, reach=[tuple(p) for p in reach], **flags)
        space.enumerate(MAX_SPACE_CANDIDATES)
    except GrnsearchError as err:
        raise _error(sec, sec.key("space"), err, "change the space's links or reach") from None
    return space


def hill_screen_toml(screen: HillScreen, genes: tuple[str, ...], inputs: tuple[str, ...]) -> dict[str, Any]:
    """The ``[hill_screen]`` table of a general screen (:func:`read_hill_screen` reads it back)."""
    start = dict(zip(genes, screen.start, strict=True)) if isinstance(screen.start, tuple) else screen.start
    out: dict[str, Any] = {"dt": screen.dt, "steps": screen.steps, "start": start, "readout": genes[screen.readout]}
    out |= {name: getattr(screen, name) for name in ("n", "min_successful_sets", "samples", "sample_block")}
    out["stages"] = [list(stage) for stage in screen.stages]
    out["space"] = "connected" if screen.space is None else _space_toml(screen.space)
    out["condition"] = [_condition_toml(c, inputs) for c in screen.conditions]
    if screen.relations:
        out["relation"] = [r.to_dict() for r in screen.relations]
    return out


def _space_toml(space: TopologySpace) -> dict[str, Any]:
    links = {n: c for n, c in zip(space.link_names, space.choices, strict=True) if c != "-0+"}
    out: dict[str, Any] = {"links": links, "reach": [list(pair) for pair in space.reach]}
    return out | {name: getattr(space, name) for name in _SPACE_KEYS[2:]}


def _condition_toml(condition: Condition, inputs: tuple[str, ...]) -> dict[str, Any]:
    schedule = condition.schedule
    levels = {name: [row[i] for row in schedule.levels] for i, name in enumerate(inputs)}
    criteria = []
    for criterion in condition.criteria:
        record = {"kind": criterion.kind}
        for name, value in dataclasses.asdict(criterion).items():
            if value is not None:
                record[name] = [criterion.window.start, criterion.window.stop] if name == "window" else value
        criteria.append(record)
    return {"name": condition.name, "starts": list(schedule.starts), "levels": levels, "criterion": criteria}
