"""The engine's per-item totals equal the benchmark's numpy floor on small seeded populations too.

tests/test_bench_engine.py checks 20,000 firms; the engine and validation take other
paths for small inputs (one firm, columns of a few values, a population with no event
of a kind), so sizes from 1 to 2,000 firms are checked here, with Arrow and object text.
"""
import pytest

from kzpolicy import assess, get_policy, validate



@pytest.mark.parametrize("text", ["str", "object"])
@pytest.mark.parametrize("n, seed", [(1, 1), (16, 1), (17, 2), (60, 3), (300, 4), (2_000, 5), (2_000, 6)])
def test_small_population_totals_equal_the_floor(bench_engine, n, seed, text):
    facts = validate(*bench_engine.population(n, seed=seed, text=text))
    a = assess(facts, year=bench_engine.YEAR, explain=False)
    base = bench_engine.baseline(facts, get_policy())
    eng = bench_engine.engine_totals(a)
    assert {k: eng.get(k, 0) for k in set(base) | set(eng)} == {k: base.get(k, 0) for k in set(base) | set(eng)}
