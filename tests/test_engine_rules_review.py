"""Rules tightened after review: selection places, article 11 gaps, article 6 repeated events."""
import pandas as pd
import pytest

import kzpolicy as kz
from kzpolicy import guide


def _top10(n):
    firms = pd.DataFrame({"firm_id": [f"F{i:02d}" for i in range(n)], "industry": "manufacturing", "established": "2015-01-01"})
    ev = pd.DataFrame({"firm_id": firms["firm_id"], "date": "2023-12-01", "code": "ranking.top10.composite"})
    return firms, ev


def test_a_full_top_ten_is_paid_to_every_selected_firm():
    places = guide.param("art02.top10_composite.places")
    a = kz.assess(*_top10(places), year=2023)
    assert len(a.ledger) == places
    assert a.total_yuan == places * guide.param("art02.top10_composite.amount")


def test_more_firms_than_places_in_a_top_ten_is_an_input_error_naming_the_parameter():
    places = guide.param("art02.top10_composite.places")
    with pytest.raises(kz.FactsError) as e:
        kz.assess(*_top10(places + 1), year=2023)
    assert "art02.top10_composite.places" in str(e.value) and f"{places + 1} firms" in str(e.value)


def test_stacked_runs_may_switch_the_places_check_off():
    places = guide.param("art02.top10_composite.places")
    a = kz.assess(*_top10(places + 1), year=2023, check_places=False)
    assert len(a.ledger) == places + 1


def test_article_11_missing_base_year_rd_is_undetermined_not_silently_dropped():
    p = guide.profile(financials={2022: {"rd_expense": 1_000_000}})
    a = guide.run(p, readings={"art11-stock-increment": "same_year"})
    assert a.total_yuan == 0
    assert a.undetermined["item"].tolist() == ["art11.rd_subsidy"]
    assert "2023" in a.undetermined["reason_en"].iloc[0]


def test_article_6_repeated_promotion_events_follow_the_registered_reading():
    amount = guide.param("art06.digital_pilot_municipal.amount")
    p = guide.profile({"date": "2023-07-01", "code": "digital_event.municipal"},
                      {"date": "2023-10-01", "code": "digital_event.municipal"})
    each = guide.run(p)
    once = guide.run(p, readings={"art06-events": "per_firm_level"})
    assert each.total_yuan == 2 * amount
    assert once.total_yuan == amount and once.excluded["reason"].tolist() == ["per_firm_level"]


def test_to_dict_is_the_same_whether_or_not_the_sentences_were_built():
    """A result assessed with explain=False gives the same JSON (awards' and fees' sentences included) as one with
    explain=True; it raised KeyError on the fees' explanation columns before."""
    from kzpolicy.facts import load_profile
    from pathlib import Path
    facts = load_profile(Path(__file__).resolve().parent.parent / "examples" / "firm_F001.yaml")
    quick, full = kz.assess(facts, year=2023, explain=False), kz.assess(facts, year=2023, explain=True)
    assert len(full.fees) and quick.to_dict() == full.to_dict()
