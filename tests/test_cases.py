"""YAML test cases per article (OpenFisca style): tests/cases/artNN_slug.yaml.

Each case names a situation, gives a firm profile (or township ranks, or only a
year for budget lines) and states what the statute's arithmetic gives. The runner
turns the profile into facts with :func:`kzpolicy.profile_to_facts`, assesses it
with :func:`kzpolicy.assess` and compares:

``expect``           {item: yuan}   exact set of items in the ledger, lines summed per item ({} = no award;
                                    ``item: 0`` says "no line for this item" and ties the case to its article)
``near_miss``        {item: {field: value}}  exact set of near-miss items; listed fields must match one row
``undetermined``     [item]         exact set of items that cannot be decided
``excluded``         {item: reason or [reasons]}  exact set of excluded items, and for each the exact set of reasons
``values``           {item: {field: value}}  named intermediate values of the item's ledger line(s): the fields its
                                    kind declares (kzpolicy/rules/<kind>.py ``fields``), e.g. article 11's
                                    ``rd_stock_yuan`` and ``rd_increment_yuan``; several lines: one must match
``parameters``       {parameter: value or {date: value}}  an amendment, OpenFisca style: a plain value replaces
                                    every dated value, ``{2024-01-01: 2000000}`` adds a value in force from that date
``fees``             {item: yuan or {fee_yuan: …, working_days: …}}  exact set of fee items (article 14)
``township_awards``  {township: yuan} or {township: {item: yuan}}  exact set of townships (article 21)
``budget``           {item: yuan}   :func:`kzpolicy.budget_lines` for ``year`` (articles 6 and 22)
``raises``           text           assessing must raise ValueError containing the text
``readings``         {interpretation: reading}
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import kzpolicy
from kzpolicy import kinds
from kzpolicy.explain import article_zh
from kzpolicy.money import wan
from kzpolicy.policy import load_yaml

CASES_DIR = Path(__file__).parent / "cases"
POLICY = kzpolicy.get_policy()
CASE_KEYS = {"name", "year", "profile", "readings", "parameters", "expect", "values", "near_miss", "undetermined",
             "excluded", "fees", "township_awards", "budget", "raises", "note"}
#: articles that carry money and therefore need a case file
MONETARY_ARTICLES = [a.article for a in POLICY.articles.values() if a.has_money]
#: kinds whose every item must be exercised with a non-zero amount
AWARD_KINDS = {k.name for k in kinds.registry().values() if k.assessed}


def _load_all():
    out = []
    for f in sorted(CASES_DIR.glob("*.yaml")):
        data = load_yaml(f)  # the policy loader's strict YAML: a duplicated key is an error
        assert isinstance(data, list), f"{f.name}: a case file is a list of cases"
        for i, case in enumerate(data):
            out.append((f, i, case))
    return out


ALL = _load_all()


def _item_ids(case) -> set:
    ids = set()
    for key in ("expect", "values", "near_miss", "excluded", "fees", "budget"):
        ids |= set(case.get(key) or {})
    ids |= set(case.get("undetermined") or [])
    for v in (case.get("township_awards") or {}).values():
        ids |= set(v) if isinstance(v, dict) else set()
    return ids


def _triggered(case) -> set:
    """Items that the case's events can trigger."""
    codes = {e.get("code") for e in ((case.get("profile") or {}).get("events") or [])}
    return {iid for c in codes for iid in POLICY.event_index.get(c, [])}


def _facts(profile):
    profile = dict(profile or {})
    townships = profile.pop("townships", None)
    if "firm" in profile:
        facts = kzpolicy.profile_to_facts(profile)
    else:
        assert not profile, f"a profile without 'firm' may only hold 'townships', got {sorted(profile)}"
        facts = kzpolicy.validate(pd.DataFrame(columns=["firm_id", "industry", "established"]))
    if townships is not None:
        facts = kzpolicy.validate(facts.firms, facts.events, facts.financials, pd.DataFrame(townships))
    return facts


def _sum_by(df, key, value):
    if not len(df):
        return {}
    return {k: int(v) for k, v in df.groupby(key)[value].sum().items()}


def _policy(case):
    """The policy the case runs on: Kaizhou, amended by the case's ``parameters`` (dated values, validated)."""
    changes = case.get("parameters")
    return POLICY.with_parameters(changes) if changes else POLICY


def _same(got, want) -> bool:
    if isinstance(want, float):
        return got == pytest.approx(want)
    if isinstance(want, int) and not isinstance(want, bool):
        return not pd.isna(got) and float(got) == want
    return got == want


@pytest.mark.parametrize("path, index, case", ALL, ids=[c.get("name", f"{f.stem}[{i}]") for f, i, c in ALL])
def test_case(path, index, case):
    year = case["year"]
    policy = _policy(case)
    if "budget" in case:
        got = _sum_by(kzpolicy.budget_lines(policy, years=[year], readings=case.get("readings")), "item", "amount_yuan")
        got = {k: v for k, v in got.items() if k.startswith(path.stem[:5] + ".")}
        assert got == {k: v for k, v in (case["budget"] or {}).items() if v != 0}
        if "profile" not in case:
            return
    facts = _facts(case.get("profile"))
    if "raises" in case:
        with pytest.raises(ValueError, match=re.escape(case["raises"])):
            kzpolicy.assess(facts, year=year, readings=case.get("readings"), policy=policy)
        return
    a = kzpolicy.assess(facts, year=year, readings=case.get("readings"), policy=policy)

    if "expect" in case:
        want = {k: v for k, v in (case["expect"] or {}).items() if v != 0}
        assert _sum_by(a.ledger, "item", "amount_yuan") == want, \
            "\n" + a.ledger[["item", "event_code", "amount_yuan", "explanation_en"]].to_string()

    if "near_miss" in case:
        want = case["near_miss"] or {}
        assert set(a.near_misses["item"]) == set(want), a.near_misses[["item", "condition", "missing"]].to_string()
        for item, fields in want.items():
            rows = a.near_misses[a.near_misses["item"] == item].to_dict("records")
            assert any(all(r[k] == pytest.approx(v) if isinstance(v, float) else r[k] == v for k, v in (fields or {}).items())
                       for r in rows), f"{item}: no near-miss row with {fields}; rows: {rows}"

    if "undetermined" in case:
        assert sorted(set(a.undetermined["item"])) == sorted(case["undetermined"] or []), a.undetermined.to_string()

    for item, named in (case.get("values") or {}).items():
        kind = policy.item(item).kind
        rows = a.ledger[a.ledger["item"] == item].to_dict("records")
        assert rows, f"{item}: no ledger line to read {sorted(named)} from"
        declared = set(kinds.get(kind).fields) | {"amount_yuan", "cap_applied", "limit", "limit_before_yuan", "limit_used_yuan"}
        unknown = sorted(set(named) - declared)
        assert not unknown, f"{item}: kind {kind} declares no field {unknown} (fields: {sorted(declared)})"
        assert any(all(_same(r[n], v) for n, v in named.items()) for r in rows), \
            f"{item}: no line with {named}; lines: {[{n: r[n] for n in named} for r in rows]}"

    if "excluded" in case:
        want = {k: sorted([v] if isinstance(v, str) else v) for k, v in (case["excluded"] or {}).items()}
        got = {k: sorted(set(g["reason"])) for k, g in a.excluded.groupby("item")} if len(a.excluded) else {}
        assert got == want, f"exclusions differ: expected {want}, got {got}\n{a.excluded[['item', 'reason', 'reason_en']].to_string()}"

    if "fees" in case:
        want = case["fees"] or {}
        assert set(a.fees["item"]) == set(want)
        for item, v in want.items():
            rows = a.fees[a.fees["item"] == item]
            v = v if isinstance(v, dict) else {"fee_yuan": v}
            for k, x in v.items():
                assert int(rows[k].sum()) == x, f"{item}.{k}: {rows[k].tolist()} != {x}"

    if "township_awards" in case:
        t = a.township_awards
        got = {}
        for town, item, amt in zip(t["township"], t["item"], t["amount_yuan"]):
            got.setdefault(town, {})
            got[town][item] = got[town].get(item, 0) + int(amt)
        want = case["township_awards"] or {}
        # {township: yuan} compares the township's total; {township: {item: yuan}} also the prize
        got = {t: (sum(v.values()) if isinstance(want.get(t), int) else v) for t, v in got.items()}
        assert got == want

    # the document numbers its measures （一）…（二十四） and never writes 第N条: nothing a reader sees may cite one
    said = [*a.ledger.get("explanation_zh", []), *a.excluded["reason_zh"], *a.undetermined["reason_zh"], *a.near_misses["message_zh"]]
    invented = [t for t in said if isinstance(t, str) and re.search(r"第[一二三四五六七八九十]+条", t)]
    assert not invented, f"a citation the document does not use: {invented[:3]}"

    # every line explains itself: the article in Chinese, and the amount in 万元 and in yuan
    for r in a.ledger.to_dict("records"):
        assert f"依据{article_zh(r['article'])}" in r["explanation_zh"], r["explanation_zh"]
        assert wan(r["amount_yuan"]) in r["explanation_zh"], r["explanation_zh"]
        cite_en = POLICY.article(r["article"]).cite_en
        assert f"{r['amount_yuan']:,}" in r["explanation_en"] and cite_en in r["explanation_en"], r["explanation_en"]

    # the ledger total is the sum of its lines, and the JSON contract says the same
    d = a.to_dict()
    assert d["total_yuan"] == sum(x["amount_yuan"] for x in d["awards"]) == a.total_yuan


# --------------------------------------------------------------------------- consistency
def test_case_files_are_well_formed():
    problems = []
    names = {}
    for f, i, case in ALL:
        where = f"{f.name}[{i}]"
        if not isinstance(case, dict):
            problems.append(f"{where}: a case is a mapping")
            continue
        extra = set(case) - CASE_KEYS
        if extra:
            problems.append(f"{where}: unknown key(s) {sorted(extra)} (allowed: {sorted(CASE_KEYS)})")
        for req in ("name", "year"):
            if req not in case:
                problems.append(f"{where}: missing '{req}'")
        if not any(k in case for k in ("expect", "budget", "raises", "township_awards", "fees")):
            problems.append(f"{where}: states no expectation")
        name = case.get("name", "")
        if name in names:
            problems.append(f"{where}: name {name!r} already used in {names[name]}")
        names[name] = where
    assert not problems, "\n".join(problems)


def test_case_file_names_match_articles():
    keys = {a.key for a in POLICY.articles.values()}
    bad = [f.name for f in CASES_DIR.glob("*.yaml") if f.stem not in keys]
    assert not bad, f"case files must be named like the article YAML (artNN_slug.yaml): {bad}"


def test_each_case_is_about_its_file_article():
    problems = []
    for f, _i, case in ALL:
        n = int(f.stem[3:5])
        ids = _item_ids(case)
        for iid in ids:
            try:
                POLICY.item(iid)
            except KeyError:
                problems.append(f"{f.name}: case {case.get('name')!r} names unknown item {iid!r}")
        mine = {iid for iid in ids | _triggered(case) if iid.startswith(f"art{n:02d}.")}
        if not mine and "raises" not in case:
            problems.append(f"{f.name}: case {case.get('name')!r} does not name any item of article {n}: {sorted(ids)}")
        for r in case.get("readings") or {}:
            interp = POLICY.interpretations.get(r)
            if interp is None:
                problems.append(f"{f.name}: case {case.get('name')!r} uses unknown interpretation {r!r}")
        for path in case.get("parameters") or {}:
            item_id, _, name = str(path).rpartition(".")
            try:
                POLICY.item(item_id).param(name)
            except KeyError:
                problems.append(f"{f.name}: case {case.get('name')!r} amends unknown parameter {path!r}")
    assert not problems, "\n".join(problems)


def test_every_monetary_article_has_a_case_file():
    have = {int(f.stem[3:5]) for f in CASES_DIR.glob("art*.yaml")}
    missing = [POLICY.article(n).key for n in MONETARY_ARTICLES if n not in have]
    assert not missing, f"no case file for {missing}"
    assert set(MONETARY_ARTICLES) >= {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 21, 22}


def _nonzero_items() -> set:
    seen = set()
    for _, _, case in ALL:
        for key in ("expect", "budget"):
            seen |= {k for k, v in (case.get(key) or {}).items() if v}
        for k, v in (case.get("fees") or {}).items():
            if (v.get("fee_yuan") if isinstance(v, dict) else v):
                seen.add(k)
        for v in (case.get("township_awards") or {}).values():
            seen |= {k for k, x in v.items() if x} if isinstance(v, dict) else set()
    return seen


def test_every_award_item_is_exercised_with_a_nonzero_amount():
    seen = _nonzero_items()
    missing = sorted(it.id for it in POLICY.items() if it.kind in AWARD_KINDS and it.id not in seen)
    assert not missing, f"no case expects a non-zero amount for {missing}"


def test_every_budget_line_is_exercised():
    seen = _nonzero_items()
    missing = sorted(it.id for it in POLICY.items() if it.kind == "budget_line" and it.id not in seen)
    assert not missing, f"no case expects the budget line {missing}"


def test_every_reading_is_exercised():
    """Each reading of the registry, the defaults included, is named by at least one case."""
    used = {(k, v) for _, _, c in ALL for k, v in (c.get("readings") or {}).items()}
    missing = sorted(f"{i.id}={r}" for i in POLICY.interpretations.values() for r in i.readings if (i.id, r) not in used)
    assert not missing, f"no case names the reading(s) {missing}"


def _case(name):
    return next((f, i, c) for f, i, c in ALL if c.get("name") == name)


def test_runner_fails_on_a_wrong_named_value_a_missing_exclusion_or_an_unamended_policy():
    """The new case keys can fail: a wrong intermediate value, an exclusion the case does not list, an amendment ignored."""
    import copy
    f, i, case = _case("art11 R&D rising from 300万 to 400万 gets 300万 × 3% + 100万 × 10% = 19万")
    bad = copy.deepcopy(case)
    bad["values"]["art11.rd_subsidy"]["rd_stock_yuan"] = 3000001
    with pytest.raises(AssertionError, match="no line with"):
        test_case(f, i, bad)
    f, i, case = _case("art03 revenue of 10亿 + 1 yuan is paid the 10亿 tier")
    bad = copy.deepcopy(case)
    del bad["excluded"]["art03.milestone_2yi"]          # a subset is no longer enough
    with pytest.raises(AssertionError, match="exclusions differ"):
        test_case(f, i, bad)
    f, i, case = _case("art01 amended to 30万 from 2024 pays a 2024 entry 30万")
    bad = copy.deepcopy(case)
    del bad["parameters"]                                 # without the amendment the 2024 entry gets 20万
    with pytest.raises(AssertionError):
        test_case(f, i, bad)
