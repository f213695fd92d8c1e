"""The shape of the package (ARCHITECTURE.md): layers import only layers below them, modules
form no import cycle, imports sit at module level, and modules and functions stay small."""

import ast
from pathlib import Path

import grimp
import networkx as nx
import pytest
from grimp import Layer

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "grnsearch"

# highest first; a layer may import any layer below it and none above
LAYERS = (
    "cli",
    "outputs",
    "plots",
    "workflows",
    "io",
    "hillsearch",
    "infer",
    "readout",
    "training",
    "tasks",
    "dynamics",
    "config",
    "network",
    ("errors", "_files", "_jax", "_devices"),
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
DEFERRED_MARK = "deferred"  # an import inside a function must say why, e.g. "deferred for start-up time"


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("grnsearch", cache_dir=None)


def _layers():
    for layer in LAYERS:
        names = layer if isinstance(layer, tuple) else (layer,)
        yield Layer(*(f"grnsearch.{name}" for name in names), independent=False)


def test_every_module_belongs_to_a_layer(graph):
    tops = {m.split(".")[1] for m in graph.modules if m.count(".") >= 1}
    declared = {name for layer in LAYERS for name in (layer if isinstance(layer, tuple) else (layer,))}
    assert tops <= declared, f"modules outside every layer: {sorted(tops - declared)}; add them to LAYERS"


def test_no_layer_imports_a_higher_one(graph):
    illegal = graph.find_illegal_dependencies_for_layers(layers=list(_layers()))
    described = [
        f"{d.importer} -> {d.imported}: " + "; ".join(" -> ".join((*r.heads, *r.middle, *r.tails)) for r in d.routes)
        for d in illegal
    ]
    assert not described, "upward imports:\n" + "\n".join(described)


def test_no_import_cycles(graph):
    edges = nx.DiGraph()
    for module in graph.modules:
        edges.add_node(module)
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    cycles = list(nx.simple_cycles(edges))
    assert not cycles, f"import cycles: {cycles[:5]}"


def _sources():
    return sorted(PACKAGE.rglob("*.py"))


def test_imports_are_at_module_level_unless_deferred_with_a_reason():
    offenders = []
    for path in _sources():
        text = path.read_text()
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    context = " ".join(lines[max(0, inner.lineno - 2) : inner.end_lineno])
                    if DEFERRED_MARK not in context:
                        offenders.append(f"{path.relative_to(PACKAGE)}:{inner.lineno}")
    assert not offenders, f"imports inside functions without a 'deferred ...' reason: {offenders}"


def test_modules_and_functions_stay_small():
    too_long = []
    for path in _sources():
        text = path.read_text()
        name = path.relative_to(PACKAGE)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    assert not too_long, "over the size limits:\n" + "\n".join(too_long)


def test_plots_never_simulate_and_io_never_draws(graph):
    for module in graph.find_children("grnsearch.plots"):
        imported = graph.find_modules_directly_imported_by(module)
        assert not {m for m in imported if m.startswith(("grnsearch.dynamics", "grnsearch.training.loop"))}, module
    for module in graph.find_descendants("grnsearch.io"):
        assert not graph.chain_exists(module, "grnsearch.plots"), module
