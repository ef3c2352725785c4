"""Bad input is refused with a message naming the field, the row and what is allowed.

Nothing may be dropped, zeroed or coerced silently. Profiles name rows as
``events[1]``; DataFrames as ``events row 1``; a CSV folder as ``events.csv row N``
with the spreadsheet's row number (the header is row 1).
"""
from __future__ import annotations

import math
from pathlib import Path

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
    # hostile: one problem per row naming both keys (was four, one per column, "value 'F1' the combination…")
    assert problems == [f"financials row {i} (firm F1): firm_id 'F1', year 2022 appears more than once; "
                        f"give each combination of firm_id and year one row" for i in (0, 1)], problems


def test_nan_in_a_dataframe_column_needed_by_the_event():
    ev = pd.DataFrame([{"firm_id": "F1", "date": "2023-09-01", "code": "equipment.investment",
                        "amount": np.nan, "progress": 0.9}])
    msg = _one(kzpolicy.validate, _firms(), ev)
    assert "events row 0" in msg and "'amount'" in msg


def test_decimal_amount_and_progress_in_a_dataframe_are_read_exactly():
    """hostile: a Decimal was refused with a message about commas; it is exact, so it is read as written."""
    from decimal import Decimal

    def ev(amount, progress):
        return pd.DataFrame([{"firm_id": "F1", "date": "2023-09-01", "code": "equipment.investment",
                              "amount": amount, "progress": progress, "project": "P1"}])

    as_decimal = kzpolicy.assess(_firms(), ev(Decimal("3000000"), Decimal("0.85")), year=2023)
    as_int = kzpolicy.assess(_firms(), ev(3000000, 0.85), year=2023)
    assert as_decimal.total_yuan == as_int.total_yuan == 150000
    # fractional yuan: the usual whole-yuan message, not commas
    assert _one(kzpolicy.validate, _firms(), ev(Decimal("3000000.5"), Decimal("0.85"))).endswith(
        "field 'amount': is 3000000.5; must be whole yuan")
    # a Decimal the float cannot hold is refused, never rounded to a number that passes a threshold
    msg = _one(kzpolicy.validate, _firms(), ev(Decimal("3000000"), Decimal("0.79999999999999999999")))
    assert "'progress'" in msg and "more digits than can be held exactly" in msg and "comma" not in msg
    msg = _one(kzpolicy.validate, _firms(), ev(Decimal("3000000.0000000001"), Decimal("0.85")))
    assert "'amount'" in msg and "more digits than can be held exactly; must be whole yuan" in msg
    # a value that is not a number at all says its type
    msg = _one(kzpolicy.validate, _firms(), ev([3000000], 0.85))
    assert "of type list" in msg and "comma" not in msg


@pytest.mark.parametrize("storage", ["arrow", "object"])
@pytest.mark.parametrize("amount, progress, field", [
    ("1999999.9999999999", "0.85", "amount"),  # a float reads it as 2,000,000: the 200万元 floor, paid
    ("1,999,999.9999999999", "0.85", "amount"),  # the same with thousands separators (the regular-expression path)
    ("3000000", "0.79999999999999999999", "progress"),  # a float reads it as 0.8: the 80 % threshold, paid
    ("3000000.0000000001", "0.85", "amount"),  # a float reads it as whole yuan
])
def test_number_text_with_more_digits_than_a_float_holds_is_refused(storage, amount, progress, field):
    """A number written as text (a CSV cell, an Excel text cell) is read exactly or refused: one whose float is another
    number is never read as that number (found by a hostile tester in session 17: 1999999.9999999999 yuan was paid
    as 200万元), as a Decimal is not."""
    ev = pd.DataFrame([{"firm_id": "F1", "date": "2023-09-01", "code": "equipment.investment",
                        "amount": amount, "progress": progress, "project": "P1"}])
    if storage == "object":
        ev = ev.astype(object)
    msg = _one(kzpolicy.validate, _firms(), ev)
    assert f"field '{field}'" in msg and "more digits than can be held exactly" in msg, msg


@pytest.mark.parametrize("storage", ["arrow", "object"])
def test_long_number_texts_that_are_exact_are_read(storage):
    """Long texts a float holds exactly are read as written: trailing zeros, a float's own repr, an exponent."""
    ev = pd.DataFrame([{"firm_id": "F1", "date": "2023-09-01", "code": "equipment.investment",
                        "amount": a, "progress": p, "project": f"P{i}"}
                       for i, (a, p) in enumerate([("3000000.0000000000000", "0.85"), ("3000000", "0.30000000000000004"),
                                                   ("3.0000000000000000E+06", "0.850000000000000000")])])
    if storage == "object":
        ev = ev.astype(object)
    facts = kzpolicy.validate(_firms(), ev)
    assert facts.events["amount"].tolist() == [3000000] * 3
    assert facts.events["progress"].tolist() == [0.85, 0.30000000000000004, 0.85]


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


@pytest.mark.parametrize("blank", ["", ",,,,,", "   ", " , ,,", "\t"])
@pytest.mark.parametrize("quoted", [False, True])
def test_csv_blank_rows_keep_the_rows_after_them_named_as_in_the_file(csv_dir, blank, quoted):
    """A blank row (an empty line, or a row of empty cells, as a spreadsheet saves one) is dropped, as in a workbook,
    and the rows after it keep their numbers: an error names the row a spreadsheet shows (found by a hostile tester:
    two blank lines made row 6 "row 4"). The same results as without the blank rows otherwise."""
    clean = kzpolicy.assess(kzpolicy.load_tables(csv_dir), year=2023)
    lines = (csv_dir / "events.csv").read_text(encoding="utf-8").splitlines()
    if quoted:  # a quoted cell: pandas' parser instead of pyarrow's
        lines[1] = lines[1].replace("F1,", '"F1",', 1)
    _write(csv_dir, "events.csv", "\n".join(lines[:2] + [blank, blank] + lines[2:]) + "\n")
    a = kzpolicy.assess(kzpolicy.load_tables(csv_dir), year=2023)
    assert a.ledger[["item", "amount_yuan"]].equals(clean.ledger[["item", "amount_yuan"]])
    lines = (csv_dir / "events.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace("3000000", "-3000000")  # the file's row 5 (header row 1, two blank rows 3 and 4)
    _write(csv_dir, "events.csv", "\n".join(lines) + "\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert "events.csv row 5" in msg and "'amount'" in msg and "negative" in msg, msg


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


# =========================================================================== issue 9: one regression test per class
# Each class is checked at every entry point it applies to: profile (dict/YAML), DataFrame API, CSV folder, workbook.
import datetime as dt  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from fractions import Fraction  # noqa: E402

import openpyxl  # noqa: E402

from kzpolicy.money import MAX_COUNT, MAX_YUAN  # noqa: E402
from kzpolicy.policy import PolicyError  # noqa: E402

MFG = {"id": "F1", "industry": "manufacturing", "established": "2015-04-01", "independent_legal_person": True}


def _invest(amount=3_000_000, **kw):
    return {"date": "2023-09-01", "code": "equipment.investment", "amount": amount, "progress": 0.9, **kw}


def _book(path, sheets):
    """A workbook from {sheet: [header row, data rows…]}."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


FIRMS_ROWS = [["firm_id", "industry", "established"], ["F1", "manufacturing", "2015-04-01"]]
EVENTS_HEAD = ["firm_id", "date", "code", "amount", "progress"]


# ---- class 1: money never overflows; out-of-bounds values refused at the entry
@pytest.mark.parametrize("rate, paid", [(0.05 * 1.1, 165_000), (1 / 3, 1_000_000), (Fraction(1, 3), 1_000_000)])
def test_a_computed_rate_pays_the_exact_amount(rate, paid):
    pol = kzpolicy.get_policy().with_parameters({"art05.equipment_subsidy.rate": rate, "art05.equipment_subsidy.cap": None})
    a = kzpolicy.assess(kzpolicy.profile_to_facts({"firm": MFG, "events": [_invest()]}), year=2023, policy=pol)
    got = a.ledger.query("item == 'art05.equipment_subsidy'")["amount_yuan"].tolist()
    assert got == [paid]


@pytest.mark.parametrize("change", [
    {"art01.above_scale_enter.amount": 1.0e19},
    {"art01.above_scale_enter.amount": MAX_YUAN + 1},
    {"art05.equipment_subsidy.rate": 1.5},
    {"art05.equipment_subsidy.rate": float("nan")},
    {"art05.equipment_subsidy.rate": True},
    {"art14.bridge_loan_fee.daily_rate": 0.5},
])
def test_policy_values_out_of_bounds_are_refused(change):
    with pytest.raises(PolicyError):
        kzpolicy.get_policy().with_parameters(change)


@pytest.mark.parametrize("event, field", [
    (_invest(amount=MAX_YUAN + 1), "'amount'"),
    ({"date": "2023-09-01", "code": "new_product.municipal", "count": MAX_COUNT + 1}, "'count'"),
    ({"date": "2023-09-01", "code": "bridge_loan", "principal": 10**6, "start": "2010-01-04", "end": "2023-09-01"}, "'end'"),
    (_invest(progress=1.0000001), "'progress'"),
])
def test_input_beyond_the_documented_bounds_is_refused(event, field):
    msg = _one(kzpolicy.profile_to_facts, {"firm": MFG, "events": [event]})
    assert "events[0]" in msg and field in msg


def test_the_largest_accepted_inputs_are_paid_exactly():
    ev = [{"date": "2023-09-01", "code": "new_product.municipal", "count": MAX_COUNT}, _invest(amount=MAX_YUAN)]
    a = kzpolicy.assess(kzpolicy.profile_to_facts({"firm": MFG, "events": ev}), year=2023, explain=False)
    assert (a.ledger["amount_yuan"] >= 0).all() and len(a.ledger) == 2


# ---- class 5: numbers read as written (all entry points)
@pytest.mark.parametrize("text", ["3000000,5", "300000,0", "3,00,000", "03000000", "yes", "nan", "inf", "1_000", "0x10", "3 000 000"])
def test_numbers_not_as_written_are_refused_in_a_csv(csv_dir, text):
    _write(csv_dir, "events.csv", f'firm_id,date,code,amount,progress\nF2,2023-09-01,equipment.investment,"{text}",0.9\n')
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert "events.csv row 2" in msg and "'amount'" in msg


def test_thousands_separators_in_groups_of_three_are_read(csv_dir):
    _write(csv_dir, "events.csv", 'firm_id,date,code,amount,progress\nF2,2023-09-01,equipment.investment,"3,000,000",0.9\n')
    assert kzpolicy.load_tables(csv_dir).events["amount"].tolist() == [3_000_000]


def test_yaml_octal_and_yes_in_a_number_field_are_refused(tmp_path):
    for text in ("03000000", "yes", ".nan", ".inf"):
        p = tmp_path / "firm.yaml"
        p.write_text("firm: {id: F1, industry: manufacturing, established: 2015-04-01}\n"
                     f"events:\n  - {{date: 2023-09-01, code: equipment.investment, amount: {text}, progress: 0.9}}\n", encoding="utf-8")
        with pytest.raises(FactsError) as e:
            kzpolicy.load_profile(p)
        assert "firm.yaml" in str(e.value), text


@pytest.mark.parametrize("value", [True, np.nan, np.inf, "1e400"])
def test_booleans_nan_and_inf_refused_in_a_dataframe_object_column(value):
    ev = pd.DataFrame({"firm_id": ["F1"], "date": ["2023-09-01"], "code": ["new_product.municipal"],
                       "count": pd.Series([value], dtype=object)})
    if value is np.nan:  # NaN in a DataFrame is pandas' empty cell: count is then 1, as documented
        assert len(kzpolicy.validate(_firms(), ev).events) == 1
        return
    msg = _one(kzpolicy.validate, _firms(), ev)
    assert "events row 0" in msg and "'count'" in msg


# ---- class 6: Excel cells that are errors or formulas without a saved value
def test_excel_error_cell_and_uncalculated_formula_are_named(tmp_path):
    p = tmp_path / "in.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "firms"
    for r in FIRMS_ROWS:
        ws.append(r)
    ev = wb.create_sheet("events")
    ev.append(["firm_id", "date", "code", "count"])
    ev.append(["F1", "2023-09-01", "new_product.municipal", "=1+1"])  # openpyxl writes no cached value
    wb.save(p)
    msg = _one(kzpolicy.load_tables, p)
    assert "sheet 'events' row 2, column D (count)" in msg and "formula" in msg
    # an error cell (#DIV/0!) as Excel saves it: type "e" with the error text as the value
    with zipfile.ZipFile(p) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet2"))
    xml = parts[sheet].decode()
    import re
    xml = re.sub(r'<c r="D2"[^>]*>.*?</c>', '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', xml)
    parts[sheet] = xml.encode()
    q = tmp_path / "err.xlsx"
    with zipfile.ZipFile(q, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    msg = _one(kzpolicy.load_tables, q)
    assert "sheet 'events' row 2, column D (count)" in msg and "#DIV/0!" in msg


import zipfile  # noqa: E402


# ---- class 4: nothing silently dropped (sheets and files)
@pytest.mark.parametrize("sheets, must", [
    ({"firms": FIRMS_ROWS, "Events": [EVENTS_HEAD]}, ["'Events'", "Did you mean 'events'"]),
    ({"firms": FIRMS_ROWS, "事项 ": [EVENTS_HEAD]}, ["'事项 '", "Did you mean '事项'"]),
    ({"firms": FIRMS_ROWS, "事项2": [EVENTS_HEAD]}, ["'事项2'", "Did you mean '事项'"]),
    ({"firms": FIRMS_ROWS, "企业": FIRMS_ROWS}, ["'firms'", "'企业'", "keep one"]),
])
def test_every_sheet_is_read_or_named(tmp_path, sheets, must):
    msg = _one(kzpolicy.load_tables, _book(tmp_path / "b.xlsx", sheets))
    for m in must:
        assert m in msg, msg


@pytest.mark.parametrize("name, hint", [("Events.csv", "events.csv"), ("event.csv", "events.csv"), ("firms.CSV", "firms.csv")])
def test_every_csv_file_is_read_or_named(csv_dir, name, hint):
    _write(csv_dir, name, "firm_id,date,code\nF1,2023-08-15,above_scale.enter\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert f"'{name}'" in msg and f"Did you mean '{hint}'" in msg


@pytest.mark.parametrize("content", [b"", b"not a zip at all", None])
def test_broken_workbook_is_a_clear_error_with_exit_2(tmp_path, content):
    p = tmp_path / "x.xlsx"
    if content is None:  # a truncated workbook: the first half of a real one
        good = _book(tmp_path / "good.xlsx", {"firms": FIRMS_ROWS}).read_bytes()
        content = good[: len(good) // 2]
    p.write_bytes(content)
    msg = _one(kzpolicy.load_tables, p)
    assert "x.xlsx" in msg
    r = subprocess.run([sys.executable, "-m", "kzpolicy", "assess", str(p), "--year", "2023"], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "x.xlsx" in r.stderr


# ---- a clerk's own words
def test_a_clerks_words_are_read(tmp_path):
    firms = pd.DataFrame({"企业编号": ["F1", "F2", "F3", "F4"], "行业": ["制造业", "采矿业", "电力、热力、燃气及水生产和供应业", "其他"],
                          "成立日期": ["2015/4/1", "2015年4月1日", "2015-4-1", "2015-04-01"], "独立法人": ["是", "否", "是", "否"]})
    ev = pd.DataFrame({"企业编号": ["F1"], "日期": ["2023年9月1日"], "事项代码": ["equipment.investment"],
                       "投资额（万元）": ["300.0001"], "投资进度": ["0.9"]})
    f = kzpolicy.validate(firms, ev)
    assert f.firms["industry"].tolist() == ["manufacturing", "mining", "utilities", "other"]
    assert f.firms["established"].dt.strftime("%Y-%m-%d").tolist() == ["2015-04-01"] * 4
    assert f.firms["independent_legal_person"].tolist() == [True, False, True, False]
    assert f.events["amount"].tolist() == [3_000_001]
    ev["投资额（万元）"] = ["300.00001"]
    msg = _one(kzpolicy.validate, firms, ev)
    assert "'amount'" in msg and "four decimals" in msg


@pytest.mark.parametrize("encoding, said", [("gbk", "GB18030"), ("gb18030", "GB18030"), ("utf-16", "UTF-16"), ("utf-8-sig", None)])
def test_csv_encodings_are_read_and_said(tmp_path, encoding, said):
    (tmp_path / "firms.csv").write_bytes("企业编号,行业,成立日期\nF1,制造业,2015-04-01\n".encode(encoding))
    f = kzpolicy.load_tables(tmp_path)
    assert f.firms["industry"].tolist() == ["manufacturing"]
    assert (said is None and not f.notes) or (said and any(said in n and "firms.csv" in n for n in f.notes))


def test_csv_in_an_unreadable_encoding_is_refused_naming_the_file(tmp_path):
    (tmp_path / "firms.csv").write_bytes("firm_id,industry,established\nF1,other,2015-04-01\nCafé\n".encode("cp1252"))
    msg = _one(kzpolicy.load_tables, tmp_path)
    assert "firms.csv" in msg and "UTF-8" in msg


# ---- class 8: tracebacks become clear errors
def test_time_zoned_dates_are_refused():
    firms = pd.DataFrame({"firm_id": ["F1"], "industry": ["other"],
                          "established": pd.to_datetime(["2015-04-01"]).tz_localize("Asia/Shanghai")})
    msg = _one(kzpolicy.validate, firms)
    assert "firms row 0" in msg and "time zone" in msg
    prof = {"firm": MFG, "events": [{"date": dt.datetime(2023, 8, 15, 9, tzinfo=dt.timezone.utc), "code": "above_scale.enter"}]}
    assert "time zone" in _one(kzpolicy.profile_to_facts, prof)


def test_deeply_nested_yaml_is_a_clear_error(tmp_path):
    p = tmp_path / "deep.yaml"
    p.write_text("firm: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(FactsError) as e:
        kzpolicy.load_profile(p)
    assert "deep.yaml" in str(e.value)


def test_one_field_under_two_headers_is_refused(csv_dir):
    _write(csv_dir, "firms.csv", "firm_id,企业编号,industry,established\nF1,F1,manufacturing,2015-04-01\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert "'firm_id'" in msg and "企业编号" in msg and "twice" in msg


@pytest.mark.parametrize("text, must", [
    ("", "empty"),
    ("firm_id,industry,established\nF1,other,2015-04-01,extra,cells\n", "row 2"),
    ('firm_id,industry,established\nF1,other,"2015-04-01\n', "firms.csv"),
])
def test_empty_or_malformed_csv_is_named(tmp_path, text, must):
    (tmp_path / "firms.csv").write_text(text, encoding="utf-8")
    msg = _one(kzpolicy.load_tables, tmp_path)
    assert "firms.csv" in msg and must in msg


@pytest.mark.parametrize("date", ["2023-02-30", "2263-01-01", "9999-12-31"])
def test_impossible_or_far_dates_are_named(csv_dir, date):
    _write(csv_dir, "events.csv", f"firm_id,date,code\nF1,{date},above_scale.enter\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert "events.csv row 2" in msg and "'date'" in msg
    far = pd.DataFrame({"firm_id": ["F1"], "date": np.array(["2263-01-01"], dtype="datetime64[s]"), "code": ["above_scale.enter"]})
    assert "out of range" in _one(kzpolicy.validate, _firms(), far)


def test_unquoted_impossible_date_in_yaml_names_the_file(tmp_path):
    p = tmp_path / "firm.yaml"
    p.write_text("firm: {id: F1, industry: manufacturing, established: 2015-04-01}\n"
                 "events:\n  - {date: 2023-02-30, code: above_scale.enter}\n", encoding="utf-8")
    with pytest.raises(FactsError) as e:
        kzpolicy.load_profile(p)
    assert "firm.yaml" in str(e.value) and "2023-02-30" in str(e.value)


# ---- class 9: contradicting facts refused
@pytest.mark.parametrize("profile, must", [
    ({"firm": MFG, "events": [{"date": "2014-12-31", "code": "above_scale.enter"}]}, ["events[0]", "'date'", "before the firm's date of establishment"]),
    ({"firm": MFG, "financials": {2022: {"year": 2021, "revenue": 5}}}, ["financials[0]", "'year'", "2021"]),
    ({"firm": {**MFG, "firm_id": "F2"}}, ["'id'", "'firm_id'", "F2"]),
    ({"firm": MFG, "events": {}}, ["'events'", "list"]),
    ({"firm": MFG, "events": False}, ["'events'", "list"]),
    ({"firm": MFG, "events": [{"firm_id": "F9", "date": "2023-08-15", "code": "above_scale.enter"}]}, ["events[0]", "'firm_id'"]),
])
def test_contradicting_facts_are_refused(profile, must):
    msg = _one(kzpolicy.profile_to_facts, profile)
    for m in must:
        assert m in msg, msg


def test_event_before_establishment_refused_in_tables_too(csv_dir):
    _write(csv_dir, "events.csv", "firm_id,date,code\nF1,2014-01-01,above_scale.enter\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert "events.csv row 2" in msg and "before the firm's date of establishment" in msg


def test_a_policy_rate_given_as_a_fraction_pays_exactly_at_the_half_yuan():
    # 2,000,001 × 1/6 = 333,333.5 exactly: half up gives 333,334 (a float 1/6 taken at its binary value gives 333,333)
    for rate in (Fraction(1, 6), 1 / 6):
        pol = kzpolicy.get_policy().with_parameters({"art05.equipment_subsidy.rate": rate})
        a = kzpolicy.assess(kzpolicy.profile_to_facts({"firm": MFG, "events": [_invest(amount=2_000_001)]}), year=2023, policy=pol)
        assert a.ledger.query("item == 'art05.equipment_subsidy'")["amount_yuan"].tolist() == [333_334]
    with pytest.raises(PolicyError):
        kzpolicy.get_policy().with_parameters({"art05.equipment_subsidy.rate": Fraction(1, 10**7 + 1)})


def test_category_columns_are_read_as_their_values():
    """hostile: pandas category columns (read_csv(dtype='category')) were refused as 'must be text, got 'F001' (str)'."""
    firms = pd.DataFrame({"firm_id": ["F001"], "industry": ["manufacturing"], "established": ["2015-04-01"]}).astype("category")
    events = pd.DataFrame({"firm_id": ["F001"], "date": ["2023-09-01"], "code": ["equipment.investment"],
                           "amount": [3000000], "progress": [0.85]}).astype("category")
    res = kzpolicy.assess(firms, events=events, year=2023)
    assert res.total_yuan == 150000


def test_column_problems_name_the_csv_file(tmp_path):
    _write(tmp_path, "firms.csv", "firm_id,industry,established,备注\nF001,manufacturing,2015-04-01,x\n")
    with pytest.raises(FactsError) as err:
        kzpolicy.load_tables(tmp_path)
    assert str(err.value.problems[0]).startswith("firms.csv: unknown column(s) ['备注']")


@pytest.mark.parametrize("old, new, must", [
    # hostile: an item triggered by a code no firm can have paid nothing, with exit 0
    ("events: [equipment.investment]", "events: [存量企业新增设备（含软件）投资]",
     ["unknown event code(s) ['存量企业新增设备（含软件）投资']", "did you mean ['equipment.investment']"]),
    ("events: [equipment.investment]", "events: [equipment.investmnet]", ["unknown event code(s) ['equipment.investmnet']"]),
    # hostile (session 16 review): a code listed twice read its events twice — paid twice, or, item by item, the
    # second copy "already awarded" — depending on the path taken
    ("events: [equipment.investment]", "events: [equipment.investment, equipment.investment]",
     ["event code(s) ['equipment.investment'] listed more than once in 'events'; list each code once"]),
    ("2023-05-30: 2000000}", "2023-5-30: 2000000}", ["the key '2023-5-30' is not a date; write it as YYYY-MM-DD"]),
])
def test_policy_folder_mistakes_are_one_clear_error(tmp_path, old, new, must):
    import shutil
    src = Path(kzpolicy.__file__).parent / "policies" / "kaizhou_2023_27"
    shutil.copytree(src, tmp_path / "P")
    art = tmp_path / "P" / "articles" / "art05_smart_upgrade.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        kzpolicy.load_policy(tmp_path / "P")
    msg = str(err.value)
    assert "art05_smart_upgrade.yaml, line" in msg and "Value error" not in msg and "[key]" not in msg
    for m in must:
        assert m in msg, msg


def test_accounts_before_the_firm_existed_are_refused():
    """hostile: revenue for 2010 of a firm established in 2015 was accepted (an event before establishment is refused)."""
    msg = _one(kzpolicy.profile_to_facts, {"firm": {**MFG, "established": "2015-04-01"},
                                           "financials": {2010: {"revenue": 230_000_000}, 2015: {"revenue": 1}}})
    assert "financials[0]" in msg and "field 'year': 2010 is before the firm's year of establishment (2015-04-01)" in msg


def test_the_same_investment_entered_twice_is_refused_not_paid_twice():
    """hostile: a row pasted twice paid the 5% subsidy twice (an identical one-off award is excluded, but money was not)."""
    row = _invest()
    msg, _ = _problems(kzpolicy.profile_to_facts, {"firm": MFG, "events": [row, dict(row), {**row, "progress": 0.95}]})
    assert len(msg) == 2 and "events[0]" in msg[0] and "events[1]" in msg[1]
    assert all("entered more than once" in m and "项目编号" in m for m in msg)
    two = kzpolicy.profile_to_facts({"firm": MFG, "events": [{**row, "project": "P1"}, {**row, "project": "P2"}]})
    assert kzpolicy.assess(two, year=2023).total_yuan == 2 * kzpolicy.assess(
        kzpolicy.profile_to_facts({"firm": MFG, "events": [row]}), year=2023).total_yuan


def test_identical_investments_are_found_among_many_that_share_date_and_code():
    """The identical-investment check looks only where date, code, amount and progress all repeat: every pair of rows
    that is the same row twice is still refused, and rows that differ in the firm, the amount, the progress or the
    project alone are accepted, on a table (Arrow text) of investments on the same day."""
    firms = pd.DataFrame({"firm_id": [f"F{i}" for i in range(6)], "industry": "manufacturing", "established": "2015-04-01"})
    rows = [("F0", 3_000_000, 0.9), ("F1", 3_000_000, 0.9),      # another firm: accepted
            ("F2", 3_000_000, 0.9), ("F2", 3_000_001, 0.9),      # another amount: accepted
            ("F3", 3_000_000, 0.9), ("F3", 3_000_000, 0.95),     # another progress: accepted
            ("F4", 2_000_000, 0.8), ("F4", 2_000_000, 0.8),      # the same, with a project id each: accepted
            ("F5", 3_000_000, 0.9), ("F0", 2_000_000, 0.8), ("F5", 3_000_000, 0.9)]  # the same row twice: refused
    events = pd.DataFrame({"firm_id": [r[0] for r in rows], "date": "2023-09-01", "code": "equipment.investment",
                           "amount": [r[1] for r in rows], "progress": [r[2] for r in rows],
                           "project": [None] * 6 + ["P1", "P2"] + [None] * 3})
    problems, _ = _problems(kzpolicy.validate, firms, events)
    assert [p.split(" (")[0] for p in problems] == ["events row 8", "events row 10"], problems
    assert all("entered more than once" in p for p in problems)
    ok = kzpolicy.validate(firms, events.drop(index=10))  # no copy among them: nothing refused
    assert len(ok.events) == 10


@pytest.mark.parametrize("sep", [";", "\t", "，"])
def test_csv_separated_by_another_character_is_one_clear_error(tmp_path, sep):
    """hostile: a semicolon/tab CSV gave four problems about a column named 'firm_id;industry;established'."""
    _write(tmp_path, "firms.csv", sep.join(["firm_id", "industry", "established"]) + "\n" + sep.join(["F1", "manufacturing", "2015-01-01"]) + "\n")
    msg, _ = _problems(kzpolicy.load_tables, tmp_path)
    assert len(msg) == 1 and "firms.csv: the header row is one cell separated by" in msg[0] and "commas" in msg[0]


def test_a_yes_no_is_not_a_year():
    """int(True) is 1: assess(year=True) is refused as not a year, not read as year 1."""
    import pytest

    import kzpolicy as kz
    facts = kz.load_profile("examples/firm_F001.yaml")
    for bad in (True, False):
        with pytest.raises(ValueError, match="whole number like 2023"):
            kz.assess(facts, year=bad)


def test_lone_surrogate_in_text_is_refused_naming_the_cell():
    """'x\\ud800y' is not a character string any file can hold (nor an Arrow string): refused, never passed on."""
    problems, _ = _problems(kzpolicy.profile_to_facts, {"firm": {**FIRM, "name": "x\ud800y"}})
    assert any("profile firm" in p and "'name'" in p and "lone surrogate" in p and "'x\\ud800y'" in p for p in problems), problems
    firms = _firms().assign(township=pd.Series(["汉丰\udc80", "汉丰"], dtype=object))
    msg = _one(kzpolicy.validate, firms)
    assert "firms row 0" in msg and "'township'" in msg and "lone surrogate" in msg


def test_a_percent_in_progress_is_told_the_share_not_the_commas(csv_dir):
    """hostile (session 17): '85%' in progress got the money hint about commas; it is told to write 0.85."""
    lines = (csv_dir / "events.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",0.9,", ",85%,")
    _write(csv_dir, "events.csv", "\n".join(lines) + "\n")
    msg = _one(kzpolicy.load_tables, csv_dir)
    assert "'progress'" in msg and "0.85 for 85%" in msg and "comma" not in msg, msg


def test_a_path_that_does_not_exist_is_said_to_be_missing(tmp_path):
    msg = _one(kzpolicy.load_tables, tmp_path / "no_such_folder")
    assert "no such file or folder" in msg and "找不到" in msg


def test_an_unknown_firm_id_that_differs_only_by_case_or_width_gets_a_hint():
    """hostile (session 17): 'f001' against the firm 'F001' said only "not in the firms table"; ids stay matched
    exactly, and the message names the firm meant."""
    firms = pd.DataFrame({"firm_id": ["F001", "F002"], "industry": ["manufacturing"] * 2, "established": ["2015-01-01"] * 2})
    ev = pd.DataFrame({"firm_id": ["f001", "Ｆ002", "X9"], "date": ["2023-09-01"] * 3, "code": ["above_scale.enter"] * 3})
    problems, _ = _problems(kzpolicy.validate, firms, ev)
    assert len(problems) == 3
    assert "firm 'f001' is not in the firms table (did you mean 'F001'?" in problems[0]
    assert "(did you mean 'F002'?" in problems[1]
    assert problems[2].endswith("firm 'X9' is not in the firms table")
