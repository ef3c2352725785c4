"""The rule model: kinds declared once, readings as switches, limits as policy data (issue 10).

These tests fail when the mechanism breaks, not when a figure changes: a renamed or
misspelt reading must be a load error, a limit must count only what was paid, a peer
policy must run the same kinds without Kaizhou's interpretation ids.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kzpolicy
from kzpolicy import kinds
from kzpolicy.limits import LIMIT_KINDS
from kzpolicy.policy import POLICIES_DIR, PolicyError, load_policy

KZ = POLICIES_DIR / "kaizhou_2023_27"


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "kaizhou_copy"
    shutil.copytree(KZ, dst)
    return dst


def _edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- switches
def test_generic_code_names_no_interpretation_id():
    """kzpolicy/**/*.py never quotes an interpretation id: rules ask for switches."""
    ids = set()
    for f in POLICIES_DIR.glob("*/interpretations.yaml"):
        ids |= set(re.findall(r"^- id: (\S+)", f.read_text(encoding="utf-8"), flags=re.M))
    assert ids
    pat = re.compile("[\"'](" + "|".join(re.escape(i) for i in sorted(ids)) + ")[\"']")
    hits = [f"{p.relative_to(POLICIES_DIR.parent.parent)}:{n}: {line.strip()}"
            for p in (POLICIES_DIR.parent).rglob("*.py")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pat.search(line)]
    assert not hits, "\n".join(hits)


def test_every_interpretation_sets_a_declared_switch_value():
    pol = kzpolicy.get_policy()
    for iid, interp in pol.interpretations.items():
        for name, r in interp.readings.items():
            assert r.value, (iid, name)
    # the public API keeps reading names
    a = kzpolicy.assess(kzpolicy.profile_to_facts({"firm": {"id": "X", "industry": "manufacturing", "established": "2015-01-01"}}),
                        year=2023, readings={"art03-multiple-thresholds": "each"})
    assert a.readings["art03-multiple-thresholds"] == "each"


def test_reading_with_unknown_value_is_a_load_error(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "interpretations.yaml", "highest_only: {value: highest,", "highest_only: {value: highest_one,")
    with pytest.raises(PolicyError, match=r"art03-multiple-thresholds.*highest_one.*allowed values: \['each', 'highest'\]"):
        load_policy(d)


def test_switch_value_no_reading_reaches_is_a_load_error(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "interpretations.yaml", "each: {value: each, zh: \"每档分别奖励", "each: {value: highest, zh: \"每档分别奖励")
    with pytest.raises(PolicyError, match=r"art03-multiple-thresholds.*can also be \['each'\]"):
        load_policy(d)


def test_unknown_switch_is_a_load_error(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "interpretations.yaml", "switch: group_payment", "switch: group_paymnet")
    with pytest.raises(PolicyError, match="group_paymnet.*known switches"):
        load_policy(d)


def test_switch_named_where_the_kind_does_not_ask_for_it_is_a_load_error(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "articles" / "art01_new_above_scale.yaml", "interpretations: [industrial-firm, art01-reentry]",
          "interpretations: [industrial-firm, art01-reentry, art07-upgrade]")
    with pytest.raises(PolicyError, match="art01.*art07-upgrade.*upgrade_award"):
        load_policy(d)


def test_renamed_reading_keeps_its_value_and_its_effect(tmp_path):
    """Renaming the reading highest_only changes nothing but its name (its value says what it does)."""
    d = _copy(tmp_path)
    text = (d / "interpretations.yaml").read_text(encoding="utf-8")
    text = text.replace("highest_only: {value: highest,", "just_the_top: {value: highest,").replace(
        "default: highest_only", "default: just_the_top", 1)
    (d / "interpretations.yaml").write_text(text, encoding="utf-8")
    renamed = load_policy(d)
    facts = kzpolicy.profile_to_facts({
        "firm": {"id": "M", "industry": "manufacturing", "established": "2015-01-01", "independent_legal_person": True},
        "financials": {y: {"revenue": r} for y, r in [(2015, 1), (2016, 1), (2017, 1), (2018, 1), (2019, 1), (2020, 1),
                                                     (2021, 100_000_000), (2022, 600_000_000)]}})
    base = kzpolicy.assess(facts, year=2023)
    again = kzpolicy.assess(facts, year=2023, policy=renamed)
    assert base.total_yuan == again.total_yuan > 0 and len(again.ledger) == 1  # the highest tier only
    with pytest.raises(ValueError, match="highest_only"):
        kzpolicy.assess(facts, year=2023, policy=renamed, readings={"art03-multiple-thresholds": "highest_only"})


def test_peer_policy_uses_the_kinds_without_kaizhou_ids():
    dz = kzpolicy.get_policy("dazhou_2024")
    assert not any(i.startswith("art") for i in dz.interpretations)
    facts = kzpolicy.profile_to_facts({
        "firm": {"id": "P", "industry": "manufacturing", "established": "2015-01-01", "independent_legal_person": True},
        "financials": {y: {"revenue": 100} for y in range(2015, 2023)} | {2023: {"revenue": 2_500_000_000}}})
    one = kzpolicy.assess(facts, year=2024, policy=dz)
    each = kzpolicy.assess(facts, year=2024, policy=dz, readings={"dazhou-milestones-multiple": "each"})
    assert len(one.ledger) == 1 and len(each.ledger) == 2 and each.total_yuan > one.total_yuan
    assert set(one.excluded["reason"]) == {"superseded"}


# --------------------------------------------------------------------------- kinds
def test_kinds_are_declared_once_with_roles_units_and_shape():
    reg = kinds.registry()
    used = {it.kind for p in POLICIES_DIR.iterdir() if p.is_dir() for it in load_policy(p).items()}
    assert used <= set(reg)
    for k in reg.values():
        assert k.shape_zh and k.shape_en, k.name
        assert k.assessed == (k.assess is not None), k.name
        for name, p in k.params.items():
            assert p.role and p.units, (k.name, name)


def test_unknown_kind_names_the_known_ones(tmp_path):
    d = _copy(tmp_path)
    _edit(d / "articles" / "art01_new_above_scale.yaml", "kind: event_award", "kind: event_awrd")
    with pytest.raises(PolicyError, match="unknown rule kind 'event_awrd'; known kinds"):
        load_policy(d)


def test_ledger_columns_are_the_same_whatever_kinds_a_result_holds():
    empty = kzpolicy.assess(kzpolicy.profile_to_facts({"firm": {"id": "E", "industry": "other", "established": "2015-01-01"}}), year=2023)
    one = kzpolicy.assess(kzpolicy.profile_to_facts({"firm": {"id": "E", "industry": "manufacturing", "established": "2015-01-01"},
                                                     "events": [{"date": "2023-08-01", "code": "above_scale.enter"}]}), year=2023)
    assert list(empty.ledger.columns) == list(one.ledger.columns)
    for c in ("basis2_yuan", "quantity", "note"):
        assert c not in one.ledger.columns
    assert int(one.ledger["count"].iloc[0]) == 1 and int(one.ledger["unit_amount_yuan"].iloc[0]) == one.total_yuan


# --------------------------------------------------------------------------- limits
def test_limits_are_policy_data_with_citations():
    pol = kzpolicy.get_policy()
    lims = {lim.id: lim for lim in pol.limits()}
    assert {lim.kind for lim in lims.values()} >= {"total_per_firm", "highest_of_group", "one_per_project"}
    for lim in lims.values():
        assert lim.kind in LIMIT_KINDS
        assert lim.cite.quote in pol.article(lim.cite.article).text_zh, lim.id
    assert lims["art16.exchange_total"].cap.at("2023-05-30") == 3_000_000


def test_once_per_firm_limit_across_codes_and_years(tmp_path):
    d = _copy(tmp_path)
    f = d / "articles" / "art16_listings.yaml"
    f.write_text(f.read_text(encoding="utf-8") + """  one_equity_listing:
    kind: once_per_firm
    label: {zh: 新三板或重庆股份转让中心挂牌奖励每户一次, en: One NEEQ or Chongqing equity centre listing award per firm}
    items: [art16.neeq_listing, art16.cq_equity_listing]
    cite: {article: 16, clause: 2, quote: "给予30万元奖励"}
""", encoding="utf-8")
    pol = load_policy(d)
    facts = kzpolicy.profile_to_facts({"firm": {"id": "O", "industry": "manufacturing", "established": "2015-01-01"},
                                       "events": [{"date": "2023-08-01", "code": "listing.neeq"},
                                                  {"date": "2024-03-01", "code": "listing.cq_equity"}]})
    assert kzpolicy.assess(facts, year=2023, policy=pol).total_yuan == 300_000
    later = kzpolicy.assess(facts, year=2024, policy=pol)
    assert later.total_yuan == 0 and set(later.excluded["reason"]) == {"once_per_firm"}
    assert "2023" in later.excluded["reason_zh"].iloc[0]
    # without the limit (the real policy) both are paid
    assert kzpolicy.assess(facts, year=2024).total_yuan == 50_000


def test_limit_total_is_a_scenario_parameter():
    pol = kzpolicy.get_policy().with_parameters({"art16.exchange_total.cap": 2_000_000})
    facts = kzpolicy.profile_to_facts({"firm": {"id": "T", "industry": "manufacturing", "established": "2015-01-01"},
                                       "events": [{"date": "2023-06-01", "code": "listing.main", "municipal_reward": 3_000_000},
                                                  {"date": "2023-09-01", "code": "listing.star", "municipal_reward": 3_000_000}]})
    assert kzpolicy.assess(facts, year=2023).total_yuan == 3_000_000
    a = kzpolicy.assess(facts, year=2023, policy=pol)
    assert a.total_yuan == 2_000_000
    lim = a.ledger["limit"].tolist()
    assert pd.isna(lim[0]) and lim[1] == "art16.exchange_total"
    assert int(a.ledger["limit_before_yuan"].iloc[1]) == 1_500_000 and int(a.ledger["amount_yuan"].iloc[1]) == 500_000


def test_undetermined_claim_uses_up_no_total():
    """An earlier listing with no municipal reward given (0) pays nothing and leaves the whole 300万."""
    facts = kzpolicy.profile_to_facts({"firm": {"id": "U", "industry": "manufacturing", "established": "2015-01-01"},
                                       "events": [{"date": "2023-06-01", "code": "listing.main", "municipal_reward": 0},
                                                  {"date": "2024-06-01", "code": "listing.star", "municipal_reward": 6_000_000}]})
    assert kzpolicy.assess(facts, year=2024).total_yuan == 3_000_000


# --------------------------------------------------------------------------- event codes
def test_event_code_not_in_policy_is_reported_not_dropped():
    facts = kzpolicy.profile_to_facts({"firm": {"id": "N", "industry": "manufacturing", "established": "2015-01-01"},
                                       "events": [{"date": "2023-09-01", "code": "smart_factory.provincial"}]})
    a = kzpolicy.assess(facts, year=2023)
    ex = a.to_dict()["excluded"]
    assert [(e["reason"], e["item"], e["article"], e["event_code"]) for e in ex] == \
        [("not_in_policy", None, None, "smart_factory.provincial")]
    assert "省级智能工厂" in ex[0]["reason_zh"] and "not in this policy" in ex[0]["reason_en"]
