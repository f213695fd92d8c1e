"""SBML and Antimony exports of a Hill-function model (:class:`grnsearch.dynamics.hill.HillModel`).

Each gene is a species in one compartment ``cell`` (size 1) with two reactions,
``synthesis_<gene>`` (rate ``cell * f``, only for genes with an activator) and
``degradation_<gene>`` (rate ``cell * k_deg * gene``, ``k_deg = 1``), so that
d[gene]/dt = f - gene exactly as in :mod:`grnsearch.dynamics.hill`. Inputs are constant global parameters
that users can change; ``n``, ``K_<src>_<tgt>`` (every link) and ``b_<src>_<tgt>`` (activations)
are global parameters too. The model is nondimensional: the units (mole, litre, second) only
make the document valid and unit-consistent for tools such as COPASI.

SBML is built with python-libsbml; Antimony text is built by hand.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

import libsbml

from grnsearch._files import write_atomic
from grnsearch.dynamics.hill import HillModel
from grnsearch.errors import GrnsearchError

SBML_FILE = "hill_model.xml"
ANTIMONY_FILE = "hill_model.antimony"
DEFAULT_INITIAL = 0.1
DEFAULT_INPUT = 0.0
K_DEG = 1.0
COMPARTMENT = "cell"

_SID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Names that SBML infix math (libsbml's L3 parser) or Antimony read as a constant, a function or a
# keyword rather than as a plain identifier; compared case-insensitively.
_RESERVED = frozenset((
    "time", "pi", "exponentiale", "avogadro", "true", "false", "inf", "infinity", "nan",
    "notanumber", "abs", "arccos", "arccosh", "arccot", "arccoth", "arccsc", "arccsch",
    "arcsec", "arcsech", "arcsin", "arcsinh", "arctan", "arctanh", "acos", "acosh", "acot",
    "acoth", "acsc", "acsch", "asec", "asech", "asin", "atan", "atanh", "ceil",
    "ceiling", "cos", "cosh", "cot", "coth", "csc", "csch", "delay", "exp", "factorial",
    "floor", "ln", "log", "log10", "piecewise", "power", "pow", "root", "sec",
    "sech", "sqr", "sqrt", "sin", "sinh", "tan", "tanh", "and", "not", "or", "xor", "eq", "neq",
    "geq", "gt", "leq", "lt", "plus", "times", "minus", "divide", "implies", "max", "min",
    "quotient", "rem", "rateof", "at", "after", "compartment", "const", "delete", "dna", "end",
    "event", "ext", "formula", "function", "gene", "has", "import", "in", "is", "model",
    "module", "operator", "reaction", "species", "substanceonly", "unit", "var", "substance",
    "volume", "area", "length", "extent",
))

_UNITS: dict[str, list[tuple[str, int]]] = {
    "per_second": [("second", -1)],
    "concentration": [("mole", 1), ("litre", -1)],
    "concentration_per_second": [("mole", 1), ("litre", -1), ("second", -1)],
}


class _Parameter(NamedTuple):
    id: str
    value: float
    unit: str


class _Reaction(NamedTuple):
    id: str
    reactant: str | None
    product: str | None
    modifiers: list[str]
    formula: str


def _check_id(name: str, what: str) -> None:
    if not _SID.match(name):
        raise GrnsearchError(
            f"{what} {name!r} is not a valid SBML identifier: use only ASCII letters, digits and "
            "underscores, starting with a letter or an underscore"
        )
    if name.casefold() in _RESERVED:
        raise GrnsearchError(
            f"{what} {name!r} is a reserved word in SBML math or Antimony; rename it "
            "(e.g. add a prefix such as 'x_')"
        )


def _number(value: float, what: str) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise GrnsearchError(f"{what} is {value}; SBML export needs finite values")
    return value


class _Spec:
    """Everything both exports need: validated ids, values, units and rate formulas."""

    def __init__(self, model: HillModel, input_values: dict[str, float] | None,
                 initial_values: dict[str, float] | None, name: str) -> None:
        topology = model.topology
        self.name = name
        self.key = topology.key()
        self.genes = topology.genes
        self.inputs = topology.inputs
        _check_id(name, "model name")
        for node in topology.sources:
            _check_id(node, "input" if node in self.inputs else "gene")
        self.initial = self._values(initial_values, self.genes, DEFAULT_INITIAL, "initial value of")
        self.input_values = self._values(input_values, self.inputs, DEFAULT_INPUT, "input value of")

        n = _number(model.n, "Hill exponent n")
        self.parameters = [_Parameter("n", n, "dimensionless"),
                           _Parameter("k_deg", K_DEG, "per_second")]
        self.parameters += [_Parameter(i, self.input_values[i], "concentration")
                            for i in self.inputs]
        activators: dict[str, list[str]] = {g: [] for g in self.genes}
        repressors: dict[str, list[str]] = {g: [] for g in self.genes}
        for src, tgt, sign in topology.links():
            i, j = topology.sources.index(src), topology.genes.index(tgt)
            k = _number(model.K[i, j], f"K of link {src}->{tgt}")
            self.parameters.append(_Parameter(f"K_{src}_{tgt}", k, "concentration"))
            if sign > 0:
                b = _number(model.b[i, j], f"b of link {src}->{tgt}")
                self.parameters.append(_Parameter(f"b_{src}_{tgt}", b, "concentration_per_second"))
                activators[tgt].append(src)
            else:
                repressors[tgt].append(src)

        self.reactions: list[_Reaction] = []
        for gene in self.genes:
            if activators[gene]:
                # the gene itself is the product already, so it is not also a modifier
                modifiers = [s for s in (*activators[gene], *repressors[gene])
                             if s in self.genes and s != gene]
                self.reactions.append(_Reaction(f"synthesis_{gene}", None, gene, modifiers,
                                                _synthesis_formula(gene, activators[gene],
                                                                   repressors[gene])))
            self.reactions.append(_Reaction(f"degradation_{gene}", gene, None, [],
                                            f"{COMPARTMENT} * k_deg * {gene}"))
        self._check_unique()

    @staticmethod
    def _values(given: dict[str, float] | None, names: tuple[str, ...], default: float,
                what: str) -> dict[str, float]:
        given = dict(given or {})
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise GrnsearchError(f"cannot set the {what} {', '.join(unknown)}: the model has "
                                 f"{', '.join(names) or 'none'}")
        values = {k: _number(given.get(k, default), f"{what} {k}") for k in names}
        negative = [k for k, v in values.items() if v < 0]
        if negative:
            raise GrnsearchError(f"the {what} {', '.join(negative)} must not be negative")
        return values

    def _check_unique(self) -> None:
        ids = [self.name, COMPARTMENT, *self.genes, *(p.id for p in self.parameters),
               *(r.id for r in self.reactions)]
        seen: set[str] = set()
        for sid in ids:
            if sid in seen:
                raise GrnsearchError(
                    f"the SBML id {sid!r} would be used twice (node names clash with the model "
                    f"name, '{COMPARTMENT}', 'n', 'k_deg' or the generated K_/b_/synthesis_/"
                    "degradation_ ids); rename the node or the model"
                )
            seen.add(sid)


def _synthesis_formula(gene: str, activators: list[str], repressors: list[str]) -> str:
    terms = [f"b_{a}_{gene} * {a}^n / (K_{a}_{gene}^n + {a}^n)" for a in activators]
    factors = [f"(K_{r}_{gene}^n / (K_{r}_{gene}^n + {r}^n))" for r in repressors]
    return " * ".join([COMPARTMENT, f"({' + '.join(terms)})", *factors])


def to_sbml(model: HillModel, input_values: dict[str, float] | None = None,
            initial_values: dict[str, float] | None = None, name: str = "grnsearch_hill") -> str:
    """An SBML Level 3 Version 2 document of ``model`` (inputs as constant parameters, genes as
    species with initial concentrations, default 0.1); raises GrnsearchError for a node name that
    is not a valid SBML id or if libsbml's consistency check reports an error."""
    spec = _Spec(model, input_values, initial_values, name)
    doc = libsbml.SBMLDocument(3, 2)
    m = doc.createModel()
    _ok(m.setId(name), "model id")
    _ok(m.setName(name), "model name")
    _ok(m.setNotes(_notes(spec)), "notes")
    _add_units(m)
    _add_species_and_parameters(m, spec)
    _add_reactions(m, spec)
    doc.checkConsistency()
    errors = [doc.getError(i) for i in range(doc.getNumErrors())]
    errors = [e for e in errors if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    if errors:
        listing = "; ".join(f"{e.getSeverityAsString()} {e.getErrorId()}: "
                            f"{e.getMessage().strip()}" for e in errors)
        raise GrnsearchError(f"the SBML document of {spec.key!r} is not valid: {listing}")
    return libsbml.writeSBMLToString(doc)


def _add_units(m: libsbml.Model) -> None:
    for attr, unit in (("Substance", "mole"), ("Time", "second"), ("Volume", "litre"),
                       ("Extent", "mole")):
        _ok(getattr(m, f"set{attr}Units")(unit), f"{attr.lower()} units")
    for uid, parts in _UNITS.items():
        definition = m.createUnitDefinition()
        _ok(definition.setId(uid), uid)
        for kind, exponent in parts:
            unit = definition.createUnit()
            _ok(unit.setKind(libsbml.UnitKind_forName(kind)), uid)
            _ok(unit.setExponent(exponent), uid)
            _ok(unit.setScale(0), uid)
            _ok(unit.setMultiplier(1.0), uid)


def _add_species_and_parameters(m: libsbml.Model, spec: _Spec) -> None:
    cell = m.createCompartment()
    for status in (cell.setId(COMPARTMENT), cell.setSpatialDimensions(3), cell.setSize(1.0),
                   cell.setUnits("litre"), cell.setConstant(True)):
        _ok(status, COMPARTMENT)
    for gene in spec.genes:
        sp = m.createSpecies()
        for status in (sp.setId(gene), sp.setCompartment(COMPARTMENT),
                       sp.setInitialConcentration(spec.initial[gene]),
                       sp.setHasOnlySubstanceUnits(False), sp.setBoundaryCondition(False),
                       sp.setConstant(False)):
            _ok(status, gene)
    for pid, value, unit in spec.parameters:
        p = m.createParameter()
        for status in (p.setId(pid), p.setValue(value), p.setUnits(unit), p.setConstant(True)):
            _ok(status, pid)


def _add_reactions(m: libsbml.Model, spec: _Spec) -> None:
    for rid, reactant, product, modifiers, formula in spec.reactions:
        r = m.createReaction()
        _ok(r.setId(rid), rid)
        _ok(r.setReversible(False), rid)
        for species, create in ((reactant, r.createReactant), (product, r.createProduct)):
            if species is not None:
                ref = create()
                for status in (ref.setSpecies(species), ref.setStoichiometry(1.0),
                               ref.setConstant(True)):
                    _ok(status, rid)
        for species in modifiers:
            _ok(r.createModifier().setSpecies(species), rid)
        # with the model, the parser reads every id in it as that symbol, never as a builtin
        math_ast = libsbml.parseL3FormulaWithModel(formula, m)
        if math_ast is None:
            raise GrnsearchError(f"cannot parse the rate of {rid} ({formula}): "
                                 f"{libsbml.getLastParseL3Error()}")
        _ok(r.createKineticLaw().setMath(math_ast), rid)


def _ok(status: int, what: str) -> None:
    if status != 0:  # LIBSBML_OPERATION_SUCCESS
        raise GrnsearchError(f"libsbml could not set {what} (status code {status})")


def _notes(spec: _Spec) -> str:
    paragraphs = [
        f"grnsearch Hill-function model of the topology {spec.key or '(no links)'}.",
        ("For each gene: d[gene]/dt = f - k_deg*gene with k_deg = 1, f = (sum over activators a "
         "of b_a*a^n/(K_a^n + a^n)) * (product over repressors r of K_r^n/(K_r^n + r^n)), and "
         "f = 0 for a gene without activators."),
        (f"Inputs ({', '.join(spec.inputs) or 'none'}) are constant parameters: change their "
         "values to apply an input. The model is nondimensional; units are nominal."),
    ]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f'<body xmlns="http://www.w3.org/1999/xhtml">{body}</body>'


def to_antimony(model: HillModel, input_values: dict[str, float] | None = None,
                initial_values: dict[str, float] | None = None,
                name: str = "grnsearch_hill") -> str:
    """Antimony text equivalent to :func:`to_sbml` (same ids, values, units and rates)."""
    spec = _Spec(model, input_values, initial_values, name)
    lines = [
        f"// grnsearch Hill-function model of the topology: {spec.key or '(no links)'}",
        "// d[gene]/dt = f - k_deg*gene; inputs are constant parameters, change them to apply",
        "// an input. The model is nondimensional; units are nominal.",
        f"model {name}",
        "  unit substance = mole;",
        "  unit volume = litre;",
        "  unit time_unit = second;",
        "  unit extent = mole;",
    ]
    for uid, parts in _UNITS.items():
        numerator = " * ".join(k for k, e in parts if e > 0) or "1"
        below = [k for k, e in parts if e < 0]
        denominator = below[0] if len(below) == 1 else f"({' * '.join(below)})"
        lines.append(f"  unit {uid} = {numerator} / {denominator};")
    lines += ["", f"  compartment {COMPARTMENT} = 1;", f"  {COMPARTMENT} has litre;"]
    lines += [f"  species {gene} in {COMPARTMENT};" for gene in spec.genes]
    lines += [f"  {gene} = {spec.initial[gene]!r};" for gene in spec.genes]
    lines.append("")
    for pid, value, unit in spec.parameters:
        lines += [f"  {pid} = {value!r};", f"  {pid} has {unit};"]
    lines.append("")
    for r in spec.reactions:
        left = f"{r.reactant} " if r.reactant else ""
        right = f" {r.product}" if r.product else " "
        lines.append(f"  {r.id}: {left}=>{right}; {r.formula}")
    lines.append("end")
    return "\n".join(lines) + "\n"


def write_hill_exports(model: HillModel, directory: Path,
                       input_values: dict[str, float] | None = None,
                       initial_values: dict[str, float] | None = None) -> list[Path]:
    """Write ``hill_model.xml`` (SBML) and ``hill_model.antimony`` into ``directory``, each
    through a temporary file and a rename; returns their paths."""
    directory = Path(directory)
    texts = {SBML_FILE: to_sbml(model, input_values, initial_values),
             ANTIMONY_FILE: to_antimony(model, input_values, initial_values)}
    return [write_atomic(directory / filename, text) for filename, text in texts.items()]
