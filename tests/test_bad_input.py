"""Bad input is refused with a message naming the field, the row and what is allowed.

Nothing may be dropped, zeroed or coerced silently. Profiles name rows as
``events[1]``; DataFrames as ``events row 1``; a CSV folder as ``events.csv row N``
with the spreadsheet's row number (the header is row 1).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import kzpolicy
from kzpolicy import FactsError

FIRM = {"id": "F1", "industry": "manufacturing", "established": "2015-04-01"}
OK_EVENT = {"date": "2023-08-15", "code": "above_scale.enter"}


def _profile(events=(), firm=None, financials=None):
    data = {"firm": dict(firm or FIRM), "events": [OK_EVENT, *events]}
    if financials is not None:
        data["financials"] = financials
    return data


def _problems(fn, *args, **kw):
    with pytest.raises(FactsError) as e:
        fn(*args, **kw)
    return e.value.problems, str(e.value)


def _one(fn, *args, **kw):
    problems, text = _problems(fn, *args, **kw)
    assert len(problems) == 1, problems
    assert problems[0] in text
    return problems[0]


INVEST = {"date": "2023-09-01", "code": "equipment.investment", "amount": 3000000, "progress": 0.9}

# (situation, profile, text that must be in the single message: row, field, what is allowed)
PROFILE_CASES = [
    ("negative money", _profile([{**INVEST, "amount": -5}]), ["events[1]", "'amount'", "negative"]),
    ("negative revenue", _profile(financials={2022: {"revenue": -1}}), ["financials[0]", "'revenue'", "negative"]),
    ("unknown event code", _profile([{"date": "2023-09-01", "code": "above_scale.entre"}]),
     ["events[1]", "'code'", "unknown event code 'above_scale.entre'"]),
    ("unknown level in an event code", _profile([{"date": "2023-09-01", "code": "lianghua.AAAAA"}]),
     ["events[1]", "'code'", "lianghua.AAAAA"]),
    ("unknown industry", _profile(firm={**FIRM, "industry": "manufacture"}),
     ["firm", "'industry'", "'manufacture' is not allowed", "manufacturing"]),
    ("text where a number belongs", _profile([{**INVEST, "amount": "三百万"}]),
     ["events[1]", "'amount'", "must be a number", "三百万"]),
    ("NaN where a needed number belongs", _profile([{**INVEST, "amount": math.nan}]),
     ["events[1]", "'amount'", "NaN"]),
    ("infinite amount", _profile([{**INVEST, "amount": math.inf}]), ["events[1]", "'amount'", "inf"]),
    ("progress over 100%", _profile([{**INVEST, "progress": 1.2}]), ["events[1]", "'progress'", "over 100%", "0.85"]),
    ("progress written as a percentage", _profile([{**INVEST, "progress": 85}]), ["events[1]", "'progress'", "over 100%"]),
    ("date out of range", _profile([{"date": "1900-01-01", "code": "above_scale.enter"}]),
     ["events[1]", "'date'", "out of range", "1949-10-01"]),
    ("date that does not exist", _profile([{"date": "2023-13-01", "code": "above_scale.enter"}]),
     ["events[1]", "'date'", "YYYY-MM-DD"]),
    ("established out of range", _profile(firm={**FIRM, "established": "2101-01-01"}), ["firm", "'established'", "out of range"]),
    ("listing without municipal_reward", _profile([{"date": "2023-10-10", "code": "listing.star"}]),
     ["events[1]", "'municipal_reward'", "listing.star needs 'municipal_reward'", "never guessed"]),
    ("bridge loan without dates", _profile([{"date": "2023-10-10", "code": "bridge_loan", "principal": 1000000}]),
     ["events[1]", "'start'"]),
    ("field not used by the event", _profile([{"date": "2023-09-01", "code": "above_scale.enter", "amount": 5}]),
     ["events[1]", "'amount'", "is not used by event above_scale.enter"]),
    ("non-integer yuan", _profile([{**INVEST, "amount": 3000000.5}]), ["events[1]", "'amount'", "whole yuan"]),
    ("non-integer count", _profile([{"date": "2023-09-01", "code": "new_product.municipal", "count": 1.5}]),
     ["events[1]", "'count'", "whole number"]),
    ("count of zero", _profile([{"date": "2023-09-01", "code": "new_product.municipal", "count": 0}]),
     ["events[1]", "'count'", "at least 1"]),
    ("implausibly large amount", _profile(financials={2022: {"revenue": 10**16}}), ["financials[0]", "'revenue'", "implausibly large"]),
    ("bridge loan ending before it starts",
     _profile([{"date": "2023-09-01", "code": "bridge_loan", "principal": 100, "start": "2023-09-05", "end": "2023-09-01"}]),
     ["events[1]", "'end'", "after 'start'"]),
    ("yes/no field with another answer", _profile(firm={**FIRM, "independent_legal_person": "maybe"}),
     ["firm", "'independent_legal_person'", "true/false"]),
    ("a number as a yes/no answer", _profile(firm={**FIRM, "independent_legal_person": 2}),
     ["firm", "'independent_legal_person'", "true/false"]),
    ("year that is not a number", _profile(financials={"二〇二二": {"revenue": 5}}), ["financials[0]", "'year'", "must be a number"]),
    ("required field empty", _profile(firm={**FIRM, "established": None}), ["firm", "'established'", "required"]),
    ("misspelt event field", _profile([{"date": "2023-09-01", "code": "above_scale.enter", "amout": 5}]),
     ["unknown column", "'amout'"]),
    ("misspelt firm field", _profile(firm={**FIRM, "sise": "big"}), ["unknown column", "'sise'"]),
]


@pytest.mark.parametrize("situation, profile, must", PROFILE_CASES, ids=[c[0] for c in PROFILE_CASES])
def test_profile_rejected_with_row_and_field(situation, profile, must):
    problems, text = _problems(kzpolicy.profile_to_facts, profile)
    assert any(all(m in p for m in must) for p in problems), f"no message has all of {must}: {problems}"
    assert all(p in text for p in problems)


def test_good_profile_is_accepted():
    """The bad cases above fail because of their one change."""
    f = kzpolicy.profile_to_facts(_profile([INVEST], financials={2022: {"revenue": 5}}))
    assert len(f.events) == 2 and len(f.firms) == 1


def test_profile_without_firm_or_with_unknown_section():
    assert "'firm'" in _one(kzpolicy.profile_to_facts, {"events": []})
    assert "unknown key" in _one(kzpolicy.profile_to_facts, {"firm": FIRM, "financial": {}})
    assert "firm_id" in _one(kzpolicy.profile_to_facts, {"firm": {"industry": "manufacturing", "established": "2015-04-01"}})


def test_every_problem_is_reported_at_once():
    problems, _ = _problems(kzpolicy.profile_to_facts, _profile([{**INVEST, "amount": -1, "progress": 2}]))
    assert any("'amount'" in p for p in problems) and any("'progress'" in p for p in problems)


# --------------------------------------------------------------------------- DataFrames
def _firms(n=2):
    return pd.DataFrame({"firm_id": [f"F{i}" for i in range(1, n + 1)], "industry": "manufacturing",
                         "established": "2015-04-01"})


def test_missing_required_column():
    msg = _one(kzpolicy.validate, _firms().drop(columns="established"))
    assert "firms" in msg and "'established'" in msg and "missing required column" in msg


def test_unknown_firm_in_events():
    ev = pd.DataFrame([{"firm_id": "F1", **OK_EVENT}, {"firm_id": "F9", **OK_EVENT}])
    msg = _one(kzpolicy.validate, _firms(), ev)
    assert "events row 1" in msg and "'firm_id'" in msg and "'F9' is not in the firms table" in msg


def test_unknown_firm_in_financials():
    fin = pd.DataFrame({"firm_id": ["F1", "F7"], "year": [2022, 2022], "revenue": [1, 2]})
    msg = _one(kzpolicy.validate, _firms(), None, fin)
    assert "financials row 1" in msg and "'F7'" in msg


def test_duplicate_firm_id():
    firms = pd.concat([_firms(2), _firms(1)], ignore_index=True)
    problems, _ = _problems(kzpolicy.validate, firms)
    assert any("firms row 2" in p and "'firm_id'" in p and "more than once" in p for p in problems), problems


def test_duplicate_financial_year():
    fin = pd.DataFrame({"firm_id": ["F1", "F1"], "year": [2022, 2022], "revenue": [1, 2]})
    problems, _ = _problems(kzpolicy.validate, _firms(), None, fin)
    assert any("financials row 1" in p and "more than once" in p for p in problems), problems


def test_nan_in_a_dataframe_column_needed_by_the_event():
    ev = pd.DataFrame([{"firm_id": "F1", "date": "2023-09-01", "code": "equipment.investment",
                        "amount": np.nan, "progress": 0.9}])
    msg = _one(kzpolicy.validate, _firms(), ev)
    assert "events row 0" in msg and "'amount'" in msg


def test_nan_revenue_is_missing_not_zero():
    """A figure not given is missing (NA), never 0: article 3 then cannot decide."""
    fin = pd.DataFrame({"firm_id": ["F1"] * 4, "year": [2019, 2020, 2021, 2022],
                        "revenue": [1e8, 1.5e8, 1.8e8, np.nan]})
    firms = _firms(1).assign(established="2019-01-01", independent_legal_person=True)
    facts = kzpolicy.validate(firms, None, fin)
    assert facts.financials["revenue"].isna().sum() == 1
    a = kzpolicy.assess(facts, year=2023)
    assert list(a.undetermined["item"]) == ["art03.milestone_2yi"]


def test_table_that_is_not_a_dataframe():
    msg = _one(kzpolicy.validate, [{"firm_id": "F1"}])
    assert "firms" in msg and "DataFrame" in msg


def test_township_rank_below_one_and_duplicate_rank():
    tw = pd.DataFrame({"township": ["汉丰街道", "文峰街道", "云枫街道"], "year": [2023] * 3, "rank": [0, 2, 2]})
    problems, _ = _problems(kzpolicy.validate, _firms(), townships=tw)
    assert any("townships row 0" in p and "'rank'" in p for p in problems), problems


# --------------------------------------------------------------------------- bridge-loan calendar range
def test_bridge_loan_outside_the_official_calendar():
    from kzpolicy.rules.working_day_fee import calendar_range
    _, last = calendar_range()
    end = str(np.datetime64(last) + 1)
    f = kzpolicy.profile_to_facts(_profile([{"date": "2023-09-01", "code": "bridge_loan", "principal": 1000000,
                                             "start": "2023-09-05", "end": end}]))
    msg = _one(kzpolicy.assess, f, year=2023)
    assert "events[1]" in msg and "'end'" in msg and end in msg and "chinese-calendar" in msg


def test_bridge_loan_starting_before_the_calendar():
    f = kzpolicy.profile_to_facts(_profile([{"date": "2023-09-01", "code": "bridge_loan", "principal": 1000000,
                                             "start": "2003-12-31", "end": "2004-01-09"}]))
    msg = _one(kzpolicy.assess, f, year=2023)
    assert "events[1]" in msg and "'start'" in msg and "2003-12-31" in msg


# --------------------------------------------------------------------------- CSV folder: spreadsheet row numbers
def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture
def csv_dir(tmp_path):
    _write(tmp_path, "firms.csv", "firm_id,industry,established\nF1,manufacturing,2015-04-01\nF2,mining,2016-01-01\n")
    _write(tmp_path, "events.csv",
           "firm_id,date,code,amount,progress,municipal_reward\n"
           "F1,2023-08-15,above_scale.enter,,,\n"
           "F2,2023-09-01,equipment.investment,3000000,0.9,\n")
    return tmp_path


def test_csv_folder_loads_with_blank_cells(csv_dir):
    a = kzpolicy.assess(kzpolicy.load_tables(csv_dir), year=2023)
    assert dict(zip(a.ledger["item"], a.ledger["amount_yuan"])) == {
        "art01.above_scale_enter": kzpolicy.get_policy().param("art01.above_scale_enter.amount").at("2023-08-15"),
        "art05.equipment_subsidy": 3000000 * 5 // 100,
    }


@pytest.mark.parametrize("row3, must", [
    ("F2,2023-09-01,equipment.investment,-300,0.9,", ["events.csv row 3", "'amount'", "negative"]),
    ("F2,2023-09-01,equipment.investment,三百万,0.9,", ["events.csv row 3", "'amount'", "must be a number"]),
    ("F2,2023-09-01,equipment.investment,3000000,120%,", ["events.csv row 3", "'progress'"]),
    ("F2,2023-09-01,equipment.investment,3000000,1.2,", ["events.csv row 3", "'progress'", "over 100%"]),
    ("F2,2023-09-01,equipment.investment,3000000.5,0.9,", ["events.csv row 3", "'amount'", "whole yuan"]),
    ("F2,2023-09-31,equipment.investment,3000000,0.9,", ["events.csv row 3", "'date'", "YYYY-MM-DD"]),
    ("F2,2023-10-10,listing.star,,,", ["events.csv row 3", "'municipal_reward'"]),
    ("F2,2023-10-10,above_scale.enter,5,,", ["events.csv row 3", "'amount'", "not used"]),
    ("F3,2023-08-15,above_scale.enter,,,", ["events.csv row 3", "'firm_id'", "'F3'"]),
    ("F2,2023-08-15,above_scale.enterr,,,", ["events.csv row 3", "'code'"]),
    ("F2,2023-09-01,equipment.investment,nan,0.9,", ["events.csv row 3", "'amount'"]),
])
def test_csv_errors_name_the_spreadsheet_row(csv_dir, row3, must):
    text = (csv_dir / "events.csv").read_text(encoding="utf-8").splitlines()
    text[2] = row3
    _write(csv_dir, "events.csv", "\n".join(text) + "\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    for m in must:
        assert m in msg, f"{m!r} not in {msg!r}"


def test_csv_duplicate_firm_names_both_rows(csv_dir):
    _write(csv_dir, "firms.csv", "firm_id,industry,established\nF1,manufacturing,2015-04-01\nF1,mining,2016-01-01\n")
    problems, _ = _problems(kzpolicy.load_tables, csv_dir)
    assert any("firms.csv row 2" in p for p in problems) and any("firms.csv row 3" in p for p in problems), problems


def test_csv_unknown_industry_and_missing_column(csv_dir):
    _write(csv_dir, "firms.csv", "firm_id,industry,established\nF1,manufacturing,2015-04-01\nF2,farming,2016-01-01\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert "firms.csv row 3" in msg and "'industry'" in msg and "'farming'" in msg
    _write(csv_dir, "firms.csv", "firm_id,industry\nF1,manufacturing\nF2,mining\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert "'established'" in msg and "missing required column" in msg


def test_csv_folder_without_firms(tmp_path):
    msg = _one(kzpolicy.load_tables, tmp_path)
    assert "firms.csv" in msg


def test_township_ranked_twice_in_a_year():
    """Otherwise it would collect two prizes under article 21."""
    tw = pd.DataFrame({"township": ["汉丰街道", "汉丰街道", "汉丰街道"], "year": [2023, 2023, 2024], "rank": [1, 2, 1]})
    problems, _ = _problems(kzpolicy.validate, _firms(), townships=tw)
    assert len(problems) == 2, problems
    assert any("townships row 0" in p and "'township'" in p and "same year" in p for p in problems)
    assert any("townships row 1" in p for p in problems)
