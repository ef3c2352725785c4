"""Policy.select: assessing part of a policy (some articles or chapters) pays exactly those articles' items."""
import pytest

from kzpolicy import assess, get_policy, validate


@pytest.fixture(scope="module")
def population(bench_engine):
    return validate(*bench_engine.population(8_000, seed=3))


def test_select_keeps_only_the_named_articles():
    full = get_policy()
    part = full.select(articles=[1, 3, 5])
    assert sorted(part.articles) == [1, 3, 5]
    assert {it.article for it in part.items()} == {1, 3, 5}
    assert {it.id for it in part.items()} == {it.id for it in full.items() if it.article in (1, 3, 5)}
    # the shared policy is unchanged
    assert len(full.articles) == 24 and any(it.article == 11 for it in full.items())
    # interpretations: those about a kept article, not those about others only
    assert "art03-crossing" in part.interpretations and "publication-date" in part.interpretations
    assert "art11-stock-increment" not in part.interpretations and "art14-working-days" not in part.interpretations
    assert set(part.readings()) == set(part.interpretations)
    assert part.event_codes == sorted({c for it in part.items() for c in it.events})


def test_select_by_chapter():
    full = get_policy()
    part = full.select(chapters=[2])
    expect = sorted(n for n, a in full.articles.items() if a.chapter == 2)
    assert sorted(part.articles) == expect and expect
    both = full.select(articles=[1, 5, 6], chapters=2)
    assert sorted(both.articles) == sorted({5, 6} & set(expect))


def test_select_refuses_what_the_policy_does_not_have():
    with pytest.raises(KeyError, match="no article"):
        get_policy().select(articles=[1, 99])
    with pytest.raises(KeyError, match="no chapter"):
        get_policy().select(chapters=[9])
    with pytest.raises(ValueError, match="articles="):
        get_policy().select()


@pytest.mark.parametrize("kwargs", [{"articles": []}, {"chapters": []}, {"articles": [5], "chapters": [1]}])
def test_select_refuses_an_empty_selection(kwargs):
    # assessing a policy without articles used to fail deep in the engine ("min() arg is an empty sequence")
    assert 5 not in get_policy().select(chapters=[1]).articles
    with pytest.raises(ValueError, match="kept no article"):
        get_policy().select(**kwargs)


@pytest.mark.parametrize("kwargs", [{"articles": [13]}, {"articles": [15, 17, 24]}, {"chapters": [5]}])
def test_assessing_articles_that_pay_nothing_says_so(kwargs):
    """Articles of eligibility rules, procedures or organisation have no item: assessing only them is refused with a
    sentence naming them and what to do (was a bare "min() arg is an empty sequence" from the engine)."""
    from kzpolicy.facts import profile_to_facts
    part = get_policy().select(**kwargs)
    assert not list(part.items())
    facts = profile_to_facts({"firm": {"id": "F1", "industry": "manufacturing", "established": "2015-01-01"}})
    with pytest.raises(ValueError, match=r"pay nothing.*select articles that carry money") as e:
        assess(facts, year=2023, policy=part)
    assert str(sorted(part.articles)) in str(e.value) and "min()" not in str(e.value)


@pytest.mark.parametrize("given", ["三", [1, "x"], [1.5], [True], None.__class__, 3.0j])
def test_select_refuses_what_is_not_a_number(given):
    with pytest.raises(ValueError, match="whole numbers"):
        get_policy().select(articles=given)


def test_assessing_a_selection_equals_the_full_assessment_on_those_articles(population):
    full = assess(population, year=2023, explain=False)
    part = assess(population, year=2023, explain=False, policy=get_policy().select(articles=[1, 3, 5]))
    assert len(part.ledger) and set(part.ledger["article"]) <= {1, 3, 5}
    want = full.ledger[full.ledger["article"].isin([1, 3, 5])].reset_index(drop=True)
    assert part.ledger.reset_index(drop=True).equals(want)
    for name in ("near_misses", "undetermined", "excluded"):
        got, all_ = getattr(part, name), getattr(full, name)
        assert len(got) == int(all_["article"].isin([1, 3, 5]).sum()), name
    assert len(part.fees) == 0  # article 14 is not selected


def test_a_selection_takes_parameter_changes():
    part = get_policy().select(articles=[1]).with_parameters({"art01.above_scale_enter.amount": 123000})
    assert part.param("art01.above_scale_enter.amount").at("2023-12-31") == 123000
    assert get_policy().param("art01.above_scale_enter.amount").at("2023-12-31") != 123000
    assert sorted(part.articles) == [1]
