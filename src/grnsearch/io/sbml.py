"""SBML export of a Hill-function model (:class:`grnsearch.dynamics.hill.HillModel`), built with
python-libsbml from the shared model description of :mod:`grnsearch.io.model_spec`, and the
writer of both exports (SBML and Antimony) beside a Hill check.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import libsbml

from grnsearch._files import write_atomic
from grnsearch.dynamics.hill import HillModel
from grnsearch.errors import GrnsearchError
from grnsearch.io.antimony import to_antimony
from grnsearch.io.model_spec import COMPARTMENT, UNITS, ModelSpec, protocol_description
from grnsearch.io.protocol import Protocol

SBML_FILE = "hill_model.xml"
ANTIMONY_FILE = "hill_model.antimony"


def to_sbml(
    model: HillModel,
    input_values: dict[str, float] | None = None,
    initial_values: dict[str, float] | None = None,
    name: str = "grnsearch_hill",
    protocol: Protocol | None = None,
) -> str:
    """An SBML Level 3 Version 2 document of ``model`` (inputs as non-constant parameters, genes as
    species with initial concentrations, default 0.1) and, with ``protocol`` (instead of
    ``input_values``), its switch parameters and events; raises GrnsearchError for a node name
    that is not a valid SBML id or if libsbml's consistency check reports an error."""
    spec = ModelSpec(model, input_values, initial_values, name, protocol)
    doc = libsbml.SBMLDocument(3, 2)
    m = doc.createModel()
    _ok(m.setId(name), "model id")
    _ok(m.setName(name), "model name")
    _ok(m.setNotes(_notes(spec)), "notes")
    _add_units(m)
    _add_species_and_parameters(m, spec)
    _add_reactions(m, spec)
    _add_events(m, spec)
    doc.checkConsistency()
    errors = [doc.getError(i) for i in range(doc.getNumErrors())]
    errors = [e for e in errors if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    if errors:
        listing = "; ".join(f"{e.getSeverityAsString()} {e.getErrorId()}: {e.getMessage().strip()}" for e in errors)
        raise GrnsearchError(f"the SBML document of {spec.key!r} is not valid: {listing}")
    return libsbml.writeSBMLToString(doc)


def _add_units(m: libsbml.Model) -> None:
    for attr, unit in (("Substance", "mole"), ("Time", "second"), ("Volume", "litre"), ("Extent", "mole")):
        _ok(getattr(m, f"set{attr}Units")(unit), f"{attr.lower()} units")
    for uid, parts in UNITS.items():
        definition = m.createUnitDefinition()
        _ok(definition.setId(uid), uid)
        for kind, exponent in parts:
            unit = definition.createUnit()
            _ok(unit.setKind(libsbml.UnitKind_forName(kind)), uid)
            _ok(unit.setExponent(exponent), uid)
            _ok(unit.setScale(0), uid)
            _ok(unit.setMultiplier(1.0), uid)


def _add_species_and_parameters(m: libsbml.Model, spec: ModelSpec) -> None:
    cell = m.createCompartment()
    for status in (
        cell.setId(COMPARTMENT),
        cell.setSpatialDimensions(3),
        cell.setSize(1.0),
        cell.setUnits("litre"),
        cell.setConstant(True),
    ):
        _ok(status, COMPARTMENT)
    for gene in spec.genes:
        sp = m.createSpecies()
        for status in (
            sp.setId(gene),
            sp.setCompartment(COMPARTMENT),
            sp.setInitialConcentration(spec.initial[gene]),
            sp.setHasOnlySubstanceUnits(False),
            sp.setBoundaryCondition(False),
            sp.setConstant(False),
        ):
            _ok(status, gene)
    for pid, value, unit, constant in spec.parameters:
        p = m.createParameter()
        for status in (p.setId(pid), p.setValue(value), p.setUnits(unit), p.setConstant(constant)):
            _ok(status, pid)


def _add_reactions(m: libsbml.Model, spec: ModelSpec) -> None:
    for rid, reactant, product, modifiers, formula in spec.reactions:
        r = m.createReaction()
        _ok(r.setId(rid), rid)
        _ok(r.setReversible(False), rid)
        for species, create in ((reactant, r.createReactant), (product, r.createProduct)):
            if species is not None:
                ref = create()
                for status in (ref.setSpecies(species), ref.setStoichiometry(1.0), ref.setConstant(True)):
                    _ok(status, rid)
        for species in modifiers:
            _ok(r.createModifier().setSpecies(species), rid)
        _ok(r.createKineticLaw().setMath(_math(formula, m, f"the rate of {rid}")), rid)


def _add_events(m: libsbml.Model, spec: ModelSpec) -> None:
    for eid, time_parameter, assignments in spec.events:
        e = m.createEvent()
        _ok(e.setId(eid), eid)
        _ok(e.setUseValuesFromTriggerTime(True), eid)
        trigger = e.createTrigger()
        # false at time 0 so that a switch at time 0 still fires; persistent: nothing retracts it
        for status in (
            trigger.setInitialValue(False),
            trigger.setPersistent(True),
            trigger.setMath(_math(f"time >= {time_parameter}", m, f"the trigger of {eid}")),
        ):
            _ok(status, eid)
        for variable, parameter in assignments:
            assignment = e.createEventAssignment()
            _ok(assignment.setVariable(variable), eid)
            _ok(assignment.setMath(_math(parameter, m, f"the assignment of {eid}")), eid)


def _math(formula: str, m: libsbml.Model, what: str) -> libsbml.ASTNode:
    # with the model, the parser reads every id in it as that symbol, never as a builtin
    math_ast = libsbml.parseL3FormulaWithModel(formula, m)
    if math_ast is None:
        raise GrnsearchError(f"cannot parse {what} ({formula}): {libsbml.getLastParseL3Error()}")
    return math_ast


def _ok(status: int, what: str) -> None:
    if status != 0:  # LIBSBML_OPERATION_SUCCESS
        raise GrnsearchError(f"libsbml could not set {what} (status code {status})")


def _notes(spec: ModelSpec) -> str:
    paragraphs = [
        f"grnsearch Hill-function model of the topology {spec.key or '(no links)'}.",
        (
            "For each gene: d[gene]/dt = f - k_deg*gene with k_deg = 1, f = (sum over activators a "
            "of b_a*a^n/(K_a^n + a^n)) * (product over repressors r of K_r^n/(K_r^n + r^n)), and "
            "f = 0 for a gene without activators."
        ),
        (
            f"Inputs ({', '.join(spec.inputs) or 'none'}) are non-constant parameters: change their "
            "values, or let events change them, to apply an input. The model is nondimensional; "
            "units are nominal."
        ),
        *protocol_description(spec),
    ]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f'<body xmlns="http://www.w3.org/1999/xhtml">{body}</body>'


def write_hill_exports(
    model: HillModel,
    directory: Path,
    input_values: dict[str, float] | None = None,
    initial_values: dict[str, float] | None = None,
    protocol: Protocol | None = None,
) -> list[Path]:
    """Write ``hill_model.xml`` (SBML) and ``hill_model.antimony`` into ``directory``, each
    through a temporary file and a rename; returns their paths."""
    directory = Path(directory)
    texts = {
        SBML_FILE: to_sbml(model, input_values, initial_values, protocol=protocol),
        ANTIMONY_FILE: to_antimony(model, input_values, initial_values, protocol=protocol),
    }
    return [write_atomic(directory / filename, text) for filename, text in texts.items()]
