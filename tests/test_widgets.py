"""The calculator widget, driven headlessly: set values as a user would and watch the result change."""
import datetime as dt

import pytest

import kzpolicy as k
from kzpolicy.money import mul_round, wan
from kzpolicy.widgets import Calculator, calculator

POL = k.get_policy()
D = "2023-09-01"
FLOOR = POL.param("art05.equipment_subsidy.floor").at(D)
RATE = POL.param("art05.equipment_subsidy.rate").at(D)
MIN_PROGRESS = POL.param("art05.equipment_subsidy.min_progress").at(D)


def _firm(c, established=dt.date(2015, 1, 1)):
    """Fill in the firm facts the calculator asks for (it pre-fills none of them)."""
    c.established.value = established
    return c


def test_starts_empty_asks_for_what_decides_eligibility_and_shows_itself():
    c = calculator()
    assert isinstance(c, Calculator)
    # nothing that decides eligibility is pre-filled: no establishment date, legal-person status unknown
    assert c.established.value is None and c.independent.value is None
    assert c.result is None and any("成立日期" in e for e in c.errors) and "输入有误" in c.output.value
    _firm(c)
    assert c.errors == [] and c.result is not None and c.result.total_yuan == 0
    assert len(c.awards_frame()) == 0
    bundle = c._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_award_appears_changes_and_becomes_near_miss():
    c = _firm(calculator())
    before = c.output.value
    row = c.add_event("equipment.investment", D, amount=FLOOR, progress=MIN_PROGRESS)
    t = c.awards_frame()
    assert list(t["金额（元）"]) == [int(mul_round(FLOOR, RATE))]
    assert t.loc[0, "条款"] == "第（五）项" and wan(int(mul_round(FLOOR, RATE))) in c.output.value
    assert c.output.value != before
    # the user types one yuan less: no award, a near-miss saying what is missing
    row.amount.value = str(FLOOR - 1)
    assert len(c.awards_frame()) == 0
    nm = c.near_misses_frame()
    assert len(nm) == 1 and nm.loc[0, "条款"] == "第（五）项"
    assert "差一点" in c.output.value
    # and back up to double the floor
    row.amount.value = f"{2 * FLOOR:,}"
    assert list(c.awards_frame()["金额（元）"]) == [int(mul_round(2 * FLOOR, RATE))]


def test_only_the_fields_of_the_chosen_code_are_shown():
    c = _firm(calculator())
    row = c.add_event("above_scale.enter", "2023-08-15")
    assert list(row.box.children[1].children) == []
    row.code.value = "bridge_loan"
    assert [w.description for w in row.box.children[1].children] == ["转贷本金（元）", "转贷开始", "转贷结束"]
    assert set(row.record()) == {"code", "date"}  # nothing guessed for the empty boxes


def test_bad_input_is_shown_not_raised_and_blank_is_unknown():
    c = _firm(calculator())
    row = c.add_event("listing.star", "2023-10-10")
    assert c.result is None and any("municipal_reward" in e for e in c.errors)  # never guessed
    assert "输入有误" in c.output.value
    row.municipal_reward.value = "四百万"
    assert c.errors and "whole yuan" in c.errors[0]
    row.municipal_reward.value = "4000000"
    share = POL.param("art16.exchange_listing.share").at("2023-10-10")
    cap = POL.param("art16.exchange_listing.cap").at("2023-10-10")
    assert list(c.awards_frame()["金额（元）"]) == [min(int(mul_round(4000000, share)), cap)]
    # blank revenue boxes are left out of the profile (unknown), never sent as 0
    assert c.profile()["financials"] == {}


def test_history_follows_establishment_and_feeds_article_3():
    c = calculator(year=2023)
    c.established.value = dt.date(2020, 3, 1)
    c.independent.value = True  # article 3 counts independent legal persons; the calculator asks, never assumes
    assert sorted(c.revenue) [-4:] == [2020, 2021, 2022, 2023]
    assert [h.children[0].description for h in c.history_box.children] == ["2020 收入", "2021 收入", "2022 收入", "2023 收入"]
    tiers = sorted((it for it in POL.items() if it.article == 3), key=lambda it: it.param("threshold").at("2023-12-31"))
    low = tiers[0]
    thr = low.param("threshold").at("2023-12-31")
    c.set_financials(2022, thr + 1)
    assert low.id in set(c.result.undetermined["item"])  # 2020 and 2021 missing: cannot decide "first"
    c.set_financials(2020, thr // 2)
    c.set_financials(2021, thr // 2)
    aw = c.result.ledger.set_index("item")["amount_yuan"]
    assert aw[low.id] == low.param("amount").at("2023-12-31")
    with pytest.raises(ValueError):
        c.set_financials(2010, 1)
    # moving the establishment date earlier adds the missing years (blank = unknown), keeping what was typed
    c.established.value = dt.date(2015, 1, 1)
    assert c.errors == [] and c.revenue[2022].value == str(thr + 1)
    assert low.id in set(c.result.undetermined["item"])


def test_remove_event_and_load_profile():
    prof = {"firm": {"id": "X", "industry": "manufacturing", "established": "2015-04-01", "name": "示例"},
            "events": [{"date": "2023-08-15", "code": "above_scale.enter"}]}
    c = calculator(profile=prof)
    direct = k.assess(k.profile_to_facts(prof), year=2023)
    assert c.result.total_yuan == direct.total_yuan > 0
    c.remove_event(c.events[0])
    assert c.result.total_yuan == 0 and len(c.events_box.children) == 0


def test_switching_an_interpretation_re_assesses():
    low = min((it for it in POL.items() if it.article == 3), key=lambda it: it.param("threshold").at("2023-12-31"))
    thr = low.param("threshold").at("2023-12-31")
    fin = {y: {"revenue": thr // 2} for y in range(2015, 2022)}
    fin[2022] = {"revenue": thr}  # exactly at the threshold: "突破" read as strictly above pays nothing
    c = calculator(profile={"firm": {"industry": "manufacturing", "established": "2015-01-01", "independent_legal_person": True},
                            "financials": fin})
    assert c.readings["art03-crossing"] == POL.interpretations["art03-crossing"].default == "strictly_above"
    assert c.result.total_yuan == 0 and low.id in set(c.result.near_misses["item"])
    c.set_reading("art03-crossing", "at_least")
    assert list(c.result.ledger["item"]) == [low.id]
    assert c.result.total_yuan == low.param("amount").at("2023-12-31")
    with pytest.raises(KeyError):
        c.set_reading("no-such-reading", "x")
    with pytest.raises(ValueError):
        calculator(readings={"art03-crossing": "sometimes"})


def test_labels_are_words_not_ids():
    c = calculator(profile={"firm": {"industry": "manufacturing", "established": "2015-01-01", "independent_legal_person": True}})
    for iid, w in c.reading_widgets.items():
        assert w.description != iid and all(iid not in str(label) for label, _ in w.options)
    row = c.add_event("equipment.investment", "2023-09-01", amount=3000000, progress=0.9)
    assert all("." not in label for label, _ in row.code.options)
    out = c.output.value
    import re
    assert not re.search(r"\bart\d{2}\.|\bNaN\b|<NA>|\bTrue\b|\bFalse\b|dataframe", out)
    assert 'class="kz-table' in out
