"""Text coverage: every figure of every policy's text is a parameter or marked as not an award.

The same check is ``kzpolicy check POLICY_DIR`` (exit 0 clean, 1 uncovered, 2 a bad folder).
"""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kzpolicy.cli import main
from kzpolicy.coverage import check, figures_in
from kzpolicy.policy import POLICIES_DIR, load_policy

POLICY_IDS = sorted(p.name for p in POLICIES_DIR.iterdir() if (p / "policy.yaml").exists())
KAIZHOU = "kaizhou_2023_27"


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_every_figure_of_the_text_is_covered(policy_id):
    rep = check(load_policy(policy_id))
    assert rep.ok, "\n".join(rep.lines())


def test_kaizhou_covers_the_whole_published_document():
    """The header, the preamble and all 24 measures are read, not only the measures with money."""
    rep = check(load_policy(KAIZHOU))
    texts = {f.text for f, _ in rep.covered}
    assert {"20万元", "50亿元", "0.1‰", "150万元", "十强", "2023年5月30日", "2022年", "1000万元", "10个"} <= texts
    outside = [(f.text, by) for f, by in rep.covered if f.article is None]
    assert ("2023年5月30日", "meta.issued") in outside
    assert any(by == "meta.doc_no" for _, by in outside)   # 〔2023〕27号
    by_article = {}
    for f, by in rep.covered:
        by_article.setdefault(f.article, []).append(by)
    assert "art05.equipment_subsidy.rate" in by_article[5] and "art14.bridge_loan_fee.daily_rate" in by_article[14]
    assert any(b.endswith("(from 2022-01-01)") for b in by_article[4])   # 2022年以来: the window's first dated value


def test_figures_are_read_with_their_units():
    figs = {f.text: (f.value, f.kind) for f in figures_in("奖励20万元、50亿元，按0.1‰、5%计，评选十强、10个，自2023年5月30日起，2022年以来")}
    assert figs["20万元"] == (Decimal(200000), "yuan")
    assert figs["50亿元"] == (Decimal(5_000_000_000), "yuan")
    assert figs["0.1‰"] == (Decimal("0.0001"), "ratio")
    assert figs["5%"] == (Decimal("0.05"), "ratio")
    assert figs["十强"] == (Decimal(10), "count") and figs["10个"] == (Decimal(10), "count")
    assert figs["2023年5月30日"] == (Decimal(20230530), "date") and "5月" not in figs   # one date, not three numbers
    assert figs["2022年"] == (Decimal(2022), "year")


def _copy(tmp_path) -> Path:
    dst = tmp_path / KAIZHOU
    shutil.copytree(POLICIES_DIR / KAIZHOU, dst)
    return dst


def _edit(path: Path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture out of date: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_parameter_that_disagrees_with_the_text_leaves_its_figure_uncovered(tmp_path, capsys):
    folder = _copy(tmp_path)
    _edit(folder / "articles" / "art05_smart_upgrade.yaml", "rate: {unit: ratio, values: {2023-05-30: 0.05}}",
          "rate: {unit: ratio, values: {2023-05-30: 0.06}}")
    rep = check(load_policy(folder))
    assert [(f.text, f.article) for f in rep.uncovered] == [("5%", 5)]
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "'5%'" in out and "第（五）项" in out and "未覆盖1个" in out


def test_a_mark_for_a_figure_the_text_does_not_state_is_reported(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "articles" / "art13_zhugongdai_loans.yaml", 'text: "一年期"', 'text: "两年期"')
    rep = check(load_policy(folder))
    assert [f.text for f in rep.uncovered] == ["一年期"]
    assert len(rep.unused_marks) == 1 and "两年期" in rep.unused_marks[0]


def test_check_exit_codes(tmp_path, capsys):
    assert main(["check", str(POLICIES_DIR / KAIZHOU)]) == 0
    assert "未覆盖0个" in capsys.readouterr().out
    folder = _copy(tmp_path)
    _edit(folder / "articles" / "art13_zhugongdai_loans.yaml", "role: term", "role: terms")
    assert main(["check", str(folder)]) == 2        # a malformed folder: the loader's message, no traceback
    err = capsys.readouterr().err
    assert "art13_zhugongdai_loans.yaml" in err and "figures.0.role" in err and "Traceback" not in err
    assert main(["check", str(tmp_path / "nowhere")]) == 2


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_peer_items_require_the_industry_their_text_names(policy_id):
    """A text that says 工业企业 means industrial firms (mining, manufacturing, utilities), not only 制造业;
    an item's requirement must say what its own quote says, not what Kaizhou's counterpart says."""
    problems = []
    for it in load_policy(policy_id).items():
        q = it.cite.quote
        if it.kind in ("reference", "referral") or "工业企业" not in q:
            continue
        if it.requires.manufacturing and "制造业" not in q:
            problems.append(f"{it.id}: the quote says 工业企业, the item requires manufacturing")
        if not (it.requires.industrial or it.requires.manufacturing):
            problems.append(f"{it.id}: the quote says 工业企业, the item requires no industry")
    assert not problems, "\n".join(problems)


def test_check_reports_a_boundary_read_against_its_word(tmp_path, capsys):
    """以上 includes the number: a floor marked exclusive without a registered reading is reported by kzpolicy check."""
    folder = _copy(tmp_path)
    _edit(folder / "articles" / "art05_smart_upgrade.yaml", "floor: {unit: yuan, boundary: inclusive, word: 及以上,",
          "floor: {unit: yuan, boundary: exclusive, word: 及以上,")
    rep = check(load_policy(folder))
    assert rep.boundaries == ["art05.equipment_subsidy.floor: '及以上' means inclusive, the data says exclusive; "
                              "register a reading and name it in boundary_reading"]
    assert main(["check", str(folder)]) == 1
    assert "边界用语 boundary word" in capsys.readouterr().out
