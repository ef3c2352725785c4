"""Article pages 13–24 as committed (the notebooks are the sources): layout, folded code, no figure typed."""
import ast

import pytest

from _article_pages import (check_code_types_no_parameter, check_executed, check_layout,
                            check_prose_types_no_amount, typed_amounts, values)

ARTICLES = range(13, 25)


@pytest.mark.parametrize("n", ARTICLES)
def test_page_ran_cleanly(n):
    check_executed(n)


@pytest.mark.parametrize("n", ARTICLES)
def test_page_layout_is_reader_first(n):
    check_layout(n)


@pytest.mark.parametrize("n", ARTICLES)
def test_prose_types_no_amount_of_the_policy(n):
    check_prose_types_no_amount(n)


@pytest.mark.parametrize("n", ARTICLES)
def test_code_types_no_parameter_of_the_article(n):
    check_code_types_no_parameter(n)


def test_the_typed_figure_checks_can_fail():
    own = values(16, yuan_only=True)
    assert typed_amounts("总额不超过300万元") & own
    assert {node.value for node in ast.walk(ast.parse("x = 3000000")) if isinstance(node, ast.Constant)} & own
