"""SED-ML (Level 1 Version 3) description of an exported protocol's time courses, built with
python-libsedml, so that a simulator (libroadrunner, tellurium, COPASI) runs every condition of a
Hill check on the exported SBML model.

For each condition ``c`` of the protocol (:mod:`grnsearch.io.protocol`): a model ``model_c`` (the
SBML file, with the condition's input levels set by ``changeAttribute``), a task ``task_c`` on the
one uniform time course (0 to the run length, one output point per step, CVODE with tight
tolerances), data generators ``dg_c_time`` and ``dg_c_<node>`` for time, every gene and every
input, a report ``report_c`` and a plot ``plot_c`` of the genes against time.
"""

from __future__ import annotations

import libsedml

from grnsearch.errors import GrnsearchError
from grnsearch.io.protocol import Protocol

SEDML_FILE = "hill_protocol.sedml"
SBML_LANGUAGE = "urn:sedml:language:sbml.level-3.version-2"
SBML_NAMESPACE = "http://www.sbml.org/sbml/level3/version2/core"
TIME_SYMBOL = "urn:sedml:symbol:time"
CVODE = "KISAO:0000019"
RELATIVE_TOLERANCE = "KISAO:0000209"
ABSOLUTE_TOLERANCE = "KISAO:0000211"
SIMULATION = "time_course"


def parameter_target(pid: str) -> str:
    """The XPath of a parameter's value in the SBML model."""
    return f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{pid}']/@value"


def species_target(sid: str) -> str:
    """The XPath of a species (its concentration) in the SBML model."""
    return f"/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='{sid}']"


def to_sedml(
    protocol: Protocol, genes: tuple[str, ...], model_source: str, *, rtol: float = 1e-10, atol: float = 1e-12
) -> str:
    """The SED-ML document (module docstring) of ``protocol`` on the SBML file ``model_source``
    (a path relative to the SED-ML file) whose species are ``genes``."""
    doc = libsedml.SedDocument(1, 3)
    _ok(doc.getNamespaces().add(SBML_NAMESPACE, "sbml"), "the sbml namespace")
    _add_simulation(doc, protocol, rtol, atol)
    for condition in protocol.conditions:
        cid = condition.id
        model = doc.createModel()
        for status in (model.setId(f"model_{cid}"), model.setName(condition.label)):
            _ok(status, cid)
        _ok(model.setSource(model_source), cid)
        _ok(model.setLanguage(SBML_LANGUAGE), cid)
        for pid, value in protocol.parameter_values(condition).items():
            change = model.createChangeAttribute()
            _ok(change.setTarget(parameter_target(pid)), pid)
            _ok(change.setNewValue(repr(float(value))), pid)
        task = doc.createTask()
        for status in (
            task.setId(f"task_{cid}"),
            task.setName(condition.label),
            task.setModelReference(f"model_{cid}"),
            task.setSimulationReference(SIMULATION),
        ):
            _ok(status, cid)
        _add_outputs(doc, cid, condition.label, genes, protocol.inputs)
    errors = [doc.getError(i) for i in range(doc.getNumErrors()) if doc.getError(i).getSeverity() >= 2]
    if errors:
        raise GrnsearchError("the SED-ML document is not valid: " + "; ".join(e.getMessage().strip() for e in errors))
    return libsedml.writeSedMLToString(doc)


def _add_simulation(doc: libsedml.SedDocument, protocol: Protocol, rtol: float, atol: float) -> None:
    sim = doc.createUniformTimeCourse()
    for status in (
        sim.setId(SIMULATION),
        sim.setInitialTime(0.0),
        sim.setOutputStartTime(0.0),
        sim.setOutputEndTime(protocol.duration),
        sim.setNumberOfPoints(protocol.steps),
    ):
        _ok(status, SIMULATION)
    algorithm = sim.createAlgorithm()
    _ok(algorithm.setKisaoID(CVODE), "algorithm")
    for kisao, value in ((RELATIVE_TOLERANCE, rtol), (ABSOLUTE_TOLERANCE, atol)):
        parameter = algorithm.createAlgorithmParameter()
        _ok(parameter.setKisaoID(kisao), kisao)
        _ok(parameter.setValue(repr(float(value))), kisao)


def _add_outputs(
    doc: libsedml.SedDocument, cid: str, label: str, genes: tuple[str, ...], inputs: tuple[str, ...]
) -> None:
    report = doc.createReport()
    _ok(report.setId(f"report_{cid}"), cid)
    _ok(report.setName(label), cid)
    plot = doc.createPlot2D()
    _ok(plot.setId(f"plot_{cid}"), cid)
    _ok(plot.setName(label), cid)
    for name in ("time", *genes, *inputs):
        generator = doc.createDataGenerator()
        dg = f"dg_{cid}_{name}"
        _ok(generator.setId(dg), dg)
        _ok(generator.setName(name), dg)
        variable = generator.createVariable()
        _ok(variable.setId(f"v_{cid}_{name}"), dg)
        _ok(variable.setTaskReference(f"task_{cid}"), dg)
        if name == "time":
            _ok(variable.setSymbol(TIME_SYMBOL), dg)
        else:
            target = species_target(name) if name in genes else parameter_target(name).removesuffix("/@value")
            _ok(variable.setTarget(target), dg)
        _ok(generator.setMath(libsedml.parseL3Formula(f"v_{cid}_{name}")), dg)
        data_set = report.createDataSet()
        for status in (data_set.setId(f"ds_{cid}_{name}"), data_set.setLabel(name), data_set.setDataReference(dg)):
            _ok(status, dg)
        if name in genes:
            curve = plot.createCurve()
            for status in (
                curve.setId(f"curve_{cid}_{name}"),
                curve.setName(name),
                curve.setLogX(False),
                curve.setLogY(False),
                curve.setXDataReference(f"dg_{cid}_time"),
                curve.setYDataReference(dg),
            ):
                _ok(status, dg)


def _ok(status: int, what: str) -> None:
    if status != 0:  # LIBSEDML_OPERATION_SUCCESS
        raise GrnsearchError(f"libsedml could not set {what} (status code {status})")
