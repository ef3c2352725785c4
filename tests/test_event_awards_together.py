"""The event-award items of the usual shape are decided together, in one pass over their events
(``kzpolicy.rules.event_award._together``); that must give exactly what deciding them item by item gives.

On a seeded population with events the once-rule, the window and the requirements have work to do (titles
recorded twice, events before the window, non-industrial firms, firms with no legal-person flag), every table
of the result is compared with the together path on and off, for every reading of every registered
interpretation (one at a time: a reading can make an item take the one-by-one path), for three years, with and
without explanations.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kzpolicy.rules.event_award as event_award
from kzpolicy import assess, get_policy, validate
from _tables import assert_same_tables, tables_of


@pytest.fixture(scope="module")
def facts(bench_engine):
    firms, events, fin = bench_engine.population(2_000, seed=11)
    rng = np.random.default_rng(4)
    firms = firms.copy()
    # no flag for some firms (cannot decide where an item asks for an independent legal person)
    flag = firms["independent_legal_person"].astype(object)
    flag[rng.random(len(firms)) < 0.05] = None
    firms["independent_legal_person"] = flag
    # events before the window and the year before, the same title twice for some firms
    ev = events.copy()
    again = ev.sample(frac=0.1, random_state=2).copy()
    again["date"] = "2023-02-10"
    ev = pd.concat([ev, again], ignore_index=True)
    return validate(firms, ev, fin)


def _readings():
    pol = get_policy()
    yield None
    for iid, it in pol.interpretations.items():
        for r in it.readings:
            yield {iid: r}


def _both(facts, monkeypatch, year, readings, explain):
    together = tables_of(assess(facts, year=year, readings=readings, explain=explain))
    with monkeypatch.context() as m:
        m.setattr(event_award, "TOGETHER_MIN", 10**12)  # item by item
        alone = tables_of(assess(facts, year=year, readings=readings, explain=explain))
    return together, alone


@pytest.mark.parametrize("readings", list(_readings()), ids=lambda r: "default" if r is None else "-".join(f"{k}={v}" for k, v in r.items()))
def test_together_same_as_item_by_item(facts, monkeypatch, readings):
    for year, explain in ((2023, False), (2024, True)):
        together, alone = _both(facts, monkeypatch, year, readings, explain)
        assert_same_tables(together, alone, f"{readings} {year}")


def test_together_is_taken_and_has_work_to_do(facts, monkeypatch):
    """The comparison above is not empty: the pass decides most event items, and each of its steps drops rows."""
    seen = {}
    real = event_award._together

    def spy(ctx):
        done = real(ctx)
        seen.update(done)
        return done
    monkeypatch.setattr(event_award, "_together", spy)
    a = assess(facts, year=2023, explain=False)
    assert len(seen) >= 25
    reasons = set(a.excluded.loc[a.excluded["item"].isin(list(seen)), "reason"])
    assert {"already_awarded", "before_effective", "not_eligible"} <= reasons
    assert a.ledger["item"].isin(list(seen)).sum() > 30
    for year in (2022, 2023, 2024):
        together, alone = _both(facts, monkeypatch, year, None, True)
        assert_same_tables(together, alone, str(year))


def test_a_policy_of_some_articles_decides_its_own_items(facts, monkeypatch):
    pol = get_policy().select(articles=[1, 4, 12])
    together, alone = _both(facts, monkeypatch, 2023, None, False)
    sel = tables_of(assess(facts, year=2023, policy=pol, explain=False))
    with monkeypatch.context() as m:
        m.setattr(event_award, "TOGETHER_MIN", 10**12)
        sel_alone = tables_of(assess(facts, year=2023, policy=pol, explain=False))
    assert_same_tables(sel, sel_alone, "articles 1, 4, 12")
    assert set(sel["ledger"]["article"]) <= {1, 4, 12}


def test_items_sharing_a_code_take_the_marks_of_every_event(facts, monkeypatch):
    """Where two items pay for one code (its rows then twice in the pass), the once-rule reads the marks of every
    event instead of sorting the pass's rows: forced here on the whole policy, the same tables."""
    monkeypatch.setattr(event_award, "_rows", event_award._rows_one_by_one)
    for year, explain in ((2023, True), (2024, False)):
        together, alone = _both(facts, monkeypatch, year, None, explain)
        assert_same_tables(together, alone, f"one by one {year}")
