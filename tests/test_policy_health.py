"""Code health of the policy data (PolicyEngine style): read the YAML, fail on anything misplaced.

Every item is cited, labelled, has units and dated values; every quote is the
statute's own words; every event code and interpretation it names exists; and a
malformed file is refused with a message naming the file and the key path.
"""
from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest

from kzpolicy.events import EVENT_CODES
from kzpolicy.policy import POLICIES_DIR, PolicyError, get_policy, load_policy

KAIZHOU = "kaizhou_2023_27"
POLICY_IDS = sorted(p.name for p in POLICIES_DIR.iterdir() if (p / "policy.yaml").exists())
SOURCE_MD = POLICIES_DIR / KAIZHOU / "source.zh.md"
GAP = "……"


@cache
def _loaded(policy_id):
    return load_policy(policy_id)


@pytest.fixture(scope="module")
def kz():
    return load_policy(KAIZHOU)


def _norm(text: str) -> str:
    """The source is one paragraph per article; compare without line breaks."""
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- every policy folder
@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_labels_are_distinct_and_quotes_stand_in_their_sentence(policy_id):
    """(The loader already refuses a missing citation, label, unit or dated value; these it cannot see.)
    Two items of one policy with the same label are a copy-paste; a quote that is not in the sentence it cites
    is a citation that points elsewhere."""
    pol = _loaded(policy_id)
    problems, seen = [], {}
    for it in pol.items():
        for lang in ("zh", "en"):
            lab = getattr(it.label, lang).strip()
            if (lang, lab) in seen:
                problems.append(f"{it.id}: label {lab!r} is also {seen[(lang, lab)]}'s")
            seen[(lang, lab)] = it.id
        art = pol.article(it.cite.article)
        sentence = next(c for c in art.clauses if c.clause == it.cite.clause)
        if not _in_order(it.cite.quote, sentence.text_zh) and not (it.source and _in_order(it.cite.quote, it.source.excerpt)):
            problems.append(f"{it.id}: quote {it.cite.quote!r} is not in {art.cite_zh} sentence {sentence.clause}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_every_event_code_exists(policy_id):
    pol = _loaded(policy_id)
    unknown = sorted({f"{it.id}: {c}" for it in pol.items() for c in it.events if c not in EVENT_CODES})
    assert not unknown, f"event codes not in kzpolicy.events.EVENT_CODES: {unknown}"
    prefixes = [(el.id, c.event) for el in pol.eligibility_rules() for c in el.conditions if c.event]
    bad = [f"{rid}: {p}" for rid, p in prefixes if not any(code == p or code.startswith(p + ".") for code in EVENT_CODES)]
    assert not bad, f"eligibility conditions name event prefixes that match no event code: {bad}"


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_interpretations_concern_the_articles_that_use_them(policy_id):
    """An item names only readings registered for its own article, and a reading lists only articles that exist
    and carry something it can change (the loader checks that the ids exist, not that they fit)."""
    pol = _loaded(policy_id)
    problems = []
    for it in pol.items():
        for iid in it.interpretations:
            if it.article not in pol.interpretations[iid].articles:
                problems.append(f"{it.id} names {iid}, which is registered for articles {pol.interpretations[iid].articles}")
    for interp in pol.interpretations.values():
        for n in interp.articles:
            if n not in pol.articles:
                problems.append(f"{interp.id}: article {n} is not in the policy")
            elif not (pol.article(n).items or pol.article(n).eligibility):
                problems.append(f"{interp.id}: article {n} has no item or eligibility rule a reading could change")
        texts = [r.zh for r in interp.readings.values()] + [r.en for r in interp.readings.values()]
        if len(set(texts)) != len(texts):
            problems.append(f"{interp.id}: two readings say the same thing")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- Kaizhou: the statute's words
def test_all_24_articles_present(kz):
    assert sorted(kz.articles) == list(range(1, 25))
    for n, a in kz.articles.items():
        assert a.key == f"art{n:02d}_{a.slug}"
        assert (POLICIES_DIR / KAIZHOU / "articles" / f"{a.key}.yaml").exists()
    chapters = {c.chapter for c in kz.meta.chapters}
    assert {a.chapter for a in kz.articles.values()} <= chapters


def test_monetary_articles_are_the_ones_design_lists(kz):
    money = sorted(n for n, a in kz.articles.items() if a.has_money)
    assert money == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 21, 22]


def _in_order(quote: str, text: str) -> bool:
    pos = 0
    for part in quote.split(GAP):
        if not part:
            continue
        i = text.find(part, pos)
        if i < 0:
            return False
        pos = i + len(part)
    return True


def test_every_quote_is_verbatim_in_its_clause(kz):
    problems = []
    for it in kz.items():
        art = kz.article(it.cite.article)
        clause = next((c for c in art.clauses if c.clause == it.cite.clause), None)
        if clause is None:
            problems.append(f"{it.id}: clause {it.cite.clause} does not exist")
        elif not _in_order(it.cite.quote, clause.text_zh):
            problems.append(f"{it.id}: quote {it.cite.quote!r} is not in article {art.article} clause {clause.clause}")
    for el in kz.eligibility_rules():
        art = kz.article(el.cite.article)
        clause = next(c for c in art.clauses if c.clause == el.cite.clause)
        if not _in_order(el.cite.quote, clause.text_zh):
            problems.append(f"{el.id}: quote {el.cite.quote!r} is not in its clause")
    assert not problems, "\n".join(problems)


def test_quote_check_would_catch_a_changed_word():
    text = "对新认定的市级智能工厂、市级数字化车间，分别一次性奖励20万元、10万元。"
    assert _in_order("对新认定的市级智能工厂……一次性奖励20万元", text)
    assert not _in_order("对新认定的市级智能工厂……一次性奖励30万元", text)
    assert not _in_order("一次性奖励20万元……对新认定的市级智能工厂", text)  # order matters


def test_article_text_and_clauses_are_verbatim_in_the_source(kz):
    source = _norm(SOURCE_MD.read_text(encoding="utf-8"))
    problems = []
    for a in kz.articles.values():
        if _norm(a.text_zh) not in source:
            problems.append(f"article {a.article}: text_zh is not verbatim in source.zh.md")
        if _norm("".join(c.text_zh for c in a.clauses)) != _norm(a.text_zh):
            problems.append(f"article {a.article}: the clauses do not add up to text_zh")
        if [c.clause for c in a.clauses] != list(range(1, len(a.clauses) + 1)):
            problems.append(f"article {a.article}: clauses are not numbered 1..n")
    assert not problems, "\n".join(problems)


def test_source_is_the_published_document(kz):
    text = SOURCE_MD.read_text(encoding="utf-8")
    assert kz.meta.doc_no and kz.meta.doc_no in text
    assert str(kz.meta.issued) == "2023-05-30"
    assert "2023年5月30日" in text
    assert kz.meta.title.zh.replace("《", "").replace("》", "")[:10] in _norm(text)


def test_kaizhou_items_start_no_earlier_than_their_window(kz):
    """Values start on publication, except where the item's own sentence sets a window: article 4's
    新认定 sentence (2022年以来) — not its re-review sentence, which follows article 24."""
    windowed = {it.id for it in kz.items() if it.since is not None}
    assert windowed == {"art04.little_giant_national", "art04.specialized_municipal", "art04.innovative_sme_municipal"}
    for it in kz.items():
        for name, p in it.parameters.items():
            first = p.first_date
            if it.since is not None:
                assert first == it.since.date and str(first) == "2022-01-01", f"{it.id}.{name}: recognitions since 2022"
                assert it.since.quote in it.cite.quote and it.cite.clause == 1
            else:
                assert first == kz.meta.effective, f"{it.id}.{name}: first value {first}, policy effective {kz.meta.effective}"


def test_quoted_amounts_match_parameters(kz):
    """Single-amount items whose quote names exactly one 万元 figure carry that figure."""
    problems = []
    for it in kz.items():
        if it.kind not in ("event_award", "ladder_award") or "amount" not in it.parameters:
            continue
        figures = re.findall(r"(\d+)万元", it.cite.quote)
        if len(figures) != 1:
            continue
        want = int(figures[0]) * 10_000
        got = it.param("amount").at(it.since.date if it.since is not None else kz.meta.effective)
        if got != want:
            problems.append(f"{it.id}: quote says {figures[0]}万元, parameter is {got}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- malformed YAML is refused
def _copy(tmp_path) -> Path:
    dst = tmp_path / KAIZHOU
    shutil.copytree(POLICIES_DIR / KAIZHOU, dst)
    return dst


def _edit(folder: Path, name: str, old: str, new: str):
    f = folder / "articles" / name
    text = f.read_text(encoding="utf-8")
    assert old in text, f"fixture out of date: {old!r} not in {name}"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


AMOUNT = "      amount: {unit: yuan, values: {2023-05-30: 200000}}"
MALFORMED = {
    "misspelt key": (
        "    cite: {article: 5, clause: 1", "    cyte: {article: 5, clause: 1",
        ["items.smart_factory_municipal.cyte", "unknown key 'cyte'"]),
    "duplicated key": (
        AMOUNT, AMOUNT + "\n      amount: {unit: yuan, values: {2023-05-30: 300000}}",
        ["items.smart_factory_municipal.parameters.amount", "appears twice"]),
    "missing citation": (
        '    cite: {article: 5, clause: 1, quote: "对新认定的市级智能工厂、市级数字化车间，分别一次性奖励20万元、10万元"}\n', "",
        ["items.smart_factory_municipal.cite", "required key is missing"]),
    "negative amount": (
        AMOUNT, "      amount: {unit: yuan, values: {2023-05-30: -200000}}",
        ["items.smart_factory_municipal.parameters.amount.values", "negative"]),
    "parameter in the wrong item kind": (
        AMOUNT, AMOUNT + "\n      rate: {unit: ratio, values: {2023-05-30: 0.05}}",
        ["items.smart_factory_municipal", "does not use parameters ['rate']"]),
    "string where a number belongs": (
        AMOUNT, '      amount: {unit: yuan, values: {2023-05-30: "20万"}}',
        ["items.smart_factory_municipal.parameters.amount.values.2023-05-30", "must be a number"]),
    "fraction in a yuan amount": (
        AMOUNT, "      amount: {unit: yuan, values: {2023-05-30: 200000.5}}",
        ["items.smart_factory_municipal.parameters.amount", "whole number"]),
    "unknown kind": (
        "    kind: investment_subsidy", "    kind: investment_subsidi",
        ["items.equipment_subsidy.kind"]),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_policy_is_rejected_naming_file_and_key(tmp_path, case):
    old, new, must = MALFORMED[case]
    folder = _copy(tmp_path)
    _edit(folder, "art05_smart_upgrade.yaml", old, new)
    with pytest.raises(PolicyError) as e:
        load_policy(folder)
    msg = str(e.value)
    assert "art05_smart_upgrade.yaml" in msg, msg
    for m in must:
        assert m in msg, f"{m!r} not in the message:\n{msg}"


def test_unmodified_copy_loads(tmp_path):
    """The malformed cases fail because of the edit, not because of the copy."""
    folder = _copy(tmp_path)
    pol = load_policy(folder)
    assert len(list(pol.items())) == len(list(get_policy(KAIZHOU).items()))


def test_unknown_event_code_in_policy_is_caught(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "art01_new_above_scale.yaml", "events: [above_scale.enter]", "events: [above_scale.entre]")
    # the loader refuses it: a `--policy DIR` user never runs this test, and the item would silently pay nothing
    with pytest.raises(PolicyError, match=r"items\.above_scale_enter: unknown event code\(s\) \['above_scale\.entre'\]"):
        load_policy(folder)


def test_unknown_interpretation_is_rejected(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "art07_lianghua_integration.yaml", "interpretations: [art07-upgrade, ", "interpretations: [art07-upgrades, ")
    with pytest.raises(PolicyError, match=r"art07\.level_a names unknown interpretation 'art07-upgrades'"):
        load_policy(folder)


def test_file_name_must_match_article(tmp_path):
    folder = _copy(tmp_path)
    (folder / "articles" / "art01_new_above_scale.yaml").rename(folder / "articles" / "art01_new_firms.yaml")
    with pytest.raises(PolicyError, match="art01_new_firms.yaml: file name must be art01_new_above_scale.yaml"):
        load_policy(folder)


def test_quote_citing_a_clause_that_does_not_exist_is_rejected(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "art01_new_above_scale.yaml", "cite: {article: 1, clause: 1,", "cite: {article: 1, clause: 2,")
    with pytest.raises(PolicyError, match=r"art01_new_above_scale.yaml: items.above_scale_enter.cite.clause 2 does not exist"):
        load_policy(folder)


def test_every_null_value_says_why(kz):
    """A null parameter (no cap, a figure not in the text) carries a note; it is never a silent 0 or gap."""
    silent = [f"{it.id}.{name}" for it in kz.items() for name, p in it.parameters.items()
              if any(v is None for v in p.values.values()) and p.note is None]
    assert not silent, f"null values without a note: {silent}"


def test_bounds_and_boundaries_are_declared_where_the_text_sets_them(kz):
    """以上/及以上 floors are inclusive, 突破 thresholds exclusive, 不高于 rates upper bounds (民法典第1259条)."""
    for it in kz.items():
        for name, p in it.parameters.items():
            if name in ("floor", "min_progress"):
                assert p.boundary == "inclusive", f"{it.id}.{name}: 及以上/以上 include the number"
            if it.kind == "revenue_milestone" and name == "threshold":
                assert p.boundary == "exclusive", f"{it.id}.{name}: 突破 means above"
    assert kz.param("art11.rd_subsidy.stock_rate").bound == "upper"
    assert kz.param("art11.rd_subsidy.increment_rate").bound == "upper"
    assert kz.param("art11.rd_subsidy.ceiling").boundary == "exclusive"  # 1000万元 itself goes the municipal route


# --------------------------------------------------------------------------- citations as the document writes them
def test_every_measure_carries_the_documents_own_number(kz):
    """（五）支持企业智能化改造 stands in the source under 二、推进企业转型升级, as the YAML says."""
    source = _norm(SOURCE_MD.read_text(encoding="utf-8"))
    chapters = {c.chapter: c for c in kz.meta.chapters}
    problems = []
    for a in kz.articles.values():
        head = f"{a.number_zh}{a.title.zh}"
        pos = source.find(head)
        if a.number_zh is None or pos < 0:
            problems.append(f"article {a.article}: {head!r} is not a heading of the source")
            continue
        ch = chapters[a.chapter]
        starts = sorted((source.find(f"{c.number_zh}{c.zh}"), c.chapter) for c in chapters.values())
        under = [c for s, c in starts if 0 <= s < pos]
        if ch.number_zh is None or not under or under[-1] != a.chapter:
            problems.append(f"article {a.article}: stands under part {under[-1] if under else None}, YAML says {a.chapter}")
        if a.cite_zh != f"第{a.number_zh}项" or "条" in a.cite_zh:
            problems.append(f"article {a.article}: cited as {a.cite_zh!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
def test_every_boundary_keeps_the_statutes_word_and_its_legal_meaning(policy_id):
    """Each boundary keeps its word (及以上, 以上, 以下, 不满, 超过, 不超过, 不高于, 突破); the word stands in the
    cited quote; inclusive/exclusive is the word's meaning under 《民法典》第1259条 (以上、以下、以内 include
    the number; 不满、超过 do not), unless a registered reading of the same item says otherwise."""
    from kzpolicy.coverage import boundary_problems  # the same check kzpolicy check runs
    problems = boundary_problems(_loaded(policy_id))
    assert not problems, "\n".join(problems)


def test_boundary_check_would_catch_a_wrong_boundary(kz):
    """以下 read as exclusive without a reading, or a word missing from the quote, is reported."""
    from kzpolicy.policy import BOUNDARY_WORDS
    assert BOUNDARY_WORDS["以下"] == "inclusive" and BOUNDARY_WORDS["不满"] == "exclusive"
    p = kz.param("art11.rd_subsidy.ceiling")
    assert p.word == "以下" and p.boundary == "exclusive" and p.boundary_reading == "art11-at-ceiling"
    assert kz.param("art05.equipment_subsidy.floor").word == "及以上"
    assert kz.param("art16.exchange_listing.cap").word == "不超过"


def test_no_cap_is_not_the_same_null_as_not_read():
    """A null that means "the text sets no cap" says no_cap; a peer's unread figure is null in a not_read item."""
    problems = []
    for pid in POLICY_IDS:
        for it in _loaded(pid).items():
            for name, p in it.parameters.items():
                null = any(v is None for v in p.values.values())
                if null and p.no_cap and it.status != "read" and name != "cap":
                    problems.append(f"{pid}:{it.id}.{name}: no_cap on a figure that was not read")
                if null and not p.no_cap and it.status == "read":
                    problems.append(f"{pid}:{it.id}.{name}: null in a read item without no_cap")
                if p.no_cap and name != "cap":
                    problems.append(f"{pid}:{it.id}.{name}: no_cap on a parameter that is not a cap")
    assert not problems, "\n".join(problems)
    kz = _loaded(KAIZHOU)
    assert kz.param("art05.equipment_subsidy.cap").no_cap and kz.param("art09.green_equipment_subsidy.cap").no_cap


# --------------------------------------------------------------------------- one sentence, several tiers
def test_article_3_is_one_item_with_a_tier_table_not_six_copies_of_one_quote(kz):
    from kzpolicy.policy import load_yaml as raw_yaml
    raw = raw_yaml(POLICIES_DIR / KAIZHOU / "articles" / "art03_revenue_milestones.yaml")
    assert list(raw["items"]) == ["milestone"] and len(raw["items"]["milestone"]["tiers"]["rows"]) == 6
    text = (POLICIES_DIR / KAIZHOU / "articles" / "art03_revenue_milestones.yaml").read_text(encoding="utf-8")
    quote = raw["items"]["milestone"]["cite"]["quote"]
    assert text.count(f"quote: \"{quote}\"") == 1, "the quote is cited once"
    tiers = [it for it in kz.items() if it.article == 3]
    assert [it.id for it in tiers] == [f"art03.milestone_{k}" for k in ("50yi", "30yi", "20yi", "10yi", "5yi", "2yi")]
    assert {it.cite.quote for it in tiers} == {quote}
    assert [it.label.zh for it in tiers][0] == "上年主营业务收入首次突破50亿元奖励"
    assert [int(it.param("amount").at("2023-12-31")) for it in tiers] == [800000, 500000, 400000, 200000, 100000, 50000]


def test_a_malformed_tier_table_is_refused_naming_file_and_row(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "art03_revenue_milestones.yaml", "2yi: [200000000, 50000]", "2yi: [200000000]")
    with pytest.raises(PolicyError) as e:
        load_policy(folder)
    assert "art03_revenue_milestones.yaml" in str(e.value) and "row 2yi has 1 values" in str(e.value)
