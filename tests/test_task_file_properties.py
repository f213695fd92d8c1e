"""Property tests of task files: Hypothesis writes random task files; every valid one reads back,
and its shown form (``task show``) reads back to an equal task; every spoiled one is refused with
one line naming the file, never a traceback."""

from __future__ import annotations

import contextlib
import copy
import io
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grnsearch import tasks
from grnsearch.cli.main import main
from grnsearch.tasks.fields import TaskFileError
from grnsearch.tasks.toml_writer import dumps

GENE_NAMES = ("g1", "g2", "g3", "hb", "x_1")
INPUT_NAMES = ("I", "J", "Bcd")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

unit = st.floats(0.0, 1.0, allow_nan=False, width=32).map(float)


@st.composite
def schedule(draw, steps: int, draws: tuple[str, ...]) -> Any:
    kind = draw(st.sampled_from(["constant", "draw", "steps", "ramp", "pulses", "table"]))
    if kind == "draw" and draws:
        return draws[0]
    if kind == "steps":
        at = sorted(draw(st.sets(st.integers(0, steps - 1), min_size=1, max_size=4)))
        return {"kind": "steps", "at": at, "levels": [draw(unit) for _ in at]}
    if kind == "ramp":
        start = draw(st.integers(0, steps - 1))
        return {"kind": "ramp", "start": start, "end": draw(st.integers(start + 1, steps)), "from": draw(unit),
                "to": draw(unit)}  # fmt: skip
    if kind == "pulses":
        period = draw(st.integers(2, 10))
        return {"kind": "pulses", "period": period, "on": draw(st.integers(1, period - 1)), "level": draw(unit),
                "start": draw(st.integers(0, steps - 1)), "low": draw(unit)}  # fmt: skip
    if kind == "table":
        return {"kind": "table", "values": [draw(unit) for _ in range(steps)]}
    return draw(unit)


@st.composite
def target(draw, steps: int, draws: tuple[str, ...]) -> Any:
    kind = draw(st.sampled_from(["constant", "steps", "adaptation-pulse", "triangle", "square", "approach", "table"]))
    start = draw(st.integers(0, steps))
    if kind == "steps":
        at = sorted(draw(st.sets(st.integers(1, steps), min_size=1, max_size=3)))
        return {"kind": "steps", "at": at, "levels": [draw(unit) for _ in at]}
    if kind == "adaptation-pulse":
        amplitude = draws[0] if draws and draw(st.booleans()) else draw(unit)
        return {"kind": kind, "base": draw(unit), "amplitude": amplitude, "start": start}
    if kind in ("triangle", "square"):
        period = draw(st.integers(2, 20))
        shape = {"rise": (r := draw(st.integers(1, period - 1))), "fall": draw(st.integers(1, period - r))} \
            if kind == "triangle" else {"on": draw(st.integers(1, period - 1))}  # fmt: skip
        return {"kind": kind, "period": period, **shape, "low": draw(unit), "high": draw(unit), "start": start}
    if kind == "approach":
        return {"kind": kind, "from": draw(unit), "to": draw(unit), "rate": draw(st.floats(0.01, 5.0)),
                "start": start}  # fmt: skip
    if kind == "table":
        return {"kind": "table", "values": [draw(unit) for _ in range(steps)]}
    return draw(unit)


@st.composite
def hill_criterion(draw, steps: int, step: tuple[int, bool] | None) -> dict[str, Any]:
    """A criterion of a general Hill screen; sensitivity and precision when the condition's first
    input changes at ``step[0]`` (``step[1]``: from a level above 0, so relative ones apply)."""
    kinds = ["variance", "mean", "rises_and_falls"] + (["sensitivity", "precision"] if step else [])
    kind = draw(st.sampled_from(kinds))
    if kind in ("sensitivity", "precision"):
        at, relative_ok = step
        start = at if kind == "sensitivity" else draw(st.integers(at, steps - 1))
        bound = "minimum" if kind == "sensitivity" else "maximum"
        relative = relative_ok and draw(st.booleans())
        return {"kind": kind, "at": at, "window": [start, steps], bound: draw(unit), "relative": relative}
    start = draw(st.integers(0, steps - 1))
    record: dict[str, Any] = {"kind": kind, "window": [start, draw(st.integers(start + 1, steps))]}
    if kind == "rises_and_falls":
        return record | {"threshold": draw(unit)}
    for bound in draw(st.sampled_from([["min"], ["max"], ["min", "max"]])):
        record[bound] = draw(unit)
    return record


@st.composite
def hill_screen_table(draw, genes: list[str], inputs: list[str]) -> dict[str, Any]:
    """A valid general [hill_screen] over ``genes`` and ``inputs`` (the space never empty or too large)."""
    steps = draw(st.integers(4, 60))
    conditions = []
    for k in range(draw(st.integers(1, 3))):
        step = None
        starts = [0]
        levels = {i: [draw(unit)] for i in inputs if draw(st.booleans())}
        if inputs and draw(st.booleans()):
            at = draw(st.integers(1, steps - 1))
            before = draw(st.sampled_from([0.0, 0.5]))
            starts, step = [0, at], (at, before > 0)
            levels = {i: [v[0], v[0]] for i, v in levels.items()} | {inputs[0]: [before, before + draw(unit) + 0.1]}
        criteria = [draw(hill_criterion(steps, step)) for _ in range(draw(st.integers(1, 3)))]
        conditions.append({"name": f"c{k}", "starts": starts, "levels": levels, "criterion": criteria})
    names = [c["name"] for c in conditions]
    together = draw(st.booleans())
    stages = [names] if together else [[name] for name in draw(st.permutations(names))]
    screen: dict[str, Any] = {"dt": draw(st.floats(0.01, 1.0)), "steps": steps, "readout": draw(st.sampled_from(genes)),
                              "stages": stages, "samples": draw(st.integers(1, 10**6)),
                              "sample_block": draw(st.integers(1, 10**5)),
                              "min_successful_sets": draw(st.integers(1, 5)),
                              "n": draw(st.sampled_from([1.0, 2.0, 3.5]))}  # fmt: skip
    screen["start"] = {g: draw(unit) for g in genes} if draw(st.booleans()) else draw(unit)
    if together and len(names) > 1:
        start = draw(st.integers(0, steps - 1))
        window = [start, draw(st.integers(start + 1, steps))]
        screen["relation"] = [{"numerator": names[0], "denominator": names[1], "window": window, "ratio": draw(unit)}]
    links = [f"{a}->{b}" for a in inputs + genes for b in genes]
    choices = {link: draw(st.sampled_from(["0", "+", "-", "-+", "0+", "-0+"])) for link in links}
    free = [link for link in links if len(choices[link]) > 1]
    for link in free[draw(st.integers(0, 6)) :]:  # at most 6 free links: at most 3^6 candidates
        choices[link] = "0"
    reach = [[i, g] for i in inputs for g in genes if draw(st.integers(0, 3)) == 0]
    for i, g in reach:
        choices[f"{i}->{g}"] = "+"  # reached directly by every candidate: the space is never empty
    space = {"links": choices, "reach": reach, "inputs_regulate": False, "genes_strongly_connected": False}
    screen["space"] = space if draw(st.booleans()) else "connected"
    screen["condition"] = conditions
    return screen


@st.composite
def task_document(draw, screen: bool | None = None) -> dict[str, Any]:
    genes = draw(st.lists(st.sampled_from(GENE_NAMES), min_size=1, max_size=3, unique=True))
    inputs = draw(st.lists(st.sampled_from(INPUT_NAMES), max_size=2, unique=True))
    scored = draw(st.lists(st.sampled_from(genes), min_size=1, unique=True))
    steps = draw(st.integers(2, 30))
    doc: dict[str, Any] = {
        "name": draw(st.sampled_from(["toggle", "my-task", "pulse.2"])),
        "genes": genes, "inputs": inputs, "scored": scored,
        "dt": draw(st.floats(0.01, 1.0)), "steps": steps, "loss": draw(st.sampled_from(["sum", "mean"])),
        "initial": {g: draw(unit) for g in genes if draw(st.booleans())},
        "defaults": {"arch": draw(st.sampled_from(["shared", "per-gene"])),
                     "hidden": draw(st.lists(st.integers(1, 32), min_size=1, max_size=3)),
                     "iterations": draw(st.integers(1, 5000)), "noise": draw(unit)},
        "metrics": {"summary": []},
        "mutation": {"knockdown": draw(st.floats(0.0, 0.99))},
    }  # fmt: skip
    conditions = []
    for k in range(draw(st.integers(1, 3))):
        draws = ("u",) if draw(st.booleans()) else ()
        condition: dict[str, Any] = {"name": f"condition {k}", "stationary": draw(st.booleans())}
        if draws:
            condition["draws"] = {"u": [0.0, 1.0]}
        condition["inputs"] = {i: draw(schedule(steps, draws)) for i in inputs if draw(st.booleans())}
        condition["targets"] = {g: draw(target(steps, draws)) for g in scored if draw(st.booleans())}
        conditions.append(condition)
    if all("draws" in c for c in conditions):
        conditions.append({"name": "plain", "targets": {scored[0]: 0.5}})
    doc["condition"] = conditions
    plain = [c["name"] for c in conditions if "draws" not in c]
    metrics = []
    for k in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["min", "max", "peak-to-trough", "mean", "final", "period", "sensitivity"]))
        metric: dict[str, Any] = {"name": f"m{k}", "kind": kind, "gene": draw(st.sampled_from(genes))}
        metric["condition"] = draw(st.sampled_from(plain))
        if kind == "sensitivity":
            metric["at"] = draw(st.integers(1, steps - 1))
        metrics.append(metric)
    doc["metric"] = metrics
    doc["metrics"]["summary"] = [m["name"] for m in metrics if draw(st.booleans())]
    rules = ["at_least", "at_most", "below", "above", "tolerance", "relative_tolerance"]
    criteria = []
    for k in range(draw(st.integers(1, 2))):
        rule = draw(st.sampled_from(rules))
        criterion = {"name": f"c{k}", "metric": draw(st.sampled_from(metrics))["name"], rule: draw(unit)}
        if rule in ("tolerance", "relative_tolerance"):
            criterion["near"] = draw(unit)
        criteria.append(criterion)
    doc["criterion"] = criteria
    if screen or (screen is None and draw(st.booleans())):
        doc["hill_screen"] = draw(hill_screen_table(genes, inputs))
    return doc


@SETTINGS
@given(task_document())
def test_valid_task_files_round_trip_through_show(doc):
    task = tasks.parse(dumps(doc), "generated.toml", None)
    shown = tasks.task_text(task)
    again = tasks.parse(shown, "shown.toml", None)
    assert again == task
    assert tasks.task_text(again) == shown
    assert again.params() == {c["name"]: float(next(v for k, v in c.items() if k not in ("name", "metric", "near")))
                              for c in doc["criterion"]}  # fmt: skip


@SETTINGS
@given(task_document(screen=True))
def test_valid_hill_screens_round_trip_through_show(doc):
    task = tasks.parse(dumps(doc), "generated.toml", None)
    shown = tasks.task_text(task)
    again = tasks.parse(shown, "shown.toml", None)
    assert again == task and again.hill_screen == task.hill_screen
    assert tasks.task_text(again) == shown
    screen, stated = task.hill_screen, doc["hill_screen"]
    assert [c.name for c in screen.conditions] == [c["name"] for c in stated["condition"]]
    assert task.genes[screen.readout] == stated["readout"] and screen.steps == stated["steps"]
    assert (screen.space is None) == (stated["space"] == "connected")
    if screen.space is not None:
        assert len(screen.space.enumerate()) >= 1


def _spoil(doc: dict[str, Any], how: str, data) -> str:
    """Text of ``doc`` spoiled one way; the text, never a valid task file."""
    doc = copy.deepcopy(doc)
    first = doc["condition"][0]
    if how == "unknown-key":
        doc[data.draw(st.sampled_from(["gens", "step", "dt_", "conditions"]))] = 1
    elif how == "gene-twice":
        doc["genes"] = [*doc["genes"], doc["genes"][0]]
    elif how == "unscored-target":
        doc["genes"] = [*doc["genes"], "zz"]
        first["targets"] = {"zz": 0.5}
    elif how == "schedule-off-grid":
        doc["inputs"] = [*doc["inputs"], "K"]
        first["inputs"] = {"K": {"kind": "steps", "at": [0, doc["steps"]], "levels": [0.1, 0.2]}}
    elif how == "unknown-metric":
        doc["metric"][0]["kind"] = data.draw(st.sampled_from(["maximum", "var", "Period"]))
    elif how == "unknown-criterion":
        doc["criterion"][0]["metric"] = "no_such_metric"
    elif how == "table-length":
        first["targets"] = {doc["scored"][0]: {"kind": "table", "values": [0.1] * (doc["steps"] + 1)}}
    elif how == "wrong-type":
        doc[data.draw(st.sampled_from(["dt", "steps", "genes", "scored"]))] = "many"
    text = dumps(doc)
    if how == "syntax":
        lines = text.splitlines()
        k = data.draw(st.integers(0, len(lines) - 1))
        lines.insert(k, data.draw(st.sampled_from(["= 1", "[[", "x = [1,", 'y = "open', "a = 1 = 2"])))
        text = "\n".join(lines)
    return text


SPOILS = ["unknown-key", "gene-twice", "unscored-target", "schedule-off-grid", "unknown-metric", "unknown-criterion",
          "table-length", "wrong-type", "syntax"]  # fmt: skip


@SETTINGS
@given(task_document(), st.sampled_from(SPOILS), st.data())
def test_spoiled_task_files_give_one_line_naming_the_file(doc, how, data):
    text = _spoil(doc, how, data)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "task.toml"
        path.write_text(text)
        try:
            tasks.load(path)
        except TaskFileError as err:
            message = str(err)
        else:
            raise AssertionError(f"{how}: accepted\n{text}")
        assert message.startswith(f"task file {path}") and "\n" not in message and "; " in message
        err_out, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err_out), contextlib.redirect_stdout(out):
            code = main(["task", "check", str(path)])
        assert code == 2
        assert err_out.getvalue() == f"grnsearch: error: {message}\n"
