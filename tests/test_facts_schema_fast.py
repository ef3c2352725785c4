"""Validation skips pandera only where its rules provably hold: the fast check and pandera agree.

``facts._rules_hold`` checks pandera's rules (dtypes, value checks, uniqueness) with numpy so
that valid input does not need pandera (nor its ~0.3 s import). Where it says "holds",
pandera must pass; where pandera passes on normalised input, it should say so too (or
pandera would run, and be imported, on every call).
"""
import subprocess
import sys

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kzpolicy import facts

SCHEMAS = facts._schemas()


def _pandera_passes(table, df):
    try:
        SCHEMAS[table].validate(df, lazy=True)
        return True
    except pa.errors.SchemaErrors:
        return False


ints = st.one_of(st.none(), st.integers(-3, 3), st.integers(0, 10**12))
ratios = st.one_of(st.none(), st.floats(-0.5, 1.5, allow_nan=False), st.just(0.0), st.just(1.0))


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(ints, ints, ints, ints, ratios), min_size=0, max_size=6),
       int_dtype=st.sampled_from(["Int64", "int64", "float64"]))
def test_events_fast_check_agrees_with_pandera(rows, int_dtype):
    cols = ["count", "amount", "municipal_reward", "principal", "progress"]
    df = pd.DataFrame(rows, columns=cols).astype({c: "Int64" for c in cols[:4]} | {"progress": "float64"})
    if int_dtype != "Int64" and len(df) and df[cols[:4]].notna().all().all():
        df = df.astype({c: int_dtype for c in cols[:4]})
    holds, passes = facts._rules_hold("events", df, {}), _pandera_passes("events", df)
    assert not holds or passes, df
    if passes and int_dtype == "Int64":  # normalised tables hold Int64 (pandera also accepts int64; then it runs)
        assert holds, df


@settings(max_examples=50, deadline=None)
@given(ids=st.lists(st.one_of(st.none(), st.sampled_from(["A", "B", "C", "D"])), min_size=1, max_size=5),
       inds=st.lists(st.one_of(st.none(), st.sampled_from(list(facts.INDUSTRIES) + ["farming"])), min_size=5, max_size=5),
       est_dtype=st.sampled_from(["datetime64[ns]", "object"]))
def test_firms_fast_check_agrees_with_pandera(ids, inds, est_dtype):
    n = len(ids)
    df = pd.DataFrame({"firm_id": pd.array(ids, dtype="str"), "industry": pd.array(inds[:n], dtype="str"),
                       "established": pd.to_datetime(["2015-04-01"] * n).as_unit("ns")})
    if est_dtype == "object":
        df["established"] = df["established"].astype(object)
    holds, passes = facts._rules_hold("firms", df, {}), _pandera_passes("firms", df)
    assert not holds or passes, df
    if passes and None not in ids:  # a missing firm id never reaches pandera (a required field)
        assert holds, df


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["A", "B", "X"]), st.one_of(st.none(), st.integers(2020, 2022))),
                     min_size=0, max_size=5))
def test_financials_fast_check_agrees_with_pandera(rows):
    df = pd.DataFrame(rows, columns=["firm_id", "year"]).astype({"firm_id": "str", "year": "Int64"})
    shared = {"firm_index": pd.Index(["A", "B", "C"])}
    holds, passes = facts._rules_hold("financials", df, shared), _pandera_passes("financials", df)
    assert not holds or passes, df
    if passes and "X" not in set(df["firm_id"]) and df["year"].notna().all():
        assert holds, df


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from([2023, 2024]), st.one_of(st.none(), st.integers(-1, 3))),
                     min_size=0, max_size=5))
def test_townships_fast_check_agrees_with_pandera(rows):
    df = pd.DataFrame(rows, columns=["year", "rank"]).astype({"year": "Int64", "rank": "Int64"})
    holds, passes = facts._rules_hold("townships", df, {}), _pandera_passes("townships", df)
    assert holds == passes, df


def test_a_bad_value_is_still_worded_by_pandera():
    prof = {"firm": {"id": "F1", "industry": "manufacturing", "established": "2015-01-01"},
            "events": [{"date": "2023-09-01", "code": "bridge_loan", "principal": 0, "start": "2023-09-01", "end": "2023-09-10"}]}
    with pytest.raises(facts.FactsError) as e:
        facts.profile_to_facts(prof)
    assert "principal" in str(e.value)


def test_valid_input_does_not_import_pandera():
    code = ("import sys; from kzpolicy import load_profile, assess; "
            "a = assess(load_profile('examples/firm_F001.yaml'), year=2023); "
            "print('pandera' in sys.modules, a.total_yuan > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(facts.Path(facts.__file__).resolve().parents[1]))
    assert out.stdout.split() == ["False", "True"], out.stdout + out.stderr


def test_fast_check_on_a_large_valid_table_holds():
    n = 50_000
    ev = pd.DataFrame({"count": pd.array(np.where(np.arange(n) % 3, 1, None), dtype="Int64"),
                       "amount": pd.array(np.arange(n), dtype="Int64"), "municipal_reward": pd.array([None] * n, dtype="Int64"),
                       "principal": pd.array(np.arange(n) + 1, dtype="Int64"), "progress": np.linspace(0, 1, n)})
    assert facts._rules_hold("events", ev, {})


def test_choices_found_by_conversion_are_not_looked_up_again(monkeypatch):
    """An industry column whose every value conversion found among the choices is not checked against them a second
    time (pandera's isin rule holds by then); a column conversion could not read is still refused by name."""
    firms = pd.DataFrame({"firm_id": [f"F{k}" for k in range(40)], "industry": ["manufacturing", "mining"] * 20,
                          "established": ["2015-01-01"] * 40})
    real = facts._rules_hold
    seen = []

    def spy(table, df, shared, cols=None, found=()):
        seen.append((table, tuple(found)))
        return real(table, df, shared, cols, found)
    monkeypatch.setattr(facts, "_rules_hold", spy)
    monkeypatch.setattr(pd.arrays.ArrowStringArray, "isin", lambda *a, **k: (_ for _ in ()).throw(AssertionError("looked up again")))
    facts.validate(firms)
    assert ("firms", ("industry",)) in seen
    monkeypatch.undo()
    with pytest.raises(facts.FactsError, match="industry"):
        facts.validate(firms.assign(industry=["farming"] + ["mining"] * 39))


def test_years_of_dates_by_day_table_agree_with_numpy_calendar():
    """Validation's year of establishment (facts._years_of, a lookup by day) is numpy's calendar year for every day of
    the validated years, at their edges, for leap days, NaT, and dates outside those years (numpy's conversion)."""
    import numpy as np

    from kzpolicy.facts import MAX_YEAR, MIN_YEAR, _years_of

    days = np.arange(f"{MIN_YEAR}-01-01", f"{MAX_YEAR + 1}-01-01", dtype="datetime64[D]")
    odd = np.array(["1900-03-01", "1948-12-31", "2101-01-01", "2200-03-01", "NaT", "2000-02-29", "2100-12-31"],
                   dtype="datetime64[D]")
    d = np.concatenate([days, odd]).astype("datetime64[ns]")
    got = _years_of(d, -1)
    want = np.where(np.isnat(d), -1, d.astype("datetime64[Y]").astype(np.int64) + 1970)
    assert got.dtype == np.int16 and (got.astype(np.int64) == want).all()
    assert got[-3] == -1 and got[-7:].tolist() == [1900, 1948, 2101, 2200, -1, 2000, 2100]
