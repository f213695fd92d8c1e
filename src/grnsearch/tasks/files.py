"""Task files: reading and checking a TOML task file into a :class:`DeclarativeTask`, and writing
a task back as a file (``grnsearch task show``). The built-in tasks are such files, shipped in
``tasks/data/`` (:func:`builtin`).

Every problem is one :class:`~grnsearch.tasks.fields.TaskFileError` naming the file, the line
(TOML syntax) or the key, and the fix. The format is described in the template that
``grnsearch task new`` writes (:mod:`grnsearch.tasks.template`) and in the modules of its
primitives.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from grnsearch.config import TrainConfig
from grnsearch.errors import GrnsearchError
from grnsearch.tasks.declarative import EFFECTS, DeclarativeTask
from grnsearch.tasks.fields import Section, TaskFileError, fail
from grnsearch.tasks.measures import read_criterion, read_metric
from grnsearch.tasks.protocols import Protocol, read_conditions
from grnsearch.tasks.screens import read_references, read_screen

BUILTIN_DIR = "data"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_STEPS = 100_000
SPATIAL_METRICS = ("mse", "final-state")
TOP_KEYS = ("name", "description", "genes", "inputs", "scored", "initial", "dt", "steps", "loss", "defaults",
            "condition", "metrics", "metric", "criterion", "mutation", "check", "demo", "space", "figures",
            "hill_screen", "references")  # fmt: skip


def builtin(name: str) -> DeclarativeTask:
    """The built-in task ``name`` from its file shipped in ``tasks/data/``."""
    text = (resources.files("grnsearch.tasks") / BUILTIN_DIR / f"{name}.toml").read_text(encoding="utf-8")
    return dataclasses.replace(parse(text, f"{name}.toml (built in)", None), source=name)


def load(path: str | Path) -> DeclarativeTask:
    """The task of the file at ``path``; TaskFileError naming the file for any problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise TaskFileError(
            f"task file {path} does not exist; give the path of a task file or a built-in name"
        ) from None
    except IsADirectoryError:
        raise TaskFileError(f"task file {path} is a directory; give the path of a .toml task file") from None
    except OSError as err:
        raise TaskFileError(f"task file {path} cannot be read ({err.strerror}); check its permissions") from None
    except UnicodeDecodeError:
        raise TaskFileError(f"task file {path} is not UTF-8 text; save it as UTF-8") from None
    return dataclasses.replace(parse(text, str(path), path.parent), source=str(path))


def parse(text: str, source: str, base_dir: Path | None) -> DeclarativeTask:
    """The task stated by the TOML ``text`` (from ``source``; tables are read relative to
    ``base_dir``); TaskFileError for any problem."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise TaskFileError(f"task file {source}: TOML syntax error: {err}; correct the syntax there") from None
    top = Section(document, "", source, base_dir)
    try:
        task = _read_task(top)
    except TaskFileError:
        raise
    except GrnsearchError as err:
        raise fail(source, err.parameter or "", err.detail, "correct it") from None
    except ValueError as err:  # a check of Task itself that the reader did not make first
        raise fail(source, "", str(err), "correct the task file") from None
    top.done_with(TOP_KEYS)
    return task


def _nodes(top: Section) -> dict[str, Any]:
    genes = top.names("genes")
    inputs = top.names("inputs")
    for where, names in (("genes", genes), ("inputs", inputs)):
        bad = [n for n in names if not _NAME.fullmatch(n)]
        if bad:
            raise top.error(where, f"{bad[0]!r} is not a node name", "use letters, digits and _ (a letter first)")
    if not genes:
        raise top.error("genes", "names no gene", 'name at least one gene, e.g. genes = ["g1", "g2"]')
    clash = [n for n in genes if n in inputs]
    if clash:
        raise top.error("inputs", f"{clash[0]!r} is both a gene and an input", "give it one role and one name")
    scored = top.names("scored", allowed=genes)
    if not scored:
        raise top.error("scored", "names no gene", "score at least one gene")
    initial = top.table("initial", None)
    starts: dict[str, float] = {}
    if initial is not None:
        for gene in list(initial.values):
            initial.known(gene, gene, genes, "gene")
            starts[gene] = initial.number(gene, minimum=0.0)
    return {"genes": genes, "inputs": inputs, "scored": scored, "initial": tuple(starts.get(g) for g in genes)}


def _defaults(top: Section, nodes: dict[str, Any]) -> tuple[TrainConfig, int | None]:
    sec = top.table("defaults")
    sparsify = sec.integer("sparsify_iterations", None, minimum=1)
    names = [f.name for f in dataclasses.fields(TrainConfig)]
    changes: dict[str, Any] = {"blocked": _blocked(sec, nodes)}
    for name in list(sec.values):
        sec.known(name, name, [*names, "sparsify_iterations"], "training setting")
        changes[name] = sec.values.pop(name)
    if "hidden" in changes and not isinstance(changes["hidden"], list):
        raise sec.error("hidden", "must be a list of layer sizes", "write e.g. hidden = [16, 16]")
    try:
        config = TrainConfig().replace(**changes)
    except (GrnsearchError, TypeError, ValueError) as err:
        name = getattr(err, "parameter", None) or "hidden"
        raise sec.error(name, getattr(err, "detail", str(err)), "correct the setting") from None
    return config, sparsify


def _blocked(sec: Section, nodes: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """[defaults] blocked: links the task's networks never have (held at zero in every training,
    never read out), e.g. an input that acts on one gene only."""
    texts = sec.take("blocked", list, [])
    sources, genes = nodes["inputs"] + nodes["genes"], nodes["genes"]
    links: list[tuple[str, str]] = []
    for k, text in enumerate(texts):
        key = f"blocked[{k}]"
        text = sec.check(key, text, str, 'a link "SRC->TGT"')
        src, arrow, tgt = text.partition("->")
        if not arrow or src.strip() not in sources or tgt.strip() not in genes:
            fix = f"write SRC->TGT with SRC among {', '.join(sources)} and TGT among {', '.join(genes)}"
            raise sec.error(key, f"{text!r} is not a link of the task", fix)
        link = (src.strip(), tgt.strip())
        if link in links:
            raise sec.error(key, f"{text!r} is given twice", "name each blocked link once")
        links.append(link)
    if len(links) == len(sources) * len(genes):
        raise sec.error("blocked", "blocks every link of the task", "leave at least one link to train")
    return tuple(links)


def _space(top: Section, steps: int, inputs: tuple[str, ...]) -> dict[str, Any]:
    """[space]: the positions of a spatial task and what goes with them."""
    sec = top.table("space", None)
    if sec is None:
        return {}
    out: dict[str, Any] = {"positions": _positions(sec, "positions")}
    scored = sec.take("score_steps", list, [])
    out["score_steps"] = score = tuple(sec.check(f"score_steps[{k}]", v, int) for k, v in enumerate(scored))
    if any(not 1 <= k <= steps for k in score) or list(score) != sorted(set(score)):
        raise sec.error("score_steps", f"must rise strictly within the steps 1..{steps}", "give steps of the time grid")
    out["demo_positions"] = tuple(sec.check(f"demo_positions[{k}]", v, float)
                                  for k, v in enumerate(sec.take("demo_positions", list, [])))  # fmt: skip
    panel = sec.take("dosage_panel", list, [])
    out["dosage_panel"] = tuple(_dosage(sec, k, item, inputs) for k, item in enumerate(panel))
    out["coupling"] = sec.known("coupling", sec.take("coupling", str, "none"), ("none",), "coupling")
    sec.done()
    return out


def _positions(sec: Section, name: str) -> tuple[float, ...]:
    value = sec.values.get(name)
    if isinstance(value, dict):
        grid = sec.table(name)
        low, high = grid.number("from"), grid.number("to")
        count = grid.integer("count", minimum=2, maximum=MAX_STEPS)
        grid.done()
        return tuple(float(v) for v in np.linspace(low, high, count))
    values = sec.take(name, list, what="a list of positions or { from, to, count }")
    positions = tuple(sec.check(f"{name}[{k}]", v, float) for k, v in enumerate(values))
    if not positions:
        raise sec.error(name, "is empty", "give at least one position")
    return positions


def _dosage(sec: Section, k: int, item: Any, inputs: tuple[str, ...]) -> tuple[str, float]:
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
        raise sec.error(f"dosage_panel[{k}]", f"must be [input, factor], got {item!r}", 'write e.g. ["Bcd", 0.5]')
    sec.known(f"dosage_panel[{k}][0]", item[0], inputs, "input")
    factor = sec.check(f"dosage_panel[{k}][1]", item[1], float)
    if factor < 0:
        raise sec.error(f"dosage_panel[{k}][1]", f"{factor} is negative", "give a factor >= 0 (0 removes the input)")
    return item[0], factor


def _read_task(top: Section) -> DeclarativeTask:
    name = top.take("name", str, what='the task\'s name, e.g. "toggle"')
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise top.error("name", f"{name!r} is not a task name", "use letters, digits, _, . and - (it names folders)")
    description = top.take("description", str, "")
    nodes = _nodes(top)
    dt = top.number("dt", minimum=0.0, strict=True)
    steps = top.integer("steps", minimum=1, maximum=MAX_STEPS)
    loss = top.known("loss", top.take("loss", str, "sum"), ("sum", "mean"), "loss reduction")
    defaults, sparsify = _defaults(top, nodes)
    space = _space(top, steps, nodes["inputs"])
    spatial = len(space.get("positions", ()))
    training = Protocol(read_conditions(top, nodes, spatial or steps, bool(spatial), targets=True,
                                        draws=not spatial))  # fmt: skip
    metric_protocol, metric_specs, summary = _metrics(top, nodes, training, (dt, steps), spatial)
    criteria = _criteria(top, metric_specs)
    mutation = _mutation(top, nodes, steps, space)
    check = _side_protocol(top, "check", nodes, steps, spatial)
    demo = _side_protocol(top, "demo", nodes, steps, spatial)
    figures = _figures(top, metric_specs)
    screen, hill_space = read_screen(top, nodes)
    references = read_references(top)
    return DeclarativeTask(
        name=name, genes=nodes["genes"], inputs=nodes["inputs"], scored=nodes["scored"], dt=dt, n_steps=steps,
        initial_values=nodes["initial"], defaults=defaults, metric_names=summary, sparsify_iterations=sparsify,
        path_bands=figures["path_bands"], hill_screen=screen, paper_figures=figures["paper"],
        knockdown=mutation["knockdown"], positions=space.get("positions", ()), coupling=space.get("coupling", "none"),
        mutation_positions=mutation["positions"], score_steps=space.get("score_steps", ()), loss_reduction=loss,
        references=references[1], dosage_panel=space.get("dosage_panel", ()), description=description,
        training=training, metric_protocol=metric_protocol, metric_specs=metric_specs, criteria=criteria,
        mutation=mutation["protocol"], effect=mutation["effect"], check=check, demo=demo,
        demo_positions=space.get("demo_positions", ()), references_name=references[0], hill_space=hill_space,
    )  # fmt: skip


def _metrics(top: Section, nodes: dict, training: Protocol, grid: tuple[float, int], spatial: int) -> tuple:
    sec = top.table("metrics")
    protocol = None
    if sec.has("condition"):
        if spatial:
            raise sec.error("condition", "a spatial task's metrics run on its training conditions", "remove them")
        dt = sec.number("dt", None, minimum=0.0, strict=True)
        steps = sec.integer("steps", None, minimum=1, maximum=MAX_STEPS)
        protocol = Protocol(read_conditions(sec, nodes, steps or grid[1], False, targets=True, draws=False), dt, steps)
    elif sec.has("dt") or sec.has("steps"):
        raise sec.error("dt" if sec.has("dt") else "steps", "sets a time grid but no [[metrics.condition]]",
                        "add the conditions the metrics simulate, or remove it")  # fmt: skip
    summary = sec.names("summary")
    sec.done()
    conditions = protocol or Protocol(tuple(c for c in training.conditions if not c.draws))
    steps_of = {c.name: spatial or ((protocol.steps if protocol else None) or grid[1]) for c in conditions.conditions}
    specs: list = []
    for row in top.tables("metric"):
        metric = read_metric(row, steps_of, nodes["genes"], nodes["inputs"])
        if spatial and metric.kind not in SPATIAL_METRICS:
            raise row.error("kind", f"{metric.kind!r} reads one time course; a spatial task's metrics are "
                            f"{' and '.join(SPATIAL_METRICS)}", "use one of those")  # fmt: skip
        if metric.name in [m.name for m in specs]:
            raise row.error("name", f"names the metric {metric.name!r} twice", "give each metric its own name")
        if metric.kind == "mse":
            _check_mse(row, conditions, metric.conditions, nodes["scored"])
        specs.append(metric)
    if not specs:
        raise top.error("metric", "the task defines no metric", "add a [[metric]] table")
    scalars = [m.name for m in specs if m.scalar]
    for k, name in enumerate(summary):
        sec.known(f"summary[{k}]", name, scalars, "scalar metric")
    return protocol, tuple(specs), summary


def _check_mse(row: Section, protocol: Protocol, names: tuple[str, ...], scored: tuple[str, ...]) -> None:
    for condition in protocol.conditions:
        if condition.name in names and {g for g, _ in condition.targets} != set(scored):
            raise row.error("condition", f"condition {condition.name!r} lacks a target for some scored gene",
                            "give it a target for every scored gene")  # fmt: skip


def _criteria(top: Section, metrics: tuple) -> tuple:
    by_name = {m.name: m for m in metrics}
    criteria: list = []
    for row in top.tables("criterion"):
        criterion = read_criterion(row, by_name)
        if criterion.name in [c.name for c in criteria]:
            raise row.error("name", f"names the criterion {criterion.name!r} twice", "give each its own name")
        criteria.append(criterion)
    if not criteria:
        raise top.error("criterion", "the task has no success criterion", "add a [[criterion]] table")
    return tuple(criteria)


def _mutation(top: Section, nodes: dict, steps: int, space: dict) -> dict[str, Any]:
    sec = top.table("mutation", None) or Section({}, "mutation", top.source, top.base_dir)
    knockdown = sec.number("knockdown", 0.9, minimum=0.0)
    if knockdown >= 1.0:
        raise sec.error("knockdown", f"{knockdown} is outside [0, 1)", "use 0 for a knockout or e.g. 0.9")
    effect = sec.known("effect", sec.take("effect", str, "final-sum" if space else "mean"), EFFECTS, "mutation effect")
    positions: tuple[float, ...] = ()
    if space:
        positions = _positions(sec, "positions") if sec.has("positions") else space["positions"]
    protocol = None
    if sec.has("condition"):
        if space:
            raise sec.error("condition", "a spatial task mutates links under its training inputs", "remove them")
        own = sec.integer("steps", None, minimum=1, maximum=MAX_STEPS)
        protocol = Protocol(read_conditions(sec, nodes, own or steps, False, targets=False, draws=False), None, own)
    sec.done()
    return {"knockdown": knockdown, "effect": effect, "positions": positions, "protocol": protocol}


def _side_protocol(top: Section, key: str, nodes: dict, steps: int, spatial: int) -> Protocol | None:
    sec = top.table(key, None)
    if sec is None:
        return None
    if spatial:
        raise sec.error("condition", f"[{key}] is for tasks without positions", "remove it (see [space])")
    dt = sec.number("dt", None, minimum=0.0, strict=True) if key == "check" else None
    own = sec.integer("steps", None, minimum=1, maximum=MAX_STEPS)
    protocol = Protocol(read_conditions(sec, nodes, own or steps, False, targets=key == "demo", draws=False), dt, own)
    sec.done()
    return protocol


def _figures(top: Section, metrics: tuple) -> dict[str, Any]:
    sec = top.table("figures", None) or Section({}, "figures", top.source, top.base_dir)
    scalars = [m.name for m in metrics if m.scalar]
    bands = []
    for k, band in enumerate(sec.take("path_bands", list, [])):
        if not (isinstance(band, list) and len(band) == 3 and all(isinstance(b, str) for b in band)):
            raise sec.error(f"path_bands[{k}]", f"must be [label, low metric, high metric], got {band!r}",
                            'write e.g. ["g1 under I2", "plateau", "plateau"]')  # fmt: skip
        for name in band[1:]:
            sec.known(f"path_bands[{k}]", name, scalars, "scalar metric")
        bands.append(tuple(band))
    paper = sec.table("paper", None)
    figures = tuple((n, paper.number(n)) for n in list(paper.values)) if paper is not None else ()
    sec.done()
    return {"path_bands": tuple(bands), "paper": figures}
