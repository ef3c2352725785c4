"""Comparison with other jurisdictions: peer policies are strict, sourced and honest about what was not read;
representative firms run through the same engine; the index reports its coverage."""
from __future__ import annotations

import shutil
from fractions import Fraction

import pandas as pd
import pytest
import yaml

from kzpolicy import assess, compare, load_policy, profile_to_facts
from kzpolicy.events import EVENT_CODES
from kzpolicy.money import mul_round
from kzpolicy.policy import POLICIES_DIR, PolicyError

PEER_IDS = [p.id for p in compare.peers()]


@pytest.fixture(scope="module")
def matrix():
    return compare.firm_matrix()


# --------------------------------------------------------------------------- peer policies
def test_every_policy_folder_is_kaizhou_or_a_registered_peer():
    folders = {p.name for p in POLICIES_DIR.iterdir() if p.is_dir()}
    assert folders == {compare.baseline().id} | set(PEER_IDS)


@pytest.mark.parametrize("pid", PEER_IDS)
def test_peer_policy_loads_strictly_and_is_sourced(pid):
    pol = load_policy(pid)
    assert pol.meta.compared_with == compare.baseline().id
    assert len(list(pol.items())) >= 1
    for it in pol.items():
        s = it.source
        assert s is not None and s.url.startswith("http") and len(s.excerpt) >= 2, it.id
        assert s.quality in ("official", "repost", "summary"), it.id
        assert it.kaizhou_match is not None, it.id
        if it.kaizhou_match != "none":
            compare.baseline().item(it.kaizhou_match)  # raises if the mapping names no Kaizhou item
        for code in it.events:
            assert code in EVENT_CODES, f"{it.id}: event {code} is not in kzpolicy.events"


def test_peer_excerpts_and_urls_are_those_of_the_research_notes():
    """Every excerpt is verbatim from the research table or notes, and every URL is listed there."""
    csv = compare.research_sources()
    notes = (compare.DATA / "comparison-sources.md").read_text(encoding="utf-8")
    for pid in PEER_IDS:
        for it in load_policy(pid).items():
            assert it.source.excerpt in set(csv["excerpt"]) or it.source.excerpt in notes, it.id
            assert it.source.url in set(csv["url"]) or it.source.url in notes, it.id


def test_a_cut_off_figure_is_null_never_zero():
    seen = 0
    for pid in PEER_IDS:
        for it in load_policy(pid).items():
            values = [v for p in it.parameters.values() for v in p.values.values()]
            assert 0 not in [v for k, p in it.parameters.items() if k in ("amount", "rate", "share") for v in p.values.values()], it.id
            if it.status != "read":
                seen += 1
                assert None in values, f"{it.id} is {it.status} but has no null figure"
    assert seen >= 5  # Tongliang years 2-3, Dazhou SRDI x2, Liangping exchange listing, Yunyang little giant


def test_csv_cut_off_rows_are_encoded_as_not_read():
    """A row the research table marks as cut off has a not-read item in the peer policy, not a 0."""
    csv = compare.research_sources()
    cut = csv[csv["amount_text"].str.contains("cut off")]
    assert len(cut) >= 1
    for _, row in cut.iterrows():
        items = [it for pid in PEER_IDS for it in load_policy(pid).items() if it.source.excerpt == row["excerpt"]]
        assert any(it.status == "cut_off" for it in items), row["item_key"]


def _copy_peer(tmp_path, pid="tongliang_2024_22"):
    dst = tmp_path / pid
    shutil.copytree(POLICIES_DIR / pid, dst)
    return dst


def test_schema_rejects_a_cut_off_item_given_as_zero(tmp_path):
    d = _copy_peer(tmp_path)
    f = d / "articles" / "art03_new_above_scale.yaml"
    doc = yaml.safe_load(f.read_text(encoding="utf-8"))
    p = doc["items"]["above_scale_year2"]["parameters"]["amount"]
    p["values"] = {k: 0 for k in p["values"]}
    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match="must be null"):
        load_policy(d)


def test_schema_rejects_a_null_figure_marked_read(tmp_path):
    d = _copy_peer(tmp_path)
    f = d / "articles" / "art03_new_above_scale.yaml"
    doc = yaml.safe_load(f.read_text(encoding="utf-8"))
    del doc["items"]["above_scale_year2"]["status"]
    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match="status is 'read'"):
        load_policy(d)


def test_schema_rejects_a_mapping_to_a_kaizhou_item_that_does_not_exist(tmp_path):
    d = _copy_peer(tmp_path)
    f = d / "articles" / "art02_smart_manufacturing.yaml"
    doc = yaml.safe_load(f.read_text(encoding="utf-8"))
    doc["items"]["smart_factory_municipal"]["kaizhou_match"] = "art05.smart_factory"
    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match="art05.smart_factory"):
        load_policy(d)


def test_schema_rejects_a_peer_item_without_source_or_with_a_misspelt_key(tmp_path):
    d = _copy_peer(tmp_path)
    f = d / "articles" / "art02_smart_manufacturing.yaml"
    doc = yaml.safe_load(f.read_text(encoding="utf-8"))
    doc["items"]["smart_factory_municipal"]["source"]["qualtiy"] = "official"
    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match="qualtiy"):
        load_policy(d)
    del doc["items"]["smart_factory_municipal"]["source"]
    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError, match="needs 'source'"):
        load_policy(d)


# --------------------------------------------------------------------------- item by item
def test_item_table_pairs_every_mapped_peer_item_and_keeps_unread_amounts_missing():
    t = compare.item_table()
    mapped = {(pid, it.id) for pid in PEER_IDS for it in load_policy(pid).items() if it.kaizhou_match not in (None, "none")}
    pairs = t.dropna(subset=["peer_item"])
    assert set(zip(pairs["policy"], pairs["peer_item"])) == mapped and len(pairs) == len(mapped)
    unread = pairs[pairs["status"] != "read"]
    assert len(unread) >= 4 and unread["amount_yuan"].isna().all()
    # the Kaizhou side is the Kaizhou policy's own figure
    row = t[t["kaizhou_item"] == "art05.smart_factory_municipal"].iloc[0]
    assert row["kaizhou_amount_yuan"] == compare.baseline().param("art05.smart_factory_municipal.amount").at("2024-12-31")
    only = compare.peer_only_items()
    assert set(only["peer_item"]) >= {"art04.single_champion_national", "art01.listing_bonus_2026"}
    assert (only["url"].str.startswith("http")).all()


# --------------------------------------------------------------------------- representative firms
def test_every_representative_firm_is_assessed_under_every_policy(matrix):
    firms = compare.representative_firms()
    assert len(firms) >= 6
    pols = {compare.baseline().id} | set(PEER_IDS)
    for f in firms:
        sub = matrix[(matrix["firm"] == f.id) & (matrix["kaizhou_item"] != "none")]
        assert set(sub["policy"]) == pols
        assert len(sub) == len(pols) * len(f.kaizhou_items)
    assert matrix["status"].isin(list(compare.STATUS)).all()
    # amounts only where the whole figure was read
    read = matrix["status"].isin(compare.READ_STATUSES)
    assert matrix.loc[read, "amount_yuan"].notna().all()
    assert matrix.loc[~read, "amount_yuan"].isna().all()


def test_kaizhou_column_equals_the_kaizhou_engine(matrix):
    for f in compare.representative_firms():
        a = assess(profile_to_facts(f.profile), year=f.year)
        own = a.ledger.groupby("item")["amount_yuan"].sum()
        kz = matrix[(matrix["firm"] == f.id) & (matrix["policy"] == compare.baseline().id)].set_index("kaizhou_item")
        for k in f.kaizhou_items:
            assert k in own.index, f"{f.id}: Kaizhou's engine pays nothing under {k}; fix the firm or its kaizhou_items"
            assert kz.loc[k, "status"] == "computed"
            assert int(kz.loc[k, "amount_yuan"]) == int(own[k])


def test_a_cut_off_item_shows_as_not_read_with_its_read_part(matrix):
    """Tongliang pays 升规 over three years; only the first year's figure was read."""
    row = matrix[(matrix["firm"] == "r1_small_firm_above_scale") & (matrix["policy"] == "tongliang_2024_22")].iloc[0]
    first = load_policy("tongliang_2024_22").param("art03.above_scale_year1.amount").at("2024-12-31")
    assert row["status"] == "not_read" and pd.isna(row["amount_yuan"]) and row["read_part_yuan"] == first
    txt = compare.firm_table(matrix).loc[("r1_small_firm_above_scale", "art01.above_scale_enter"), "铜梁区"]
    assert "未读取" in txt and txt.startswith("≥")
    dz = matrix[(matrix["firm"] == "r2_srdi_equipment") & (matrix["policy"] == "dazhou_2024")].set_index("kaizhou_item")
    assert dz.loc["art04.specialized_municipal", "status"] == "not_read"
    assert pd.isna(dz.loc["art04.specialized_municipal", "read_part_yuan"])
    assert compare.cell_text(pd.NA, "not_read") == "未读取"
    # the article page and the peer page say so too
    view = compare.article_view(16)
    lp = view[(view["地区 Jurisdiction"] == "梁平区") & (view["读取状态 Status"] != "已读取 read")]
    assert len(lp) == 1 and lp["读取金额 As read"].iloc[0].startswith("未读取")
    pv = compare.peer_view("tongliang_2024_22")
    assert (pv["读取金额 As read"] == "未读取 not read").sum() == 2


def test_absent_not_in_force_and_zero_are_told_apart(matrix):
    m = matrix.set_index(["firm", "policy", "kaizhou_item"])["status"]
    assert m[("r3_star_listing", "tongliang_2024_22", "art16.exchange_listing")] == "none"
    assert m[("r3_star_listing", "yunyang_2025_3", "art16.exchange_listing")] == "not_in_force"
    # below Tongliang's floor the firm genuinely gets 0, which is not "not read"
    f = next(x for x in compare.representative_firms() if x.id == "r2_srdi_equipment")
    floor = load_policy("tongliang_2024_22").param("art01.equipment_subsidy.floor").at("2024-12-31")
    small = {**f.profile, "events": [{**e, "amount": int(floor) - 1} if e["code"] == "equipment.investment" else e
                                     for e in f.profile["events"]]}
    g = compare.Firm(**{**f.__dict__, "id": "r2_small", "profile": small})
    sm = compare.firm_matrix([g]).set_index(["policy", "kaizhou_item"])
    assert sm.loc[("tongliang_2024_22", "art05.equipment_subsidy"), "status"] == "not_eligible"
    assert sm.loc[("tongliang_2024_22", "art05.equipment_subsidy"), "amount_yuan"] == 0
    assert compare.cell_text(0, "not_eligible").startswith("0")


def test_totals_are_complete_only_when_every_item_was_read(matrix):
    tot = compare.firm_totals(matrix)
    kz = tot[tot["policy"] == compare.baseline().id]
    assert kz["complete"].all()
    for f in compare.representative_firms():
        a = assess(profile_to_facts(f.profile), year=f.year, explain=False)
        assert int(kz.loc[kz["firm"] == f.id, "total_yuan"].iloc[0]) == a.total_yuan
    partial = tot[(tot["not_read"] > 0) | (tot["absent"] > 0) | tot["not_in_force"]]
    assert len(partial) and partial["total_yuan"].isna().all() and not partial["complete"].any()


def test_assumptions_travel_with_a_computed_figure(matrix):
    """Dazhou's equipment subsidy assumes its sales condition is met; the cell says so."""
    row = matrix[(matrix["firm"] == "r2_srdi_equipment") & (matrix["policy"] == "dazhou_2024")
                 & (matrix["kaizhou_item"] == "art05.equipment_subsidy")].iloc[0]
    assert row["status"] == "computed" and "假定" in row["note_zh"]


def test_province_level_equivalents_translate_the_firm():
    f = next(x for x in compare.representative_firms() if x.id == "r7_smart_factory")
    eq = next(p for p in compare.peers() if p.id == "shengzhou_2023").equivalents
    codes = [e["code"] for e in compare.translate(f.profile, eq)["events"]]
    assert "smart_factory.provincial" in codes and "smart_factory.municipal" not in codes
    assert [e["code"] for e in f.profile["events"]][0] == "smart_factory.municipal"  # the original is untouched


# --------------------------------------------------------------------------- generosity index
def test_generosity_index_reports_coverage_and_only_compares_items_read_in_both(matrix):
    ix = compare.generosity_index(matrix)
    assert {"index", "coverage", "items_compared", "items"} <= set(ix.columns)
    assert ix["coverage"].between(0, 1).all()
    assert (ix["index"].isna() == (ix["items_compared"] == 0)).all()
    # Changfeng on the equipment firm: only the equipment item was read in both; the SRDI item is left out
    row = ix[(ix["item_group"] == "equipment_srdi") & (ix["policy"] == "changfeng")].iloc[0]
    kz, cf = compare.baseline(), load_policy("changfeng")
    amount = next(e["amount"] for e in next(x for x in compare.representative_firms() if x.id == "r2_srdi_equipment").profile["events"]
                  if e["code"] == "equipment.investment")
    peer = int(mul_round(amount, Fraction(str(cf.param("art01.equipment_subsidy.rate").at("2024-12-31")))))
    mine = int(mul_round(amount, Fraction(str(kz.param("art05.equipment_subsidy.rate").at("2024-12-31")))))
    srdi = int(kz.param("art04.specialized_municipal.amount").at("2024-12-31"))
    assert row["items_compared"] == 1 and row["items"] == 2
    assert row["peer_yuan"] == peer and row["kaizhou_yuan"] == mine
    assert row["index"] == round(100 * peer / mine)
    assert row["coverage"] == pytest.approx(mine / (mine + srdi))
    # a jurisdiction not in force has no index and zero coverage
    yy = ix[ix["policy"] == "yunyang_2025_3"]
    assert yy["index"].isna().all() and (yy["coverage"] == 0).all()


def test_index_table_shows_coverage_next_to_every_value():
    t = compare.index_table()
    assert t.map(lambda s: "覆盖" in s).all().all()


def test_sources_list_every_url_with_its_quality():
    s = compare.sources()
    assert s["quality"].isin(["official", "repost", "summary"]).all()
    urls = {it.source.url for pid in PEER_IDS for it in load_policy(pid).items()}
    assert set(s["url"]) == urls


def test_reader_tables_name_places_and_items_in_words(matrix):
    import re
    from kzpolicy import present
    ids = re.compile(r"\bart\d{2}\.[a-z_]+|\br\d_[a-z_]+|\bNaN\b|<NA>|\bNone\b|\bTrue\b|\bFalse\b")
    tables = compare.matrix_tables(matrix)
    assert len(tables) == len(compare.representative_firms())
    names = set(compare.names().values())
    for _firm, t in tables:
        out = t.html() + t.text()
        assert not ids.search(out), ids.search(out)
        rows = [r[0].replace("（基准）", "") for r in t.rows]
        assert set(rows) <= names and rows[0] == compare.names()[compare.baseline().id]
        # every jurisdiction is either a row or named under the table as having none of the firm's items
        absent = t.legend.get("所读文本无此项的地区", "")
        assert all(n in rows or n in absent for n in names)
    words = {c for _, t in tables for r in t.rows for c in r[1:]}
    assert {present.NOT_READ, present.NO_ITEM} <= words | {present.NO_ITEM}
    legend = compare.cell_legend().text()
    for w in (present.NOT_READ, present.NO_ITEM, present.NOT_COMPUTABLE):
        assert w in legend
    for t in (compare.index_view(), compare.article_table(5), compare.peer_table("tongliang_2024_22")):
        assert not ids.search(t.html() + t.text())
