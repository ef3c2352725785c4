"""Build the article notebooks for articles 13–24 (notebooks/artNN_slug.ipynb).

Each page follows ARCHITECTURE.md "Notebook page for one article": title and citation
box, the text clause by clause with the code for that clause, a plain
explanation (zh/en), the parameter table, worked examples with asserts derived
from the parameters, interpretation notes and exercises with hidden solutions.
Every amount shown comes from the policy data through ``kzpolicy.guide``.

Usage (writes and executes; ``--no-execute`` writes only)::

    .venv/bin/python tools/build_notebooks_art13_24.py [13 14 ...] [--no-execute]
    PATH=.venv/bin:$PATH .venv/bin/python -m pytest --nbval notebooks/art1[3-9]_*.ipynb notebooks/art2[0-4]_*.ipynb
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kzpolicy import get_policy  # noqa: E402
from kzpolicy.explain import article_zh  # noqa: E402

POLICY = get_policy()


# --------------------------------------------------------------------------- cells
def md(text: str, tags=()):
    c = new_markdown_cell(text.strip("\n"))
    if tags:
        c.metadata["tags"] = list(tags)
    return c


WIDTH = 100  # a code line wider than this scrolls sideways on the book page


def _fold(src: str) -> str:
    """Keep code readable on the page: move a long trailing comment above its line, split 'zh / en' comments."""
    out = []
    for line in src.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        body = line.strip()
        if len(line) > WIDTH and "  # " in line and not body.startswith("#"):
            code_part, comment = line.split("  # ", 1)
            out.append(f"{indent}# {comment.strip()}")
            line, body = code_part.rstrip(), code_part.strip()
        if len(line) > WIDTH and body.startswith("#") and " / " in body:
            zh, en = body[1:].split(" / ", 1)
            out += [f"{indent}# {zh.strip()}", f"{indent}# {en.strip()}"]
            continue
        out.append(line)
    return "\n".join(out)


def code(src: str, tags=()):
    c = new_code_cell(_fold(src.strip("\n")))
    if tags:
        c.metadata["tags"] = list(tags)
    return c


SETUP = """
import datetime as dt
from fractions import Fraction

import numpy as np
import pandas as pd

from kzpolicy import assess, budget_lines, get_policy, guide, validate
from kzpolicy.eligibility import check
from kzpolicy.facts import FactsError
from kzpolicy.money import as_fraction, mul_round, wan

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 220)
policy = get_policy()
"""


def head(n: int):
    a = POLICY.article(n)
    return [
        md(f"# {article_zh(n)}　{a.title.zh}\n\n*Article {n} — {a.title.en}*"),
        code(SETUP, tags=("hide-cell",)),
        code(f"guide.citation_box({n})", tags=("remove-input",)),
        md("## 原文与实现 Text and code\n\n"
           "原文逐句引用，每句之后是实现这一句的代码：参数取自政策数据（YAML），再用引擎算一个最小的例子。\n\n"
           "*The text, sentence by sentence, each followed by the code that implements exactly that sentence: "
           "the parameters come from the policy data (YAML), then the engine computes a minimal case.*"),
    ]


def clause(n: int, k: int):
    return code(f"guide.clause({n}, {k})", tags=("remove-input",))


def section(zh: str, en: str, body: str = ""):
    return md(f"## {zh} {en}" + (f"\n\n{body.strip()}" if body else ""))


def interp_head(n: int):
    return [section("解释与口径", "Interpretations",
                    "原文不明确之处登记在解释登记表中（kzpolicy/policies/kaizhou_2023_27/interpretations.yaml），"
                    "可以切换口径；下表列出与本条有关的登记项。"
                    "Where the text is ambiguous the reading is registered, switchable, and listed here."),
            code(f"t = guide.interpretations({n})\n"
                 "t if len(t) else guide.Markdown(\"（本条没有登记的解释项 / no interpretation is registered for this article）\")")]


def exercise(q: str, solution: str):
    return [md(q), code(solution, tags=("hide-cell",))]


NO_MONEY_CHECK = """
# 本条在政策数据中没有金额项目，也没有资格规则 / no money item and no eligibility rule in the policy data
art = policy.article({n})
assert art.items == {{}} and art.eligibility == {{}} and not art.has_money
{{"items": list(art.items), "eligibility": list(art.eligibility), "has_money": art.has_money}}
"""

BUSY_FIRM = """
# 一家事项很多的企业：评估结果中没有任何一行引用第{zh}条 / a firm with many events: no line cites article {n}
busy = {{
    "firm": guide.firm("BUSY", independent_legal_person=True, registered=True, tax_compliant=True,
                       good_credit=True, pre_listing_pool=True),
    "financials": {{2021: {{"revenue": 150000000, "rd_expense": 3000000}},
                   2022: {{"revenue": 180000000, "rd_expense": 4000000}}}},
    "events": [
        {{"date": "2023-08-15", "code": "above_scale.enter"}},
        {{"date": "2023-07-01", "code": "srdi.specialized.municipal"}},
        {{"date": "2023-09-01", "code": "equipment.investment", "amount": 3000000, "progress": 0.9}},
        {{"date": "2023-10-10", "code": "listing.neeq"}},
        {{"date": "2023-09-25", "code": "bridge_loan", "principal": 5000000,
         "start": "2023-09-25", "end": "2023-10-09"}},
    ],
}}
a = guide.run(busy)
assert len(a.ledger) > 0 and not (a.ledger["article"] == {n}).any()
assert not (a.fees["article"] == {n}).any()
display(guide.awards(a))
guide.outcome(a)
"""


# --------------------------------------------------------------------------- article 13
def art13():
    n = 13
    cells = head(n)
    cells += [
        clause(n, 1),
        code("""
# 资格规则来自政策数据：全部条件须满足（mode = all）/ the rule, from the policy data: every condition must hold
rule = policy.eligibility("art13.zhugongdai")
print(rule.id, "| mode:", rule.mode, "| benefit:", rule.benefit.zh)
guide.eligibility_table(13)
"""),
        code("""
# 对一家企业做检查：每个条件读企业的是/否字段；未提供的字段 → 无法判断
# check one firm: each condition reads a yes/no firm field; a field not given -> unknown, never "no"
one = {"firm": guide.firm("A", registered=True, tax_compliant=True, good_credit=True, independent_legal_person=True)}
check(one, "art13.zhugongdai", on="2023-09-01")[["firm_id", "status", "status_zh", "met", "failed", "missing"]]
"""),
        section("通俗解释", "Plain explanation", """
**中文**：开州区设立“助工贷”风险补偿资金池，为工业企业提供一年期流动资金贷款。申请的企业必须同时满足五个条件：是工业企业、依法注册、诚信纳税、信用良好、具有独立法人资格。本条**不发奖金**：企业得到的是一笔由资金池增信的贷款，贷款额度、利率、风险补偿比例在本文件中都没有规定，由资金池管理办法和合作银行另行确定。本工具把“工业企业”读作行业为制造业、采矿业或电力热力燃气及水生产和供应业（与其他条款的“工业企业”一致）；其余四个条件是企业提供的是/否事实，没有提供的，结论是“无法判断”，而不是“不符合”。

**English**: The district sets up a risk-compensation pool behind one-year working-capital loans (“助工贷”) for industrial firms. A firm must meet all five conditions: an industrial firm, lawfully registered, honest taxpayer, good credit, independent legal person. The article pays **no award**: the benefit is a loan backed by the pool; its size, rate and the pool's loss share are not set in this document. The toolkit reads “industrial firm” as manufacturing, mining or utilities (as elsewhere in the package); the other four conditions are yes/no facts supplied by the firm, and a fact not supplied makes the answer “unknown”, never “no”.
"""),
        section("参数表", "Parameters", "本条没有金额参数；资格条件如下。This article has no amounts; its conditions are:"),
        code("guide.eligibility_table(13)"),
        section("算例", "Worked examples"),
        md("### 例1 / Example 1\n\n五个条件全部满足：符合。All five conditions hold: eligible. 贷款不是奖励，评估结果中没有第十三条的金额。The loan is not an award, so the assessment has no article-13 amount."),
        code("""
ok = {"firm": guide.firm("A", registered=True, tax_compliant=True, good_credit=True, independent_legal_person=True)}
r = check(ok, "art13.zhugongdai", on="2023-09-01").iloc[0]
assert r["status"] == "eligible" and r["failed"] == "" and r["missing"] == ""
a = guide.run(ok)
assert not (a.ledger["article"] == 13).any()
display(guide.awards(a))
guide.outcome(a)
"""),
        md("### 例2 / Example 2\n\n同一家企业，一个条件为“否”（信用不良）：不符合，并指出哪一条不满足。The same firm with one condition false (bad credit): not eligible, naming the failed condition."),
        code("""
bad_credit = {"firm": guide.firm("B", registered=True, tax_compliant=True, good_credit=False, independent_legal_person=True)}
r = check(bad_credit, "art13.zhugongdai", on="2023-09-01").iloc[0]
assert r["status"] == "not_eligible" and r["failed"] == "信用良好"
display(check(bad_credit, "art13.zhugongdai", on="2023-09-01")[["firm_id", "status_zh", "failed", "failed_en"]])
guide.outcome(guide.run(bad_credit))
"""),
        md("### 例3 / Example 3\n\n没有提供“诚信纳税”：无法判断（不是“不符合”）。Tax compliance not given: unknown, not “no”."),
        code("""
no_tax = {"firm": guide.firm("C", registered=True, good_credit=True, independent_legal_person=True)}
r = check(no_tax, "art13.zhugongdai", on="2023-09-01").iloc[0]
assert r["status"] == "unknown" and pd.isna(r["eligible"]) and r["missing"] == "诚信纳税"
display(check(no_tax, "art13.zhugongdai", on="2023-09-01")[["firm_id", "status_zh", "missing", "missing_en"]])
guide.outcome(guide.run(no_tax))
"""),
        md("### 例4 / Example 4\n\n多家企业一次检查（向量化）：非工业企业、非独立法人（分公司）都不符合。Several firms at once: a non-industrial firm and a branch (not an independent legal person) fail."),
        code("""
yes = dict(registered=True, tax_compliant=True, good_credit=True, independent_legal_person=True)
firms = pd.DataFrame([
    {"firm_id": "D1", "industry": "manufacturing", "established": "2015-04-01", **yes},
    {"firm_id": "D2", "industry": "utilities", "established": "2015-04-01", **yes},
    {"firm_id": "D3", "industry": "other", "established": "2015-04-01", **yes},
    {"firm_id": "D4", "industry": "mining", "established": "2015-04-01", **{**yes, "independent_legal_person": False}},
])
res = check(validate(firms), "art13.zhugongdai", on="2023-09-01")
assert list(res["status"]) == ["eligible", "eligible", "not_eligible", "not_eligible"]
assert res.loc[2, "failed"] == "工业企业" and res.loc[3, "failed"] == "具有独立法人资格"
a = assess(validate(firms), year=2023)
assert a.total_yuan == 0  # 无事项即无奖励 / no events, no awards
display(res[["firm_id", "status_zh", "met", "failed"]])
guide.outcome(a)
"""),
        *interp_head(n),
        md("""
“工业企业”按登记的解释 industrial-firm 判断（国家统计口径：采矿业，制造业，电力、热力、燃气及水生产和供应业），与第一条等条款相同；此外，“信用良好”“诚信纳税”的认定标准（如纳税信用等级）原文没有规定，由企业或主管部门提供是/否结论。

“Industrial firm” follows the registered interpretation industrial-firm (industry as in national statistics: mining, manufacturing, utilities), as in the other articles; also, what counts as “good credit” or “honest taxpayer” (e.g. a tax-credit grade) is not defined in the text, so it is supplied as a yes/no fact.
"""),
        section("练习", "Exercises", "答案默认隐藏，点击展开。*Solutions are hidden; click to show.*"),
        *exercise("**练习1 / Exercise 1** — 一家电力企业（industry = utilities），五项事实均为“是”，能否申请“助工贷”？A utilities firm with all five facts true: eligible?", """
ex = {"firm": guide.firm("E1", industry="utilities", registered=True, tax_compliant=True, good_credit=True, independent_legal_person=True)}
answer = check(ex, "art13.zhugongdai", on="2023-10-01").iloc[0]
assert answer["status"] == "eligible"
answer[["status_zh", "met"]]
"""),
        *exercise("**练习2 / Exercise 2** — 一家制造业企业依法注册、信用良好，但“诚信纳税”未知、“独立法人”为否。结论是什么？为什么不是“无法判断”？A manufacturer, registered and with good credit, tax compliance unknown, not an independent legal person: what is the answer, and why not “unknown”?", """
ex = {"firm": guide.firm("E2", registered=True, good_credit=True, independent_legal_person=False)}
answer = check(ex, "art13.zhugongdai", on="2023-10-01").iloc[0]
# 全部满足（all）规则下，已知的一个“否”就足以判定不符合 / under 'all', one known 'no' decides
assert answer["status"] == "not_eligible" and answer["failed"] == "具有独立法人资格" and answer["missing"] == "诚信纳税"
answer[["status_zh", "failed", "missing"]]
"""),
    ]
    return cells


# --------------------------------------------------------------------------- article 14
def art14():
    n = 14
    cells = head(n)
    cells += [
        clause(n, 1),
        code("""
# 第一部分：使用范围扩大（满足其一即可）/ part 1: who may use the fund (any one condition)
guide.eligibility_table(14)
"""),
        code("""
# 第二部分：资金使用费 = 本金 × 工作日数 × 日费率，四舍五入到元（只取整一次）
# part 2: fee = principal × working days × daily rate, rounded once, half up, to the yuan
rate = guide.param("art14.bridge_loan_fee.daily_rate")
loan = {"firm": guide.firm("L1"), "events": [
    {"date": "2023-09-25", "code": "bridge_loan", "principal": 10000000, "start": "2023-09-25", "end": "2023-10-09"}]}
a = guide.run(loan)
a.fees[["item", "principal_yuan", "start", "end", "working_days", "daily_rate", "fee_yuan"]]
"""),
        md("第三部分“鼓励更多商业银行参与区级应急转贷”是工作要求，没有可计算的内容。The last part (encouraging more banks to take part) is an instruction with nothing to compute."),
        section("通俗解释", "Plain explanation", """
**中文**：区级应急转贷资金帮助企业“过桥”还旧贷、续新贷。本条把使用范围从工业企业扩大到个体工商户、新型农业经营主体、“双百”大型民营企业等市场主体（满足其一即可）。使用这笔资金要交**资金使用费**：按实际占用的**工作日**计算，每个工作日收取本金的万分之一（0.1‰，见参数表）。工作日按国家公布的节假日安排计算——法定节假日不算，调休上班的周末要算。首尾两天怎么算，原文没有写，本工具默认“算头不算尾”（见解释 art14-working-days）。这是企业**支付**的费用，不是奖励，单独列在“收费”中。

**English**: The district bridge-loan fund lets a borrower repay a maturing bank loan before the bank re-lends. This article opens it beyond industrial firms to individual businesses, new-type agricultural operators, large private firms of the “双百” list and other eligible entities (any one is enough). The user pays a **fee** per **working day** the money is used, a fixed share of the principal per day (0.1‰, see the parameter table). Working days follow the official calendar: public holidays do not count, weekend days made working days (调休) do. The text does not say which ends of the period count; by default the first day counts and the last does not (interpretation art14-working-days). The fee is a charge the borrower pays, reported apart from awards.
"""),
        code("""
# 上文说明中写到的费率须与政策数据一致 / the rate stated in the prose above must match the policy data
assert as_fraction(guide.param("art14.bridge_loan_fee.daily_rate")) == Fraction(1, 10000)   # 万分之一 = 0.1‰
""", tags=("remove-cell",)),
        section("参数表", "Parameters"),
        code("guide.parameter_table(14)"),
        code("guide.eligibility_table(14)"),
        section("算例", "Worked examples"),
        md("### 例1 / Example 1\n\n跨越2023年中秋、国庆假期的转贷：逐日列出官方日历（chinese_calendar）。A bridge loan across the 2023 Mid-Autumn and National Day holidays, day by day on the official calendar. 注意10月7日、8日是周末但调休上班。Note 7–8 October: a weekend, but working days (调休)."),
        code("""
import chinese_calendar as cc

start, end = dt.date(2023, 9, 25), dt.date(2023, 10, 9)
days = pd.date_range(start, end, freq="D")
detail = [cc.get_holiday_detail(d) for d in days.date]
cal = pd.DataFrame({
    "日期 date": days.date,
    "星期 weekday": days.day_name(),
    "工作日 working": [cc.is_workday(d) for d in days.date],
    "节日 holiday": [name or "" for _, name in detail],
})
cal["调休上班 adjusted"] = cal["工作日 working"] & (days.day_of_week >= 5)
cal["计费（算头不算尾）counted"] = cal["工作日 working"] & (cal["日期 date"] < end)
cal
"""),
        code("""
counted = int(cal["计费（算头不算尾）counted"].sum())
weekdays_only = int(np.busday_count(start, end))          # 只看周一至周五 / Mon–Fri only, ignoring the calendar
principal = 10000000
a = guide.run({"firm": guide.firm("L1"), "events": [
    {"date": str(start), "code": "bridge_loan", "principal": principal, "start": str(start), "end": str(end)}]})
fee = a.fees.iloc[0]
assert fee["working_days"] == counted
assert fee["fee_yuan"] == int(mul_round(principal * counted, rate))
assert counted != weekdays_only   # 调休与节假日改变了天数 / the holidays and 调休 change the count
print(f"官方日历工作日 {counted} 天；若只数周一至周五为 {weekdays_only} 天 / official working days {counted}; Mon–Fri only {weekdays_only}")
guide.outcome(a)
"""),
        md("### 例2 / Example 2\n\n两种计数口径的比较（同一笔转贷）。The two registered readings of the day count, same loan."),
        code("""
rows = []
for key in policy.interpretations["art14-working-days"].readings:
    f = guide.run({"firm": guide.firm("L1"), "events": [
        {"date": str(start), "code": "bridge_loan", "principal": principal, "start": str(start), "end": str(end)}]},
        readings={"art14-working-days": key}).fees.iloc[0]
    rows.append({"口径 reading": key, "工作日 days": int(f["working_days"]), "使用费 fee": wan(f["fee_yuan"]), "fee_yuan": int(f["fee_yuan"])})
both = pd.DataFrame(rows).set_index("口径 reading")
# 10月9日（周一）是工作日，所以“首尾均计”多一天 / 9 Oct is a working day, so 'both ends' adds one day
assert both.loc["both_ends", "工作日 days"] == both.loc["start_inclusive", "工作日 days"] + 1
assert both.loc["both_ends", "fee_yuan"] == int(mul_round(principal * (counted + 1), rate))
both
"""),
        md("### 例3 / Example 3\n\n取整边界：本金×天数×费率恰好是半元时，四舍五入进到1元；差一元则舍去。The rounding boundary: exactly half a yuan rounds up; one yuan less of principal rounds down."),
        code("""
half = int(Fraction(1, 2) / as_fraction(rate))          # 使费用恰为0.5元的“本金×天数” / principal×days giving exactly 0.5 yuan
one_day = {"date": "2023-09-25", "code": "bridge_loan", "start": "2023-09-25", "end": "2023-09-26"}  # 周一，算头不算尾 = 1天
up = guide.run({"firm": guide.firm("H"), "events": [{**one_day, "principal": half}]}).fees.iloc[0]
down = guide.run({"firm": guide.firm("H"), "events": [{**one_day, "principal": half - 1}]}).fees.iloc[0]
assert up["working_days"] == 1 and up["fee_yuan"] == 1 and down["fee_yuan"] == 0
pd.DataFrame([up, down])[["principal_yuan", "working_days", "fee_yuan", "explanation_zh"]]
"""),
        md("### 例4 / Example 4\n\n谁能使用资金：个体工商户符合（满足其一）；四项都为“否”的主体不符合；未提供的为“无法判断”。Who may use the fund: an individual business qualifies; an entity with all four false does not; facts not given make it unknown."),
        code("""
entities = pd.DataFrame([
    {"firm_id": "P1", "industry": "other", "established": "2018-01-01", "individual_business": True},
    {"firm_id": "P2", "industry": "other", "established": "2018-01-01", "individual_business": False,
     "new_agri_operator": False, "shuangbai_private": False},
    {"firm_id": "P3", "industry": "other", "established": "2018-01-01", "individual_business": False},
    {"firm_id": "P4", "industry": "manufacturing", "established": "2018-01-01"},
])
res = check(validate(entities), "art14.bridge_loan_scope", on="2023-09-25")
assert list(res["status"]) == ["eligible", "not_eligible", "unknown", "eligible"]
res[["firm_id", "status_zh", "met", "failed", "missing"]]
"""),
        *interp_head(n),
        md("""
**industrial-firm**：本条原有范围是工业企业，按登记的解释 industrial-firm（国家统计口径：采矿业，制造业，电力、热力、燃气及水生产和供应业）判断；本条把范围扩大到个体工商户等主体，见上方的适用范围检查。

**industrial-firm**: the fund's original scope is industrial firms, read by the registered interpretation industrial-firm (mining, manufacturing, utilities as in national statistics); this article widens it to individual businesses and others (see the scope check above).
"""),
        md("下表：同一笔贷款若在周末前一天开始，两种口径的差别最大（首日计入，末日周一是否计入）。Below: a loan from a Friday to the next Monday — the readings differ by one working day out of two."),
        code("""
fri_mon = {"firm": guide.firm("W"), "events": [
    {"date": "2023-09-22", "code": "bridge_loan", "principal": principal, "start": "2023-09-22", "end": "2023-09-25"}]}
eff = {k: guide.run(fri_mon, readings={"art14-working-days": k}).fees.iloc[0] for k in policy.interpretations["art14-working-days"].readings}
assert eff["start_inclusive"]["working_days"] == 1 and eff["both_ends"]["working_days"] == 2
pd.DataFrame({k: {"working_days": int(v["working_days"]), "fee": wan(v["fee_yuan"])} for k, v in eff.items()}).T
"""),
        md("默认口径“算头不算尾”下只收周五一天的费用；“首尾均计”下周一也收费，费用翻倍。Under the default only Friday is charged; counting both ends charges Monday too and doubles the fee. `guide.reading_effects` compares awards, and a fee is not an award, so the comparison above is computed from `a.fees` directly."),
        section("练习", "Exercises", "答案默认隐藏，点击展开。*Solutions are hidden; click to show.*"),
        *exercise("**练习1 / Exercise 1** — 本金1000万元，2023-12-29至2024-01-02使用转贷资金（跨元旦），按默认口径收多少费用？A 10-million loan from 2023-12-29 to 2024-01-02 (across New Year): the fee under the default reading?", """
ex = {"firm": guide.firm("X1"), "events": [
    {"date": "2023-12-29", "code": "bridge_loan", "principal": 10000000, "start": "2023-12-29", "end": "2024-01-02"}]}
f = guide.run(ex).fees.iloc[0]
expected_days = sum(cc.is_workday(d) for d in pd.date_range("2023-12-29", "2024-01-01").date)   # 算头不算尾
assert f["working_days"] == expected_days == 1   # 只有12月29日（周五）；12月30日至1月1日放假
assert f["fee_yuan"] == int(mul_round(10000000 * expected_days, rate))
f[["working_days", "fee_yuan", "explanation_zh"]]
"""),
        *exercise("**练习2 / Exercise 2** — 2023年10月共有多少个计费工作日？与只数周一至周五相比差几天？How many working days does October 2023 have on the official calendar, against a Mon–Fri count?", """
oct_days = pd.date_range("2023-10-01", "2023-10-31").date
official = sum(cc.is_workday(d) for d in oct_days)
mon_fri = int(np.busday_count("2023-10-01", "2023-11-01"))
# 引擎的计数与日历一致（首尾均计，10月1日至31日）/ the engine agrees (both ends, 1–31 October)
from kzpolicy.rules.working_day_fee import working_days
assert int(working_days(np.datetime64("2023-10-01"), np.datetime64("2023-10-31"), both_ends=True)) == official
{"official": official, "mon_fri": mon_fri, "difference": mon_fri - official}
"""),
        *exercise("**练习3 / Exercise 3** — 一笔转贷2023-09-28（周四）开始、2023-10-07（周六，调休上班）归还。两种口径各计几个工作日？A loan from Thursday 28 September to Saturday 7 October 2023 (a 调休 working day): how many days under each reading?", """
ex = {"firm": guide.firm("X3"), "events": [
    {"date": "2023-09-28", "code": "bridge_loan", "principal": 10000000, "start": "2023-09-28", "end": "2023-10-07"}]}
days = {k: int(guide.run(ex, readings={"art14-working-days": k}).fees.iloc[0]["working_days"])
        for k in policy.interpretations["art14-working-days"].readings}
span = pd.date_range("2023-09-28", "2023-10-07").date
assert days["start_inclusive"] == sum(cc.is_workday(d) for d in span[:-1]) == 1   # 只有9月28日 / 28 Sep only
assert days["both_ends"] == sum(cc.is_workday(d) for d in span) == 2              # 10月7日调休上班也计 / 7 Oct counts too
days
"""),
    ]
    return cells


# --------------------------------------------------------------------------- article 15
def art15():
    n = 15
    cells = head(n)
    cells += [
        clause(n, 1),
        code("""
# 五类对象，满足其一即可（mode = any）。前四类由事项（事件代码前缀）判断，第五类由企业字段判断。
# five kinds of firm, any one is enough; four are read from events (code prefixes), one from a firm field
rule = policy.eligibility("art15.one_firm_one_plan")
print(rule.id, "| mode:", rule.mode, "| benefit:", rule.benefit.zh)
guide.eligibility_table(15)
"""),
        code("""
# 最小例子：一家新认定的市级专精特新企业 / minimal case: a newly recognised municipal 专精特新 firm
srdi = {"firm": guide.firm("S1", pre_listing_pool=False),
        "events": [{"date": "2023-07-01", "code": "srdi.specialized.municipal"}]}
check(srdi, "art15.one_firm_one_plan", on="2023-09-01")[["firm_id", "status_zh", "met", "failed", "missing"]]
"""),
        section("通俗解释", "Plain explanation", """
**中文**：对五类重点企业——工业十强、科技创新十强、工业十强成长型企业、专精特新企业、拟上市储备企业——金融部门“一企一策”地制定金融服务方案。属于其中任何一类即可。本条**没有金额**：方案的内容（贷款额度、利率、担保方式）由金融事务中心和银行逐户确定，文件没有规定。

原文**确定了**：哪五类企业是对象；服务形式是“一企一策”的金融服务方案。**没有确定**：各类名单从何时起、多长时间有效（例如专精特新称号有有效期，十强为年度评选）；方案包含什么。本工具把截至检查日已发生的相关认定都算作“属于该类”，没有考虑称号到期——这是一个需要使用者注意的假设。

**English**: Five kinds of key firm — the industrial top ten, the innovation top ten, the growth top ten, 专精特新 firms and firms in the pre-listing pool — get a financial-service plan made for each firm (“一企一策”). Any one kind is enough. There is **no amount**: what the plan contains (credit lines, rates, guarantees) is decided firm by firm by the finance centre and the banks.

The text **decides** who is covered and the form of the service. It **leaves open** how long each status lasts (专精特新 titles expire; the top tens are annual) and what a plan holds. The toolkit counts any qualifying recognition up to the check date and does not model expiry — an assumption to keep in mind.
"""),
        section("参数表", "Parameters", "本条没有金额参数；资格条件如下。No amounts; the conditions:"),
        code("guide.eligibility_table(15)"),
        section("算例", "Worked examples"),
        md("### 例1 / Example 1\n\n认定日期的边界：2023-07-01入选科技创新十强，6月30日检查不符合，7月1日（含当日）符合。The date boundary: selected for the innovation top ten on 2023-07-01 — not yet on 30 June, eligible from 1 July inclusive."),
        code("""
top10 = {"firm": guide.firm("T1", pre_listing_pool=False),
         "events": [{"date": "2023-07-01", "code": "ranking.top10.innovation"}]}
before = check(top10, "art15.one_firm_one_plan", on="2023-06-30").iloc[0]
on_day = check(top10, "art15.one_firm_one_plan", on="2023-07-01").iloc[0]
assert before["status"] == "not_eligible" and on_day["status"] == "eligible" and on_day["met"] == "科技创新十强企业"
a = guide.run(top10)
display(pd.DataFrame([before, on_day])[["on", "status_zh", "met"]])
display(guide.awards(a))
guide.outcome(a)
"""),
        md("### 例2 / Example 2\n\n国家级专精特新“小巨人”：事件代码以 `srdi` 开头，属于专精特新企业。A national little giant: its code starts with `srdi`, so it is a 专精特新 firm. 同时它在第四条下获得奖励（那是第四条的金额，不是本条的）。It also earns an article-4 award — that money is article 4's, not this one's."),
        code("""
giant = {"firm": guide.firm("G1", independent_legal_person=True),
         "events": [{"date": "2023-08-01", "code": "srdi.little_giant.national"}]}
r = check(giant, "art15.one_firm_one_plan", on="2023-12-31").iloc[0]
assert r["status"] == "eligible" and r["met"] == "专精特新企业" and r["missing"] == "拟上市储备企业"
a = guide.run(giant)
assert not (a.ledger["article"] == 15).any()
display(guide.awards(a))
guide.outcome(a)
"""),
        md("### 例3 / Example 3\n\n没有任何认定：拟上市储备为“是”则符合，为“否”则不符合，未提供则无法判断。No recognition at all: in the pre-listing pool → eligible; not in it → not eligible; not given → unknown."),
        code("""
firms = pd.DataFrame([
    {"firm_id": "R1", "industry": "manufacturing", "established": "2015-04-01", "pre_listing_pool": True},
    {"firm_id": "R2", "industry": "manufacturing", "established": "2015-04-01", "pre_listing_pool": False},
    {"firm_id": "R3", "industry": "manufacturing", "established": "2015-04-01"},
])
res = check(validate(firms), "art15.one_firm_one_plan", on="2023-09-01")
assert list(res["status"]) == ["eligible", "not_eligible", "unknown"]
a = assess(validate(firms), year=2023)
display(res[["firm_id", "status_zh", "met", "missing"]])
guide.outcome(a)
"""),
        md("### 例4 / Example 4\n\n相似但不同的称号不算：市级创新型中小企业（`sme.innovative.municipal`）不是专精特新企业。A similar title does not count: a municipal innovative SME is not a 专精特新 firm."),
        code("""
innov = {"firm": guide.firm("I1", pre_listing_pool=False, independent_legal_person=True),
         "events": [{"date": "2023-08-01", "code": "sme.innovative.municipal"}]}
r = check(innov, "art15.one_firm_one_plan", on="2023-12-31").iloc[0]
assert r["status"] == "not_eligible"
a = guide.run(innov)
display(guide.awards(a))
guide.outcome(a)
"""),
        *interp_head(n),
        md("本条没有登记的解释项。未决问题（称号有效期、十强名单的年度）如上所述，本工具不作推测。No interpretation is registered; the open questions above (how long a status lasts) are not guessed by the toolkit."),
        section("练习", "Exercises", "答案默认隐藏，点击展开。*Solutions are hidden; click to show.*"),
        *exercise("**练习1 / Exercise 1** — 一家企业2023-10-15入选工业十强成长型企业，2023-10-14检查和2023-10-15检查结果分别是什么？A firm joins the growth top ten on 2023-10-15: the result on 14 and on 15 October?", """
ex = {"firm": guide.firm("X1", pre_listing_pool=False), "events": [{"date": "2023-10-15", "code": "ranking.top10.growth"}]}
r14 = check(ex, "art15.one_firm_one_plan", on="2023-10-14").iloc[0]["status"]
r15 = check(ex, "art15.one_firm_one_plan", on="2023-10-15").iloc[0]["status"]
assert (r14, r15) == ("not_eligible", "eligible")
(r14, r15)
"""),
        *exercise("**练习2 / Exercise 2** — 在下面四家企业中，有几家属于“一企一策”对象？Of these four firms, how many are covered?", """
firms = pd.DataFrame([{"firm_id": f"Y{i}", "industry": "manufacturing", "established": "2015-04-01", "pre_listing_pool": p}
                      for i, p in enumerate([False, False, True, None])])
events = pd.DataFrame([{"firm_id": "Y0", "date": "2023-06-01", "code": "ranking.top10.composite"},
                       {"firm_id": "Y1", "date": "2023-06-01", "code": "listing.neeq"}])
res = check(validate(firms, events), "art15.one_firm_one_plan", on="2023-12-31")
# Y0 十强；Y1 只有新三板挂牌（不在五类之列）；Y2 拟上市储备；Y3 无认定且储备情况未知
assert list(res["status"]) == ["eligible", "not_eligible", "eligible", "unknown"]
res[["firm_id", "status_zh", "met"]]
"""),
    ]
    return cells


# --------------------------------------------------------------------------- article 16
def art16():
    n = 16
    cells = head(n)
    cells += [
        clause(n, 1),
        code("""
share = guide.param("art16.exchange_listing.share")
cap = guide.param("art16.exchange_listing.cap")
print("share of the municipal reward:", share, "| cap (yuan, inclusive):", cap)
# 市级奖补金额是输入，绝不推测 / the municipal reward is an input, never guessed
star = {"firm": guide.firm("L1"), "events": [{"date": "2023-10-10", "code": "listing.star", "municipal_reward": 2000000}]}
guide.awards(guide.run(star))
"""),
        clause(n, 2),
        code("""
neeq_amount = guide.param("art16.neeq_listing.amount")
guide.awards(guide.run({"firm": guide.firm("L2"), "events": [{"date": "2023-10-10", "code": "listing.neeq"}]}))
"""),
        clause(n, 3),
        code("""
cq_amount = guide.param("art16.cq_equity_listing.amount")
first_trade = guide.param("art16.cq_equity_first_trade.amount")
guide.awards(guide.run({"firm": guide.firm("L3"), "events": [
    {"date": "2023-08-01", "code": "listing.cq_equity"}, {"date": "2023-11-01", "code": "listing.cq_equity.first_trade"}]}))
"""),
        section("通俗解释", "Plain explanation", """
**中文**：企业上市或挂牌，在享受重庆市奖补之外，还可以获得开州区的奖励：
- 在主板、创业板、科创板、北交所**上市**：区级奖励为市级奖补标准的一定比例，但总额有上限（比例与上限见参数表；上限“不超过”含本数）。区级金额取决于市级金额，而市级分阶段标准本工具没有读到，所以**必须把市级奖补金额作为输入**，否则报错而不推测。
- 在“新三板”**挂牌**：一次性固定奖励。
- 在重庆股份转让中心**挂牌**：挂牌成功给一笔奖励，实现首笔交易再给一笔。

奖励按事项发生日适用政策；公布日（2023-05-30）之前的上市默认不适用（见解释 publication-date）。

**English**: On top of Chongqing's municipal reward, Kaizhou pays:
- for a **listing** on the main board, ChiNext, STAR or the Beijing Stock Exchange: a share of the municipal reward, up to a cap (see the parameter table; the cap, “不超过”, is included). The district amount depends on the municipal one, which this toolkit could not read, so the **municipal reward must be supplied**; without it the input is rejected, never guessed;
- for a NEEQ (“新三板”) listing: a fixed one-off award;
- for a listing on the Chongqing equity transfer centre: one award on listing and a further award on the first trade.

Events before publication (2023-05-30) do not count by default (interpretation publication-date).
"""),
        section("参数表", "Parameters"),
        code("guide.parameter_table(16)"),
        section("算例", "Worked examples"),
        md("### 例1 / Example 1\n\n上限的两侧。市级奖补恰好使区级奖励等于上限时，按比例计算即为上限（未触发封顶）；再多一点，就按上限封顶。Both sides of the cap: at the municipal reward where the share equals the cap, the cap is reached without capping; a little more and the cap binds."),
        code("""
at_cap = Fraction(cap) / as_fraction(share)
assert at_cap.denominator == 1
at_cap = int(at_cap)                       # 使区级奖励恰为上限的市级奖补 / municipal reward giving exactly the cap
rows = []
for reward in (at_cap - 2, at_cap, at_cap + 2):
    a = guide.run({"firm": guide.firm("C"), "events": [{"date": "2023-10-10", "code": "listing.main", "municipal_reward": reward}]})
    rows.append(a.ledger.iloc[0])
led = pd.DataFrame(rows)
assert list(led["amount_yuan"]) == [int(mul_round(at_cap - 2, share)), cap, cap]
assert list(led["cap_applied"]) == [False, False, True]
assert led["amount_yuan"].iloc[0] < cap
display(led[["basis_yuan", "amount_yuan", "cap_applied", "explanation_zh"]])
guide.outcome(a)
"""),
        md("### 例2 / Example 2\n\n没有市级奖补金额：输入被拒绝，错误信息指出哪一行、哪个字段。No municipal reward given: the input is rejected, naming the row and the field."),
        code("""
try:
    guide.run({"firm": guide.firm("M"), "events": [{"date": "2023-10-10", "code": "listing.bse"}]})
    raise AssertionError("should have been rejected")
except FactsError as e:
    assert "municipal_reward" in str(e) and "events[0]" in str(e)
    print(e)
"""),
        md("### 例3 / Example 3\n\n重庆股份转让中心：挂牌和首笔交易两笔奖励；同一企业第二次挂牌不再奖励（一次性）。The Chongqing equity centre: listing plus first trade; a second listing of the same firm is not paid again (one-off)."),
        code("""
a = guide.run({"firm": guide.firm("Q"), "events": [
    {"date": "2023-08-01", "code": "listing.cq_equity"},
    {"date": "2023-11-01", "code": "listing.cq_equity.first_trade"},
    {"date": "2023-12-01", "code": "listing.cq_equity"}]})
assert a.total_yuan == cq_amount + first_trade
assert list(a.excluded["reason"]) == ["already_awarded"]
display(guide.awards(a))
guide.outcome(a)
"""),
        md("### 例4 / Example 4\n\n公布日的边界：2023-05-29挂牌“新三板”不计，2023-05-30（含当日）计。The publication date: a NEEQ listing on 29 May 2023 does not count; on 30 May it does."),
        code("""
day_before = guide.run({"firm": guide.firm("N"), "events": [{"date": "2023-05-29", "code": "listing.neeq"}]})
on_day = guide.run({"firm": guide.firm("N"), "events": [{"date": "2023-05-30", "code": "listing.neeq"}]})
assert day_before.total_yuan == 0 and list(day_before.excluded["reason"]) == ["before_effective"]
assert on_day.total_yuan == neeq_amount
display(guide.outcome(day_before))
display(guide.awards(on_day))
guide.outcome(on_day)
"""),
        *interp_head(n),
        md("**publication-date**：2023年3月在科创板上市的企业（市级奖补取一个示例值），按默认口径不计，按“当年1月1日起”口径计。A STAR listing in March 2023 (illustrative municipal reward): nothing under the default, the share under the alternative."),
        code("""
early = {"firm": guide.firm("E"), "events": [{"date": "2023-03-15", "code": "listing.star", "municipal_reward": 2000000}]}
eff = guide.reading_effects(early, "publication-date").set_index("口径 reading")
assert eff.loc["from_publication", "total_yuan"] == 0
assert eff.loc["from_year_start", "total_yuan"] == int(mul_round(2000000, share))
eff
"""),
        md("**art16-municipal-reward** 只有一个口径（必须输入），例2已演示：缺少输入时不给出任何金额。This interpretation has a single reading (input required), shown in example 2: without the input no amount is produced."),
        section("练习", "Exercises", "答案默认隐藏，点击展开。*Solutions are hidden; click to show.*"),
        *exercise("**练习1 / Exercise 1** — 一家企业2023-09-01在北交所上市，市级奖补800万元，区级奖励多少？A BSE listing on 2023-09-01 with a municipal reward of 8 million yuan: the district reward?", """
a = guide.run({"firm": guide.firm("X1"), "events": [{"date": "2023-09-01", "code": "listing.bse", "municipal_reward": 8000000}]})
expected = min(int(mul_round(8000000, share)), cap)
assert a.total_yuan == expected == cap and bool(a.ledger["cap_applied"].iloc[0])
guide.awards(a)
"""),
        *exercise("**练习2 / Exercise 2** — 一家企业2023-08在重庆股份转让中心挂牌，2024-02实现首笔交易。2023年、2024年各得多少？Listed on the Chongqing equity centre in August 2023, first trade in February 2024: how much in each year?", """
ex = {"firm": guide.firm("X2"), "events": [{"date": "2023-08-20", "code": "listing.cq_equity"},
                                           {"date": "2024-02-20", "code": "listing.cq_equity.first_trade"}]}
y23, y24 = guide.run(ex, year=2023).total_yuan, guide.run(ex, year=2024).total_yuan
assert (y23, y24) == (cq_amount, first_trade)
{"2023": wan(y23), "2024": wan(y24)}
"""),
        *exercise("**练习3 / Exercise 3** — 一家企业2023-06-15在“新三板”挂牌，2023-12-20又在北交所上市（市级奖补400万元）。2023年区级奖励合计多少？NEEQ listing on 2023-06-15, then a BSE listing on 2023-12-20 with a municipal reward of 4 million: the district total for 2023?", """
ex = {"firm": guide.firm("X3"), "events": [
    {"date": "2023-06-15", "code": "listing.neeq"},
    {"date": "2023-12-20", "code": "listing.bse", "municipal_reward": 4000000}]}
a = guide.run(ex)
# 两项分属第2句和第1句，各自计算 / clauses 2 and 1, each computed on its own
assert a.total_yuan == neeq_amount + min(int(mul_round(4000000, share)), cap)
display(guide.awards(a))
guide.outcome(a)
"""),
    ]
    return cells


# --------------------------------------------------------------------------- articles 17–20, 23 (no amount)
def no_money(n: int, explanation: str, decides: list, open_: list, examples: list, exercises: list):
    a = POLICY.article(n)
    cells = head(n)
    for c in a.clauses:
        cells += [clause(n, c.clause)]
        if c.clause == 1:
            cells += [code(NO_MONEY_CHECK.format(n=n))]
        else:
            cells += [md("本句同样没有金额或可判断的资格条件。This clause, too, has no amount or checkable condition.")]
    table = "| 原文确定了 The text decides | 原文没有确定 The text leaves open |\n|---|---|\n"
    for i in range(max(len(decides), len(open_))):
        table += f"| {decides[i] if i < len(decides) else ''} | {open_[i] if i < len(open_) else ''} |\n"
    cells += [
        section("通俗解释", "Plain explanation", explanation),
        md(table),
        section("参数表", "Parameters",
               "本条**没有可计算的金额**，政策数据中没有参数；下表为空是如实的结果，而不是遗漏。"
               "This article has **no computable amount**: the policy data holds no parameter for it, and the empty table is the honest result."),
        code(f"assert guide.parameter_table({n}).empty and guide.eligibility_table({n}).empty\n"
             "guide.Markdown(\"（参数表为空：本条没有金额参数，也没有资格条件 / empty: no amount parameter and no eligibility condition）\")"),
        section("算例", "Worked examples"),
        *examples,
        *interp_head(n),
        md("本条没有登记的解释项：原文没有可计算的内容，也就没有需要选择的计算口径。No interpretation is registered: with nothing to compute there is no reading to choose."),
        section("练习", "Exercises", "答案默认隐藏，点击展开。*Solutions are hidden; click to show.*"),
        *exercises,
    ]
    return cells


CHAPTER_MONEY = """
# 第{ch}章各条是否有金额 / which articles of chapter {ch} carry money
ch = pd.DataFrame([{{"条 article": a.article, "标题": a.title.zh, "有金额 has money": a.has_money,
                    "资格规则 eligibility": len(a.eligibility)}}
                   for a in policy.articles.values() if a.chapter == {ch}])
assert not ch.loc[ch["条 article"] == {n}, "有金额 has money"].iloc[0]
ch
"""


SHARED_UNITS = """
# 本条的单位也负责哪些有金额的条款 / which money articles the same units administer
units = {units}
shared = pd.DataFrame([{{"条 article": a.article, "标题": a.title.zh,
                        "共同单位 shared units": "、".join(u for u in a.responsible if u in units)}}
                       for a in policy.articles.values() if a.has_money and any(u in a.responsible for u in units)],
                      columns=["条 article", "标题", "共同单位 shared units"])
{check}
shared
"""


def art17():
    n = 17
    return no_money(
        n,
        """
**中文**：围绕重点战略性新兴产业培育、重大科技创新和重要产业转型升级，对符合条件的重大战略类、重点行业类和科创培育类项目，支持企业申报国家级、市级、区级产业投资基金。本条是**支持申报**的表述：没有金额、没有比例，也没有列出“符合条件”的具体条件——这些由各级基金的管理办法规定。因此本工具不能、也不会为某个项目计算本条的金额或资格。

**English**: For qualifying major strategic, key-industry and innovation projects, firms are supported in applying to national, municipal and district industrial investment funds. The article **supports applications**: it sets no amount, no rate and no list of “qualifying conditions” — those come from each fund's own rules. So the toolkit cannot, and does not, compute an amount or eligibility under this article.
""",
        ["支持的项目类型：重大战略类、重点行业类、科创培育类 / project types: major strategic, key industry, innovation", "可申报的基金层级：国家级、市级、区级 / fund levels: national, municipal, district"],
        ["“符合条件”是什么条件 / what the qualifying conditions are", "投资金额、比例或上限 / any amount, share or cap", "由谁、按什么程序推荐 / who recommends, and how"],
        [
            md("### 例1 / Example 1\n\n一家事项很多的企业：评估结果中没有第十七条的金额。A busy firm: no article-17 line in its assessment."),
            code(BUSY_FIRM.format(n=n, zh="十七")),
            md("### 例2 / Example 2\n\n第四章（金融）中哪些条款有金额？本条没有。Which articles of chapter 4 (finance) carry money? Not this one."),
            code(CHAPTER_MONEY.format(ch=4, n=n)),
            md("### 例3 / Example 3\n\n找谁办：本条的责任单位也负责哪些有金额的条款。Who to ask: the money articles run by the same units."),
            code(SHARED_UNITS.format(units="policy.article(17).responsible",
                                     check="assert 16 in set(shared[\"条 article\"])   # 上市奖励也由区金融事务中心等负责")),
        ],
        [
            *exercise("**练习1 / Exercise 1** — 政策数据中有没有任何项目或资格规则引用第十七条？Does any item or eligibility rule cite article 17?", """
citing = [it.id for it in policy.items() if it.cite.article == 17] + [r.id for r in policy.eligibility_rules() if r.cite.article == 17]
assert citing == []
citing
"""),
            *exercise("**练习2 / Exercise 2** — 第四章四条中，有金额的是哪几条？Which articles of chapter 4 carry money?", """
money = [a.article for a in policy.articles.values() if a.chapter == 4 and a.has_money]
assert money == [14, 16]   # 第十四条是收费（转贷资金使用费），第十六条是奖励 / 14 is a fee, 16 an award
money
"""),
        ],
    )


def art18():
    n = 18
    return no_money(
        n,
        """
**中文**：工业企业引进的人才，按照《开州英才计划实施办法（试行）》的要求，经认定后享受该办法规定的政策；这些人才的子女按程序审批后安排入学。本条是**转介**：人才待遇的金额和条件都在另一份文件中，本文件没有规定，本工具也没有收录那份文件，所以不计算任何人才补贴。

**English**: Talent brought in by industrial firms enjoys, once recognised, the benefits of the 《开州英才计划实施办法（试行）》; their children are placed in school after approval. The article **refers elsewhere**: the amounts and conditions are in that other document, which this toolkit does not hold, so it computes no talent benefit.
""",
        ["适用对象：工业企业引进的人才 / who: talent recruited by industrial firms", "依据：《开州英才计划实施办法（试行）》 / under which rules", "子女入学按程序审批后安排 / children's schooling, after approval"],
        ["人才待遇的金额和认定标准（在另一文件中）/ the benefits and criteria (in another document)", "入学安排的具体学校与时限 / which schools, by when"],
        [
            md("### 例1 / Example 1\n\n一家事项很多的企业：评估结果中没有第十八条的金额。A busy firm: no article-18 line."),
            code(BUSY_FIRM.format(n=n, zh="十八")),
            md("### 例2 / Example 2\n\n第五章（人才）中没有任何条款有金额。No article of chapter 5 (talent) carries money."),
            code(CHAPTER_MONEY.format(ch=5, n=n)),
            md("### 例3 / Example 3\n\n本条的责任单位（组织、教育、人社部门）不负责任何有金额的条款：人才待遇在另一份文件中。The units of this article run no money article here: talent benefits live in another document."),
            code(SHARED_UNITS.format(units="policy.article(18).responsible", check="assert shared.empty")),
        ],
        [
            *exercise("**练习1 / Exercise 1** — 事件词表中有没有“人才引进”类事项？为什么？Is there a talent event in the event vocabulary, and why?", """
from kzpolicy.events import EVENT_CODES
talent = [c for c in EVENT_CODES if "talent" in c]
# 没有：本文件不规定人才待遇，无从计算 / none: this document sets no talent benefit to compute
assert talent == []
talent
"""),
            *exercise("**练习2 / Exercise 2** — 第十八条有几句？每一句各引用了什么？How many clauses has article 18, and what does each refer to?", """
cl = [(c.clause, c.text_zh) for c in policy.article(18).clauses]
assert len(cl) == 2 and "开州英才计划" in cl[0][1] and "入学" in cl[1][1]
pd.DataFrame(cl, columns=["句 clause", "原文 text"])
"""),
        ],
    )


def art19():
    n = 19
    return no_money(
        n,
        """
**中文**：支持工业企业与职业院校、大专院校、培训机构以订单班、学徒班、合作办学等形式合作，共建实习实训就业基地，开展订单式培训，实现对口就业；鼓励区内职业院校与企业对接，开展学生顶岗实习；弘扬工匠精神，培养高素质技术技能人才。三句都是**鼓励和支持**的表述，没有补贴标准或条件，本工具不计算金额。

**English**: Firms are supported in working with vocational and higher colleges and training providers (order classes, apprenticeships, joint schooling, shared training bases, placement); local vocational schools and firms are encouraged to run student internships; craftsmanship is promoted. All three clauses **encourage**; none sets a subsidy or a condition, so nothing is computed.
""",
        ["合作形式：订单班、学徒班、合作办学、实训基地 / forms of cooperation", "合作对象：职业院校、大专院校、培训机构 / partners", "目标：对口就业、顶岗实习、技能人才 / aims"],
        ["任何补贴或奖励标准 / any subsidy or award", "哪个合作项目算“支持”，怎样申请 / what counts as support, and how to apply"],
        [
            md("### 例1 / Example 1\n\n一家事项很多的企业：评估结果中没有第十九条的金额。A busy firm: no article-19 line."),
            code(BUSY_FIRM.format(n=n, zh="十九")),
            md("### 例2 / Example 2\n\n第五章各条都没有金额。No article of chapter 5 carries money."),
            code(CHAPTER_MONEY.format(ch=5, n=n)),
            md("### 例3 / Example 3\n\n本条的责任单位中，只有浦里新区管委会也负责有金额的条款。Of this article's units, only the 浦里新区 committee also runs money articles."),
            code(SHARED_UNITS.format(units="policy.article(19).responsible",
                                     check="assert set(\"、\".join(shared[\"共同单位 shared units\"]).split(\"、\")) == {\"浦里新区管委会\"}")),
        ],
        [
            *exercise("**练习1 / Exercise 1** — 第十九条列出了哪几种合作形式？从原文中找出来。Which forms of cooperation does article 19 list? Find them in the text.", """
text = policy.article(19).clauses[0].text_zh
forms = [w for w in ("订单班", "学徒班", "合作办学", "订单式培训") if w in text]
assert forms == ["订单班", "学徒班", "合作办学", "订单式培训"]
forms
"""),
            *exercise("**练习2 / Exercise 2** — 本条的责任单位有哪些？哪个单位也出现在第十八条？Which units are responsible, and which also appear in article 18?", """
u19, u18 = policy.article(19).responsible, policy.article(18).responsible
common = [u for u in u19 if u in u18]
assert common == ["区人力社保局", "区教委"]
{"article 19": u19, "also in article 18": common}
"""),
        ],
    )


def art20():
    n = 20
    return no_money(
        n,
        """
**中文**：成立区建设绿色工业集聚区（浦里新区开发建设、高新区创建）领导小组，区政府主要领导任组长，区经济信息委、区财政局、区科技局、区税务局、区金融事务中心、浦里新区管委会等部门负责人为成员。本条是**组织安排**，对企业没有权利义务，也没有金额。

**English**: A district leading group for the green industrial cluster (浦里新区 development, high-tech zone) is set up, headed by the district government's principal leader, with the heads of the economy and IT commission, finance bureau, science bureau, tax bureau, finance centre and 浦里新区 committee among its members. It is **organisation**: no rights or duties for firms, no amount.
""",
        ["设立领导小组及其职责范围 / a leading group and its remit", "组长：区政府主要领导 / head: the district government's principal leader", "成员单位（列举，“等”表示不限于此）/ member units (listed, “等” means not only these)"],
        ["领导小组的议事规则与办公室设置 / rules of procedure, office", "成员名单是否穷尽（原文用“等”）/ whether the member list is complete"],
        [
            md("### 例1 / Example 1\n\n一家事项很多的企业：评估结果中没有第二十条的金额。A busy firm: no article-20 line."),
            code(BUSY_FIRM.format(n=n, zh="二十")),
            md("### 例2 / Example 2\n\n第六章（保障）中哪些条款有金额？本条没有。Which articles of chapter 6 carry money? Not this one."),
            code(CHAPTER_MONEY.format(ch=6, n=n)),
            md("### 例3 / Example 3\n\n领导小组成员单位与有金额条款：凡列出责任单位的有金额条款，都至少有一个成员单位；第二十一、二十二条原文没有列责任单位。The leading group and the money articles: every money article that names its units has at least one member among them; articles 21 and 22 name none."),
            code(SHARED_UNITS.format(
                units="[u for u in (\"区经济信息委\", \"区财政局\", \"区科技局\", \"区税务局\", \"区金融事务中心\", \"浦里新区管委会\")\n         if u in policy.article(20).text_zh]",
                check="money = [a.article for a in policy.articles.values() if a.has_money]\n"
                      "assert sorted(set(money) - set(shared[\"条 article\"])) == [a for a in money if not policy.article(a).responsible] == [21, 22]")),
        ],
        [
            *exercise("**练习1 / Exercise 1** — 原文列出的领导小组成员单位，有几个也是第十一条的责任单位？How many of the listed member units are also responsible for article 11?", """
text = policy.article(20).text_zh
members = [u for u in ("区经济信息委", "区财政局", "区科技局", "区税务局", "区金融事务中心", "浦里新区管委会") if u in text]
both = [u for u in members if u in policy.article(11).responsible]
assert len(members) == 6 and both == ["区经济信息委", "区财政局", "区科技局", "区税务局"]
both
"""),
            *exercise("**练习2 / Exercise 2** — 第二十条在政策数据中为什么没有“责任单位”？Why does article 20 list no responsible units?", """
# 原文第二十条末尾没有“（责任单位：……）”括注——它本身就是在设立组织。
# The text of article 20 ends without a '(责任单位：…)' note: the article itself sets up the organisation.
assert policy.article(20).responsible == [] and "责任单位" not in policy.article(20).text_zh
policy.article(20).responsible
"""),
        ],
    )


def art23():
    n = 23
    return no_money(
        n,
        """
**中文**：区财政每年安排**一定的**区级专项资金，用于推动工业经济高质量发展、建设全市重要绿色工业集聚区。“一定的”**没有数额**：本文件没有规定专项资金的规模，所以本工具不给出第二十三条的金额——它是缺失（NA），不是零。各条奖励的合计是对这笔资金的**需求**；资金是否足够，取决于区财政每年实际安排的数额，本文件无从回答。

**English**: Each year the district budget sets aside “**a certain amount**” (一定的) of special funds for industrial development. There is **no figure**: the document does not size the fund, so the toolkit gives no amount for article 23 — it is missing (NA), not zero. The awards under the other articles add up to the **demand** on this fund; whether the fund suffices depends on the yearly budget decision, which the text does not give.
""",
        ["每年安排区级专项资金 / a district special fund, every year", "用途：推动工业经济高质量发展、建设绿色工业集聚区 / its purpose"],
        ["资金规模（“一定的”）/ its size (“a certain amount”)", "资金不足时的排序或比例兑现办法 / what happens if claims exceed it"],
        [
            md("### 例1 / Example 1\n\n有明确数额的年度预算只有第六条和第二十二条；第二十三条没有。Only articles 6 and 22 have fixed yearly budget lines; article 23 has none."),
            code("""
lines = budget_lines(years=(2023,))
assert 23 not in set(lines["article"]) and set(lines["article"]) == {6, 22}
lines
"""),
            md("### 例2 / Example 2\n\n把第二十三条的金额如实记为缺失：合计也是未知，而不是把它当成0。Recording article 23 honestly as missing: the total is unknown too, never the sum with a zero."),
            code("""
envelope = pd.DataFrame({
    "article": list(lines["article"]) + [23],
    "amount_yuan": pd.array(list(lines["amount_yuan"]) + [None], dtype="Int64"),
})
total = envelope["amount_yuan"].sum(skipna=False)
assert pd.isna(total) and pd.isna(envelope.loc[envelope["article"] == 23, "amount_yuan"].iloc[0])
display(envelope)
print("合计 total:", total)
"""),
            md("### 例3 / Example 3\n\n一家企业的奖励是对专项资金的需求，可以算出；资金的供给（第二十三条）不能。A firm's awards (the demand) can be computed; the supply under article 23 cannot."),
            code(BUSY_FIRM.format(n=n, zh="二十三")),
        ],
        [
            *exercise("**练习1 / Exercise 1** — 2023—2025年，有明确数额的年度预算（第六条、第二十二条）合计多少？第二十三条加进来呢？The fixed budget lines (articles 6 and 22) for 2023–2025 — and with article 23?", """
bl = budget_lines(years=(2023, 2024, 2025))
fixed = int(bl["amount_yuan"].sum())
expected = sum(guide.param(f"{it.id}.amount", f"{y}-12-31") for it in policy.items() if it.kind == "budget_line" for y in (2023, 2024, 2025))
assert fixed == expected
# 加上第二十三条：未知 / adding article 23: unknown
print("fixed lines:", wan(fixed), "| with article 23: unknown (一定的, no figure)")
"""),
            *exercise("**练习2 / Exercise 2** — 第二十三条原文中有没有任何数字？Does the text of article 23 contain any figure at all?", """
import re
text = policy.article(23).text_zh
assert re.findall(r"\\d", text) == [] and "一定的" in text
text
"""),
        ],
    )


# --------------------------------------------------------------------------- article 21
def art21():
    n = 21
    cells = head(n)
    cells += [
        clause(n, 1),
        code("""
# 第一句是鼓励性表述，没有项目引用它 / clause 1 encourages; no item cites it
assert [it.id for it in policy.article(21).items.values() if it.cite.clause == 1] == []
"""),
        clause(n, 2),
        code("""
first_places = guide.param("art21.first_prize.places")
first_amount = guide.param("art21.first_prize.amount")
second_places = guide.param("art21.second_prize.places")
second_amount = guide.param("art21.second_prize.amount")

# 名次是输入（评选指标没有权重，见解释 art02-ranking）；奖励付给乡镇（街道），不是企业
# ranks are an input (criteria without weights: interpretation art02-ranking); awards go to townships, not firms
def township_awards(ranks: dict, year: int = 2023):
    tw = pd.DataFrame({"township": list(ranks), "year": year, "rank": list(ranks.values())})
    no_firms = pd.DataFrame({"firm_id": pd.Series([], dtype=object), "industry": pd.Series([], dtype=object),
                             "established": pd.Series([], dtype=object)})
    return assess(validate(no_firms, townships=tw), year=year)

guide.parameter_table(21)
"""),
        section("通俗解释", "Plain explanation", """
**中文**：区里每年根据各乡镇（街道）的工业发展情况——规上和规下工业、新增规上企业和非目录样本企业、科技创新等——评选工业发展一等奖和二等奖，奖励的是乡镇（街道）的**工作经费**，不是企业奖金。名额和每个奖的金额见参数表：名次在一等奖名额之内的得一等奖，其后二等奖名额之内的得二等奖，再往后没有奖励。原文只列了评选指标，没有给出权重和计算方法，所以本工具**不自行排名**：名次必须作为输入提供（解释 art02-ranking）。

**English**: Every year the district ranks townships and streets on their industrial development — above- and below-scale industry, new above-scale firms and non-directory sample firms, innovation — and gives first and second prizes as **working funds** to the townships, not to firms. The number of places and the amounts are in the parameter table: ranks within the first-prize places get the first prize, the next second-prize places the second prize, and later ranks nothing. The text names criteria but no weights, so the toolkit **does not rank**: the ranking is an input (interpretation art02-ranking).
"""),
        section("参数表", "Parameters"),
        code("guide.parameter_table(21)"),
        section("算例", "Worked examples"),
        md("### 例1 / Example 1\n\n25个乡镇（街道）的名次（示例输入，不是实际评选结果），看一等奖与二等奖、二等奖与无奖的两处边界。Ranks 1–25 for 25 townships (illustrative input, not an actual selection): the first/second and second/none boundaries."),
        code("""
names = ["汉丰街道", "文峰街道", "云枫街道", "镇东街道", "丰乐街道", "白鹤街道", "赵家街道", "大德镇", "镇安镇", "厚坝镇",
         "金峰镇", "白桥镇", "谭家镇", "和谦镇", "温泉镇", "郭家镇", "长沙镇", "南门镇", "岳溪镇", "竹溪镇",
         "敦好镇", "高桥镇", "义和镇", "临江镇", "中和镇"]
a = township_awards({t: r for r, t in enumerate(names, start=1)})
ta = a.township_awards.set_index("rank")
last_first, last_second = first_places, first_places + second_places
assert ta.loc[last_first, "item"] == "art21.first_prize" and ta.loc[last_first, "amount_yuan"] == first_amount
assert ta.loc[last_first + 1, "item"] == "art21.second_prize" and ta.loc[last_first + 1, "amount_yuan"] == second_amount
assert ta.loc[last_second, "item"] == "art21.second_prize"
assert last_second + 1 not in ta.index                      # 第21名没有奖励 / the next rank gets nothing
assert a.total_yuan == 0                                     # 不是企业奖励 / not a firm award
# 输入名次与结果并排，含没有奖励的第一个名次 / input ranks beside the result, including the first rank with no prize
view = pd.DataFrame({"rank": range(1, len(names) + 1), "township": names}).merge(
    a.township_awards[["township", "item", "amount_yuan"]], on="township", how="left")
view["item"] = view["item"].fillna("（无奖 no prize）")
view["amount_yuan"] = view["amount_yuan"].fillna(0).astype("int64")   # 名次在名额之外：奖励确为0 / outside the places: truly 0
view.set_index("rank").loc[[last_first, last_first + 1, last_second, last_second + 1]]
"""),
        md("### 例2 / Example 2\n\n全年的工作经费合计等于“名额×金额”之和。The year's total working funds equal places × amount summed over the two prizes."),
        code("""
total = int(a.township_awards["amount_yuan"].sum())
assert total == first_places * first_amount + second_places * second_amount
assert len(a.township_awards) == first_places + second_places
a.township_awards.groupby("item").agg(places=("township", "size"), amount_yuan=("amount_yuan", "sum"))
"""),
        md("### 例3 / Example 3\n\n参评乡镇少于名额时：只有名次存在的得奖，不会凭空多出奖项。Fewer townships than places: only the ranks given are awarded."),
        code("""
few = township_awards({"汉丰街道": 1, "文峰街道": 2, "云枫街道": last_first + 1})
assert list(few.township_awards["amount_yuan"]) == [first_amount, first_amount, second_amount]
few.township_awards[["township", "rank", "item", "amount_yuan"]]
"""),
        md("### 例4 / Example 4\n\n同一名次不能出现两次：并列名次被拒绝（原文定额评选，并列时如何处理没有规定，需由输入方先解决）。A tie is rejected: the text gives fixed places and says nothing about ties, so the input must resolve them."),
        code("""
try:
    township_awards({"汉丰街道": last_first, "文峰街道": last_first})
    raise AssertionError("a tie should be rejected")
except FactsError as e:
    assert "rank" in str(e)
    print(e)
"""),
        *interp_head(n),
        md("""
**art02-ranking** 只有一个口径：名次是输入。原文列出的评选依据（规上和规下工业、新增规上企业和非目录样本企业、科技创新）没有权重；任何由本工具计算的排名都只能是标明权重的示例，不能当作评选结果。`guide.reading_effects` 针对企业档案，而本条的对象是乡镇，所以这里用上面的例子说明：改变名次（输入）就改变结果，规则本身不变。

**art02-ranking** has one reading: the ranking is an input. The criteria carry no weights; any ranking the toolkit computed would be an illustration with labelled weights, not the selection. (`guide.reading_effects` works on firm profiles; this article's recipients are townships, so the effect is shown with the examples above: change the ranks, the input, and the result changes; the rule does not.)
"""),
        md("**为什么名次必须是输入 / Why the ranking must be an input** — 下面用**虚构的指标数据**（固定随机种子生成）和两组**假设权重**各排一次名：奖励总额相同，但获奖的乡镇不同。原文没有给权重，所以任何一组权重都只是假设。Below, **made-up indicators** (fixed seed) ranked under two **assumed weightings**: the total is the same, the winners differ. The text gives no weights, so any weighting is an assumption."),
        code("""
rng = np.random.default_rng(2023)                    # 虚构数据，固定种子 / made-up data, fixed seed
ind = pd.DataFrame({"township": names,
                    "规上工业 above-scale": rng.uniform(0, 100, len(names)).round(1),
                    "新增规上 new above-scale": rng.uniform(0, 100, len(names)).round(1),
                    "科技创新 innovation": rng.uniform(0, 100, len(names)).round(1)})
weightings = {"假设A：重规模 assumed A (size)": [0.6, 0.3, 0.1],
              "假设B：重创新 assumed B (innovation)": [0.2, 0.2, 0.6]}
prize = {}
for label, w in weightings.items():
    score = ind.iloc[:, 1:].to_numpy() @ np.array(w)
    ranks = pd.Series(score, index=names).rank(ascending=False, method="first").astype(int)
    ta = township_awards(ranks.to_dict()).township_awards.set_index("township")
    prize[label] = ta["amount_yuan"].reindex(names).fillna(0).astype("int64")
prize = pd.DataFrame(prize)
changed = prize[prize.iloc[:, 0] != prize.iloc[:, 1]]
assert prize.sum().nunique() == 1          # 名额与金额不变，总额相同 / same places and amounts, same total
assert len(changed) > 0                    # 但获奖乡镇随权重而变 / but who wins depends on the weights
changed
"""),
        section("练习", "Exercises", "答案默认隐藏，点击展开。*Solutions are hidden; click to show.*"),
        *exercise("**练习1 / Exercise 1** — 某镇从第21名上升到第20名，工作经费增加多少？从第11名上升到第10名呢？A township moves from rank 21 to 20: how much more working funds? From 11 to 10?", """
def funds(rank):
    t = township_awards({"某镇": rank}).township_awards
    return int(t["amount_yuan"].sum())
gain_21_20 = funds(last_second) - funds(last_second + 1)
gain_11_10 = funds(last_first) - funds(last_first + 1)
assert gain_21_20 == second_amount and gain_11_10 == first_amount - second_amount
{"21→20": wan(gain_21_20), "11→10": wan(gain_11_10)}
"""),
        *exercise("**练习2 / Exercise 2** — 2023年与2024年各评选一次，两年合计需要多少工作经费？Selections in 2023 and 2024: total working funds over both years?", """
ranking = {t: r for r, t in enumerate(names, start=1)}       # 示例名次，两年相同 / illustrative, same both years
both = sum(int(township_awards(ranking, year=y).township_awards["amount_yuan"].sum()) for y in (2023, 2024))
per_year = sum(guide.param(f"art21.{p}.places", f"{y}-12-31") * guide.param(f"art21.{p}.amount", f"{y}-12-31")
               for p in ("first_prize", "second_prize") for y in (2023, 2024))
assert both == per_year
wan(both)
"""),
    ]
    return cells


# --------------------------------------------------------------------------- article 22
def art22():
    n = 22
    cells = head(n)
    cells += [
        clause(n, 1),
        code("""
platform = guide.param("art22.platform_awards.amount")
# 这是年度预算额度（budget_line），不是对某个企业的奖励 / a yearly budget line, not an award to a firm
lines = budget_lines(years=(2023,))
lines[lines["article"] == 22]
"""),
        section("通俗解释", "Plain explanation", """
**中文**：进一步完善中小企业服务体系，引导中小微企业公共服务平台集聚服务资源、完善服务功能、加强规范管理，区里**每年安排固定数额**（见参数表）用于择优奖励这些平台。原文**确定了**每年的总额和用途；**没有确定**奖励多少个平台、每个平台多少、按什么标准“择优”，也没有说公布当年（2023年）是按全年还是按公布后的天数折算——这一点登记为解释项 budget-first-year，默认按全年。因此本工具把它作为**年度预算线**计入财政成本（与第六条的年度资金同类），而不为任何企业或平台计算奖励。

**English**: To build the SME service system, the district steers SME public service platforms to pool resources, improve services and manage themselves well, and **sets aside a fixed sum every year** (see the parameter table) to reward the best of them. The text **decides** the yearly total and its use; it **leaves open** how many platforms, how much each, on what criteria, and whether the publication year (2023) gets the full sum or a share by days from publication — registered as interpretation budget-first-year, full year by default. The toolkit therefore counts it as a **yearly budget line** in fiscal cost (like article 6's yearly fund) and computes no award for any firm or platform.
"""),
        section("参数表", "Parameters"),
        code("guide.parameter_table(22)"),
        section("算例", "Worked examples"),
        md("### 例1 / Example 1\n\n2023—2025年每年的预算线都等于参数值（在参数没有变化时）。The budget line for 2023–2025 equals the parameter each year (while it is unchanged)."),
        code("""
bl = budget_lines(years=(2023, 2024, 2025))
b22 = bl[bl["article"] == 22]
assert list(b22["year"]) == [2023, 2024, 2025]
assert all(b22["amount_yuan"] == [guide.param("art22.platform_awards.amount", f"{y}-12-31") for y in (2023, 2024, 2025)])
b22
"""),
        md("### 例2 / Example 2\n\n公布之前的年份没有预算线：2022年不出现（不是0）。Before publication there is no line: 2022 is absent, not zero."),
        code("""
b = budget_lines(years=(2022, 2023))
assert list(b.loc[b["article"] == 22, "year"]) == [2023]
try:
    policy.param("art22.platform_awards.amount").at("2022-12-31")
    raise AssertionError("no value should exist before publication")
except ValueError as e:
    print(type(e).__name__, e)
b
"""),
        md("### 例3 / Example 3\n\n年度固定额度合计：第六条与第二十二条。A fiscal view: the fixed yearly lines of articles 6 and 22 together."),
        code("""
per_year = bl.groupby("year")["amount_yuan"].sum()
assert all(per_year == [sum(guide.param(f"{it.id}.amount", f"{y}-12-31") for it in policy.items() if it.kind == "budget_line")
                        for y in per_year.index])
per_year.map(wan)
"""),
        md("### 例4 / Example 4\n\n企业评估中没有第二十二条：平台奖励不是按企业事项计算的。No article-22 line in a firm's assessment: platform rewards are not computed from firm events."),
        code(BUSY_FIRM.format(n=n, zh="二十二")),
        *interp_head(n),
        md("**budget-first-year**：公布当年的预算线按全年（默认）还是按公布之日起的天数折算。下面比较两种口径下2023年和2024年的预算线：只有公布当年不同。Full year (default) or pro rata from publication in the publication year: the two readings differ in 2023 only."),
        code("""
eff_day = policy.meta.effective
days_in = (dt.date(eff_day.year, 12, 31) - eff_day).days + 1            # 含公布当日 / publication day included
days_year = (dt.date(eff_day.year, 12, 31) - dt.date(eff_day.year, 1, 1)).days + 1
rows = {}
for key in policy.interpretations["budget-first-year"].readings:
    b = budget_lines(years=(eff_day.year, eff_day.year + 1), readings={"budget-first-year": key})
    rows[key] = b[b["article"] == 22].set_index("year")["amount_yuan"]
cmp = pd.DataFrame(rows)
assert cmp.loc[eff_day.year, "full_year"] == platform
assert cmp.loc[eff_day.year, "pro_rata"] == int(mul_round(platform, Fraction(days_in, days_year)))
assert cmp.loc[eff_day.year + 1, "full_year"] == cmp.loc[eff_day.year + 1, "pro_rata"] == platform
print(f"公布当年计 {days_in}/{days_year} 天 / {days_in} of {days_year} days in the publication year")
cmp
"""),
        md("按天折算时，2023年只计5月30日至12月31日，约为全年额度的六成（天数见上）；从2024年起两种口径相同。这只影响财政测算的首年数字。Pro rata, 2023 counts 30 May – 31 December only, about six tenths of the year's sum (days above); from 2024 on the readings agree. Only the first year of a fiscal estimate changes."),
        section("练习", "Exercises", "答案默认隐藏，点击展开。*Solutions are hidden; click to show.*"),
        *exercise("**练习1 / Exercise 1** — 假设某年有6个平台被择优奖励、平均分配，每个平台多少？（这是假设，原文没有规定分配方式。）Suppose 6 platforms share the sum equally in a year (an assumption; the text sets no split): how much each?", """
n_platforms = 6                          # 假设 / assumption
each = int(mul_round(platform, Fraction(1, n_platforms)))   # 取整只经 kzpolicy.money（四舍五入一次）/ rounded once, half up
assert abs(each * n_platforms - platform) < n_platforms
wan(each)
"""),
        *exercise("**练习2 / Exercise 2** — 若将来修订把第二十二条改为每年更多（假设从2025年起翻倍），2024和2025年的预算线各是多少？A hypothetical amendment doubling the sum from 2025: the lines for 2024 and 2025?", """
amended = policy.with_parameters({"art22.platform_awards.amount": {"2025-01-01": 2 * platform}})   # 假设的修订 / hypothetical
b = budget_lines(amended, years=(2024, 2025))
b = b[b["article"] == 22].set_index("year")["amount_yuan"]
assert b[2024] == platform and b[2025] == 2 * platform
b.map(wan)
"""),
    ]
    return cells


# --------------------------------------------------------------------------- article 24
def art24():
    n = 24
    cells = head(n)
    cells += [
        clause(n, 1),
        code("""
# “自公布之日起执行”：政策数据记录公布日和生效日，参数的第一个取值日就是生效日
# 'applies from the date of publication': the data records both dates; parameters start on it
meta = policy.meta
assert meta.effective == meta.issued
# 例外只有第四条：它自设“2022年以来”的窗口 / the only exception is article 4, with its own 'since 2022' window
other_start = sorted({it.article for it in policy.items() for p in it.parameters.values() if p.first_date != meta.effective})
assert other_start == [4]
{"issued": str(meta.issued), "effective": str(meta.effective), "cite": meta.effective_cite.quote,
 "articles with their own window": other_start}
"""),
        md("“此前相关规定与本文件不一致的按本文件执行”：本工具只收录本文件，没有“此前的规定”可比，所以这一半句没有可计算的内容。The precedence rule (earlier conflicting rules yield) has nothing to compute here: the toolkit holds only this document."),
        clause(n, 2),
        code("""
# “如遇政策调整，按新政策规定执行”：调整就是一个新的带日期的参数值，而不是新代码。
# 下面是一个假设的修订（不是真实政策）：2025-01-01起第一条新升规奖励改为一个虚构的数额。
# 'where policy changes, the new rule applies': a change is a new dated value, not new code.
# Below is a HYPOTHETICAL amendment (not a real policy): from 2025-01-01 article 1's award becomes a made-up amount.
HYPOTHETICAL_AMOUNT = 300_000   # 虚构数额，仅作演示 / made-up, for illustration only
amended = policy.with_parameters({"art01.above_scale_enter.amount": {"2025-01-01": HYPOTHETICAL_AMOUNT}})
p_old, p_new = policy.param("art01.above_scale_enter.amount"), amended.param("art01.above_scale_enter.amount")
pd.DataFrame({"date": ["2024-12-31", "2025-01-01"],
              "现行 as published": [p_old.at("2024-12-31"), p_old.at("2025-01-01")],
              "假设修订后 hypothetical amendment": [p_new.at("2024-12-31"), p_new.at("2025-01-01")]})
"""),
        section("通俗解释", "Plain explanation", """
**中文**：本政策**自公布之日起执行**（2023年5月30日），以前的相关规定与本文件不一致的，以本文件为准。如果国家、市、区的有关政策调整，按新的规定执行。

在本工具中：每个金额都带有起始日期，起始日就是公布日；公布日之前发生的事项默认不适用本文件（见解释 publication-date；第四条“2022年以来”另有自己的时间窗口）。政策调整在数据中表现为**新的带日期取值**——某日之前按旧值，之后按新值——所以同一个计算既能算调整前的事项，也能算调整后的事项。本页的修订数额是**虚构的**，只用来演示机制。

**English**: The measures **apply from publication** (30 May 2023); earlier conflicting district rules yield to them; where national, municipal or district policy changes, the new policy applies.

In the toolkit every amount has a start date, the publication date; events before it do not count by default (interpretation publication-date; article 4 keeps its own “since 2022” window). A policy change is a **new dated value** — the old value before a date, the new one from it — so one computation serves events on both sides. The amended amount on this page is **made up**, only to show the mechanism.
"""),
        code("""
# 上文说明中写到的公布日须与政策数据一致 / the publication date stated in the prose must match the policy data
assert str(policy.meta.effective) == str(policy.meta.issued) == "2023-05-30"   # 2023年5月30日
""", tags=("remove-cell",)),
        section("参数表", "Parameters", "本条本身没有金额；它决定参数的生效日（第四条按原文“2022年以来”另设起始日）。下表列出各参数的起始日期。No amount of its own; it dates the parameters (article 4 keeps its own “since 2022” start). Start dates of all parameters:"),
        code("""
starts = pd.DataFrame([{"item": it.id, "parameter": name, "起始 from": str(p.first_date), "取值个数 values": len(p.values)}
                       for it in policy.items() for name, p in it.parameters.items()])
assert guide.parameter_table(24).empty
starts.groupby("起始 from").agg(parameters=("parameter", "size"), items=("item", "nunique"))
"""),
        section("算例", "Worked examples"),
        md("### 例1 / Example 1\n\n公布日的边界：2023-05-29新升规入库不适用，2023-05-30（含当日）适用。The publication boundary: entering the register on 29 May does not count; on 30 May it does."),
        code("""
amount = guide.param("art01.above_scale_enter.amount")
def entry(date, firm_id="F1"):
    return {"firm": guide.firm(firm_id, independent_legal_person=True), "events": [{"date": date, "code": "above_scale.enter"}]}
before, on_day = guide.run(entry("2023-05-29")), guide.run(entry("2023-05-30"))
assert before.total_yuan == 0 and list(before.excluded["reason"]) == ["before_effective"]
assert on_day.total_yuan == amount
display(guide.outcome(before))
display(guide.awards(on_day))
guide.outcome(on_day)
"""),
        md("### 例2 / Example 2\n\n假设的修订：2024-12-31入库按现行数额，2025-01-01入库按修订后的数额；不修订时两天都按现行数额。The hypothetical amendment: entry on 31 Dec 2024 takes the published amount, on 1 Jan 2025 the amended one; without the amendment both take the published amount."),
        code("""
rows = []
for label, pol in (("现行 as published", policy), ("假设修订 hypothetical", amended)):
    for date in ("2024-12-31", "2025-01-01"):
        a = guide.run(entry(date), year=int(date[:4]), policy=pol)
        rows.append({"policy": label, "entry date": date, "award": wan(a.total_yuan), "award_yuan": a.total_yuan})
cmp = pd.DataFrame(rows)
assert list(cmp["award_yuan"]) == [amount, amount, amount, HYPOTHETICAL_AMOUNT]
cmp
"""),
        md("### 例3 / Example 3\n\n修订不影响修订前已发生的事项，也不改变原政策对象（`with_parameters` 返回新的副本）。An amendment leaves earlier events alone and does not change the original policy object (`with_parameters` returns a copy)."),
        code("""
assert policy.param("art01.above_scale_enter.amount").at("2030-01-01") == amount
a = guide.run(entry("2023-08-15"), year=2023, policy=amended)
assert a.total_yuan == amount
display(guide.awards(a))
guide.outcome(a)
"""),
        md("### 例4 / Example 4\n\n资格检查也只从生效日起：在公布前的日期检查会得到清楚的错误，而不是一个结论。Eligibility checks start at publication too: a date before it is a clear error, not an answer."),
        code("""
firm13 = {"firm": guide.firm("F13", registered=True, tax_compliant=True, good_credit=True, independent_legal_person=True)}
try:
    check(firm13, "art13.zhugongdai", on="2023-05-29")
    raise AssertionError("should be refused before publication")
except ValueError as e:
    assert str(policy.meta.effective) in str(e)
    print(e)
check(firm13, "art13.zhugongdai", on=str(policy.meta.effective))[["firm_id", "on", "status_zh"]]
"""),
        *interp_head(n),
        md("第二十四条本身就是解释项 **publication-date** 所解释的条文（该项列在受影响的金额条款下），这里单独列出。Article 24 is the very text that **publication-date** interprets (the entry is filed under the money articles it affects), so it is shown here on its own."),
        code("""
i = policy.interpretations["publication-date"]
display(pd.DataFrame([{"id": i.id, "口径 reading": k, "说明": r.zh, "reading (en)": r.en, "默认 default": "✓" if k == i.default else ""}
                      for k, r in i.readings.items()]))
guide.Markdown(f"**为什么 Why**：{i.why.zh} / {i.why.en}")
"""),
        md("**publication-date**：同一家企业2023-03-01新升规入库，按默认口径（仅公布后）不奖励，按“公布当年1月1日起”口径奖励。The same firm entering the register on 1 March 2023: nothing under the default, the award under “from 1 January of the publication year”."),
        code("""
eff = guide.reading_effects(entry("2023-03-01"), "publication-date").set_index("口径 reading")
assert eff.loc["from_publication", "total_yuan"] == 0 and eff.loc["from_year_start", "total_yuan"] == amount
eff
"""),
        md("改变的是公布日之前、同一年内的事项是否计入；公布之后的事项两种口径结果相同。What changes is whether events earlier in the publication year count; events after publication come out the same under both readings."),
        section("练习", "Exercises", "答案默认隐藏，点击展开。*Solutions are hidden; click to show.*"),
        *exercise("**练习1 / Exercise 1** — 在上面的假设修订下，一家企业2025-03-01新升规入库，得多少？2023-03-01入库、按“当年1月1日起”口径呢？Under the hypothetical amendment, entry on 2025-03-01? And entry on 2023-03-01 under the from-year-start reading?", """
a25 = guide.run(entry("2025-03-01"), year=2025, policy=amended).total_yuan
a23 = guide.run(entry("2023-03-01"), year=2023, policy=amended, readings={"publication-date": "from_year_start"}).total_yuan
assert a25 == HYPOTHETICAL_AMOUNT and a23 == amount
{"2025-03-01": wan(a25), "2023-03-01 (from_year_start)": wan(a23)}
"""),
        *exercise("**练习2 / Exercise 2** — 政策数据中有多少个参数从公布日起生效？有没有参数在公布日之前就有取值？How many parameters start on the publication date, and does any start earlier?", """
earlier = [(it.id, name, str(p.first_date)) for it in policy.items() for name, p in it.parameters.items()
           if p.first_date < policy.meta.effective]
on_pub = sum(1 for it in policy.items() for p in it.parameters.values() if p.first_date == policy.meta.effective)
# 早于公布日的只有第四条（原文“2022年以来”）/ only article 4 starts earlier (its text says 'since 2022')
assert {e[0][:5] for e in earlier} == {"art04"} and on_pub + len(earlier) == len(starts)
{"parameters starting on publication": on_pub, "starting earlier": earlier}
"""),
    ]
    return cells


def compare_link(n: int):
    """A link to this article's section of the cross-jurisdiction comparison page (label compare-artNN)."""
    return md(f"## 与其他地区比较 Comparison\n\n"
              f"其他地区对同类事项的规定与出处，见 {{ref}}`compare-art{n:02d}`。\n\n"
              f"*How other districts treat the same matters, with sources: {{ref}}`compare-art{n:02d}`.*")


BUILDERS = {13: art13, 14: art14, 15: art15, 16: art16, 17: art17, 18: art18, 19: art19, 20: art20,
            21: art21, 22: art22, 23: art23, 24: art24}


def cells_for(n: int) -> list:
    """The page's cells, with the comparison link placed before the exercises."""
    cells = BUILDERS[n]()
    at = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## 练习 Exercises"))
    cells.insert(at, compare_link(n))
    return cells


def build(n: int, execute: bool = True) -> Path:
    """Write notebooks/artNN_slug.ipynb and (by default) execute it, so the outputs are committed."""
    nb = new_notebook(cells=cells_for(n))
    for i, c in enumerate(nb.cells):
        c.id = f"art{n:02d}-{i:03d}"   # stable ids: a rebuild does not churn the diff
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["language"] = "zh"
    out = ROOT / "notebooks"
    out.mkdir(exist_ok=True)
    if execute:
        # the kernelspec runs "python" from PATH: make it this environment's python
        os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
        NotebookClient(nb, kernel_name="python3", timeout=120, record_timing=False,
                       resources={"metadata": {"path": str(out)}}).execute()
    path = out / f"{POLICY.article(n).key}.ipynb"
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    args = sys.argv[1:]
    execute = "--no-execute" not in args
    wanted = [int(x) for x in args if x != "--no-execute"] or sorted(BUILDERS)
    for n in wanted:
        print(build(n, execute).relative_to(ROOT))
