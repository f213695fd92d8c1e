"""What the SBML and Antimony exports of a Hill-function model share: validated identifiers,
initial values, parameters with units, and the reactions with their rate formulas.

Each gene is a species in one compartment ``cell`` (size 1) with two reactions,
``synthesis_<gene>`` (rate ``cell * f``, only for genes with an activator) and
``degradation_<gene>`` (rate ``cell * k_deg * gene``, ``k_deg = 1``), so that
d[gene]/dt = f - gene exactly as in :mod:`grnsearch.dynamics.hill`. Inputs are non-constant
global parameters, so that events may change them; ``n``, ``K_<src>_<tgt>`` (every link) and
``b_<src>_<tgt>`` (activations) are constant global parameters. With a stimulus protocol
(:mod:`grnsearch.io.protocol`) the model also has its switch times, the input levels from each
switch (values of the protocol's first condition) and one event per switch. The model is
nondimensional: the units (mole, litre, second) only make the document valid and
unit-consistent for tools such as COPASI.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from grnsearch.dynamics.hill import HillModel
from grnsearch.errors import GrnsearchError
from grnsearch.io.protocol import Protocol, level_id, switch_event_id, switch_time_id

DEFAULT_INITIAL = 0.1
DEFAULT_INPUT = 0.0
K_DEG = 1.0
COMPARTMENT = "cell"

_SID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Names that SBML infix math (libsbml's L3 parser) or Antimony read as a constant, a function or a
# keyword rather than as a plain identifier; compared case-insensitively.
_RESERVED = frozenset(
    (
        "time",
        "pi",
        "exponentiale",
        "avogadro",
        "true",
        "false",
        "inf",
        "infinity",
        "nan",
        "notanumber",
        "abs",
        "arccos",
        "arccosh",
        "arccot",
        "arccoth",
        "arccsc",
        "arccsch",
        "arcsec",
        "arcsech",
        "arcsin",
        "arcsinh",
        "arctan",
        "arctanh",
        "acos",
        "acosh",
        "acot",
        "acoth",
        "acsc",
        "acsch",
        "asec",
        "asech",
        "asin",
        "atan",
        "atanh",
        "ceil",
        "ceiling",
        "cos",
        "cosh",
        "cot",
        "coth",
        "csc",
        "csch",
        "delay",
        "exp",
        "factorial",
        "floor",
        "ln",
        "log",
        "log10",
        "piecewise",
        "power",
        "pow",
        "root",
        "sec",
        "sech",
        "sqr",
        "sqrt",
        "sin",
        "sinh",
        "tan",
        "tanh",
        "and",
        "not",
        "or",
        "xor",
        "eq",
        "neq",
        "geq",
        "gt",
        "leq",
        "lt",
        "plus",
        "times",
        "minus",
        "divide",
        "implies",
        "max",
        "min",
        "quotient",
        "rem",
        "rateof",
        "at",
        "after",
        "compartment",
        "const",
        "delete",
        "dna",
        "end",
        "event",
        "ext",
        "formula",
        "function",
        "gene",
        "has",
        "import",
        "in",
        "is",
        "model",
        "module",
        "operator",
        "reaction",
        "species",
        "substanceonly",
        "unit",
        "var",
        "substance",
        "volume",
        "area",
        "length",
        "extent",
    )
)

UNITS: dict[str, list[tuple[str, int]]] = {
    "per_second": [("second", -1)],
    "concentration": [("mole", 1), ("litre", -1)],
    "concentration_per_second": [("mole", 1), ("litre", -1), ("second", -1)],
}


class Parameter(NamedTuple):
    id: str
    value: float
    unit: str
    constant: bool = True


class Event(NamedTuple):
    """At ``time >= time_parameter``, set each variable to its parameter: (variable, parameter)."""

    id: str
    time_parameter: str
    assignments: list[tuple[str, str]]


class Reaction(NamedTuple):
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
            f"{what} {name!r} is a reserved word in SBML math or Antimony; rename it (e.g. add a prefix such as 'x_')"
        )


def _number(value: float, what: str) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise GrnsearchError(f"{what} is {value}; SBML export needs finite values")
    return value


class ModelSpec:
    """Everything both exports need: validated ids, values, units and rate formulas."""

    def __init__(
        self,
        model: HillModel,
        input_values: dict[str, float] | None,
        initial_values: dict[str, float] | None,
        name: str,
        protocol: Protocol | None = None,
    ) -> None:
        topology = model.topology
        self.name = name
        self.key = topology.key()
        self.genes = topology.genes
        self.inputs = topology.inputs
        _check_id(name, "model name")
        for node in topology.sources:
            _check_id(node, "input" if node in self.inputs else "gene")
        self.initial = self._values(initial_values, self.genes, DEFAULT_INITIAL, "initial value of")
        self.protocol = protocol
        self.events: list[Event] = []
        self.input_values = self._input_values(input_values)

        n = _number(model.n, "Hill exponent n")
        self.parameters = [Parameter("n", n, "dimensionless"), Parameter("k_deg", K_DEG, "per_second")]
        self.parameters += [Parameter(i, self.input_values[i], "concentration", False) for i in self.inputs]
        self._add_protocol()
        activators: dict[str, list[str]] = {g: [] for g in self.genes}
        repressors: dict[str, list[str]] = {g: [] for g in self.genes}
        for src, tgt, sign in topology.links():
            i, j = topology.sources.index(src), topology.genes.index(tgt)
            k = _number(model.K[i, j], f"K of link {src}->{tgt}")
            self.parameters.append(Parameter(f"K_{src}_{tgt}", k, "concentration"))
            if sign > 0:
                b = _number(model.b[i, j], f"b of link {src}->{tgt}")
                self.parameters.append(Parameter(f"b_{src}_{tgt}", b, "concentration_per_second"))
                activators[tgt].append(src)
            else:
                repressors[tgt].append(src)

        self.reactions: list[Reaction] = []
        for gene in self.genes:
            if activators[gene]:
                # the gene itself is the product already, so it is not also a modifier
                modifiers = [s for s in (*activators[gene], *repressors[gene]) if s in self.genes and s != gene]
                self.reactions.append(
                    Reaction(
                        f"synthesis_{gene}",
                        None,
                        gene,
                        modifiers,
                        _synthesis_formula(gene, activators[gene], repressors[gene]),
                    )
                )
            self.reactions.append(Reaction(f"degradation_{gene}", gene, None, [], f"{COMPARTMENT} * k_deg * {gene}"))
        self._check_unique()

    def _input_values(self, given: dict[str, float] | None) -> dict[str, float]:
        """The inputs' values (and, with a protocol, the levels per switch) of the model: those
        given, or those of the protocol's first condition; every condition is checked."""
        protocol = self.protocol
        if protocol is None:
            return self._values(given, self.inputs, DEFAULT_INPUT, "input value of")
        if given is not None or protocol.inputs != self.inputs:
            raise GrnsearchError(
                f"a protocol over inputs {protocol.inputs} sets the inputs of a model with inputs {self.inputs}; "
                "give either input values or a protocol over the model's inputs"
            )
        for condition in protocol.conditions:
            values = protocol.parameter_values(condition)
            self._values(values, tuple(values), DEFAULT_INPUT, f"input value (condition {condition.label!r}) of")
        first = protocol.parameter_values(protocol.conditions[0])
        return self._values(first, tuple(first), DEFAULT_INPUT, "input value of")

    def _add_protocol(self) -> None:
        """Switch times, levels per switch and one event per switch (module docstring)."""
        if self.protocol is None:
            return
        for k, (tid, t) in enumerate(self.protocol.switch_times_parameters().items(), start=1):
            self.parameters.append(Parameter(tid, t, "second"))
            self.parameters += [
                Parameter(level_id(i, k), self.input_values[level_id(i, k)], "concentration") for i in self.inputs
            ]
            changing = self.protocol.changing_inputs(k)
            self.events.append(Event(switch_event_id(k), tid, [(i, level_id(i, k)) for i in changing]))

    @staticmethod
    def _values(given: dict[str, float] | None, names: tuple[str, ...], default: float, what: str) -> dict[str, float]:
        given = dict(given or {})
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise GrnsearchError(
                f"cannot set the {what} {', '.join(unknown)}: the model has {', '.join(names) or 'none'}"
            )
        values = {k: _number(given.get(k, default), f"{what} {k}") for k in names}
        negative = [k for k, v in values.items() if v < 0]
        if negative:
            raise GrnsearchError(f"the {what} {', '.join(negative)} must not be negative")
        return values

    def _check_unique(self) -> None:
        ids = [
            self.name,
            COMPARTMENT,
            *self.genes,
            *(p.id for p in self.parameters),
            *(r.id for r in self.reactions),
            *(e.id for e in self.events),
        ]
        seen: set[str] = set()
        for sid in ids:
            if sid in seen:
                raise GrnsearchError(
                    f"the SBML id {sid!r} would be used twice (node names clash with the model "
                    f"name, '{COMPARTMENT}', 'n', 'k_deg' or the generated K_/b_/synthesis_/"
                    "degradation_/t_switch_/_level_/switch_ ids); rename the node or the model"
                )
            seen.add(sid)


def protocol_description(spec: ModelSpec) -> list[str]:
    """Plain sentences stating the protocol (run length, switches, each condition's parameter
    values), shared by the SBML notes and the Antimony comments; empty without a protocol."""
    protocol = spec.protocol
    if protocol is None:
        return []
    lines = [
        f"Stimulus protocol: every condition runs from time 0 to {protocol.duration:g} "
        f"({protocol.steps} steps of {protocol.dt:g}; genes start at the initial values above)."
    ]
    for k, t in enumerate(protocol.switch_times, start=1):
        lines.append(
            f"At time {switch_time_id(k)} = {t:g} event {switch_event_id(k)} sets "
            + ", ".join(f"{i} = {level_id(i, k)}" for i in protocol.changing_inputs(k))
            + "."
        )
    for condition in protocol.conditions:
        values = ", ".join(f"{pid} = {v:g}" for pid, v in protocol.parameter_values(condition).items())
        lines.append(f"Condition {condition.id} ({condition.label}): {values}.")
    lines.append(
        f"The parameter values in this model are those of condition {protocol.conditions[0].id}; "
        "the COMBINE archive's SED-ML runs every condition."
    )
    return lines


def _synthesis_formula(gene: str, activators: list[str], repressors: list[str]) -> str:
    terms = [f"b_{a}_{gene} * {a}^n / (K_{a}_{gene}^n + {a}^n)" for a in activators]
    factors = [f"(K_{r}_{gene}^n / (K_{r}_{gene}^n + {r}^n))" for r in repressors]
    return " * ".join([COMPARTMENT, f"({' + '.join(terms)})", *factors])
