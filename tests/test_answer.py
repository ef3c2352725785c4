"""The answer box and the plain sentences: amounts rendered from the policy data, so they follow the YAML."""
import copy
import re

import pytest

from kzpolicy import answer, get_policy
from kzpolicy.money import wan

POL = get_policy()


def test_answer_box_states_who_how_much_conditions_and_whom_to_ask():
    box = answer.answer_box(5)
    floor = POL.param("art05.equipment_subsidy.floor").at("2023-12-31")
    rate = POL.param("art05.equipment_subsidy.rate").at("2023-12-31")
    factory = POL.param("art05.smart_factory_municipal.amount").at("2023-12-31")
    assert f"{wan(factory)}/户" in box
    assert f"按投资额的{rate * 100:g}%" in box
    assert f"投资额{wan(floor)}及以上" in box
    for u in POL.article(5).responsible:
        assert u in box
    assert POL.meta.doc_no in box and str(POL.meta.effective) in box
    for word in ("谁可以申请", "Who can apply", "能拿多少", "How much", "条件与边界", "找哪个部门"):
        assert word in box


def test_every_article_has_a_box_without_internal_ids():
    for n in range(1, 25):
        box = answer.answer_box(n)
        assert not re.search(r"\bart\d\d\.|\bNone\b|\bNaN\b|\bnan\b|\bTrue\b|\bFalse\b|\{'", box), n


def test_amounts_follow_the_policy_data():
    """Change an amount in a copy of the policy: the box and the sentences change with it."""
    pol = copy.deepcopy(POL)
    p = pol.article(5).items["smart_factory_municipal"].parameters["amount"]
    p.values = {d: 250_000 for d in p.values}
    assert "25万元/户" in answer.answer_box(5, policy=pol)
    assert answer.say(5, "奖励{smart_factory_municipal.amount}", policy=pol) == "奖励25万元"
    assert answer.say(5, "{smart_factory_municipal.amount:en}", policy=pol) == "250,000 yuan"


def test_say_fills_values_in_words():
    assert answer.say(5, "{equipment_subsidy.rate}、{equipment_subsidy.floor}") == \
        f"{POL.param('art05.equipment_subsidy.rate').at('2023-12-31') * 100:g}%、" \
        f"{wan(POL.param('art05.equipment_subsidy.floor').at('2023-12-31'))}"
    assert "‰" in answer.say(14, "{bridge_loan_fee.daily_rate}")


def test_say_refuses_a_misspelt_placeholder():
    with pytest.raises(KeyError, match="has no item 'smart_factory'"):
        answer.say(5, "{smart_factory.amount}")
    with pytest.raises(KeyError, match="has no parameter 'amout'"):
        answer.say(5, "{smart_factory_municipal.amout}")


def test_pays_summary_says_what_each_article_pays():
    amount = POL.param("art01.above_scale_enter.amount").at("2023-12-31")
    assert answer.pays_summary(1) == f"新升规入库奖励{wan(amount)}/户"
    assert "按投资额的" in answer.pays_summary(5)
    assert answer.pays_summary(24).startswith("不设奖补")


def test_home_page_article_table_says_what_each_article_pays():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("kzbook", Path(__file__).resolve().parent.parent / "book" / "_ext" / "kzbook.py")
    kzbook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kzbook)
    table = kzbook.article_table(POL)
    amount = POL.param("art01.above_scale_enter.amount").at("2023-12-31")
    assert f"{wan(amount)}/户" in table and "有 yes" not in table and "能拿多少" in table
    for a in POL.articles.values():
        assert answer.pays_summary(a.article).replace("|", "\\|") in table


def test_a_kind_the_wording_does_not_know_falls_back_to_the_kinds_own_amount_text(monkeypatch):
    from kzpolicy import compare

    it = POL.article(5).items["equipment_subsidy"]
    monkeypatch.setattr(type(it), "kind", property(lambda self: "some_new_kind"), raising=False)
    monkeypatch.setattr(compare, "amount_text_zh", lambda item, date: "由规则类型声明 from the kind")
    assert answer.amount_text(it)[0] == "由规则类型声明 from the kind"


def test_conditions_state_the_limits_across_items_from_the_policy_data():
    """条件与边界 names each cross-item limit with its cap and the text it rests on (Policy.limits())."""
    lim = POL.limit("art16.exchange_total")
    cap = list(lim.cap.values.values())[-1]
    box = answer.answer_box(lim.article)
    conds = box.split("**条件与边界**", 1)[1].split("**找哪个部门**", 1)[0]
    assert f"{lim.label.zh}：{lim.cap.word}{wan(cap)}" in conds and lim.cite.quote in conds
    assert f"at most {cap:,} yuan" in conds
    # a limit spanning articles shows on every page whose items it names (one subsidy per project, (五) and (九))
    proj = next(lm for lm in POL.limits() if lm.kind == "one_per_project")
    arts = {POL.item(i).article for i in proj.items}
    assert len(arts) > 1
    for n in arts:
        assert proj.label.zh in answer.answer_box(n), n
    # 就高 across tiers (article 3) is stated; an article without limits states none
    high = next(lm for lm in POL.limits() if lm.kind == "highest_of_group" and lm.article == 3)
    assert high.label.zh in answer.answer_box(3)
    assert answer.limit_lines(1) == []
    # the cap follows the data
    pol = copy.deepcopy(POL)
    pl = next(lm for lm in pol.limits() if lm.id == lim.id)
    pl.cap.values = {d: 4_000_000 for d in pl.cap.values}
    assert f"{pl.cap.word}{wan(4_000_000)}" in answer.answer_box(lim.article, policy=pol)
