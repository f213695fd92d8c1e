"""Antimony export of a Hill-function model: the same ids, values, units and rates as the SBML
export (:mod:`grnsearch.io.model_spec`), as text that tellurium and Antimony read."""

from __future__ import annotations

from grnsearch.dynamics.hill import HillModel
from grnsearch.io.model_spec import COMPARTMENT, UNITS, ModelSpec, protocol_description
from grnsearch.io.protocol import Protocol


def to_antimony(
    model: HillModel,
    input_values: dict[str, float] | None = None,
    initial_values: dict[str, float] | None = None,
    name: str = "grnsearch_hill",
    protocol: Protocol | None = None,
) -> str:
    """Antimony text equivalent to :func:`grnsearch.io.sbml.to_sbml` (same ids, values, units,
    rates, protocol parameters and events)."""
    spec = ModelSpec(model, input_values, initial_values, name, protocol)
    lines = [
        f"// grnsearch Hill-function model of the topology: {spec.key or '(no links)'}",
        "// d[gene]/dt = f - k_deg*gene; inputs are non-constant parameters: change them, or let",
        "// events change them, to apply an input. The model is nondimensional; units are nominal.",
        *(f"// {line}" for line in protocol_description(spec)),
        f"model {name}",
        "  unit substance = mole;",
        "  unit volume = litre;",
        "  unit time_unit = second;",
        "  unit extent = mole;",
    ]
    for uid, parts in UNITS.items():
        numerator = " * ".join(k for k, e in parts if e > 0) or "1"
        below = [k for k, e in parts if e < 0]
        denominator = below[0] if len(below) == 1 else f"({' * '.join(below)})"
        lines.append(f"  unit {uid} = {numerator} / {denominator};")
    lines += ["", f"  compartment {COMPARTMENT} = 1;", f"  {COMPARTMENT} has litre;"]
    lines += [f"  species {gene} in {COMPARTMENT};" for gene in spec.genes]
    lines += [f"  {gene} = {spec.initial[gene]!r};" for gene in spec.genes]
    lines.append("")
    lines += [f"  var {p.id};" for p in spec.parameters if not p.constant]
    for pid, value, unit, _ in spec.parameters:
        lines += [f"  {pid} = {value!r};", f"  {pid} has {unit};"]
    lines.append("")
    for r in spec.reactions:
        left = f"{r.reactant} " if r.reactant else ""
        right = f" {r.product}" if r.product else " "
        lines.append(f"  {r.id}: {left}=>{right}; {r.formula}")
    if spec.events:
        lines.append("")
    for e in spec.events:
        assignments = ", ".join(f"{variable} = {parameter}" for variable, parameter in e.assignments)
        # the same trigger and event attributes as the SBML export
        lines.append(
            f"  {e.id}: at (time >= {e.time_parameter}), t0=false, persistent=true, fromTrigger=true: {assignments};"
        )
    lines.append("end")
    return "\n".join(lines) + "\n"
