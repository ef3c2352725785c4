"""The financial rows by year (``Facts.financial_years``, built by validation) and article 3 read through it.

The index exists only when the rows already come year by year with firms ascending (a year-major export) and span
at most ``kzpolicy.facts.YEARS_MAX_SPAN`` years; ``YEARS_MAX_SPAN = 0`` forces the old reading of every row
(``rules/milestone.py::_every_row``). Here: what it holds against a brute force, when it is refused, that an edit
after validation is read (the index derived again), and that both readings give every output table exactly, on
year-major populations with gaps, missing revenue, firms without financials, decades of history, tiny blocks,
several years and readings.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kzpolicy
import kzpolicy.context as context_mod
import kzpolicy.facts as facts_mod
import kzpolicy.rules.milestone as milestone
from _hostile_population import hostile_population
from _tables import TABLES, assert_same_tables, tables_of



def _year_major(firms, fin):
    """``fin`` ordered year by year (latest first, as the benchmark's), firms in the order of ``firms``."""
    at = pd.Index(firms["firm_id"].astype(object)).get_indexer(fin["firm_id"].astype(object))
    order = np.lexsort((at, -fin["year"].to_numpy(dtype=np.int64)))
    return fin.iloc[order].reset_index(drop=True)


def _with_history(firms, fin, first: int, seed: int):
    """A tenth of the firms established on 1 January ``first``, with rows from ``first`` to 2018 (some missing
    revenue, some years absent, some figures above the tiers so that "first" crossings are decided by them)."""
    rng = np.random.default_rng(seed)
    pick = np.flatnonzero(rng.random(len(firms)) < 0.1)
    firms = firms.copy()
    firms.loc[pick, "established"] = f"{first}-01-01"
    ids = firms["firm_id"].to_numpy(dtype=object)[pick]
    rows = []
    for y in range(first, 2019):
        keep = rng.random(len(ids)) < 0.9
        rev = np.exp(rng.normal(np.log(1e8), 1.5, int(keep.sum()))).round()
        rev[rng.random(len(rev)) < 0.05] = np.nan
        rows.append(pd.DataFrame({"firm_id": ids[keep], "year": y, "revenue": rev}))
    old = pd.concat(rows, ignore_index=True)
    old = old.astype({"firm_id": fin["firm_id"].dtype})
    return firms, pd.concat([fin, old], ignore_index=True)


def _population(bench_engine, kind: str):
    """(firms, events, financials) year by year: the benchmark's own, the hostile one sorted, with long histories."""
    if kind == "bench":
        return bench_engine.population(2_000, seed=11)
    if kind.startswith("hostile"):
        firms, events, fin, _ = hostile_population(bench_engine, 300, seed=2)
        return firms, events, _year_major(firms, fin)
    first = {"span12": 2011, "span40": 1979, "span64": 1959}[kind]
    firms, events, fin = bench_engine.population(1_500, seed=5)
    fin = fin.copy()
    fin.loc[np.random.default_rng(1).random(len(fin)) < 0.05, "revenue"] = np.nan
    firms, fin = _with_history(firms, fin, first, seed=3)
    fin = fin[~fin["firm_id"].isin(firms["firm_id"].iloc[::17])]  # some firms without any financial row
    return firms, events, _year_major(firms, fin)


def _tables(facts, year, readings=None, explain=False):
    a = kzpolicy.assess(facts, year=year, readings=readings, explain=explain)
    return tables_of(a)


def _same(a, b, what):
    assert_same_tables(a, b, what)


# --------------------------------------------------------------------------- what the index holds
@pytest.mark.parametrize("kind,bits", [("bench", np.uint8), ("span12", np.uint16), ("span40", np.uint64), ("span64", np.uint64)])
def test_index_holds_the_rows_by_year(bench_engine, kind, bits):
    firms, events, fin = _population(bench_engine, kind)
    facts = kzpolicy.validate(firms, events, fin)
    ix = facts.financial_years()
    assert ix is not None and ix.revenue_years.dtype == bits
    pos = facts.firm_positions("financials")
    year = facts.financials["year"].to_numpy(dtype=np.int64)
    known = facts.financials["revenue"].notna().to_numpy()
    assert ix.first == year.min() and sorted(ix.years) == sorted(set(year))
    expect = np.zeros(len(facts.firms), dtype=np.uint64)
    for i, y in enumerate(ix.years):
        s = slice(int(ix.lo[i]), int(ix.hi[i]))
        assert (year[s] == y).all() and (np.diff(pos[s]) > 0).all() and ix.rows(y) == s
        np.bitwise_or.at(expect, pos[s][known[s]].astype(np.intp), np.uint64(1) << np.uint64(y - ix.first))
        # every firm's row found by counting bits is the row a search finds
        with_row = pos[s].astype(np.int64)
        assert np.array_equal(ix.rows_of(i, with_row), np.arange(s.start, s.stop))
        some = np.sort(np.random.default_rng(i).choice(with_row, min(50, len(with_row)), replace=False))
        assert np.array_equal(ix.rows_of(i, some), s.start + np.searchsorted(pos[s], some))
    assert np.array_equal(ix.revenue_years.astype(np.uint64), expect)
    assert ix.rows(1900) == slice(0, 0) and ix.bit(ix.first - 1) == 0 and ix.bit(ix.first + 64) == 0


def _split_run(firms, fin):
    y = fin["year"].to_numpy()
    top = fin[y == y.max()]
    return pd.concat([top.iloc[: len(top) // 2], fin[y != y.max()], top.iloc[len(top) // 2:]], ignore_index=True)


@pytest.mark.parametrize("how", ["shuffled", "firm_major", "year_split", "firms_descending", "span65", "empty", "none"])
def test_no_index_unless_year_by_year(bench_engine, how):
    firms, events, fin = bench_engine.population(1_000, seed=4)
    if how == "shuffled":
        fin = fin.sample(frac=1.0, random_state=1).reset_index(drop=True)
    elif how == "firm_major":
        fin = fin.sort_values(["firm_id", "year"]).reset_index(drop=True)
    elif how == "year_split":  # one year in two runs
        fin = _split_run(firms, fin)
    elif how == "firms_descending":
        fin = fin.iloc[::-1].reset_index(drop=True)
    elif how == "span65":
        firms, fin = _with_history(firms, fin, 1958, seed=2)
        fin = _year_major(firms, fin)
    elif how == "empty":
        fin = fin.iloc[:0]
    facts = kzpolicy.validate(firms, events, None if how == "none" else fin)
    assert facts.financial_years() is None


def test_span_bound_is_the_knob(bench_engine, monkeypatch):
    firms, events, fin = _population(bench_engine, "span12")
    assert kzpolicy.validate(firms, events, fin).financial_years() is not None
    monkeypatch.setattr(facts_mod, "YEARS_MAX_SPAN", 11)
    assert kzpolicy.validate(firms, events, fin).financial_years() is None


# --------------------------------------------------------------------------- edits after validation
def _crossing(bench_engine):
    """The benchmark's tables with one more first crossing: a manufacturing firm established in 2020 with its whole
    history 2020-2022 (its 2022 revenue made 60亿), and the rows that edits below change (by position)."""
    firms, events, fin = bench_engine.population(3_000, seed=9)
    year, firm = fin["year"].to_numpy(dtype=np.int64), fin["firm_id"].to_numpy(dtype=object)
    rev = fin["revenue"].to_numpy(dtype=np.float64)
    info = firms.set_index(firms["firm_id"].astype(object))
    est = pd.to_datetime(info["established"].astype(object)).dt.year.reindex(firm).to_numpy()
    manuf = (info["industry"].astype(object) == "manufacturing").reindex(firm).to_numpy()
    rows = pd.Series(np.arange(len(fin))).groupby(firm)
    years = pd.Series(year).groupby(firm).agg(lambda v: tuple(sorted(v)))
    small = pd.Series(rev < 1e8).groupby(firm).all()
    ok = years.index[(years == (2020, 2021, 2022)).to_numpy() & small.reindex(years.index).to_numpy()]
    ok = [f for f in ok if est[rows.get_group(f).iloc[0]] == 2020 and manuf[rows.get_group(f).iloc[0]]]
    at = {y: int(r) for r in rows.get_group(ok[0]) for y in [year[r]]}
    fin = fin.copy()
    fin.loc[at[2022], "revenue"] = 6e9
    other = int(np.flatnonzero((year == 2022) & (rev < 1e8) & manuf & (est <= 2019) & (firm != ok[0]))[0])
    return (firms, events, fin), ok[0], at, other


def _edits(at, other):
    return {
        "revenue_loc_crosses": lambda f: f.financials.loc.__setitem__((other, "revenue"), 6_000_000_000),
        "revenue_at_missing": lambda f: f.financials.at.__setitem__((at[2020], "revenue"), pd.NA),
        "revenue_iloc_missing_last": lambda f: f.financials.iloc.__setitem__((at[2022], f.financials.columns.get_loc("revenue")), pd.NA),
        "year_at": lambda f: f.financials.at.__setitem__((at[2021], "year"), 2023),  # a gap in 2021
        "revenue_column": lambda f: f.financials.__setitem__("revenue", f.financials["revenue"] * 30),
        "table_replaced": lambda f: setattr(f, "financials", f.financials.iloc[::-1].reset_index(drop=True)),
        "firms_replaced": lambda f: setattr(f, "firms", f.firms.copy()),
    }


@pytest.mark.parametrize("edit", ["revenue_loc_crosses", "revenue_at_missing", "revenue_iloc_missing_last", "year_at",
                                  "revenue_column", "table_replaced", "firms_replaced"])
def test_edit_after_validation_is_read(bench_engine, edit):
    """An edit of the validated financials (or firms) is read as edited: the index is derived again from the edited
    tables (the same as a fresh validation's, or none) and article 3 gives what a fresh validation gives."""
    tables, firm, at, other = _crossing(bench_engine)
    facts = kzpolicy.validate(*tables)
    ix = facts.financial_years()
    assert ix is not None
    before = _tables(facts, 2023)
    assert (before["ledger"]["firm_id"].astype(object) == firm).any()
    _edits(at, other)[edit](facts)
    after = _tables(facts, 2023)
    again = kzpolicy.validate(facts.firms, facts.events, facts.financials)
    _same(_tables(again, 2023), after, edit)
    now, fresh = facts.financial_years(), again.financial_years()
    assert (now is None) == (fresh is None)
    assert now is not ix or edit == "firms_replaced"  # a copy of the firms holds the same Arrow ids: the same positions
    if now is not None:
        for f in ("years", "lo", "hi", "revenue_years", "present", "before"):
            assert np.array_equal(getattr(now, f), getattr(fresh, f)), f
        assert now.first == fresh.first and facts.financial_years() is now  # kept once derived again
    if edit not in ("table_replaced", "firms_replaced"):
        assert any(not before[t].equals(after[t]) for t in TABLES), "the edit must change article 3's result"


def test_an_edit_of_another_column_keeps_the_index(bench_engine):
    facts = kzpolicy.validate(*bench_engine.population(300, seed=9))
    ix = facts.financial_years()
    facts.financials.loc[0, "rd_expense"] = 123
    assert facts.financial_years() is ix


def test_index_arrays_are_read_only(bench_engine):
    ix = kzpolicy.validate(*bench_engine.population(300, seed=9)).financial_years()
    for f in ("years", "lo", "hi", "revenue_years", "present", "before"):
        a = getattr(ix, f)
        with pytest.raises(ValueError):
            a[0] = a[0]


def test_numbers_not_in_a_masked_array_are_read_every_time(bench_engine):
    """Revenue or years assigned as plain numpy columns after validation: no index (the rows are read), same result."""
    tables = bench_engine.population(2_000, seed=9)
    facts = kzpolicy.validate(*tables)
    ref = _tables(facts, 2023)
    facts.financials["revenue"] = facts.financials["revenue"].to_numpy(dtype=np.float64, na_value=np.nan)
    assert facts.financial_years() is None
    _same(_tables(facts, 2023), ref, "float revenue")
    facts.financials["year"] = facts.financials["year"].to_numpy(dtype=np.int64)
    assert facts.financial_years() is None
    _same(_tables(facts, 2023), ref, "int64 years")


# --------------------------------------------------------------------------- both readings agree
@pytest.fixture(scope="module")
def populations(bench_engine):
    return {k: _population(bench_engine, k) for k in ("bench", "hostile", "span12", "span40", "span64")}


@pytest.mark.parametrize("kind", ["bench", "hostile", "span12", "span40", "span64"])
@pytest.mark.parametrize("year,readings,explain", [
    (2023, None, False), (2024, None, True), (2023, {"art03-history": "supplied_history"}, True),
    (2023, {"art03-crossing": "at_least", "art03-multiple-thresholds": "each"}, False)])
def test_index_and_every_row_agree(populations, monkeypatch, kind, year, readings, explain):
    frames = populations[kind]
    facts = kzpolicy.validate(*frames)
    assert facts.financial_years() is not None
    try:
        plain = _tables(facts, year, readings, explain)
    except ValueError as e:  # a year the policy does not reach: refused the same way by both
        plain = {"raises": str(e)}
    with monkeypatch.context() as m:
        m.setattr(facts_mod, "YEARS_MAX_SPAN", 0)
        old = kzpolicy.validate(*frames)
        assert old.financial_years() is None
        try:
            forced = _tables(old, year, readings, explain)
        except ValueError as e:
            forced = {"raises": str(e)}
    if "raises" in plain:
        assert plain == forced
        return
    art03 = sum(plain[t]["item"].astype(str).str.startswith("art03").sum() for t in ("ledger", "near_misses", "undetermined", "excluded"))
    assert art03 or year == 2024
    _same(plain, forced, f"{kind} {year} {readings}")


@pytest.mark.parametrize("block", [1, 2, 7])
def test_index_in_tiny_blocks(populations, monkeypatch, block):
    """Blocks of 1, 2 and 7 rows in the index's building and reading (facts.BLOCK, milestone.BLOCK, context.BLOCK)
    change nothing."""
    for kind in ("hostile", "span40"):
        frames = populations[kind]
        plain = _tables(kzpolicy.validate(*frames), 2023, explain=True)
        with monkeypatch.context() as m:
            m.setattr(facts_mod, "BLOCK", block)
            m.setattr(milestone, "BLOCK", block)
            m.setattr(context_mod, "BLOCK", block)
            facts = kzpolicy.validate(*frames)
            assert facts.financial_years() is not None
            forced = _tables(facts, 2023, explain=True)
        _same(plain, forced, f"{kind} block {block}")


@pytest.mark.parametrize("kind", ["bench", "hostile", "span12", "span64"])
def test_context_values_by_index_and_by_every_row(populations, monkeypatch, kind):
    """``Context.value`` (a column in a year over firms: what article 11 and the rules read) through the index
    (a year's run of rows: every firm's row in order, or some firms' rows) equals the pass over every row's year,
    value for value and NaN for NaN, for every year on record and beyond."""
    from kzpolicy.context import Context
    frames = populations[kind]
    pol = kzpolicy.get_policy()
    facts = kzpolicy.validate(*frames)
    ix = facts.financial_years()
    assert ix is not None
    full = [int(y) for i, y in enumerate(ix.years) if ix.hi[i] - ix.lo[i] == len(facts.firms)]
    assert full or kind != "bench"  # the benchmark's latest years have a row for every firm (no scatter)
    with monkeypatch.context() as m:
        m.setattr(facts_mod, "YEARS_MAX_SPAN", 0)
        old = kzpolicy.validate(*frames)
        assert old.financial_years() is None
    years = range(int(ix.years.min()) - 1, int(ix.years.max()) + 2)
    a, b = Context(facts, pol, 2023, pol.readings(None), 0.1), Context(old, pol, 2023, pol.readings(None), 0.1)
    for column in ("revenue", "rd_expense"):
        for y in years:
            va, vb = a.value(column, y), b.value(column, y)
            assert va.dtype == vb.dtype == np.float64 and np.array_equal(va, vb, equal_nan=True), (kind, column, y)


def test_highest_tier_looked_at_as_a_binary_search_gives_it():
    """Article 3's highest threshold looked at per revenue, counted end by end: what searchsorted(side="right") gives,
    on the ends themselves, between them and beyond them, for any set and order of tiers."""
    rng = np.random.default_rng(5)
    for _ in range(300):
        ts = list(rng.choice([2e8, 5e8, 1e9, 2e9, 3e9, 5e9, 7e9], rng.integers(1, 8)))
        ends = [min(t, t * (1 - rng.choice([0.0, 0.2, 0.5]))) for t in ts]
        r = np.concatenate([rng.random(rng.choice([3, 500])) * 8e9, ends, ts, np.nextafter(ends, -np.inf), [-np.inf, np.inf]])
        order = np.argsort(np.array(ends), kind="stable")
        top = np.concatenate([[-np.inf], np.maximum.accumulate(np.array(ts)[order])])
        expect = top.take(np.searchsorted(np.array(ends)[order], r, side="right"))
        assert np.array_equal(milestone._highest_looked_at(ts, ends)(r), expect)


def test_columns_assigned_as_plain_numpy_after_validation_are_read(bench_engine):
    """R&D expense as a float numpy column and firm ids as Python objects, assigned after validation: read as pandas
    reads them (a column's array looked up without a Series is plain numpy here), the same results — for many firms
    and for one (whose ledger takes all its rows in order: a copy, not a take)."""
    tables = bench_engine.population(2_000, seed=11)
    for n in (2_000, 1):
        firms = tables[0].head(n)
        events, fin = (t[t["firm_id"].isin(firms["firm_id"])].reset_index(drop=True) for t in tables[1:])
        facts = kzpolicy.validate(firms, events, fin)
        ref = _tables(facts, 2023, explain=True)
        facts.financials["rd_expense"] = facts.financials["rd_expense"].to_numpy(dtype=np.float64, na_value=np.nan)
        _same(_tables(facts, 2023, explain=True), ref, f"{n} firms, float rd_expense")
        facts.firms["firm_id"] = facts.firms["firm_id"].to_numpy(dtype=object)
        _same(_tables(facts, 2023, explain=True), ref, f"{n} firms, object firm ids")
