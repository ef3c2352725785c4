"""The result's near-miss, cannot-decide, exclusion and fee tables are built on first read (engine.Assessment).

Reading them in any order, after copying, pickling or replace, gives the same frames; a fault
while building one is reported as such, never as "no attribute".
"""
import copy
import dataclasses
import pickle

import pandas as pd
import pytest

from kzpolicy import assess, validate
from kzpolicy.engine import Assessment

LAZY = ("near_misses", "undetermined", "excluded", "fees")


@pytest.fixture(scope="module")
def facts(bench_engine):
    return validate(*bench_engine.population(3_000, seed=11))


def _fresh(facts, bench_engine):
    return assess(facts, year=bench_engine.YEAR, explain=False)


def test_tables_are_built_on_first_read_and_kept(facts, bench_engine):
    a = _fresh(facts, bench_engine)
    assert not set(LAZY) & set(vars(a))
    first = a.near_misses
    assert a.near_misses is first and "near_misses" in vars(a)
    assert len(first) and len(a.excluded) and len(a.undetermined) and len(a.fees)  # the population has rows of each
    assert "_later" not in vars(a)


@pytest.mark.parametrize("order", [LAZY, LAZY[::-1], ("excluded", "near_misses", "undetermined")])
def test_any_reading_order_gives_the_same_tables(facts, bench_engine, order):
    ref = _fresh(facts, bench_engine)
    a = _fresh(facts, bench_engine)
    for name in order:
        getattr(a, name)
    for name in LAZY:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(ref, name))


@pytest.mark.parametrize("how", ["pickle", "copy", "deepcopy", "replace"])
def test_copies_carry_the_built_tables(facts, bench_engine, how):
    ref = _fresh(facts, bench_engine)
    a = _fresh(facts, bench_engine)
    b = {"pickle": lambda x: pickle.loads(pickle.dumps(x)), "copy": copy.copy, "deepcopy": copy.deepcopy,
         "replace": lambda x: dataclasses.replace(x, year=x.year)}[how](a)
    for name in LAZY:
        assert name in vars(b)
        pd.testing.assert_frame_equal(getattr(b, name), getattr(ref, name))


def test_a_table_set_before_it_is_read_wins(facts, bench_engine):
    a = _fresh(facts, bench_engine)
    mine = pd.DataFrame({"x": [1]})
    a.near_misses = mine
    assert a.near_misses is mine


def test_a_fault_while_building_is_not_reported_as_a_missing_attribute():
    a = object.__new__(Assessment)

    def broken():
        raise AttributeError("boom")

    a.__dict__["_later"] = {"near_misses": broken}
    with pytest.raises(RuntimeError, match="near_misses.*boom"):
        _ = a.near_misses
    with pytest.raises(AttributeError):
        _ = a.no_such_table
