"""The large-input paths forced to their smallest settings give what the defaults give, on every YAML case and on a
population hostile to shortcuts (tests/_hostile_population.py).

tests/test_block_paths.py forces blocks of 7 rows on 3,000 firms. Here the extremes: blocks of 1 and 2 rows
(``kzpolicy.rules.milestone.BLOCK``, ``kzpolicy.facts.BLOCK``: a block boundary between every two rows), the
ledger's sparse Int64 columns from 0 lines (``kzpolicy.engine._SPARSE_MIN``).
Every table must be equal: values, dtypes, index, row order, Int64 data under the mask.
"""
from __future__ import annotations

import pytest

import kzpolicy
import kzpolicy.engine as engine
import kzpolicy.facts as facts_mod
import kzpolicy.rules.milestone as milestone
from _hostile_population import hostile_population
from _tables import assert_same_tables, tables_of
from test_cases import ALL, _facts, _policy

#: block rows
FORCED = [1, 2]


def _force(m, block):
    m.setattr(milestone, "BLOCK", block)
    m.setattr(facts_mod, "BLOCK", block)
    m.setattr(engine, "_SPARSE_MIN", 0)


def _tables(make):
    try:
        a = make()
    except ValueError as e:  # a refused input is refused the same way
        return {"raises": (type(e).__name__, str(e))}
    return tables_of(a)


def _equal(plain, forced, what):
    assert plain.keys() == forced.keys(), what
    if "raises" in plain:
        assert plain == forced, what
        return
    assert_same_tables(forced, plain, what)


def _case_runs():
    runs = []
    for path, index, case in ALL:
        if "profile" not in case or "raises" in case:
            continue
        runs.append(pytest.param(case, id=case.get("name", f"{path.stem}[{index}]")[:80]))
    return runs


@pytest.mark.parametrize("block", FORCED)
def test_every_yaml_case(monkeypatch, block):
    """One test per setting over all cases (a case is one firm: cheap), so a failure names the case."""
    runs = [p.values[0] for p in _case_runs()]
    assert len(runs) > 150
    for case in runs:
        def make(case=case):
            facts = _facts(case.get("profile"))
            return kzpolicy.assess(facts, year=case["year"], readings=case.get("readings"), policy=_policy(case))
        plain = _tables(make)
        with monkeypatch.context() as m:
            _force(m, block)
            forced = _tables(make)
        _equal(plain, forced, case.get("name"))


@pytest.fixture(scope="module")
def population(bench_engine):
    return {10: hostile_population(bench_engine, 300, seed=2), 11: hostile_population(bench_engine, 300, seed=3, places=11)}


@pytest.mark.parametrize("block", FORCED)
@pytest.mark.parametrize("places,year,explain,readings", [
    (10, 2023, True, None), (10, 2024, False, None), (10, 2023, False, {"art03-multiple-thresholds": "each"}),
    (10, 2023, True, {"art05-09-double-claim": "both"}), (10, 2023, True, {"art03-history": "supplied_history"}), (11, 2023, True, None)])
def test_hostile_population(population, monkeypatch, block, places, year, explain, readings):
    frames = population[places]
    def make():
        return kzpolicy.assess(kzpolicy.validate(*frames), year=year, explain=explain, readings=readings)
    plain = _tables(make)
    assert ("raises" in plain) == (places == 11)  # one firm over a top ten's places: refused, same message
    with monkeypatch.context() as m:
        _force(m, block)
        forced = _tables(make)
    _equal(plain, forced, f"places={places} {year} {readings}")
