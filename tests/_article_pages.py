"""Checks shared by the two article-page test files: they read the committed notebooks themselves.

The notebooks are the sources (no script writes them): a trainer edits one in JupyterLab, runs
it (`make notebooks NB=...`) and commits it. nbval re-executes them and compares outputs; these
checks cover what nbval cannot: the reader-first layout, folded code, hidden answers, and that
no figure of the policy is typed where it could drift from the YAML.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat

from kzpolicy import get_policy
from kzpolicy.money import wan

ROOT = Path(__file__).resolve().parent.parent
POL = get_policy()
SECTIONS = ["## 原文与实现", "## 通俗解释", "## 算例", "## 参数表", "## 解释与口径", "## 与其他地区比较", "## 练习"]
SAY = re.compile(r'^answer\.say\((\d+), """\n(.*)\n"""\)$', re.S)


def path(n: int) -> Path:
    return ROOT / "notebooks" / f"{POL.article(n).key}.ipynb"


def read(n: int):
    return nbformat.read(path(n), as_version=4)


def tags(c) -> list:
    return c.metadata.get("tags", [])


def text_of(c) -> str:
    """The Markdown a code cell shows (its text/markdown output)."""
    return "".join(o.get("data", {}).get("text/markdown", "") for o in c.get("outputs", []))


def check_executed(n: int):
    nb = read(n)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), f"a code cell was never executed: make notebooks NB={path(n).relative_to(ROOT)}"
    assert not any(o.get("output_type") == "error" or o.get("name") == "stderr" for c in code for o in c.outputs)
    assert nb.metadata["kernelspec"]["name"] == "python3" and nb.metadata["language"] == "zh"


def check_layout(n: int):
    nb = read(n)
    a, cells = POL.article(n), nb.cells
    md = [c.source for c in cells if c.cell_type == "markdown"]
    assert md[0].splitlines()[0].endswith(a.title.zh) and a.title.en in md[0], "the title cell is out of date"
    assert [s.split(" ")[0] + " " + s.split(" ")[1] for s in md if s.startswith("## ")] == SECTIONS
    first_section = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## "))
    # the answer box comes first, before any section, its code removed from the page
    box = [i for i, c in enumerate(cells) if c.source == f"answer.answer_box({n})"]
    assert len(box) == 1 and box[0] < first_section and "remove-input" in tags(cells[box[0]])
    shown = text_of(cells[box[0]])
    for head in ("谁可以申请", "能拿多少", "条件与边界", "找哪个部门", "依据"):
        assert head in shown, f"the answer box has no {head}"
    for u in a.responsible:
        assert u in shown
    for it in a.items.values():  # the amounts themselves, not a pointer to a table
        for p in it.parameters.values():
            for v in p.values.values():
                if p.unit in ("yuan", "yuan_per_year") and v is not None and it.kind != "revenue_milestone":
                    assert wan(int(v)) in shown, f"{it.id}: {wan(int(v))} is not in the answer box"
    # every clause is quoted (input removed), then the code for it (or a note), in order
    for k in range(1, len(a.clauses) + 1):
        i = next(i for i, c in enumerate(cells) if c.source == f"guide.clause({n}, {k})")
        assert "remove-input" in tags(cells[i])
        nxt = cells[i + 1]
        assert nxt.cell_type == "code" or not nxt.source.startswith("#"), f"clause {k} is followed by a new section"
    # the plain explanation states the amounts (rendered from the data), never "see the table"
    i = next(i for i, c in enumerate(cells) if c.source.startswith("## 通俗解释"))
    exp = cells[i + 1]
    assert SAY.match(exp.source) and SAY.match(exp.source).group(1) == str(n) and "remove-input" in tags(exp)
    said = text_of(exp)
    assert "**中文**" in said and "**English**" in said
    for bad in ("参数表", "parameter table", "table below", "金额见"):
        assert bad not in said, f"the plain explanation points to a table ({bad}) instead of stating the amount"
    yuan = {wan(int(v)) for it in a.items.values() for p in it.parameters.values() for v in p.values.values()
            if p.unit in ("yuan", "yuan_per_year") and v is not None}
    if yuan:
        assert any(w in said for w in yuan), "the plain explanation states none of the article's amounts"
    # worked examples: 3-5, each asserting what it computes
    examples = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("### 例")]
    assert 3 <= len(examples) <= 5
    for i in examples:
        j = i + 1
        while j < len(cells) and cells[j].cell_type == "code":
            j += 1
        assert j > i + 1 and any("assert " in c.source for c in cells[i + 1:j]), f"example at cell {i} asserts nothing"
    # exercises: 2-3, solutions hidden in the book (toggle 答案) and in JupyterLab (collapsed)
    ex = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("**练习")]
    assert 2 <= len(ex) <= 3
    for i in ex:
        sol = cells[i + 1]
        assert "hide-cell" in tags(sol) and "assert " in sol.source
        assert sol.metadata["mystnb"]["code_prompt_show"].startswith("答案")
        assert sol.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    # every code cell is folded or removed on the published page; what the book removes, JupyterLab folds too
    for c in cells:
        if c.cell_type == "code":
            assert {"hide-input", "hide-cell", "remove-input", "remove-cell"} & set(tags(c)), f"code shown unfolded: {c.source[:60]}"
            if "remove-input" in tags(c):
                assert c.metadata.get("jupyter", {}).get("source_hidden"), f"JupyterLab shows the source of {c.source[:40]}"
    text = "\n".join(c.source for c in cells)
    for it in POL.interpretations.values():  # every registered reading of this article is discussed on the page
        if n in it.articles:
            assert it.id in text, f"interpretation {it.id} is not on the page"
    assert f"{{ref}}`compare-art{n:02d}`" in text


_UNIT = {"万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000, "元": 1}
FIGURE = re.compile(r"(?<![\d.,])(\d[\d,. ]*?)\s*(亿元|万元|亿|万|元)")


def typed_amounts(text: str) -> set:
    return {round(float(num.replace(",", "").replace(" ", "")) * _UNIT[unit]) for num, unit in FIGURE.findall(text)}


def values(n: int, yuan_only: bool) -> set:
    vals = set()
    for it in POL.article(n).items.values():
        for p in it.parameters.values():
            if not yuan_only or p.unit in ("yuan", "yuan_per_year"):
                vals |= {v for v in p.values.values() if v is not None and v not in (0, 1)}
    return vals


def prose(n: int) -> str:
    """What a trainer writes as text: the Markdown cells and the plain-explanation templates."""
    cells = read(n).cells
    out = [c.source for c in cells if c.cell_type == "markdown"]
    out += [SAY.match(c.source).group(2) for c in cells if c.cell_type == "code" and SAY.match(c.source)]
    return "\n".join(out)


def check_prose_types_no_amount(n: int):
    typed = typed_amounts(prose(n)) & values(n, yuan_only=True)
    assert not typed, f"policy amounts typed in prose: {sorted(typed)}"


def code_constants(n: int) -> set:
    typed = set()
    for c in read(n).cells:
        if c.cell_type == "code":
            for node in ast.walk(ast.parse(c.source)):
                if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                    typed.add(node.value)
    return typed


def check_code_types_no_parameter(n: int):
    typed = code_constants(n) & values(n, yuan_only=False)
    assert not typed, f"policy figures typed in code: {sorted(typed)}"
