"""The benchmark's numpy floor (the tightest numpy computation of the awards) agrees with the engine, item by item.

The baseline (benchmarks/bench_engine.py) recomputes every award amount of a seeded
synthetic population with plain numpy; equal per-item totals cross-check the engine
against an independent implementation, and keep the benchmark's ratio meaningful.
"""
import pytest

from kzpolicy import assess, get_policy, validate



@pytest.mark.parametrize("seed", [1, 20230530])
def test_baseline_totals_equal_engine_totals(bench_engine, seed):
    firms, events, financials = bench_engine.population(20_000, seed=seed)
    facts = validate(firms, events, financials)
    a = assess(facts, year=bench_engine.YEAR, explain=False)
    base = bench_engine.baseline(facts, get_policy())
    eng = a.ledger.groupby("item")["amount_yuan"].sum().to_dict()
    eng["fees"] = int(a.fees["fee_yuan"].sum())
    paid = {k for k, v in eng.items() if v}
    assert len(paid) >= 15, "the population exercises most items"
    assert {k: eng.get(k, 0) for k in base} == base
    assert paid <= set(base)


def test_population_is_seeded_and_mostly_eventless(bench_engine):
    f1, e1, _ = bench_engine.population(5_000, seed=7)
    f2, e2, _ = bench_engine.population(5_000, seed=7)
    assert f1.equals(f2) and e1.equals(e2)
    share = e1["firm_id"].nunique() / len(f1)
    assert 0.01 < share < 0.2


def test_benchmark_runs_end_to_end(bench_engine, tmp_path):
    out = tmp_path / "results.md"
    assert bench_engine.main(["--n", "3000", "--repeat", "1", "--single-runs", "2", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "engine only" in text and "Floor per-item totals equal" in text


@pytest.mark.parametrize("keep", [False, True])
def test_interleaved_releases_the_previous_result_unless_asked(bench_engine, monkeypatch, keep):
    """Each timed call starts with its own previous result released (the same memory every round), unless
    ``KEEP_PREVIOUS`` (``--keep-previous``): then the previous one is alive during the call."""
    import weakref

    class Result:
        pass

    alive_during = []
    last = []

    def fn():
        alive_during.append(bool(last) and last[-1]() is not None)
        r = Result()
        last.append(weakref.ref(r))
        return r
    monkeypatch.setattr(bench_engine, "KEEP_PREVIOUS", keep)
    _, out = bench_engine.interleaved({"f": fn}, 3)
    assert alive_during == [False, keep, keep]
    assert isinstance(out["f"], Result)  # the last round's result is returned
