"""Fuzzing the four input entry points (issue 9): every input gets one of two answers.

For each entry point — a profile mapping, a YAML profile file, a CSV folder, an Excel
workbook and the DataFrame API — hypothesis draws a firm with three events (article 1's
fixed award, article 5's equipment subsidy, article 14's bridge-loan fee) and writes each
value in one of many ways a person or a program might: as a number, as text with or
without thousands separators, in 万元, as 是/否, as dates in three notations — and in ways
that are wrong (a comma in the wrong place, a leading zero, true/false, NaN, inf, a
negative or out-of-bounds value, an impossible date).

The property: if every value was written in an accepted way, the result equals an
independent exact computation in Python integers and :class:`~fractions.Fraction`
(the policy's own parameters, chinese-calendar's working days counted day by day);
otherwise the answer is one :class:`~kzpolicy.FactsError` whose every problem names
where (the file, sheet or table, the row as the user sees it) and the field. Never a
traceback, never a different amount.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from fractions import Fraction

import chinese_calendar as cc
import numpy as np
import openpyxl
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kzpolicy
from kzpolicy import FactsError
from kzpolicy.money import MAX_YUAN

POLICY = kzpolicy.get_policy()
TRACE = bool(os.environ.get("FUZZ_TRACE"))  # FUZZ_TRACE=1 pytest -s: print each outcome (to see both kinds occur)
PUB = POLICY.item("art01.above_scale_enter").first_date
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# --------------------------------------------------------------------------- the independent computation
def _at(path: str, day: dt.date):
    return POLICY.param(path).at(day)


def _half_up(x: Fraction) -> int:
    return int((x + Fraction(1, 2)) // 1)


def _rate(path: str, day: dt.date) -> Fraction:
    return Fraction(repr(float(_at(path, day))))  # the decimal the policy writes (0.05, 0.0001)


def expected(t: dict) -> dict:
    """What the policy pays for the truth ``t``: {item: yuan} for awards, and the bridge-loan fee."""
    out = {"art01.above_scale_enter": int(_at("art01.above_scale_enter.amount", t["d1"]))}
    floor = _at("art05.equipment_subsidy.floor", t["d2"])
    minp = Fraction(repr(float(_at("art05.equipment_subsidy.min_progress", t["d2"]))))
    if t["amount"] >= floor and t["progress"] >= minp:
        pay = _half_up(t["amount"] * _rate("art05.equipment_subsidy.rate", t["d2"]))
        cap = _at("art05.equipment_subsidy.cap", t["d2"])
        out["art05.equipment_subsidy"] = pay if cap is None else min(pay, int(cap))
    days = sum(cc.is_workday(t["start"] + dt.timedelta(k)) for k in range((t["end"] - t["start"]).days))  # 算头不算尾
    fee = _half_up(Fraction(t["principal"] * days) * _rate("art14.bridge_loan_fee.daily_rate", t["start"]))
    return {"awards": out, "fee": fee}


# --------------------------------------------------------------------------- how a value may be written
# each gives (accepted ways, refused ways) of writing the true value
def _money(v: int):
    good = [v, str(v), f"{v:,}", f"{v}.0", float(v)]
    bad = [True, False, f"{v},5", f"{v}0,0", f"0{v}", v + 0.5, -v - 1, MAX_YUAN + 1 + v, "nan", "inf",
           f"{v:_}" if v >= 1000 else "1_000", f"{v} 元", float("inf"), float("nan")]
    return good, bad


def _progress(p: Fraction):
    d = Decimal(p.numerator) / Decimal(p.denominator)
    return [float(d), str(d), f"{d:.2f}"], [True, "85%", float(d) + 1.01, -0.01 - float(d), "nan", "0" + str(d)]


def _date(d: dt.date):
    good = [d, d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"]
    bad = ["2023-02-30", "2023-13-01", f"{d.day:02d}/{d.month:02d}/{d.year}", "2263-01-01", "1900-01-01", 20230815, "yesterday"]
    return good, bad


FIELDS = ("industry", "ilp", "est", "d1", "d2", "amount", "progress", "principal", "start", "end")
# biased to where the awards are paid (at or over the floor, progress 80% or more) and to the edges
AMOUNTS = st.one_of(st.integers(2_000_000, MAX_YUAN), st.integers(1_999_990, 2_000_010), st.integers(0, MAX_YUAN),
                    st.sampled_from([0, 2_000_000, MAX_YUAN]))
PROGRESS = st.one_of(st.integers(80, 100), st.integers(0, 100)).map(lambda k: Fraction(k, 100))
PRINCIPALS = st.one_of(st.integers(10**6, MAX_YUAN), st.integers(1, MAX_YUAN), st.just(MAX_YUAN))
WINDOW = st.dates(PUB, dt.date(2023, 12, 31))


@st.composite
def firm_case(draw):
    """(truth, written values, all accepted?): the truth and each value as the input writes it.

    Most cases write every value in an accepted way (so the exact comparison runs often);
    the others write one or two values in a refused way.
    """
    t = {"est": draw(st.dates(dt.date(2000, 1, 1), dt.date(2022, 12, 31))), "d1": draw(WINDOW), "d2": draw(WINDOW),
         "amount": draw(AMOUNTS), "progress": draw(PROGRESS),
         "principal": draw(PRINCIPALS), "start": draw(st.dates(dt.date(2023, 6, 1), dt.date(2023, 12, 1)))}
    t["end"] = t["start"] + dt.timedelta(draw(st.integers(1, 200)))
    ways = {"industry": (["manufacturing", "制造业"], ["manufacture", "Manufacturing ", True, "工业"]),
            "ilp": ([True, "是", "true", "yes"], ["maybe", 2, "对"]),
            "amount": _money(t["amount"]), "progress": _progress(t["progress"]), "principal": _money(t["principal"]),
            **{k: _date(t[k]) for k in ("est", "d1", "d2", "start", "end")}}
    broken = set(draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True))) if draw(st.integers(0, 2)) == 0 else set()
    w = {k: draw(st.sampled_from(ways[k][1] if k in broken else ways[k][0])) for k in FIELDS}
    return t, w, not broken


def _events(w):
    return [
        {"date": w["d1"], "code": "above_scale.enter"},
        {"date": w["d2"], "code": "equipment.investment", "amount": w["amount"], "progress": w["progress"]},
        {"date": w["start"], "code": "bridge_loan", "principal": w["principal"], "start": w["start"], "end": w["end"]},
    ]


def _firm(w):
    return {"id": "F1", "industry": w["industry"], "established": w["est"], "independent_legal_person": w["ilp"]}


# --------------------------------------------------------------------------- the property
def check(load, t, ok, locator: str):
    """Either an exact result (every value accepted) or one FactsError naming where, for every problem."""
    try:
        facts = load()
    except FactsError as e:
        assert not ok, f"valid input refused: {e.problems}"
        assert e.problems, "a FactsError without problems"
        for p in e.problems:
            assert locator in p, f"{p!r} does not say where ({locator!r})"
        if TRACE:
            print("REFUSED", locator, e.problems[0][:150])
        return
    # a clash of facts (date before establishment, a loan ending before it starts) is only in the written values
    assert ok, f"invalid input accepted: {facts.events.to_dict('records')}"
    a = kzpolicy.assess(facts, year=2023, explain=False)
    want = expected(t)
    got = dict(zip(a.ledger["item"], (int(x) for x in a.ledger["amount_yuan"])))
    assert got == want["awards"]
    assert [int(x) for x in a.fees["fee_yuan"]] == [want["fee"]]
    if TRACE:
        print("ACCEPTED", locator, got, want)


def _same_clash(t, ok):
    """Written values are all accepted, but the truth itself breaks a rule (never: the dates are drawn apart)."""
    return ok and not (t["est"] <= min(t["d1"], t["d2"], t["start"]) and t["start"] < t["end"])


@SETTINGS
@given(firm_case())
def test_fuzz_profile_mapping(case):
    t, w, ok = case
    assert not _same_clash(t, ok)
    check(lambda: kzpolicy.profile_to_facts({"firm": _firm(w), "events": _events(w)}, name="firm.yaml"), t, ok, "firm.yaml")


def _yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if not (isinstance(v, float) and not np.isfinite(v)) else (".inf" if v > 0 else ".nan")
    if isinstance(v, dt.date):
        return v.isoformat()  # unquoted: YAML reads a date
    if isinstance(v, str) and v[:1].isdigit() and "," not in v and " " not in v and "/" not in v and "年" not in v:
        return v  # unquoted text such as 03000000 or 2023-02-30: the loader decides, never octal, never a traceback
    return json.dumps(v, ensure_ascii=False)


@SETTINGS
@given(firm_case())
def test_fuzz_yaml_profile(tmp_path_factory, case):
    t, w, ok = case
    path = tmp_path_factory.mktemp("y") / "firm.yaml"
    lines = ["firm:"] + [f"  {k}: {_yaml_scalar(v)}" for k, v in _firm(w).items()] + ["events:"]
    for e in _events(w):
        for i, (k, v) in enumerate(e.items()):
            lines.append(("  - " if i == 0 else "    ") + f"{k}: {_yaml_scalar(v)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # a value written unquoted may be read by YAML as another type (e.g. 2263-01-01 as a date): still refused or exact
    check(lambda: kzpolicy.load_profile(path), t, ok, "firm.yaml")


def _cell_text(v):
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def _csv(rows, header):
    import csv
    import io
    buf = io.StringIO()
    wr = csv.writer(buf)
    wr.writerow(header)
    for r in rows:
        wr.writerow([_cell_text(r[h]) if r.get(h) is not None else "" for h in header])
    return buf.getvalue()


FIRM_HEAD = ["firm_id", "industry", "established", "independent_legal_person"]
EV_HEAD = ["firm_id", "date", "code", "amount", "progress", "principal", "start", "end"]


def _rows(w):
    f = _firm(w)
    firm = {"firm_id": f["id"], "industry": f["industry"], "established": f["established"], "independent_legal_person": f["independent_legal_person"]}
    return [firm], [{"firm_id": "F1", **e} for e in _events(w)]


@SETTINGS
@given(firm_case(), st.booleans())
def test_fuzz_csv_folder(tmp_path_factory, case, in_wan):
    t, w, ok = case
    folder = tmp_path_factory.mktemp("c")
    firms, events = _rows(w)
    head = list(EV_HEAD)
    if in_wan and isinstance(w["amount"], int) and not isinstance(w["amount"], bool):  # the clerk's 万元 column
        head[head.index("amount")] = "投资额（万元）"
        for e in events:
            if "amount" in e:
                e["投资额（万元）"] = f"{Decimal(e.pop('amount')) / 10000:f}"
    (folder / "firms.csv").write_text(_csv(firms, FIRM_HEAD), encoding="utf-8")
    (folder / "events.csv").write_text(_csv(events, head), encoding="utf-8")
    check(lambda: kzpolicy.load_tables(folder), t, ok, ".csv row ")


@SETTINGS
@given(firm_case())
def test_fuzz_workbook(tmp_path_factory, case):
    t, w, ok = case
    path = tmp_path_factory.mktemp("x") / "in.xlsx"
    firms, events = _rows(w)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append(FIRM_HEAD)
    for r in firms:
        ws.append([r.get(h) for h in FIRM_HEAD])
    ev = wb.create_sheet("事项")
    ev.append(EV_HEAD)
    for r in events:
        ev.append([r.get(h) for h in EV_HEAD])
    wb.save(path)
    check(lambda: kzpolicy.load_tables(path), t, ok, "sheet '")


@SETTINGS
@given(firm_case())
def test_fuzz_dataframe_api(case):
    t, w, ok = case
    firms, events = _rows(w)
    fdf = pd.DataFrame(firms, dtype=object)
    edf = pd.DataFrame(events, columns=EV_HEAD, dtype=object)
    check(lambda: kzpolicy.validate(fdf, edf), t, ok, " row ")


# --------------------------------------------------------------------------- typed columns (pandas' own dtypes)
@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.lists(st.tuples(AMOUNTS, st.integers(0, 100)), min_size=1, max_size=30))
def test_fuzz_typed_dataframe_columns_pay_exactly(rows):
    """int64 and float64 columns (what pandas code and CSV readers give): exact for every accepted amount."""
    n = len(rows)
    ids = [f"F{i}" for i in range(n)]
    firms = pd.DataFrame({"firm_id": ids, "industry": "manufacturing", "established": "2015-04-01", "independent_legal_person": True})
    amount = np.array([a for a, _ in rows], dtype=np.int64)
    progress = np.array([p / 100 for _, p in rows])
    for col in (amount, amount.astype("float64")):
        ev = pd.DataFrame({"firm_id": ids, "date": "2023-09-01", "code": "equipment.investment", "amount": col, "progress": progress})
        a = kzpolicy.assess(kzpolicy.validate(firms, ev), year=2023, explain=False)
        got = a.ledger.set_index("firm_id")["amount_yuan"].to_dict()
        t0 = {"est": dt.date(2015, 4, 1), "d1": dt.date(2023, 9, 1), "d2": dt.date(2023, 9, 1), "principal": 1,
              "start": dt.date(2023, 9, 1), "end": dt.date(2023, 9, 2)}
        want = {}
        for i, (a_, p) in enumerate(rows):
            e = expected({**t0, "amount": a_, "progress": Fraction(p, 100)})["awards"]
            if "art05.equipment_subsidy" in e:
                want[ids[i]] = e["art05.equipment_subsidy"]
        assert {k: int(v) for k, v in got.items()} == want


def test_fuzz_suite_sees_both_outcomes():
    """The generators produce accepted and refused inputs (a suite that only ever refuses proves nothing)."""
    seen = set()

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(firm_case())
    def probe(case):
        seen.add(case[2])

    probe()
    assert seen == {True, False}


# --------------------------------------------------------------------------- the whole accepted range, any policy values
_RATES = st.one_of(st.fractions(0, 1, max_denominator=1000), st.floats(0, 1), st.decimals(0, 1, places=6))


@settings(max_examples=12, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate])
@given(rate=_RATES, daily=st.one_of(st.fractions(0, Fraction(1, 100), max_denominator=10**6), st.floats(0, 0.01)),
       per_unit=st.integers(0, MAX_YUAN), count=st.integers(1, 10**6), amount=st.integers(2_000_000, MAX_YUAN),
       principal=st.integers(1, MAX_YUAN), days=st.integers(1, 3660))
def test_awards_equal_exact_fractions_over_the_accepted_range(rate, daily, per_unit, count, amount, principal, days):
    """Any policy values within the bounds and any input within the bounds: each award is the exact Fraction result."""
    from kzpolicy.money import as_fraction
    from kzpolicy.rules.working_day_fee import calendar_range
    first, last = calendar_range()
    start = dt.date(2023, 6, 1)
    end = min(start + dt.timedelta(days), np.datetime64(last, "D").astype(dt.date))
    pol = POLICY.with_parameters({"art05.equipment_subsidy.rate": rate, "art14.bridge_loan_fee.daily_rate": daily,
                                  "art12.new_product_municipal.amount": per_unit})
    prof = {"firm": {"id": "F1", "industry": "manufacturing", "established": "2015-04-01", "independent_legal_person": True},
            "events": [{"date": "2023-09-01", "code": "equipment.investment", "amount": amount, "progress": 1},
                       {"date": "2023-09-01", "code": "new_product.municipal", "count": count},
                       {"date": start, "code": "bridge_loan", "principal": principal, "start": start, "end": end}]}
    a = kzpolicy.assess(kzpolicy.profile_to_facts(prof), year=2023, policy=pol, explain=False)
    got = dict(zip(a.ledger["item"], (int(x) for x in a.ledger["amount_yuan"])))
    want = {"art05.equipment_subsidy": _half_up(amount * as_fraction(rate))}  # Fraction/Decimal exact, a float as written
    if per_unit:
        want["art12.new_product_municipal"] = per_unit * count
    got = {k: v for k, v in got.items() if v or k in want}
    assert {k: got.get(k) for k in want} == want
    wd = sum(cc.is_workday(start + dt.timedelta(k)) for k in range((end - start).days))
    assert [int(x) for x in a.fees["fee_yuan"]] == [_half_up(Fraction(principal * wd) * as_fraction(daily))]
