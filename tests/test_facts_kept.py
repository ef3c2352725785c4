"""What validation derives for the engine (Facts.kept: industry numbers, the event code index) gives exactly the
assessment the tables give, and is never stale: a table replaced, a column assigned or a cell edited in place after
validation gives the assessment of the edited tables; text not held in Arrow is derived again every time."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _hostile_population import hostile_population
from kzpolicy import assess, validate
from kzpolicy import facts as F

TABLES = ("ledger", "near_misses", "undetermined", "excluded", "fees", "township_awards")
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")


@pytest.fixture(scope="module")
def inputs(bench_engine):
    return hostile_population(bench_engine, 300, seed=3)


def same(a, b):
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), obj=t)


def result(facts, year=2023):
    return assess(facts, year=year, explain=False)


def test_validation_derives_them_and_the_engine_reads_them(inputs, monkeypatch):
    facts = validate(*inputs)
    assert set(facts._kept) == {"industry", "events", "ids_ascending", "financial_years"}
    ref = result(validate(*inputs))

    def fail(*a, **k):
        raise AssertionError("derived again in assess")
    monkeypatch.setattr(F, "choice_codes", fail)
    monkeypatch.setattr(F.EventIndex, "of", classmethod(fail))
    monkeypatch.setattr(F, "ascending", fail)
    same(result(facts), ref)


def test_derived_in_assess_when_not_kept(inputs):
    """A Facts without them (built by hand): derived by the engine (codes numbered as found), the same result."""
    facts = validate(*inputs)
    bare = F.Facts(facts.firms, facts.events, facts.financials, facts.townships)
    for year in (2023, 2024):
        same(result(bare, year), result(facts, year))
    assert bare.event_index().codes != facts.event_index().codes  # numbered in order of appearance, not EVENT_CODES'


def _awarded_firm(a, item):
    return a.ledger.loc[a.ledger["item"] == item, "firm_id"].iloc[0]


def edit_after_validation(f, edit, firm, ev):
    """One edit of the validated tables: ``firm`` leaves industry, or its event ``ev`` changes code or date."""
    row = int(np.flatnonzero(f.firms["firm_id"] == firm)[0])
    if edit == "industry_loc":
        f.firms.loc[row, "industry"] = "other"
    elif edit == "industry_at":
        f.firms.at[row, "industry"] = "other"
    elif edit == "industry_column":
        f.firms["industry"] = f.firms["industry"].where(f.firms.index != row, "other")
    elif edit == "firms_replaced":
        f.firms = f.firms.assign(industry=f.firms["industry"].where(f.firms.index != row, "other"))
    elif edit == "code_loc":
        f.events.loc[ev, "code"] = "listing.neeq.innovation"
    elif edit == "code_iat":
        f.events.iat[ev, f.events.columns.get_loc("code")] = "listing.neeq.innovation"
    elif edit == "code_column":
        f.events["code"] = f.events["code"].where(f.events.index != ev, "listing.neeq.innovation")
    elif edit == "events_replaced":
        f.events = f.events.iloc[::-1].reset_index(drop=True)
    elif edit == "events_emptied":
        f.events = f.events.iloc[:0]
    elif edit == "date_loc":
        f.events.loc[ev, "date"] = pd.Timestamp("2021-06-01")
    else:
        raise AssertionError(edit)


EDITS = ["industry_loc", "industry_at", "industry_column", "firms_replaced", "code_loc", "code_iat", "code_column",
         "events_replaced", "events_emptied", "date_loc"]


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("assessed_before", [True, False])
def test_an_edit_after_validation_is_assessed(inputs, edit, assessed_before):
    facts = validate(*inputs)
    before = result(facts)
    firm = _awarded_firm(before, "art01.above_scale_enter")
    ev = int(np.flatnonzero((facts.events["firm_id"] == firm) & (facts.events["code"] == "above_scale.enter")
                            & (facts.events["date"].dt.year == 2023))[0])
    if not assessed_before:
        facts = validate(*inputs)
    edit_after_validation(facts, edit, firm, ev)
    fresh = F.Facts(facts.firms.copy(), facts.events.copy(), facts.financials, facts.townships)  # read anew
    got = result(facts)
    same(got, result(fresh))
    if edit != "events_replaced":  # every other edit takes the firm's award away
        assert not ((got.ledger["firm_id"] == firm) & (got.ledger["item"] == "art01.above_scale_enter")).any()


@pytest.mark.parametrize("dtype", ["string[python]", "object"])
def test_text_not_in_arrow_is_derived_every_time(inputs, dtype):
    facts = validate(*inputs)
    ref = result(facts)
    firm = _awarded_firm(ref, "art01.above_scale_enter")
    facts.firms["industry"] = facts.firms["industry"].astype(dtype)
    facts.events["code"] = facts.events["code"].astype(dtype)
    same(result(facts), ref)
    facts.firms.loc[facts.firms["firm_id"] == firm, "industry"] = "other"  # in place, in a numpy buffer
    got = result(facts)
    assert not ((got.ledger["firm_id"] == firm) & (got.ledger["item"] == "art01.above_scale_enter")).any()
    same(got, result(F.Facts(facts.firms.copy(), facts.events.copy(), facts.financials, facts.townships)))


@pytest.mark.parametrize("dtype", ["object", "str", "string[python]", "string[pyarrow]", "category"])
def test_industry_and_code_given_as_any_text_column(inputs, dtype):
    firms, events, fin, tw = inputs
    ref = result(validate(*inputs))
    got = result(validate(firms.assign(industry=firms["industry"].astype(dtype)), events.assign(code=events["code"].astype(dtype)), fin, tw))
    same(got, ref)


def test_industry_in_chinese_words(inputs):
    """The clerk's own words are read as the codes (validation's slower path): the numbers come from the codes."""
    firms, events, fin, tw = inputs
    zh = {v: k for k, v in F.INDUSTRY_ZH.items()}
    facts = validate(firms.assign(industry=firms["industry"].map(zh)), *inputs[1:])
    assert (facts.firms["industry"].to_numpy(dtype=object) == firms["industry"].to_numpy(dtype=object)).all()
    same(result(facts), result(validate(*inputs)))


def test_no_events_and_one_firm(inputs):
    firms, events, fin, tw = inputs
    same(result(validate(firms, events.iloc[:0], fin, tw)), result(validate(firms, None, fin, tw)))
    one = firms.iloc[:1]
    evs = events[events["firm_id"] == one["firm_id"].iloc[0]]
    facts = validate(one, evs, fin[fin["firm_id"] == one["firm_id"].iloc[0]])
    assert facts.event_index().by_code.tolist() == sorted(range(len(evs)), key=lambda i: list(F.EVENT_CODES).index(evs["code"].iloc[i]))


def test_choice_codes_read_every_storage_alike():
    values = ["mining", None, "other", "manufacturing", "Mining", " other", "utilities", "x"]
    expect = [1, -1, 3, 0, -1, -1, 2, -1]
    for s in (pd.Series(values, dtype=object), pd.Series(values, dtype="str"), pd.Series(values, dtype="string[python]"),
              pd.Series(values, dtype="category"), pd.Series(values + [1.0, "\ud800"], dtype=object)):
        got = F.choice_codes(s, F.INDUSTRIES).tolist()
        assert got[:len(values)] == expect and all(v == -1 for v in got[len(values):]), s.dtype
    assert F.choice_codes(pd.Series([], dtype="str"), F.INDUSTRIES).tolist() == []


def test_kept_arrays_are_read_only(inputs):
    facts = validate(*inputs)
    ix = facts.event_index()
    for a in (facts.industry_codes(), ix.code, ix.by_code, ix.starts):
        with pytest.raises(ValueError):
            a[0] = a[0]


@pytest.mark.parametrize("order", ["as_given", "sorted", "reversed"])
@pytest.mark.parametrize("keys", [False, True])
def test_firms_in_id_order_known_from_validation(inputs, order, keys, monkeypatch):
    """The ledger's firm order from the firms' positions where the ids ascend (``keys``: validation's sorted keys of
    the ids tell), else (no keys: the hash table matched the ids) from the ids of the firms present: the same result."""
    firms, events, fin, tw = inputs
    if order != "as_given":
        firms = firms.sort_values("firm_id", ascending=order == "sorted", key=lambda s: s.astype(object)).reset_index(drop=True)
    monkeypatch.setattr(F, "KEYS_MIN_FIRMS", 2 if keys else len(firms) + 1)
    facts = validate(firms, events, fin, tw)
    assert facts.firm_ids_ascending() is (order == "sorted")
    got = {y: result(facts, y) for y in (2023, 2024)}
    monkeypatch.setattr(F.Facts, "firm_ids_ascending", lambda self: None)
    for y in (2023, 2024):
        same(got[y], result(facts, y))
    assert list(got[2023].ledger["firm_id"]) == sorted(got[2023].ledger["firm_id"])


def test_ascending_ids():
    for dtype in ("str", "string[python]", object):
        assert F.ascending(pd.array(["A", "B", "a", "企业1"], dtype=dtype))
        assert not F.ascending(pd.array(["B", "A"], dtype=dtype))
        assert not F.ascending(pd.array(["A", "A"], dtype=dtype))  # not distinct: no order of positions
    assert F.ascending(pd.array([], dtype="str")) and F.ascending(pd.array(["x"], dtype="str"))


@pytest.mark.parametrize("dates", ["seconds", "text", "objects"])
def test_event_dates_of_a_replaced_table_read_as_before(inputs, dates):
    """Rules read event dates at their events' rows (validated: nanoseconds in place); a replaced table's dates in
    another unit or as text are read as the whole column's conversion reads them."""
    facts = validate(*inputs)
    ref = result(facts)
    d = facts.events["date"]
    facts.events = facts.events.assign(date={"seconds": d.to_numpy().astype("datetime64[s]"),
                                             "text": d.dt.strftime("%Y-%m-%d").to_numpy(dtype=object),
                                             "objects": pd.Series(d.dt.date, dtype=object)}[dates])
    same(result(facts), ref)


def test_event_index_present_is_the_codes_with_an_event(inputs):
    """EventIndex.present (what Context.positions answers from) holds exactly the codes that have an event, both
    when validation numbers them (EVENT_CODES) and when they are numbered as found."""
    facts = validate(*inputs)
    have = set(facts.events["code"].dropna())
    for ix in (facts.event_index(), F.EventIndex.of(facts.events)):
        assert ix.present == have
        assert all(ix.positions(c) is not None for c in ix.present)
        assert all(ix.positions(c) is None for c in set(ix.codes) - ix.present)
