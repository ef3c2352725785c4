"""The presentation layer: what a reader sees in any table (book, widgets, CLI, Excel)."""
import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from kzpolicy import guide, present as P
from kzpolicy.policy import get_policy

#: what must never reach a reader
ARTEFACTS = re.compile(r"\bNaN\b|<NA>|\bNone\b|\bTrue\b|\bFalse\b|\bNaT\b|dtype|\{'|…|\bart\d{2}\.[a-z_]+")


def _mixed():
    return pd.DataFrame({
        "item": ["art05.equipment_subsidy", "art01.above_scale_enter", None],
        "article": [5, 1, np.nan],
        "amount_yuan": pd.array([150000, 12345, None], dtype="Int64"),
        "estimate_yuan": [23246598, 5, 149999],
        "ok": [True, False, None],
        "share": [0.415332, 0.05, np.nan],
        "when": [pd.Timestamp("2023-09-01"), pd.NaT, dt.date(2024, 1, 2)],
        "extra": [{"a": 1}, ["x", "y"], np.nan],
    })


COLS = [P.Col("item", "项目", "Item", "item"), P.Col("article", "条款", "Article", "article"),
        P.Col("amount_yuan", "金额", "Amount", "wan"), P.Col("estimate_yuan", "估算", "Estimate", "wan_est"),
        P.Col("ok", "符合", "Eligible", "bool"), P.Col("share", "占比", "Share", "pct"),
        P.Col("when", "日期", "Date", "date"), P.Col("extra", "其他", "Other")]


@pytest.mark.parametrize("lang", ["zh", "zh-en"])
def test_mixed_input_shows_no_programming_artefacts(lang):
    t = P.table(_mixed(), COLS, lang=lang)
    for out in (t.html(), t.text(), t.frame.to_string(index=False)):
        assert not ARTEFACTS.search(out), ARTEFACTS.search(out)
    assert t.frame.iloc[0].tolist()[:3] == ["第（五）项 存量企业新增设备投资补助", "第（五）项", "15"]
    assert t.frame.iloc[2, 0] == P.MISSING and t.frame.iloc[2, 2] == P.MISSING


def test_headers_are_chinese_with_units_and_english_beside():
    t = P.table(_mixed(), COLS, lang="zh-en")
    assert t.columns[2] == "金额（万元） Amount (10,000 yuan)"
    assert all(re.match(r"[\u4e00-\u9fff]", c) for c in t.columns)
    assert '<span class="kz-en" lang="en">Amount (10,000 yuan)</span>' in t.html()
    assert P.table(_mixed(), COLS).columns[2] == "金额（万元）"


@pytest.mark.parametrize("bad", ["amount_yuan", "firm_awards_万元", "explanation_zh", "cap_applied"])
def test_internal_headers_are_refused(bad):
    with pytest.raises(ValueError, match="internal name"):
        P.table(pd.DataFrame({bad: [1]}))


def test_precision_exact_awards_exact_estimates_rounded():
    assert P.cell(12345, "wan") == "1.2345"
    assert P.cell(2000000, "money") == "200万元"
    assert P.cell(23246598, "wan_est") == "2,324.7"
    assert P.cell(23246500, "wan_est") == "2,324.7"       # half up, from exact yuan
    assert P.cell(23246499, "wan_est") == "2,324.6"
    assert P.cell(-19917077, "wan_est", digits=0) == "-1,992"
    assert P.cell(0.415332, "pct") == "41.5%" and P.cell(0.05, "pct") == "5%"
    assert P.cell(True, "bool") == "是" and P.cell(np.bool_(False), "text") == "否"
    assert P.cell(pd.NA, "wan", missing=P.NOT_READ) == "未读取"


def test_html_is_deterministic_with_classes_and_no_index():
    a, b = P.table(_mixed(), COLS).html(), P.table(_mixed(), COLS).html()
    assert a == b
    assert 'class="kz-table kz-wide"' in a and "overflow-x:auto" in a
    assert "<th" in a and ">0<" not in a and "id=" not in a
    narrow = P.table(pd.DataFrame({"项目": ["甲"]}))
    assert 'class="kz-table"' in narrow.html() and not narrow.wide


def test_text_is_escaped_in_html():
    t = P.table(pd.DataFrame({"名称": ["<script>x</script>"]}))
    assert "<script>" not in t.html()


def test_parameter_table_reads_like_the_text():
    t = guide.parameter_table(5)
    f = t.frame
    pol = get_policy()
    floor = pol.param("art05.equipment_subsidy.floor").at("2023-12-31")
    row = f[f["参数 Figure"] == "门槛"].iloc[0]
    assert row["项目 Item"] == "第（五）项 " + pol.item("art05.equipment_subsidy").label.zh
    assert row["取值 Value"].startswith(P.wan(floor).replace("万元", "") + "万元（含本数，“及以上”）")
    assert not ARTEFACTS.search(t.html())
    assert "floor" not in t.text() and "art05" not in t.text()


@pytest.mark.parametrize("n", sorted(get_policy().articles))
def test_every_article_table_is_clean(n):
    for t in (guide.parameter_table(n), guide.eligibility_table(n), guide.interpretations(n)):
        out = t.html() + t.text()
        assert not ARTEFACTS.search(out), (n, ARTEFACTS.search(out))
    assert not re.search(r"[a-z_]{3,}", guide.parameter_table(n, lang="zh").text())  # no parameter ids


def test_awards_and_outcome_name_items_not_ids():
    a = guide.run(guide.profile({"date": "2023-09-01", "code": "equipment.investment", "amount": 1900000, "progress": 0.9}))
    out = str(guide.outcome(a)) + guide.awards(a).text() + P.near_misses(a).html()
    assert not ARTEFACTS.search(out)
    assert "存量企业新增设备投资补助" in out


def test_reading_effects_frame_keeps_data_and_displays_words():
    p = guide.profile({"date": "2023-08-15", "code": "above_scale.enter"})
    eff = guide.reading_effects(p, "art01-reentry")
    assert isinstance(eff.set_index("口径 reading").loc["once_ever", "total_yuan"], (int, np.integer))
    shown = eff._repr_html_() + repr(eff)
    assert "total_yuan" not in shown and "once_ever" not in shown
    assert get_policy().interpretations["art01-reentry"].readings["once_ever"].zh in shown


def test_text_table_lines_up_chinese():
    s = P.text_table(["名称", "金额（万元）"], [["甲", "1"], ["乙乙乙", "20"]], right=[1])
    lines = s.splitlines()
    assert len({P.display_width(x) for x in lines[1:]}) == 1


def test_estimate_views_round_and_hide_internal_columns():
    basis = "含假设参数（合成总体） / uses assumptions (synthetic population)"
    year = pd.DataFrame({"year": [2023], "firm_awards_yuan": [23246598], "township_funds_yuan": [500000],
                         "budget_lines_yuan": [1800000], "total_yuan": [25546598], "basis": [basis]})
    t = P.cost_by_year(year)
    assert t.frame.iloc[0].tolist() == ["2023", "2,324.7", "50.0", "180.0", "2,554.7"]
    assert "basis" not in t.text() and "含假设参数" in t.note
    dist = pd.DataFrame({"size_band": ["large", "micro"], "firms": [7, 1125], "recipients": [7, 91],
                         "amount_yuan": [29596842, 2722886], "share": [0.308634, 0.028394],
                         "per_recipient_yuan": [4228120.0, 29922.9], "basis": [basis, basis]})
    d = P.distribution(dist, "size_band")
    assert d.frame.iloc[:, 0].tolist() == ["大型", "微型"] and d.frame.iloc[0, 4] == "30.9%"
    bands = pd.DataFrame({"year": ["2023", "total"], "p5_yuan": [16897517, 1], "p50_yuan": [19800078, 2],
                          "p95_yuan": [58084434, 3], "mean_yuan": [24630176, 4], "runs": [100, 100],
                          "scope": ["企业奖补 / firm awards", "企业奖补 / firm awards"], "basis": [basis, basis]})
    b = P.bands(bands, "year")
    assert b.frame.iloc[0].tolist() == ["2023", "1,690", "1,980", "5,808", "2,463"] and b.frame.iloc[1, 0] == "合计"
    for out in (t, d, b):
        assert not ARTEFACTS.search(out.html() + out.text())
        assert not re.search(r"_yuan|size_band|large|micro", out.text())


def test_scenarios_are_named_by_what_they_change():
    from kzpolicy.simulate import Scenario
    pol = get_policy()
    sc = Scenario.load({"name": "art05_rate_8pct", "parameters": {"art05.equipment_subsidy.rate": 0.08}})
    label = P.scenario_label(sc)
    old = pol.param("art05.equipment_subsidy.rate").at("2023-12-31")
    assert label == f"{pol.article(5).cite_zh} {pol.item('art05.equipment_subsidy').label.zh}：比例 {P.pct(old)}→8%"
    rd = Scenario.load({"name": "x", "readings": {"art05-09-double-claim": "both"}})
    assert pol.interpretations["art05-09-double-claim"].readings["both"].zh in P.scenario_label(rd)
    assert "art05" not in P.scenario_label(rd) and "_" not in label


def test_auto_names_engine_columns_and_refuses_unknown_internal_ones():
    from kzpolicy.engine import budget_lines
    t = P.auto(budget_lines(years=(2023,)))
    assert not ARTEFACTS.search(t.text() + t.html()) and "full_year" not in t.text()
    a = guide.run({"firm": guide.firm(), "events": [{"date": "2023-09-25", "code": "bridge_loan", "principal": 10_000_000,
                                                     "start": "2023-09-25", "end": "2023-10-09"}]})
    f = P.auto(a.fees[["item", "principal_yuan", "working_days", "daily_rate", "fee_yuan"]])
    assert "‰" in f.text() and not ARTEFACTS.search(f.text())
    with pytest.raises(ValueError, match="reader's name"):
        P.auto(pd.DataFrame({"secret_internal_col": [1]}))
