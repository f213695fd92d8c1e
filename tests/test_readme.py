"""Every Python example in the README runs as written, apart from sizes.

The README's ```python blocks run in order, in one namespace, in a scratch directory. Sizes are
shrunk by replacing exact README text (each replacement must still match the README, so an
edited example fails here instead of being skipped).
"""

import re
from pathlib import Path

import pytest

from grnsearch.readout import SparsifySettings

README = Path(__file__).resolve().parents[1] / "README.md"

# README text -> the same call at test size (sparsify keeps its training length: the example reads
# the path's last success, and a fully connected adaptation network needs the default to learn)
SPARSIFY = 'sparsify(task, seeds=5, blocked=[("I", "g2")], distribution=Distribution(workers=2))'
SEARCH = 'run_search(task, samples=160_000, out="runs/search")'
SMALLER = {
    'grnsearch.train(task, seeds=8, arch="shared")': 'grnsearch.train(task, seeds=3, arch="shared", iterations=30)',
    SPARSIFY: SPARSIFY.replace("seeds=5", "seeds=2").replace(
        "))", "), settings=SparsifySettings(restarts=1, max_steps=1))"
    ),
    SEARCH: SEARCH.replace("160_000", "2_000").replace(")", ", topology_indices=range(0, 2304, 150))"),
    "run_study(task, 200)": "run_study(task, 4, iterations=30)",
}


def _examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_the_examples_this_test_shrinks():
    code = "\n".join(_examples())
    missing = [text for text in SMALLER if text not in code]
    assert not missing, f"README examples changed; update SMALLER for: {missing}"


@pytest.mark.slow
def test_readme_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"SparsifySettings": SparsifySettings}  # used by the shrunk sparsify call
    for k, block in enumerate(_examples()):
        for text, smaller in SMALLER.items():
            block = block.replace(text, smaller)
        exec(compile(block, f"README.md python block {k + 1}", "exec"), namespace)
    assert (tmp_path / "runs" / "adaptation" / "summary.csv").is_file()
    assert (tmp_path / "runs" / "search" / "search.csv").is_file()
    assert len(namespace["paths"]) == 2
    assert namespace["fit"].performs
    assert 0.0 <= namespace["comparison"].direct_probability <= 1.0
