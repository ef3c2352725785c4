"""Teaching pages: every pasted figure exists, answers are computed (glue) and hidden, and no amount is typed."""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
QUIZZES = [ROOT / "notebooks" / f"quiz_ch{n}.ipynb" for n in range(1, 7)]
PAGES = [ROOT / "book" / "teaching" / "common_mistakes.md", ROOT / "book" / "teaching" / "course.md"]
GLUE = re.compile(r"\{glue:text\}`([^`]+)`")
# a typed amount or rate: digits followed by a money or percent unit (dates, years, counts and ranks are fine;
# so is "1 元", the one-yuan step of a boundary case, which is the unit of rounding, not a policy figure)
TYPED_FIGURE = re.compile(r"(?<![\d.,])(?!1\s*元)\d[\d,.]*\s*(万元|亿元|元|%|‰)")


def _glued(nb) -> dict:
    """{key: text} of the glue outputs of an executed notebook."""
    out = {}
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                out[name] = o["data"]["application/papermill.record/text/plain"]
    return out


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_quiz_pastes_only_computed_values(path):
    nb = nbformat.read(path, as_version=4)
    glued = _glued(nb)
    used = set(GLUE.findall(_markdown(nb)))
    assert used, "a quiz pastes its figures with glue"
    assert used <= set(glued), f"pasted but never computed: {sorted(used - set(glued))}"
    assert not TYPED_FIGURE.search(_markdown(nb)), TYPED_FIGURE.search(_markdown(nb))


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_every_question_has_a_hidden_checked_answer(path):
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    questions = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and re.match(r"## 第\d+题", c.source)]
    assert len(questions) >= 2
    for i in questions:
        work, answer = cells[i + 1], cells[i + 2]
        assert work.cell_type == "code" and "hide-cell" in work.metadata.get("tags", [])
        assert "assert " in work.source, f"{path.name} question at cell {i}: the answer is checked against the policy data"
        assert answer.cell_type == "markdown" and answer.source.startswith("```{admonition} 答案 Answer\n:class: dropdown")
        assert GLUE.search(answer.source), "the answer shows computed values"
        assert not any(o.get("output_type") == "error" for o in work.outputs)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_teaching_pages_paste_figures_from_the_quizzes(page):
    text = page.read_text(encoding="utf-8")
    assert not TYPED_FIGURE.search(text), TYPED_FIGURE.search(text)
    for ref in GLUE.findall(text):
        doc, _, key = ref.partition("::")
        key = key.rsplit(":", 1)[0]  # drop the format spec (":s")
        nb = nbformat.read(ROOT / doc.lstrip("/"), as_version=4)
        assert key in _glued(nb), f"{page.name}: {ref} is not computed in {doc}"
