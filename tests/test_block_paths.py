"""Paths taken only on large inputs give what the plain path gives, forced at small sizes.

Article 3's passes over the financial rows go block by block (``kzpolicy.rules.milestone.BLOCK`` rows),
validation's per-firm year of establishment too (``kzpolicy.facts.BLOCK``), and the ledger writes a mostly
missing Int64 column at its known lines only from ``kzpolicy.engine._SPARSE_MIN`` lines. Here blocks of 7
rows and the sparse path from 0 lines, on a seeded population with its financial rows shuffled, must give
every output table exactly as the defaults do (values, dtypes, index, row order; Int64 data under the mask).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kzpolicy.engine as engine
import kzpolicy.facts as facts_mod
import kzpolicy.rules.milestone as milestone
from kzpolicy import assess, validate
from kzpolicy.facts import FactsError
from _tables import assert_same_tables, tables_of



@pytest.fixture(scope="module")
def tables(bench_engine):
    firms, events, fin = bench_engine.population(3_000, seed=7)
    fin = fin.sample(frac=1.0, random_state=3).reset_index(drop=True)  # firms and years in no order
    fin.loc[np.random.default_rng(5).random(len(fin)) < 0.05, "revenue"] = np.nan  # gaps in the history
    return firms, events, fin


def _outputs(tables, year, readings=None):
    return tables_of(assess(validate(*tables), year=year, readings=readings, explain=False))


def _same(a, b):
    assert_same_tables(a, b)


@pytest.mark.parametrize("year,readings", [(2023, None), (2024, None),
                                           (2023, {"art03-history": "supplied_history"}),
                                           (2023, {"art03-crossing": "at_least", "art03-multiple-thresholds": "each"})])
def test_small_blocks_and_sparse_columns_change_nothing(tables, monkeypatch, year, readings):
    plain = _outputs(tables, year, readings)
    assert any(plain[t]["item"].astype(str).str.startswith("art03").any() for t in ("ledger", "near_misses", "undetermined"))
    with monkeypatch.context() as m:
        m.setattr(milestone, "BLOCK", 7)
        m.setattr(facts_mod, "BLOCK", 7)
        m.setattr(engine, "_SPARSE_MIN", 0)
        forced = _outputs(tables, year, readings)
    _same(plain, forced)


def test_year_before_establishment_reported_the_same_in_small_blocks(tables, monkeypatch):
    firms, events, fin = tables
    fin = fin.copy()
    est_year = pd.to_datetime(firms.set_index("firm_id")["established"]).dt.year
    rows = [0, len(fin) // 2, len(fin) - 1]
    fin.loc[rows, "year"] = est_year.reindex(fin.loc[rows, "firm_id"]).to_numpy() - 1
    with pytest.raises(FactsError) as plain:
        validate(firms, events, fin)
    monkeypatch.setattr(facts_mod, "BLOCK", 7)
    with pytest.raises(FactsError) as forced:
        validate(firms, events, fin)
    assert forced.value.problems == plain.value.problems
    assert sum("year of establishment" in p for p in plain.value.problems) == 3
