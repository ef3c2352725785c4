"""The OpenFisca peer (benchmarks/peer_openfisca) computes the same awards as kzpolicy on articles 1, 3 and 5.

The benchmark's ratios mean something only if both sides do the same work: same items,
same parameters, same totals item by item on the same raw input.
"""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("openfisca_core")

from kzpolicy import assess, get_policy  # noqa: E402

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

from peer_openfisca import AWARD_VARIABLES, KaizhouArticles135, simulation_from_tables  # noqa: E402


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def tbs():
    return KaizhouArticles135()


@pytest.mark.parametrize("seed, text", [(1, "str"), (20230530, "str"), (7, "object")])
def test_peer_totals_equal_kzpolicy_item_by_item(tbs, seed, text):
    """Text as pandas gives it (Arrow-backed with pyarrow) and as Python objects (pandas 2): the same totals."""
    bench = _load("bench_engine")
    peer = _load("bench_peer")
    firms, events, financials = bench.population(30_000, seed=seed, text=text)
    assert (firms["firm_id"].dtype == object) == (text == "object")
    sel = get_policy().select(articles=[1, 3, 5])
    a = assess(firms, events, financials, year=bench.YEAR, policy=sel, explain=False)
    kz = peer.kz_totals(a, AWARD_VARIABLES)
    arrays = peer.of_calculate(simulation_from_tables(tbs, firms, events, financials, bench.YEAR), AWARD_VARIABLES)
    assert peer.of_totals(arrays) == kz
    assert all(v > 0 for v in kz.values()), "the population exercises every item"
    # firm by firm too, not only in total
    pos = pd.Index(firms["firm_id"].to_numpy(dtype=object)).get_indexer(a.ledger["firm_id"].to_numpy(dtype=object))
    for v, ids in AWARD_VARIABLES.items():
        m = a.ledger["item"].isin(ids).to_numpy()
        per_firm = np.bincount(pos[m], weights=a.ledger["amount_yuan"].to_numpy()[m], minlength=len(firms))
        assert np.array_equal(per_firm, np.asarray(arrays[v], dtype=np.float64)), v


def test_peer_covers_every_paying_item_of_the_selected_articles():
    sel = get_policy().select(articles=[1, 3, 5])
    covered = {i for ids in AWARD_VARIABLES.values() for i in ids}
    assert covered == {it.id for it in sel.items()}


def test_peer_parameters_are_kzpolicys(tbs):
    """The peer's dated YAML holds the same values from the same date as the policy data."""
    pol = get_policy()
    p = tbs.parameters

    def first(node):
        v = node.values_list[-1]
        return v.instant_str, v.value

    def kz(path):
        param = pol.param(path)
        d, v = next(iter(param.values.items()))
        return d.isoformat(), v

    assert first(p.art01.above_scale_enter) == kz("art01.above_scale_enter.amount")
    assert first(p.art05.smart_factory_municipal) == kz("art05.smart_factory_municipal.amount")
    assert first(p.art05.digital_workshop_municipal) == kz("art05.digital_workshop_municipal.amount")
    for name in ("floor", "min_progress", "rate"):
        assert first(getattr(p.art05.equipment_subsidy, name)) == kz(f"art05.equipment_subsidy.{name}")
    assert all(v is None for v in pol.param("art05.equipment_subsidy.cap").values.values()), "the peer encodes no cap"
    brackets = [(first(b.threshold), first(b.amount)) for b in p.art03.milestones.brackets][1:]
    tiers = sorted((kz(f"{it.id}.threshold"), kz(f"{it.id}.amount")) for it in pol.items() if it.kind == "revenue_milestone")
    assert sorted(brackets, key=lambda x: x[0][1]) == sorted(tiers, key=lambda x: x[0][1])


def test_peer_refuses_two_investments_by_one_firm_in_a_year(tbs):
    import pandas as pd
    firms = pd.DataFrame({"firm_id": ["A"], "industry": ["manufacturing"], "established": ["2010-01-01"],
                          "township": ["汉丰街道"], "independent_legal_person": [True]})
    events = pd.DataFrame({"firm_id": ["A", "A"], "date": ["2023-07-01", "2023-08-01"],
                           "code": ["equipment.investment"] * 2, "amount": [3e6, 4e6], "progress": [0.9, 0.9]})
    fin = pd.DataFrame({"firm_id": ["A"], "year": [2022], "revenue": [1e8], "rd_expense": [float("nan")]})
    with pytest.raises(ValueError, match="one equipment investment per firm and year"):
        simulation_from_tables(tbs, firms, events, fin, 2023)


def test_peer_benchmark_runs(tmp_path):
    peer = _load("bench_peer")
    out = tmp_path / "peer.md"
    assert peer.main(["--n", "3000", "--repeat", "1", "--out", str(out)]) == 0
    assert "equal item by item" in out.read_text(encoding="utf-8")


def test_peer_article_3_edge_cases_firm_by_firm(tbs):
    """Article 3's history rules on hand-made firms, peer against kzpolicy firm by firm.

    The peer reads the history at its candidates only and skips years no firm declared; these firms
    exercise each branch: a year with no figures at all (2018), a gap, establishment inside the history,
    revenue exactly at a threshold (突破 = strictly above), an earlier year already above, a missing
    last year, a higher tier crossed, and firms that are not eligible.
    """
    nan = float("nan")
    wan = 10_000  # figures in whole yuan

    def h(last, y19=10000, y20=10000, y21=10000):
        """2019–2022 figures (万元 for 2019–2021, yuan for 2022)."""
        return {2019: y19 * wan, 2020: y20 * wan, 2021: y21 * wan, 2022: last}

    # firm: (industry, established, independent legal person, {year: revenue}); no firm has a figure for 2018
    cases = {
        "full": ("manufacturing", "2019-03-01", True, h(25000 * wan, 15000, 16000, 18000)),
        "old_gap": ("manufacturing", "2015-03-01", True, {2015: 5000 * wan, 2016: 6000 * wan, 2017: 7000 * wan, **h(25000 * wan)}),
        "gap": ("manufacturing", "2019-03-01", True, {2019: 10000 * wan, 2021: 18000 * wan, 2022: 25000 * wan}),
        "young": ("manufacturing", "2021-06-01", True, {2021: 5000 * wan, 2022: 60000 * wan}),
        "new_in_2018": ("manufacturing", "2018-05-01", True, h(30000 * wan)),
        "exactly": ("manufacturing", "2019-03-01", True, h(20000 * wan)),
        "crossed_before": ("manufacturing", "2019-03-01", True, h(25000 * wan, 22000)),
        "higher_tier": ("manufacturing", "2019-03-01", True, h(110000 * wan, 22000, 30000, 40000)),
        "no_last": ("manufacturing", "2019-03-01", True, h(nan)),
        "mining": ("mining", "2019-03-01", True, h(90000 * wan)),
        "branch": ("manufacturing", "2019-03-01", False, h(90000 * wan)),
    }
    ids = list(cases)
    firms = pd.DataFrame({"firm_id": ids, "industry": [c[0] for c in cases.values()],
                          "established": [c[1] for c in cases.values()], "township": "汉丰街道",
                          "independent_legal_person": [c[2] for c in cases.values()]})
    events = pd.DataFrame({"firm_id": ["full"], "date": ["2023-07-01"], "code": ["above_scale.enter"], "amount": nan,
                           "progress": nan})  # the peer's conversion reads the investment columns
    rows = [(f, y, r) for f, c in cases.items() for y, r in c[3].items()]
    fin = pd.DataFrame({"firm_id": [r[0] for r in rows], "year": [r[1] for r in rows], "revenue": [r[2] for r in rows],
                        "rd_expense": nan})
    sel = get_policy().select(articles=[3])
    a = assess(firms, events, fin, year=2023, policy=sel, explain=False)
    led = a.ledger.groupby("firm_id")["amount_yuan"].sum()
    kz = np.array([led.get(f, 0) for f in ids], dtype=np.float64)
    of = np.asarray(simulation_from_tables(tbs, firms, events, fin, 2023).calculate("art03_revenue_milestone_award", 2023),
                    dtype=np.float64)
    assert dict(zip(ids, of)) == dict(zip(ids, kz))
    assert {f for f, v in zip(ids, kz) if v > 0} >= {"full", "young", "higher_tier"}, "the cases include winners"
    assert {f for f, v in zip(ids, kz) if v == 0} >= {"old_gap", "gap", "new_in_2018", "exactly", "crossed_before", "no_last",
                                                      "mining", "branch"}


@pytest.mark.parametrize("keep", [False, True])
def test_peer_rounds_release_the_previous_result_unless_asked(monkeypatch, keep):
    """bench_peer's rounds time each call from the same memory (bench_engine.interleaved): its own previous result
    released before the setup and the call, unless ``--keep-previous``."""
    import weakref
    peer = _load("bench_peer")

    class Result:
        pass
    alive, last = [], []

    def fn(arg):
        alive.append(bool(last) and last[-1]() is not None)
        r = Result()
        last.append(weakref.ref(r))
        return r
    monkeypatch.setattr(peer.bench_engine, "KEEP_PREVIOUS", keep)
    _, _, out = peer.interleaved({"f": (lambda: None, fn)}, 3)
    assert alive == [False, keep, keep]
    assert isinstance(out["f"], Result)
