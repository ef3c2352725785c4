"""Article pages 13–24: built from tools/build_notebooks_art13_24.py, laid out as ARCHITECTURE.md says, no figure typed.

nbval re-executes the notebooks and compares outputs; these checks cover what nbval cannot:
that the committed pages are what the builder writes, the page layout, and that no amount of
the policy is typed in prose or code (where it could drift from the YAML unnoticed).
"""
from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from kzpolicy import get_policy

ROOT = Path(__file__).resolve().parent.parent
POL = get_policy()
ARTICLES = range(13, 25)
SECTIONS = ["## 原文与实现", "## 通俗解释", "## 参数表", "## 算例", "## 解释与口径", "## 与其他地区比较", "## 练习"]


def _path(n: int) -> Path:
    return ROOT / "notebooks" / f"{POL.article(n).key}.ipynb"


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_art13_24", ROOT / "tools" / "build_notebooks_art13_24.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("n", ARTICLES)
def test_committed_notebook_is_what_the_builder_writes(n, builder):
    nb = nbformat.read(_path(n), as_version=4)
    assert [c.source for c in nb.cells] == [c.source for c in builder.cells_for(n)], \
        f"rebuild: .venv/bin/python tools/build_notebooks_art13_24.py {n}"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell was never executed: run the builder"
    assert not any(o.get("output_type") == "error" or o.get("name") == "stderr" for c in code for o in c.outputs)
    assert nb.metadata["kernelspec"]["name"] == "python3" and nb.metadata["language"] == "zh"


@pytest.mark.parametrize("n", ARTICLES)
def test_page_layout_follows_the_design(n):
    nb = nbformat.read(_path(n), as_version=4)
    a, cells = POL.article(n), nb.cells
    md = [c.source for c in cells if c.cell_type == "markdown"]
    assert md[0].splitlines()[0].endswith(a.title.zh) and a.title.en in md[0]
    assert [s.split(" ")[0] + " " + s.split(" ")[1] for s in md if s.startswith("## ")] == SECTIONS
    box = next(c for c in cells if c.source == f"guide.citation_box({n})")
    assert "remove-input" in box.metadata.get("tags", [])
    for k in range(1, len(a.clauses) + 1):  # every clause quoted (input hidden), then code, in order
        i = next(i for i, c in enumerate(cells) if c.source == f"guide.clause({n}, {k})")
        assert "remove-input" in cells[i].metadata.get("tags", [])
        nxt = cells[i + 1]  # the clause's code, or a note saying it has nothing to compute
        assert nxt.cell_type == "code" or not nxt.source.startswith("#"), f"clause {k} is followed by a new section"
    first = next(i for i, c in enumerate(cells) if c.source == f"guide.clause({n}, 1)")
    assert cells[first + 1].cell_type == "code"
    examples = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("### 例")]
    assert 3 <= len(examples) <= 5
    for i in examples:  # the example's code cells (up to the next text cell) assert what they compute
        j = i + 1
        while j < len(cells) and cells[j].cell_type == "code":
            j += 1
        assert j > i + 1 and any("assert " in c.source for c in cells[i + 1:j]), f"example at cell {i} asserts nothing"
    ex = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("**练习")]
    assert 2 <= len(ex) <= 3
    for i in ex:
        assert "hide-cell" in cells[i + 1].metadata.get("tags", []) and "assert " in cells[i + 1].source
    text = "\n".join(c.source for c in cells)
    for i in POL.interpretations.values():  # every registered reading of this article is discussed on the page
        if n in i.articles:
            assert i.id in text, f"interpretation {i.id} is not on the page"
    assert f"{{ref}}`compare-art{n:02d}`" in text


_UNIT = {"万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000, "元": 1}
_FIGURE = re.compile(r"(?<![\d.,])(\d[\d,. ]*?)\s*(亿元|万元|亿|万|元)")


def _values(n: int, yuan_only: bool) -> set:
    vals = set()
    for it in POL.article(n).items.values():
        for p in it.parameters.values():
            if not yuan_only or p.unit in ("yuan", "yuan_per_year"):
                vals |= {v for v in p.values.values() if v is not None and v not in (0, 1)}
    return vals


@pytest.mark.parametrize("n", ARTICLES)
def test_prose_types_no_amount_of_the_policy(n):
    nb = nbformat.read(_path(n), as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    typed = {round(float(num.replace(",", "").replace(" ", "")) * _UNIT[unit]) for num, unit in _FIGURE.findall(text)}
    assert not typed & _values(n, yuan_only=True), f"policy amounts typed in prose: {sorted(typed & _values(n, True))}"


@pytest.mark.parametrize("n", ARTICLES)
def test_code_types_no_parameter_of_the_article(n):
    nb = nbformat.read(_path(n), as_version=4)
    typed = set()
    for c in nb.cells:
        if c.cell_type == "code":
            for node in ast.walk(ast.parse(c.source)):
                if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                    typed.add(node.value)
    own = _values(n, yuan_only=False)
    assert not typed & own, f"policy figures typed in code: {sorted(typed & own)}"


def test_the_typed_figure_checks_can_fail():
    own = _values(16, yuan_only=True)
    assert own and {round(float("30") * _UNIT["万元"])} & own
    assert {node.value for node in ast.walk(ast.parse("x = 300000")) if isinstance(node, ast.Constant)} & own
