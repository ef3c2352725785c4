"""Fiscal simulation: totals add up, scenarios move costs the right way, results are reproducible and labelled."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from kzpolicy import assess, budget_lines, get_policy, profile_to_facts
from kzpolicy.population import ASSUMPTION_NOTE, generate
from kzpolicy.simulate import (INPUT_NOTE, Scenario, compare, gini, interpretation_effects, monte_carlo,
                               result_tables, simulate, write_results)

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios"


@pytest.fixture(scope="module")
def facts():
    return generate(seed=21)


@pytest.fixture(scope="module")
def base(facts):
    return simulate(facts, (2023, 2025), synthetic=True)


def test_totals_agree_with_the_engine_year_by_year(facts, base):
    for y in (2023, 2024, 2025):
        a = assess(facts, year=y, explain=False)
        assert base.cost_by_article()[str(y)].sum() == a.total_yuan
        assert base.cost_by_year().set_index("year").loc[y, "firm_awards_yuan"] == a.total_yuan
        assert base.township_awards.query("year == @y")["amount_yuan"].sum() == a.township_awards["amount_yuan"].sum()
    assert base.cost_by_article()["total"].sum() == base.ledger["amount_yuan"].sum()
    assert base.cost_by_chapter()["total"].sum() == base.ledger["amount_yuan"].sum()


def test_budget_lines_are_separate_from_firm_awards(base):
    bl = budget_lines(get_policy(), [2023, 2024, 2025])
    assert set(bl["article"]) == {6, 22}
    assert not base.ledger["item"].isin(bl["item"]).any()
    by_year = base.cost_by_year().set_index("year")
    assert (by_year["budget_lines_yuan"] == bl.groupby("year")["amount_yuan"].sum()).all()
    assert (by_year["total_yuan"] == by_year[["firm_awards_yuan", "township_funds_yuan", "budget_lines_yuan"]].sum(axis=1)).all()


def test_distribution_and_concentration_are_consistent(base):
    total = base.ledger["amount_yuan"].sum()
    for by in ("size_band", "sector", "township"):
        d = base.distribution(by)
        assert d["amount_yuan"].sum() == total
        assert d["firms"].sum() == len(base.firms)
    c = base.concentration().iloc[0]
    assert 0.1 <= c["top10pct_share"] <= 1
    assert 0 <= c["gini_recipients"] <= c["gini_all_firms"] <= 1
    lz = base.lorenz()
    assert lz["money_share"].iloc[-1] == pytest.approx(1) and lz["money_share"].is_monotonic_increasing


def test_gini_of_equal_and_of_concentrated_amounts():
    assert gini(np.array([5, 5, 5, 5])) == pytest.approx(0)
    assert gini(np.array([0, 0, 0, 100])) == pytest.approx(0.75)
    assert np.isnan(gini(np.array([])))


def test_every_table_says_it_uses_assumptions(facts, base):
    for name, df in result_tables(base, facts).items():
        if name == "budget_lines":  # policy figures only: no population, no assumption
            assert not (df["basis"] == ASSUMPTION_NOTE).any()
            continue
        assert (df["basis"] == ASSUMPTION_NOTE).all(), name
    f = profile_to_facts({"firm": {"id": "X1", "industry": "manufacturing", "established": "2015-01-01"},
                          "events": [{"date": "2023-08-15", "code": "above_scale.enter"}]})
    s = simulate(f, (2023, 2023))
    assert (s.cost_by_article()["basis"] == INPUT_NOTE).all()
    assert s.ledger["amount_yuan"].sum() == get_policy().param("art01.above_scale_enter.amount").at("2023-08-15")


def test_raising_the_upgrade_award_adds_exactly_count_times_difference(facts, base):
    path = SCEN / "art01_upgrade_300k.yaml"
    sc = Scenario.load(path)
    new = yaml.safe_load(path.read_text(encoding="utf-8"))["parameters"]["art01.above_scale_enter.amount"]
    old = get_policy().param("art01.above_scale_enter.amount").at("2023-06-01")
    c = compare(facts, sc, synthetic=True, base=base)
    d = c.cost_delta().set_index("article")
    n = (base.ledger["item"] == "art01.above_scale_enter").sum()
    assert n > 0
    assert d.loc[1, "delta_yuan"] == n * (new - old)
    assert (d.drop(index=1)["delta_yuan"] == 0).all()
    wl = c.winners_losers()
    assert wl["firms_losing"].sum() == 0 and wl["firms_gaining"].sum() == base.ledger.query("article == 1")["firm_id"].nunique()


def test_equipment_cap_lowers_cost_and_holds(facts, base):
    sc = Scenario.load(SCEN / "art05_cap_200wan.yaml")
    cap = sc.parameters["art05.equipment_subsidy.cap"]
    c = compare(facts, sc, synthetic=True, base=base)
    d = c.cost_delta().set_index("article")
    assert d.loc[5, "delta_yuan"] <= 0
    eq = c.alt.ledger.query("item == 'art05.equipment_subsidy'")
    assert (eq["amount_yuan"] <= cap).all()
    assert (c.firm_delta()["delta_yuan"] <= 0).all()


def test_higher_equipment_rate_raises_cost(facts, base):
    c = compare(facts, SCEN / "art05_rate_8pct.yaml", synthetic=True, base=base)
    d = c.cost_delta().set_index("article")
    assert d.loc[5, "delta_yuan"] > 0
    assert (c.firm_delta()["delta_yuan"] >= 0).all()


def test_scenario_file_is_reproducible(facts):
    r1 = compare(facts, SCEN / "art05_rate_8pct.yaml", synthetic=True)
    r2 = compare(facts, SCEN / "art05_rate_8pct.yaml", synthetic=True)
    pd.testing.assert_frame_equal(r1.cost_delta(), r2.cost_delta())
    pd.testing.assert_frame_equal(r1.firm_delta(), r2.firm_delta())
    pd.testing.assert_frame_equal(r1.winners_losers(), r2.winners_losers())


def test_scenario_as_dict_matches_the_file(facts, base):
    data = yaml.safe_load((SCEN / "art01_upgrade_300k.yaml").read_text(encoding="utf-8"))
    a = compare(facts, data, synthetic=True, base=base).cost_delta()
    b = compare(facts, SCEN / "art01_upgrade_300k.yaml", synthetic=True, base=base).cost_delta()
    pd.testing.assert_frame_equal(a, b)


def test_every_scenario_file_loads():
    files = sorted(SCEN.glob("*.yaml"))
    assert files
    pol = get_policy()
    for f in files:
        sc = Scenario.load(f)
        sc.policy()
        pol.readings(sc.readings)
        assert sc.description


def test_bad_scenarios_are_rejected():
    with pytest.raises(ValueError, match="unknown key"):
        Scenario.load({"name": "x", "parameter": {}})
    with pytest.raises(KeyError):
        Scenario.load({"name": "x", "parameters": {"art05.equipment_subsidy.rat": 0.08}}).policy()
    with pytest.raises(KeyError, match="unknown interpretation"):
        simulate(generate(seed=1), (2023, 2023), readings={"no-such-reading": "x"})


def test_reading_switch_moves_cost_the_expected_way(facts, base):
    c = compare(facts, SCEN / "from_year_start.yaml", synthetic=True, base=base)
    assert c.cost_delta()["delta_yuan"].sum() >= 0
    ie = interpretation_effects(facts, (2023, 2023), synthetic=True).set_index(["interpretation", "reading"])
    assert ie.loc[("art11-reserve-required", "required"), "delta_yuan"] <= 0
    assert ie.loc[("art05-09-double-claim", "both"), "delta_yuan"] >= 0
    assert (ie["basis"] == ASSUMPTION_NOTE).all()
    if ("budget-first-year", "pro_rata") in ie.index:
        assert ie.loc[("budget-first-year", "pro_rata"), "budget_delta_yuan"] < 0


def test_monte_carlo_is_reproducible_with_ordered_bands():
    a = monte_carlo(runs=6, seed=3, chunk_runs=4)
    b = monte_carlo(runs=6, seed=3, chunk_runs=4)
    pd.testing.assert_frame_equal(a.totals, b.totals)
    bands = a.bands()
    assert (bands["p5_yuan"] <= bands["p50_yuan"]).all() and (bands["p50_yuan"] <= bands["p95_yuan"]).all()
    assert a.run_totals().shape[0] == 6
    c = monte_carlo(runs=6, seed=4, chunk_runs=4)
    assert not a.totals.equals(c.totals)
    assert (bands["basis"] == ASSUMPTION_NOTE).all()


def test_monte_carlo_run_matches_a_single_simulation():
    mc = monte_carlo(runs=3, seed=2, chunk_runs=3, years=(2023, 2024))
    facts = generate(seed=2 * 100003, years=(2023, 2024), runs=3)
    n = len(facts.firms) // 3
    sim = simulate(facts, (2023, 2024), run_size=n, synthetic=True)
    assert mc.totals["amount_yuan"].sum() == sim.ledger["amount_yuan"].sum()


def test_results_files(tmp_path, facts, base):
    files = write_results(base, tmp_path / "r.xlsx", facts)
    book = pd.read_excel(files[0], sheet_name=None)
    assert book["by_article"]["total"].sum() == base.ledger["amount_yuan"].sum()
    files = write_results(base, tmp_path / "r.csv", facts)
    assert (tmp_path / "r.csv") in files and (tmp_path / "r_by_size_band.csv") in files
    with pytest.raises(ValueError, match="xlsx or .csv"):
        write_results(base, tmp_path / "r.txt")


def test_cli_simulate_synthetic_and_bad_rows(tmp_path, capsys):
    from kzpolicy.cli import main
    out = tmp_path / "result.xlsx"
    assert main(["simulate", "--population", "synthetic", "--seed", "21", "--years", "2023-2025", "--out", str(out)]) == 0
    book = pd.read_excel(out, sheet_name=None)
    assert {"by_article", "by_year", "budget_lines", "by_size_band", "concentration", "ledger"} <= set(book)
    assert "含假设参数" in capsys.readouterr().out
    d = tmp_path / "firms"
    d.mkdir()
    (d / "firms.csv").write_text("firm_id,industry,established\nA1,manufacturing,2015-01-01\nA2,manufactoring,2015-01-01\n", encoding="utf-8")
    assert main(["simulate", str(d), "--years", "2023-2024"]) == 2
    err = capsys.readouterr().err
    assert "firms.csv row 3" in err and "'industry'" in err
    assert main(["simulate"]) == 2


def test_listing_ceiling_is_tutoring_firms_times_the_policy_cap():
    from kzpolicy.population import load_calibration
    from kzpolicy.simulate import listing_upper_bound
    t = listing_upper_bound().set_index("item").loc["art16.exchange_listing"]
    cap = get_policy().param("art16.exchange_listing.cap").at("2025-12-31")
    assert t["upper_bound_yuan"] == cap * load_calibration()["listing_tutoring_2023"]["value"]


@pytest.mark.slow
def test_benchmark_script_runs_small():
    import subprocess
    import sys
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_simulate.py"), "--runs", "3", "--firms", "3000", "--no-write"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "Monte Carlo: 3 runs" in r.stdout and "engine: 4,468 firms" in r.stdout


def test_cli_on_an_exported_population_matches_the_simulation(tmp_path, facts, base):
    from kzpolicy.cli import main
    from kzpolicy.population import export
    folder = export(facts, tmp_path / "firms")
    out = tmp_path / "r.xlsx"
    assert main(["simulate", str(folder), "--years", "2023-2025", "--out", str(out)]) == 0
    by_year = pd.read_excel(out, sheet_name="by_year")
    assert by_year["firm_awards_yuan"].tolist() == base.cost_by_year()["firm_awards_yuan"].tolist()
    assert (by_year["basis"] == INPUT_NOTE).all()  # a file is input data, whatever made it


def test_simulate_synthetic_is_generate_then_simulate(base):
    from kzpolicy.simulate import simulate_synthetic
    s = simulate_synthetic(seed=21)
    pd.testing.assert_frame_equal(s.cost_by_article(), base.cost_by_article())


def test_firms_without_size_band_are_shown_not_dropped():
    from kzpolicy.simulate import NOT_GIVEN
    f = profile_to_facts({"firm": {"id": "X1", "industry": "manufacturing", "established": "2015-01-01"},
                          "events": [{"date": "2023-08-15", "code": "above_scale.enter"}]})
    d = simulate(f, (2023, 2023)).distribution("size_band")
    assert d["size_band"].tolist() == [NOT_GIVEN] and d["amount_yuan"].sum() > 0


def test_each_monte_carlo_run_respects_the_policy_places():
    facts = generate(seed=9, runs=5)
    n = len(facts.firms) // 5
    sim = simulate(facts, (2023, 2025), run_size=n, synthetic=True)
    pol = get_policy()
    for item_id in ("art02.top10_composite", "art02.top10_innovation", "art02.top10_growth"):
        per = sim.ledger[sim.ledger["item"] == item_id].groupby(["run", "year"]).size()
        assert len(per) == 15
        assert (per <= pol.param(f"{item_id}.places").at("2023-12-31")).all()


def test_cli_simulate_reports_a_bad_excel_row_by_sheet_row_and_field(tmp_path, capsys):
    from kzpolicy.cli import main
    path = tmp_path / "firms.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        pd.DataFrame({"firm_id": ["A1", "A2"], "industry": ["manufacturing", "manufacturing"],
                      "established": ["2015-01-01", "2015-13-01"]}).to_excel(xw, sheet_name="firms", index=False)
        pd.DataFrame({"firm_id": ["A1"], "date": ["2023-08-15"], "code": ["above_scale.enter"]}).to_excel(xw, sheet_name="events", index=False)
    assert main(["simulate", str(path), "--years", "2023-2023"]) == 2
    err = capsys.readouterr().err
    assert "sheet 'firms' row 3" in err and "'established'" in err


def test_monte_carlo_delta_of_a_higher_upgrade_award_is_count_times_difference():
    from kzpolicy.simulate import monte_carlo_delta
    path = SCEN / "art01_upgrade_300k.yaml"
    d = monte_carlo_delta(path, runs=4, seed=1, chunk_runs=4).set_index("year")
    base = monte_carlo(runs=4, seed=1, chunk_runs=4)
    n = base.totals.query("article == 1")["amount_yuan"].sum() // get_policy().param("art01.above_scale_enter.amount").at("2023-06-01")
    new = Scenario.load(path).parameters["art01.above_scale_enter.amount"]
    diff = new - get_policy().param("art01.above_scale_enter.amount").at("2023-06-01")
    assert d.loc["total", "mean_delta_yuan"] * 4 == n * diff
    assert (d["p5_delta_yuan"] >= 0).all()


def test_half_the_article_11_rates_halves_its_cost_up_to_rounding(facts, base):
    sc = Scenario.load(SCEN / "art11_half_rates.yaml")
    pol = get_policy()
    for k, v in sc.parameters.items():  # the scenario is exactly half of each upper bound
        assert v * 2 == pol.param(k).at("2023-12-31")
    c = compare(facts, sc, synthetic=True, base=base)
    d = c.cost_delta().set_index("article")
    assert (d.drop(index=11)["delta_yuan"] == 0).all()
    n = (base.ledger["item"] == "art11.rd_subsidy").sum()
    assert abs(2 * d.loc[11, "scenario_yuan"] - d.loc[11, "base_yuan"]) <= n  # each award rounded once, half up


def test_cli_simulate_rejects_bad_years(capsys):
    from kzpolicy.cli import main
    assert main(["simulate", "--population", "synthetic", "--years", "2025-2023"]) == 2
    assert "2023-2025" in capsys.readouterr().err


def test_monte_carlo_delta_reusing_its_baseline_gives_the_same_bands_and_refuses_another_baseline():
    from kzpolicy.simulate import monte_carlo_delta
    path = SCEN / "art05_cap_200wan.yaml"
    kw = dict(runs=3, seed=5, chunk_runs=2, years=(2023, 2024))
    base = monte_carlo(**kw)
    pd.testing.assert_frame_equal(monte_carlo_delta(path, base=base, **kw), monte_carlo_delta(path, **kw))
    for other in [dict(kw, seed=6), dict(kw, runs=4), dict(kw, years=(2023, 2025)), dict(kw, chunk_runs=3)]:
        with pytest.raises(ValueError, match="base was made with another"):
            monte_carlo_delta(path, base=base, **other)
    with pytest.raises(ValueError, match="readings"):
        monte_carlo_delta(path, base=base, readings={"art05-09-double-claim": "both"}, **kw)
    with pytest.raises(ValueError, match="policy"):
        monte_carlo_delta(path, base=base, policy=get_policy().with_parameters({"art01.above_scale_enter.amount": 1}), **kw)
