"""Quizzes: questions show their computed figures and answers stay hidden, in the book and in JupyterLab.

The quizzes are the sources (no script writes them). A question or answer is a code cell that fills
``{name}`` from the figures the page computed (``put``), so JupyterLab shows the numbers too — no
``{glue:text}`` placeholder or ``:class: dropdown`` directive that only the book would render.
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
QUIZZES = [ROOT / "notebooks" / f"quiz_ch{n}.ipynb" for n in range(1, 7)]
PAGES = [ROOT / "book" / "teaching" / "common_mistakes.md", ROOT / "book" / "teaching" / "course.md"]
GLUE = re.compile(r"\{glue:text\}`([^`]+)`")
SHOW = re.compile(r'^show\("""\n(.*)\n"""\)$', re.S)
PLACE = re.compile(r"\{([a-z0-9_]+)\}")
# a typed amount or rate: digits followed by a money or percent unit (dates, years, counts and ranks are fine;
# so is "1 元", the one-yuan step of a boundary case, which is the unit of rounding, not a policy figure)
TYPED_FIGURE = re.compile(r"(?<![\d.,])(?!1\s*元)\d[\d,.]*\s*(万元|亿元|元|%|‰)")


def _glued(nb) -> dict:
    """{key: text} of the glue outputs of an executed notebook (what the teaching pages paste)."""
    out = {}
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                out[name] = o["data"]["application/papermill.record/text/plain"]
    return out


def _templates(nb) -> str:
    return "\n".join(SHOW.match(c.source).group(1) for c in nb.cells if c.cell_type == "code" and SHOW.match(c.source))


def _shown(c) -> str:
    return "".join(o.get("data", {}).get("text/markdown", "") for o in c.get("outputs", []))


def _tags(c):
    return c.metadata.get("tags", [])


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_quiz_fills_only_computed_values_and_types_none(path):
    nb = nbformat.read(path, as_version=4)
    used = set(PLACE.findall(_templates(nb)))
    assert used, "a quiz fills its figures from computed values"
    assert used <= set(_glued(nb)), f"filled but never computed: {sorted(used - set(_glued(nb)))}"
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown") + _templates(nb)
    assert not TYPED_FIGURE.search(prose), TYPED_FIGURE.search(prose)


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_nothing_only_the_book_can_render(path):
    """JupyterLab shows Markdown as written: no glue role, no MyST directive options in any cell or output."""
    nb = nbformat.read(path, as_version=4)
    for c in nb.cells:
        for text in [c.source if c.cell_type == "markdown" else _shown(c)]:
            assert "{glue:" not in text and ":class: dropdown" not in text and "```{" not in text, text[:120]


@pytest.mark.parametrize("path", QUIZZES, ids=lambda p: p.stem)
def test_every_question_shows_numbers_and_hides_a_checked_answer(path):
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    questions = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and re.fullmatch(r"## 第(\d+)题 Question \1", c.source)]
    assert len(questions) >= 2
    for i in questions:
        work, question, answer = cells[i + 1:i + 4]
        assert work.cell_type == "code" and "hide-cell" in _tags(work) and "assert " in work.source, \
            f"{path.name} question at cell {i}: the answer is computed and checked against the policy data"
        assert work.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}  # collapsed in JupyterLab
        assert not any(o.get("output_type") == "error" for o in work.outputs)
        assert SHOW.match(question.source) and "remove-input" in _tags(question)
        assert _shown(question) and not PLACE.search(_shown(question)), "the question shows its figures"
        assert SHOW.match(answer.source) and {"remove-input", "hide-output"} <= set(_tags(answer))
        assert answer.metadata["mystnb"]["code_prompt_show"] == "答案 Show answer"
        assert answer.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
        assert PLACE.search(SHOW.match(answer.source).group(1)), "the answer shows computed values"
        assert _shown(answer).startswith("**答案 Answer**") and not PLACE.search(_shown(answer))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_teaching_pages_paste_figures_from_the_quizzes(page):
    text = page.read_text(encoding="utf-8")
    assert not TYPED_FIGURE.search(text), TYPED_FIGURE.search(text)
    for ref in GLUE.findall(text):
        doc, _, key = ref.partition("::")
        key = key.rsplit(":", 1)[0]  # drop the format spec (":s")
        nb = nbformat.read(ROOT / doc.lstrip("/"), as_version=4)
        assert key in _glued(nb), f"{page.name}: {ref} is not computed in {doc}"


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("value", ["20万元", "第（一）项、第（二）项", 3])
def test_guide_glue_sends_what_myst_nb_glue_sends(value, display, monkeypatch):
    """The quizzes glue with kzpolicy.guide.glue (no nbformat import): the display message is myst-nb's own."""
    from IPython.core.interactiveshell import InteractiveShell
    from myst_nb.ext.glue import glue as myst_glue

    from kzpolicy.guide import glue

    shell = InteractiveShell.instance()
    sent = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, metadata=None, **kw: sent.append((data, metadata)))
    myst_glue("q1_total", value, display=display)
    glue("q1_total", value, display=display)
    assert len(sent) == 2 and sent[0] == sent[1]
    assert ("application/papermill.record/text/plain" in sent[1][0]) is (not display)
