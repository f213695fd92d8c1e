"""SBML and Antimony exports of Hill-function models."""

import math

import numpy as np
import pytest

from grnsearch import tasks
from grnsearch.dynamics.hill import HillModel
from grnsearch.errors import GrnsearchError
from grnsearch.io.protocol import protocol_from_conditions
from grnsearch.io.sbml import to_antimony, to_sbml, write_hill_exports
from grnsearch.network.topology import Topology

libsbml = pytest.importorskip("libsbml")

IFFL = ("I->g1:+ I->g2:+ g2->g1:-", ("I", "g1", "g2"), ("g1", "g2"))
OSCILLATOR = ("I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+", ("I1", "I2", "g1", "g2"), ("g1", "g2"))


def hill_model(key: str, sources: tuple[str, ...], genes: tuple[str, ...], n: float = 2.0) -> HillModel:
    """A model whose K and b differ on every link (and differ from each other)."""
    shape = (len(sources), len(genes))
    K = 0.35 + 0.17 * np.arange(shape[0] * shape[1]).reshape(shape)
    b = 1.3 + 0.41 * np.arange(shape[0] * shape[1]).reshape(shape)[::-1]
    return HillModel(Topology.from_key(key, sources, genes), K, b, n)


@pytest.fixture(params=[(IFFL, 2.0), (OSCILLATOR, 3.0)], ids=["iffl", "oscillator"])
def model(request) -> HillModel:
    (key, sources, genes), n = request.param
    return hill_model(key, sources, genes, n)


def read(text: str):
    doc = libsbml.readSBMLFromString(text)
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_FATAL) == 0
    return doc


def error_messages(doc) -> list[str]:
    return [
        doc.getError(i).getMessage()
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]


def values_of(sbml_model) -> dict[str, float]:
    """Every parameter value, species initial concentration and compartment size, by id."""
    values = {p.getId(): p.getValue() for p in sbml_model.getListOfParameters()}
    values |= {s.getId(): s.getInitialConcentration() for s in sbml_model.getListOfSpecies()}
    values |= {c.getId(): c.getSize() for c in sbml_model.getListOfCompartments()}
    return values


def rate(reaction, values: dict[str, float]) -> float:
    """The kinetic law evaluated numerically through its infix formula."""
    formula = libsbml.formulaToL3String(reaction.getKineticLaw().getMath())
    return eval(formula.replace("^", "**"), {"__builtins__": {}}, dict(values))


def expected_parameters(model: HillModel, inputs: dict[str, float]) -> dict[str, float]:
    expected = {"n": model.n, "k_deg": 1.0} | {i: inputs.get(i, 0.0) for i in model.inputs}
    for src, tgt, sign in model.topology.links():
        i, j = model.sources.index(src), model.genes.index(tgt)
        expected[f"K_{src}_{tgt}"] = model.K[i, j]
        if sign > 0:
            expected[f"b_{src}_{tgt}"] = model.b[i, j]
    return expected


def test_sbml_document_is_valid_and_has_the_specified_elements(model):
    inputs = {model.inputs[0]: 0.7}
    doc = read(to_sbml(model, input_values=inputs, initial_values={"g2": 0.45}, name="hill_test"))
    assert doc.getLevel() == 3 and doc.getVersion() == 2
    doc.checkConsistency()
    assert error_messages(doc) == []
    assert doc.getNumErrors() == 0  # not even unit-consistency warnings
    m = doc.getModel()
    assert m.getId() == "hill_test"
    assert (m.getSubstanceUnits(), m.getTimeUnits(), m.getVolumeUnits(), m.getExtentUnits()) == (
        "mole",
        "second",
        "litre",
        "mole",
    )
    assert model.topology.key() in m.getNotesString().replace("&gt;", ">")

    assert m.getNumCompartments() == 1
    cell = m.getCompartment(0)
    assert (cell.getId(), cell.getSize(), cell.getConstant()) == ("cell", 1.0, True)

    assert [s.getId() for s in m.getListOfSpecies()] == ["g1", "g2"]
    for species in m.getListOfSpecies():
        assert species.getCompartment() == "cell"
        assert not species.getHasOnlySubstanceUnits() and not species.getBoundaryCondition()
        assert not species.getConstant()
    assert m.getSpecies("g1").getInitialConcentration() == pytest.approx(0.1)
    assert m.getSpecies("g2").getInitialConcentration() == pytest.approx(0.45)

    parameters = {p.getId(): p.getValue() for p in m.getListOfParameters()}
    expected = expected_parameters(model, inputs)
    assert parameters.keys() == expected.keys()
    for pid, value in expected.items():
        assert parameters[pid] == pytest.approx(value, rel=1e-12), pid
    # inputs may be changed by events; every other parameter is constant
    assert {p.getId() for p in m.getListOfParameters() if not p.getConstant()} == set(model.inputs)
    units = {p.getId(): p.getUnits() for p in m.getListOfParameters()}
    assert units.pop("n") == "dimensionless" and units.pop("k_deg") == "per_second"
    assert {units[pid] for pid in units if pid.startswith("b_")} == {"concentration_per_second"}
    assert {units[pid] for pid in units if not pid.startswith("b_")} == {"concentration"}

    reactions = {r.getId(): r for r in m.getListOfReactions()}
    assert set(reactions) == {"synthesis_g1", "synthesis_g2", "degradation_g1", "degradation_g2"}
    for gene in model.genes:
        synthesis, degradation = reactions[f"synthesis_{gene}"], reactions[f"degradation_{gene}"]
        assert synthesis.getNumReactants() == 0
        assert [p.getSpecies() for p in synthesis.getListOfProducts()] == [gene]
        regulators = {s for s, t, _ in model.topology.links() if t == gene and s in model.genes}
        assert {r.getSpecies() for r in synthesis.getListOfModifiers()} == regulators - {gene}
        assert [r.getSpecies() for r in degradation.getListOfReactants()] == [gene]
        assert degradation.getNumProducts() == 0
        assert not synthesis.getReversible() and not degradation.getReversible()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sbml_rates_match_the_hill_model(model, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.05, 2.0, len(model.sources))
    state = dict(zip(model.sources, x, strict=True))
    doc = read(
        to_sbml(
            model, input_values={i: state[i] for i in model.inputs}, initial_values={g: state[g] for g in model.genes}
        )
    )
    m = doc.getModel()
    values = values_of(m)
    f = model.synthesis(x)
    assert np.all(f > 1e-3)  # every gene of these topologies has an activator and input is on
    for j, gene in enumerate(model.genes):
        assert rate(m.getReaction(f"synthesis_{gene}"), values) == pytest.approx(f[j], rel=1e-5)
        assert rate(m.getReaction(f"degradation_{gene}"), values) == pytest.approx(state[gene])


def test_rates_scale_with_the_compartment_and_follow_the_formula():
    model = hill_model(*IFFL)
    text = to_sbml(model, input_values={"I": 0.6}, initial_values={"g1": 0.2, "g2": 0.9})
    m = read(text).getModel()
    values = values_of(m) | {"cell": 2.5}
    K, b = model.K, model.b
    by_hand = (b[0, 0] * 0.6**2 / (K[0, 0] ** 2 + 0.6**2)) * K[2, 0] ** 2 / (K[2, 0] ** 2 + 0.9**2)
    assert rate(m.getReaction("synthesis_g1"), values) == pytest.approx(2.5 * by_hand, rel=1e-12)
    assert rate(m.getReaction("degradation_g2"), values) == pytest.approx(2.5 * 0.9)


def test_gene_with_only_repressors_has_no_synthesis_reaction():
    model = hill_model("I->g1:+ g1->g1:+ g1->g2:-", ("I", "g1", "g2"), ("g1", "g2"))
    assert model.synthesis(np.array([1.0, 0.5, 0.5]))[1] == 0.0
    doc = read(to_sbml(model))
    doc.checkConsistency()
    assert error_messages(doc) == []
    m = doc.getModel()
    assert sorted(r.getId() for r in m.getListOfReactions()) == ["degradation_g1", "degradation_g2", "synthesis_g1"]
    assert m.getParameter("K_g1_g2") is not None and m.getParameter("b_g1_g2") is None
    # g1 regulates only itself, and a product is not listed again as a modifier
    assert m.getReaction("synthesis_g1").getNumModifiers() == 0


def test_antimony_text_loads_and_converts_to_the_same_model(model):
    antimony = pytest.importorskip("antimony")
    inputs = {model.inputs[-1]: 0.55}
    initial = {"g1": 0.3, "g2": 0.8}
    text = to_antimony(model, input_values=inputs, initial_values=initial)
    assert text.startswith("//") and model.topology.key() in text.splitlines()[0]
    assert "  synthesis_g1: => g1; " in text and "  degradation_g1: g1 => ; " in text
    antimony.clearPreviousLoads()
    assert antimony.loadAntimonyString(text) >= 0, antimony.getLastError()
    assert antimony.getMainModuleName() == "grnsearch_hill"
    converted = read(antimony.getSBMLString(antimony.getMainModuleName())).getModel()
    direct = read(to_sbml(model, input_values=inputs, initial_values=initial)).getModel()

    assert converted.getNumReactions() == direct.getNumReactions() == 4
    converted_values, direct_values = values_of(converted), values_of(direct)
    assert converted_values.keys() == direct_values.keys()
    for key, value in direct_values.items():
        assert converted_values[key] == pytest.approx(value, rel=1e-12), key
    for reaction in direct.getListOfReactions():
        other = converted.getReaction(reaction.getId())
        assert other is not None, reaction.getId()
        expected = rate(reaction, direct_values)
        assert rate(other, converted_values) == pytest.approx(expected, rel=1e-12)
    assert {p.getId(): p.getUnits() for p in converted.getListOfParameters()} == {
        p.getId(): p.getUnits() for p in direct.getListOfParameters()
    }


def test_write_hill_exports_writes_exactly_the_two_files(tmp_path):
    model = hill_model(*OSCILLATOR)
    directory = tmp_path / "exports"
    directory.mkdir()
    (directory / "hill_model.xml").write_text("stale")
    paths = write_hill_exports(model, directory, input_values={"I1": 0.8})
    assert paths == [directory / "hill_model.xml", directory / "hill_model.antimony"]
    assert sorted(p.name for p in directory.iterdir()) == ["hill_model.antimony", "hill_model.xml"]
    assert paths[0].read_text() == to_sbml(model, input_values={"I1": 0.8})
    assert paths[1].read_text() == to_antimony(model, input_values={"I1": 0.8})
    assert read(paths[0].read_text()).getModel().getParameter("I1").getValue() == 0.8


@pytest.mark.parametrize("bad", ["g-1", "1g", "g 1", "gène"])
@pytest.mark.parametrize("export", [to_sbml, to_antimony])
def test_invalid_node_name_is_rejected_by_name(bad, export):
    signs = np.array([[1, 1], [0, 0], [-1, 0]])  # the IFFL with g1 renamed
    topology = Topology(signs, ("I", bad, "g2"), (bad, "g2"))
    model = HillModel(topology, np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(GrnsearchError, match="letters, digits and underscores") as info:
        export(model)
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize("bad", ["time", "exp", "species", "PI"])
def test_reserved_words_are_rejected(bad):
    model = hill_model(f"{bad}->g1:+ g1->g1:+", (bad, "g1"), ("g1",))
    with pytest.raises(GrnsearchError, match=f"'{bad}' is a reserved word"):
        to_sbml(model)


@pytest.mark.parametrize("clash", ["n", "cell", "k_deg"])
def test_node_names_that_clash_with_generated_ids_are_rejected(clash):
    model = hill_model(f"I->{clash}:+", ("I", clash), (clash,))
    with pytest.raises(GrnsearchError, match=f"'{clash}' would be used twice"):
        to_antimony(model)


def test_bad_values_are_rejected():
    model = hill_model(*IFFL)
    with pytest.raises(GrnsearchError, match="I2"):
        to_sbml(model, input_values={"I2": 1.0})
    with pytest.raises(GrnsearchError, match="g3"):
        to_sbml(model, initial_values={"g3": 1.0})
    with pytest.raises(GrnsearchError, match="negative"):
        to_sbml(model, initial_values={"g1": -1.0})
    K = model.K.copy()
    K[0, 0] = math.nan
    with pytest.raises(GrnsearchError, match="I->g1"):
        to_sbml(HillModel(model.topology, K, model.b, model.n))


def event_summary(sbml_model) -> list[tuple]:
    """Each event as (id, trigger formula, initial value, persistent, values from trigger time,
    assignments)."""
    summary = []
    for e in sbml_model.getListOfEvents():
        trigger = e.getTrigger()
        assignments = [(a.getVariable(), libsbml.formulaToL3String(a.getMath())) for a in e.getListOfEventAssignments()]
        summary.append(
            (
                e.getId(),
                libsbml.formulaToL3String(trigger.getMath()),
                trigger.getInitialValue(),
                trigger.getPersistent(),
                e.getUseValuesFromTriggerTime(),
                assignments,
            )
        )
    return summary


def test_antimony_states_the_same_protocol_as_the_sbml():
    antimony = pytest.importorskip("antimony")
    task = tasks.get("adaptation")
    model = hill_model(*IFFL)
    protocol = protocol_from_conditions(task.check_conditions(), task.inputs)
    initial = {"g1": 0.4, "g2": 0.25}
    text = to_antimony(model, initial_values=initial, protocol=protocol)
    assert "Condition c3 (I: 0.1 -> 1.0): I = 0.1, I_level_1 = 1." in text
    antimony.clearPreviousLoads()
    assert antimony.loadAntimonyString(text) >= 0, antimony.getLastError()
    converted_doc = read(antimony.getSBMLString(antimony.getMainModuleName()))
    direct_doc = read(to_sbml(model, initial_values=initial, protocol=protocol))
    converted, direct = converted_doc.getModel(), direct_doc.getModel()
    assert event_summary(direct) == [("switch_1", "time >= t_switch_1", False, True, True, [("I", "I_level_1")])]
    assert event_summary(converted) == event_summary(direct)
    assert values_of(converted) == pytest.approx(values_of(direct), rel=1e-12)
    assert direct.getParameter("t_switch_1").getValue() == 4.0
    assert direct.getParameter("I").getValue() == 0.1 and direct.getParameter("I_level_1").getValue() == 0.25
    for p in direct.getListOfParameters():
        assert converted.getParameter(p.getId()).getConstant() == p.getConstant(), p.getId()
    assert "Condition c3 (I: 0.1 -&gt; 1.0)" in direct.getNotesString()
