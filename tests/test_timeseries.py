"""Reading measured time courses (io/timeseries.py) and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from grnsearch.errors import GrnsearchError
from grnsearch.io.timeseries import read_time_series

GOOD = """experiment,time,a,b,I
e1,0,0.0,2.0,1
e1,1,1.0,4.0,0
e1,2,2.0,,1
e2,0,0.5,1.0,0
e2,5,1.5,3.0,1
"""


def test_reads_experiments_scales_genes_and_keeps_missing_values(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(GOOD)
    data = read_time_series(path, inputs=["I"], window=2)
    assert data.experiments == ("e1", "e2") and data.genes == ("a", "b") and data.inputs == ("I",)
    np.testing.assert_array_equal(data.times[1], [0.0, 5.0])
    np.testing.assert_array_equal(data.scale, [2.0, 4.0])
    assert data.values[0].shape == (3, 1, 3) and data.n_positions == 1
    np.testing.assert_allclose(data.values[0][:, 0, 0], [0.0, 0.5, 1.0])
    assert np.isnan(data.values[0][2, 0, 1])
    np.testing.assert_array_equal(data.values[0][:, 0, 2], [1, 0, 1])  # inputs are not scaled
    assert read_time_series(path, genes=["b"], inputs=["I"]).genes == ("b",)


def test_spatial_data_are_a_grid_of_positions(tmp_path):
    rows = ["experiment,time,position,a"]
    rows += [f"e,{t},{x},{t + x}" for t in (1, 0) for x in (0.2, 0.1, 0.3)]  # any row order
    path = tmp_path / "spatial.csv"
    path.write_text("\n".join(rows) + "\n")
    data = read_time_series(path)
    np.testing.assert_array_equal(data.positions, [0.1, 0.2, 0.3])
    assert data.values[0].shape == (2, 3, 1)
    np.testing.assert_allclose(data.values[0][1, :, 0] * data.scale[0], [1.1, 1.2, 1.3])
    path.write_text("\n".join(rows[:-1]) + "\n")  # one position missing at one time
    with pytest.raises(GrnsearchError, match="every position once at every time"):
        read_time_series(path)


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("time,a\n0,1\n1,2\n", {}, "experiment"),
        ("experiment,time,a,a\ne,0,1,2\ne,1,2,3\n", {}, "'a'"),
        (GOOD, {"genes": ["a"], "inputs": ["a"]}, "both as a gene and as an input"),
        (GOOD, {"genes": ["c"]}, "no column 'c'"),
        (GOOD.replace("e1,1,1.0", "e1,0,1.0"), {}, "does not come after"),
        (GOOD, {"window": 3}, "experiment 'e2' has 2 time points"),
        (GOOD.replace(",1\n", ",\n").replace(",0\n", ",\n"), {}, "column 'I' has no values"),
        (GOOD.replace(",1\n", ",7\n").replace(",0\n", ",7\n"), {}, "column 'I' is constant"),
        (GOOD.replace("e2,0,0.5", "e2,0,-0.5"), {}, "negative values"),
        (GOOD.replace("e2,0,0.5", "e2,0,high"), {}, "row 5: 'high' is not a number"),
        (GOOD.replace("e2,5,", "e2,later,"), {}, "time"),
        (GOOD.replace("e2,0,0.5", "e2,0,inf"), {}, "infinite"),
    ],
    ids=[
        "no-experiment",
        "column-twice",
        "gene-and-input",
        "unknown-gene",
        "time-repeated",
        "short-experiment",
        "all-missing",
        "constant",
        "negative",
        "text",
        "time-text",
        "infinite",
    ],  # fmt: skip
)
def test_bad_time_series_name_the_problem(tmp_path, content, options, message):
    path = tmp_path / "data.csv"
    path.write_text(content)
    with pytest.raises(GrnsearchError, match=message):
        read_time_series(path, **options)
