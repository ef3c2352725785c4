"""Article pages 1–12: built from tools/build_notebooks_art01_12.py, laid out as ARCHITECTURE.md says, no figure typed.

nbval re-executes the notebooks and compares outputs; these checks cover what nbval cannot:
Markdown cells (titles, prose) are not executed, so a title or amount typed there could drift
from the policy YAML unnoticed.
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
ARTICLES = range(1, 13)
SECTIONS = ["## 原文与实现", "## 通俗解释", "## 参数表", "## 算例", "## 解释与口径", "## 与其他地区比较", "## 练习"]


def _path(n: int) -> Path:
    return ROOT / "notebooks" / f"art{n:02d}_{POL.article(n).slug}.ipynb"


def _builder():
    spec = importlib.util.spec_from_file_location("build_art01_12", ROOT / "tools" / "build_notebooks_art01_12.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def builder():
    return _builder()


@pytest.mark.parametrize("n", ARTICLES)
def test_committed_notebook_is_what_the_builder_writes(n, builder):
    """Sources match the builder (so the builder is the one place to edit) and every code cell ran."""
    nb = nbformat.read(_path(n), as_version=4)
    built = builder.ARTICLES[n]()
    assert [c.source for c in nb.cells] == [c.source for c in built], f"rebuild: tools/build_notebooks_art01_12.py {n}"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell was never executed: run the builder"
    assert not any(o.get("output_type") == "error" or o.get("name") == "stderr" for c in code for o in c.outputs)
    assert nb.metadata["kernelspec"]["name"] == "python3" and nb.metadata["language"] == "zh"


@pytest.mark.parametrize("n", ARTICLES)
def test_page_layout_follows_the_design(n):
    nb = nbformat.read(_path(n), as_version=4)
    a = POL.article(n)
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert md[0].splitlines()[0].endswith(a.title.zh) and a.title.en in md[0], "the title cell is out of date"
    heads = [s.splitlines()[0] for s in md if s.startswith("## ")]
    assert [h.split(" ")[0] + " " + h.split(" ")[1] for h in heads] == SECTIONS
    cells = nb.cells
    # every clause of the YAML is quoted (input hidden) and followed by code that calls the policy data
    for k in range(1, len(a.clauses) + 1):
        i = next(i for i, c in enumerate(cells) if c.source == f"guide.clause({n}, {k})")
        assert "remove-input" in cells[i].metadata.get("tags", [])
        assert cells[i + 1].cell_type == "code" and "guide.param(" in cells[i + 1].source
    examples = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("### 例")]
    assert 3 <= len(examples) <= 5
    for i in examples:
        assert "assert " in cells[i + 1].source and "guide.outcome(" in cells[i + 1].source
    ex = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("**练习")]
    assert 2 <= len(ex) <= 3
    for i in ex:
        assert "hide-cell" in cells[i + 1].metadata.get("tags", []) and "assert " in cells[i + 1].source
    # each registered reading for this article is shown with its effect
    src = "\n".join(c.source for c in cells if c.cell_type == "code")
    for i in POL.interpretations.values():
        if n in i.articles:
            assert f'"{i.id}"' in src and "reading_effects" in src, f"interpretation {i.id} has no effect shown"


_UNIT = {"万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000, "元": 1}
_FIGURE = re.compile(r"(?<![\d.,])(\d[\d,. ]*?)\s*(亿元|万元|亿|万|元)")


def _yuan_values(n: int) -> set:
    vals = set()
    for it in POL.article(n).items.values():
        for p in it.parameters.values():
            if p.unit in ("yuan", "yuan_per_year"):
                vals |= {int(v) for v in p.values.values() if v is not None}
    return vals


@pytest.mark.parametrize("n", ARTICLES)
def test_prose_types_no_amount_of_the_policy(n):
    """Inputs (a firm's investment) may be typed in a question; the article's own amounts come from the YAML."""
    nb = nbformat.read(_path(n), as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    own = _yuan_values(n)
    assert own, "the control: article has yuan parameters to look for"
    typed = {round(float(num.replace(",", "").replace(" ", "")) * _UNIT[unit]) for num, unit in _FIGURE.findall(text)}
    assert not typed & own, f"policy amounts typed in prose: {sorted(typed & own)}"


def test_the_typed_amount_check_can_fail():
    own = _yuan_values(5)
    text = "投资额达到 200 万元及以上"
    typed = {round(float(num.replace(" ", "")) * _UNIT[unit]) for num, unit in _FIGURE.findall(text)}
    assert typed & own


def _param_values(n: int) -> set:
    vals = set()
    for it in POL.article(n).items.values():
        for p in it.parameters.values():
            vals |= {v for v in p.values.values() if v is not None and v not in (0, 1)}
    return vals


@pytest.mark.parametrize("n", ARTICLES)
def test_code_types_no_parameter_of_the_article(n):
    """A number in the code equal to one of the article's amounts, thresholds or rates is a typed policy figure."""
    nb = nbformat.read(_path(n), as_version=4)
    own = _param_values(n)
    typed = set()
    for c in nb.cells:
        if c.cell_type == "code":
            for node in ast.walk(ast.parse(c.source)):
                if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                    typed.add(node.value)
    assert not typed & own, f"policy figures typed in code: {sorted(typed & own)}"


@pytest.mark.parametrize("n", range(1, 13))
def test_article_page_links_to_its_comparison_section(n):
    """Each article page links to the label of its section on the comparison page (issue 5)."""
    nb = nbformat.read(_path(n), as_version=4)
    label = f"compare-art{n:02d}"
    assert any(f"{{ref}}`{label}`" in c.source for c in nb.cells if c.cell_type == "markdown")
    compare = nbformat.read(ROOT / "notebooks" / "compare_articles.ipynb", as_version=4)
    assert any(f"({label})=" in c.source for c in compare.cells if c.cell_type == "markdown")
