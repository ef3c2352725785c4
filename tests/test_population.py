"""The synthetic Kaizhou population: reproducible, calibrated, every assumption labelled."""
import re

import numpy as np
import pandas as pd
import pytest

from kzpolicy import get_policy
from kzpolicy.facts import validate
from kzpolicy.population import (above_scale_counts, assumption_names, calibration_report,
                                 derivations, expected_per_year, generate, load_assumptions, load_calibration)

TABLES = ("firms", "events", "financials", "townships")


@pytest.fixture(scope="module")
def pop():
    return generate(seed=11)


@pytest.fixture(scope="module")
def mc():
    return generate(seed=5, runs=200)


def test_same_seed_gives_identical_frames(pop):
    again = generate(seed=11)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(pop, t), getattr(again, t))


def test_different_seed_gives_a_different_population(pop):
    other = generate(seed=12)
    assert not pop.events.equals(other.events)
    assert not pop.financials["revenue"].equals(other.financials["revenue"])


def test_fast_path_equals_the_validated_population():
    fast = generate(seed=3, validate_facts=False)
    checked = generate(seed=3, validate_facts=True)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(fast, t), getattr(checked, t))
    again = validate(fast.firms, fast.events, fast.financials, fast.townships)
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(again, t), getattr(fast, t))


def test_census_counts_are_hit_exactly(pop):
    cal = load_calibration()
    assert len(pop.firms) == cal["industrial_units_2023"]["value"]
    assert (pop.firms["industry"] == "manufacturing").sum() == cal["manufacturing_units_2023"]["value"]
    assert pop.firms["industry"].isin(["manufacturing", "mining", "utilities"]).all()


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_above_scale_stock_and_2023_entries_match_the_published_counts(seed):
    cal = load_calibration()
    f = generate(seed=seed)
    counts = above_scale_counts(f).set_index("year")
    assert counts.loc[2023, "above_scale_firms"] > cal["above_scale_end_2023"]["value"]  # "突破170家"
    assert counts.loc[2023, "new_above_scale"] == cal["new_above_scale_2023"]["value"]
    # the entries are the firms that crossed the floor in 2023
    assert counts.loc[2023, "above_scale_firms"] - counts.loc[2022, "above_scale_firms"] == cal["new_above_scale_2023"]["value"]
    assert calibration_report(f)["met"].all()


def test_later_entries_match_the_assumed_mean(mc):
    A = load_assumptions()
    ev = mc.events
    n24 = ((ev["code"] == "above_scale.enter") & (ev["date"].dt.year == 2024)).sum() / 200
    lam = A["population"]["new_above_scale_per_year_after_2023"]["value"]
    assert abs(n24 - lam) < 4 * np.sqrt(lam / 200)


def test_event_rates_match_their_derivation(mc):
    A, C = load_assumptions(), load_calibration()
    ev = mc.events
    years = ev["date"].dt.year
    for code in ("srdi.specialized.municipal", "equipment.investment", "sme.innovative.municipal"):
        got = ((ev["code"] == code) & years.isin([2023, 2024, 2025])).sum() / (200 * 3)
        lam = expected_per_year(code, A, C)
        assert abs(got - lam) < 5 * np.sqrt(lam / 600) + 0.02 * lam, (code, got, lam)


def test_municipal_count_is_scaled_by_the_documented_share():
    A, C = load_assumptions(), load_calibration()
    share = C["kaizhou_gdp_2023"]["value"] / A["kaizhou_share"]["chongqing_gdp_2023"]["value"]
    assert expected_per_year("srdi.specialized.municipal", A, C) == pytest.approx(C["cq_srdi_municipal_2023"]["value"] * share)
    d = derivations()
    row = d.set_index("event_code").loc["srdi.specialized.municipal"]
    assert "cq_srdi_municipal_2023" in row["derivation"] and row["assumption"]


def test_every_parameter_is_documented_and_unsourced_ones_are_assumptions():
    A = load_assumptions()
    C = load_calibration()
    for section, entries in A.items():
        for name, e in entries.items():
            assert "assumption" in e, f"{section}.{name} must say assumption: true/false"
            if section != "events":
                assert {"value", "unit", "zh", "en", "why"} <= set(e), f"{section}.{name}"
            else:
                assert {"per_year", "weights", "why"} <= set(e), f"{section}.{name}"
            if "calibration" in e:
                assert e["calibration"] in C
            if section == "events" and "calibration" in e["per_year"]:
                assert e["per_year"]["calibration"] in C
    assert "population.above_scale_end_2023" in assumption_names(A)


def test_calibration_targets_carry_their_sources():
    for key, t in load_calibration().items():
        assert {"value", "unit", "zh", "en", "source", "excerpt", "quality"} <= set(t), key
        assert t["source"].startswith("http"), key
        assert t["quality"] in ("official", "news", "repost"), key


def test_townships_are_labelled_synthetic(pop):
    A = load_assumptions()
    names = set(pop.firms["township"]) | set(pop.townships["township"])
    assert all(re.fullmatch(r"乡镇\d\d", n) for n in names)
    assert pop.townships.groupby("year").size().eq(A["townships"]["count"]["value"]).all()


def test_unknown_assumption_is_an_error_and_overrides_apply():
    with pytest.raises(KeyError, match="unknown assumption"):
        generate(seed=1, assumptions={"population.above_scale_end_2032": 180})
    f = generate(seed=1, assumptions={"population.above_scale_end_2023": 180})
    assert above_scale_counts(f).set_index("year").loc[2023, "above_scale_firms"] == 180


def test_top_ten_places_come_from_the_policy():
    pol = get_policy().with_parameters({"art02.top10_composite.places": 5})
    f = generate(seed=2, policy=pol)
    ev = f.events[f.events["code"] == "ranking.top10.composite"]
    assert ev.groupby(ev["date"].dt.year).size().eq(5).all()
    base = generate(seed=2)
    evb = base.events[base.events["code"] == "ranking.top10.composite"]
    places = get_policy().param("art02.top10_composite.places").at("2023-12-31")
    assert evb.groupby(evb["date"].dt.year).size().eq(places).all()


def test_monte_carlo_runs_are_folded_into_firm_ids(mc):
    assert mc.firms["firm_id"].is_unique
    assert mc.firms["firm_id"].str.match(r"R\d{4}-KZ\d{4}$").all()
    assert len(mc.firms) == 200 * load_calibration()["industrial_units_2023"]["value"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exported_population_reads_back_identically(tmp_path, pop, kind):
    from kzpolicy.facts import load_tables
    from kzpolicy.population import export
    target = tmp_path / ("pop" if kind == "csv" else "pop.xlsx")
    back = load_tables(export(pop, target))
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(back, t), getattr(pop, t), check_dtype=True)
