"""The COMBINE archive of a Hill check runs on its own: libsedml reads its SED-ML, libroadrunner
simulates its SBML (events included) and reproduces the tool's exact-ODE trajectories."""

import re
import xml.etree.ElementTree as ET
import zipfile

import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

from grnsearch import tasks
from grnsearch.dynamics.hill import HillModel
from grnsearch.dynamics.reference import exact_trajectories
from grnsearch.errors import GrnsearchError
from grnsearch.hillsearch.fit import fit_hill
from grnsearch.io.protocol import protocol_from_conditions
from grnsearch.io.sbml import to_sbml
from grnsearch.network.topology import Topology
from grnsearch.outputs.hill_check import ARCHIVE_FILE, TRAJECTORIES_FILE, write_model_exports
from grnsearch.tasks.base import DemoCondition

libsbml = pytest.importorskip("libsbml")
libsedml = pytest.importorskip("libsedml")
roadrunner = pytest.importorskip("roadrunner")

FFL = "I->g1:+ I->g2:+ g2->g1:-"
OSCILLATOR = "I1->g2:+ I2->g1:+ g1->g1:+ g1->g2:- g2->g1:+ g2->g2:+"
MANIFEST_NS = {"omex": "http://identifiers.org/combine.specifications/omex-manifest"}
KISAO_TOLERANCES = {"KISAO:0000209": "relative_tolerance", "KISAO:0000211": "absolute_tolerance"}


# a set (rounded) that passes the oscillation screen and, integrated exactly, keeps g1 swinging
# under I1 by about 1.7 to the end: the hardest case for agreement
OSCILLATING_K = [[4.7542, 0.6972], [0.7677, 0.8947], [1.5049, 1.0271], [0.4378, 0.4076]]
OSCILLATING_B = [[2.7103, 0.0538], [1.2372, 1.7367], [2.6422, 1.9038], [0.7611, 1.709]]


def explicit_model(task, key: str, K=None, b=None) -> HillModel:
    """A fixed parameter set (no fit: the export path is the test), by default different on every
    link."""
    topology = Topology.from_key(key, task.sources, task.genes)
    shape = topology.signs.shape
    K = 0.3 + 0.11 * np.arange(np.prod(shape)).reshape(shape) if K is None else np.asarray(K)
    b = 1.2 + 0.37 * np.arange(np.prod(shape)).reshape(shape)[::-1] if b is None else np.asarray(b)
    return HillModel(topology, K, b, 2.0)


def checked_sbml(text: str):
    doc = libsbml.readSBMLFromString(text)
    doc.checkConsistency()
    errors = [doc.getError(i) for i in range(doc.getNumErrors())]
    assert [e.getMessage() for e in errors if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR] == []
    return doc


def run_sedml(sedml_text: str, sbml_text: str) -> dict[str, pd.DataFrame]:
    """Every report of the SED-ML, by task id, as libroadrunner computes it: the model changes
    applied to the SBML, the uniform time course and the algorithm's tolerances read from the
    SED-ML, each data set read off the variable its data generator names."""
    sed = libsedml.readSedMLFromString(sedml_text)
    assert sed.getNumErrors(libsedml.LIBSEDML_SEV_ERROR) == 0
    assert (sed.getLevel(), sed.getVersion()) >= (1, 3)
    results = {}
    for r in range(sed.getNumOutputs()):
        report = sed.getOutput(r)
        if report.getTypeCode() != libsedml.SEDML_OUTPUT_REPORT:
            continue
        columns, task = {}, None
        for d in range(report.getNumDataSets()):
            data_set = report.getDataSet(d)
            variable = sed.getDataGenerator(data_set.getDataReference()).getVariable(0)
            task = sed.getTask(variable.getTaskReference())
            symbol = variable.getSymbol()
            columns[data_set.getLabel()] = "time" if symbol else re.search(r"@id='(\w+)'", variable.getTarget())[1]
        sim = sed.getSimulation(task.getSimulationReference())
        model = sed.getModel(task.getModelReference())
        doc = checked_sbml(sbml_text)
        for c in range(model.getNumChanges()):
            change = model.getChange(c)
            pid = re.search(r"parameter\[@id='(\w+)'\]/@value", change.getTarget())[1]
            assert doc.getModel().getParameter(pid).setValue(float(change.getNewValue())) == 0
        rr = roadrunner.RoadRunner(libsbml.writeSBMLToString(doc))
        algorithm = sim.getAlgorithm()
        assert algorithm.getKisaoID() == "KISAO:0000019"  # CVODE
        for p in range(algorithm.getNumAlgorithmParameters()):
            parameter = algorithm.getAlgorithmParameter(p)
            setattr(rr.integrator, KISAO_TOLERANCES[parameter.getKisaoID()], float(parameter.getValue()))
        assert sim.getInitialTime() == sim.getOutputStartTime() == 0.0
        result = rr.simulate(0.0, sim.getOutputEndTime(), sim.getNumberOfPoints() + 1, list(columns.values()))
        results[task.getId()] = pd.DataFrame(np.asarray(result), columns=list(columns))
    return results


@pytest.mark.parametrize(
    "task_name, key, n_conditions, switch_times",
    [("adaptation", FFL, 4, [4.0]), ("oscillation", OSCILLATOR, 3, [])],
    ids=["adaptation-ffl", "oscillation"],
)
def test_archive_runs_in_roadrunner_to_the_exact_ode_trajectories(tmp_path, task_name, key, n_conditions, switch_times):
    task = tasks.get(task_name)
    oscillates = task_name == "oscillation"
    model = explicit_model(task, key, *((OSCILLATING_K, OSCILLATING_B) if oscillates else ()))
    start = np.asarray([0.1, 0.1] if oscillates else [0.4, 0.23])
    record = write_model_exports(tmp_path, task, model, start)
    assert record["protocol"]["switch_times"] == switch_times
    assert jnp.zeros(1).dtype == jnp.float32  # double precision stayed inside the reference solve

    if oscillates:  # g1 under I1 still swings in the second half of the run
        reference = pd.read_csv(tmp_path / TRAJECTORIES_FILE)
        under_i1 = reference[reference["condition"] == reference["condition"].unique()[1]]["g1"].to_numpy()
        assert np.ptp(under_i1[len(under_i1) // 2 :]) > 1.0
    check_archive(tmp_path, task, n_conditions, switch_times)


@pytest.mark.parametrize(
    "task_name, key, options, n_conditions, switch_times",
    [
        ("adaptation", FFL, {"samples": 4096, "starts": 8, "iterations": 800}, 4, [4.0]),
        ("oscillation", OSCILLATOR, {"samples": 40_000}, 3, []),
    ],
    ids=["adaptation-ffl", "oscillation"],
)
def test_the_archive_of_a_hill_check_fit_runs_in_roadrunner(
    tmp_path, task_name, key, options, n_conditions, switch_times
):
    """Not a chosen parameter set but what hill-check fits and exports (an exactly passing set)."""
    task = tasks.get(task_name)
    fit = fit_hill(task, Topology.from_key(key, task.sources, task.genes), seed=0, **options)
    assert fit.performs
    write_model_exports(tmp_path, task, fit.model, fit.initial_state)
    check_archive(tmp_path, task, n_conditions, switch_times)


def check_archive(directory, task, n_conditions: int, switch_times: list[float]) -> None:
    """The archive in ``directory`` is complete, its SBML valid with one event per switch, and
    libroadrunner running its SED-ML reproduces hill_trajectories.csv to 1e-5 at every point of
    every condition."""
    with zipfile.ZipFile(directory / ARCHIVE_FILE) as archive:
        files = {name: archive.read(name).decode() for name in archive.namelist()}
    manifest = ET.fromstring(files["manifest.xml"])
    contents = {c.get("location"): c for c in manifest.findall("omex:content", MANIFEST_NS)}
    masters = [loc for loc, c in contents.items() if c.get("master") == "true"]
    assert masters == ["./hill_protocol.sedml"]
    assert {loc.removeprefix("./") for loc in contents} - {"."} == set(files)
    assert files[TRAJECTORIES_FILE] == (directory / TRAJECTORIES_FILE).read_text()

    doc = checked_sbml(files["hill_model.xml"])
    sbml = doc.getModel()
    assert sbml.getNumEvents() == len(switch_times)
    assert all(not sbml.getParameter(i).getConstant() for i in task.inputs)

    reference = pd.read_csv(directory / TRAJECTORIES_FILE)
    per_condition = [group for _, group in reference.groupby("condition", sort=False)]
    assert len(per_condition) == n_conditions
    # the conditions differ, so agreeing on every one means the protocol's changes were applied
    assert (
        min(np.abs(c[["g1"]].to_numpy() - per_condition[0][["g1"]].to_numpy()).max() for c in per_condition[1:]) > 1e-2
    )

    runs = run_sedml(files["hill_protocol.sedml"], files["hill_model.xml"])
    assert len(runs) == n_conditions
    for group in per_condition:
        simulated = runs[f"task_{group['condition'].iloc[0]}"]
        assert simulated.shape[0] == len(group) == task.check_conditions()[0].inputs.shape[0] + 1
        np.testing.assert_allclose(simulated["time"], group["time"], rtol=0, atol=1e-12)
        for gene in task.genes:
            np.testing.assert_allclose(simulated[gene], group[gene], rtol=0, atol=1e-5, err_msg=gene)


def pulse_conditions() -> list[DemoCondition]:
    """A protocol no built-in task has: one input pulsed up at step 5 and down at step 12, the
    other stepped at step 8, and a condition held constant."""
    steps = 20
    pulse = np.zeros((steps, 2))
    pulse[5:12, 0] = 0.9
    pulse[8:, 1] = 0.3
    held = np.full((steps, 2), 0.2)
    return [DemoCondition("pulse", pulse, np.zeros((steps, 1)), 0.25), DemoCondition("held", held, None, 0.25)]


def test_any_piecewise_constant_protocol_becomes_events_that_roadrunner_follows():
    task = tasks.get("oscillation")
    model = explicit_model(task, OSCILLATOR)
    protocol = protocol_from_conditions(pulse_conditions(), task.inputs)
    assert protocol.switch_steps == (5, 8, 12) and protocol.switch_times == (1.25, 2.0, 3.0)
    assert protocol.changing_inputs(1) == ("I1",) and protocol.changing_inputs(2) == ("I2",)
    np.testing.assert_array_equal(protocol.input_arrays()[0], pulse_conditions()[0].inputs)
    start = np.asarray([0.1, 0.3])
    expected = exact_trajectories(model, protocol.input_arrays(), protocol.dt, start)
    initial = dict(zip(task.genes, start, strict=True))
    text = to_sbml(model, initial_values=initial, protocol=protocol)
    doc = checked_sbml(text)
    assert [e.getId() for e in doc.getModel().getListOfEvents()] == ["switch_1", "switch_2", "switch_3"]
    for c, condition in enumerate(protocol.conditions):
        rr = roadrunner.RoadRunner(text)
        rr.integrator.relative_tolerance, rr.integrator.absolute_tolerance = 1e-10, 1e-12
        for pid, value in protocol.parameter_values(condition).items():
            rr[pid] = value
        result = np.asarray(rr.simulate(0, protocol.duration, protocol.steps + 1, ["time", *task.genes]))
        np.testing.assert_allclose(result[:, 1:], expected[c], rtol=0, atol=1e-5)


def test_conditions_that_do_not_share_a_time_grid_are_refused():
    first, second = pulse_conditions()
    with pytest.raises(GrnsearchError, match="share dt and length"):
        protocol_from_conditions([first, second._replace(dt=0.1)], ("I1", "I2"))
    with pytest.raises(GrnsearchError, match="do not fit inputs"):
        protocol_from_conditions([first], ("I",))
    negative = first._replace(inputs=-first.inputs - 1)
    protocol = protocol_from_conditions([negative], ("I1", "I2"))
    with pytest.raises(GrnsearchError, match="must not be negative"):
        to_sbml(explicit_model(tasks.get("oscillation"), OSCILLATOR), protocol=protocol)
