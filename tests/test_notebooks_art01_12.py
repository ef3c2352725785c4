"""Article pages 1–12 as committed (the notebooks are the sources): layout, folded code, no figure typed."""
import pytest

from _article_pages import (POL, check_code_types_no_parameter, check_executed, check_layout,
                            check_prose_types_no_amount, typed_amounts, values)

ARTICLES = range(1, 13)


@pytest.mark.parametrize("n", ARTICLES)
def test_page_ran_cleanly(n):
    check_executed(n)


@pytest.mark.parametrize("n", ARTICLES)
def test_page_layout_is_reader_first(n):
    check_layout(n)


@pytest.mark.parametrize("n", ARTICLES)
def test_prose_types_no_amount_of_the_policy(n):
    """Inputs (a firm's investment) may be typed in a question; the article's own amounts come from the YAML."""
    check_prose_types_no_amount(n)


@pytest.mark.parametrize("n", ARTICLES)
def test_code_types_no_parameter_of_the_article(n):
    check_code_types_no_parameter(n)


def test_the_typed_amount_check_can_fail():
    assert typed_amounts("投资额达到 200 万元及以上") & values(5, yuan_only=True)
    assert POL.article(5).items


def test_the_layout_check_can_fail(monkeypatch):
    """A page whose explanation points to the parameter table instead of stating the amount fails."""
    import _article_pages as ap

    nb = ap.read(5)
    i = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## 通俗解释"))
    nb.cells[i + 1].outputs[0]["data"]["text/markdown"] = "**中文** 金额见参数表。\n\n**English** see the table."
    monkeypatch.setattr(ap, "read", lambda n: nb)
    with pytest.raises(AssertionError):
        ap.check_layout(5)
