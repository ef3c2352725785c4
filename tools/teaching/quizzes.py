"""Generate notebooks/quiz_ch1.ipynb … quiz_ch6.ipynb: questions in Chinese and English, answers computed by kzpolicy.

Every figure in a question or an answer comes from a code cell (policy parameters, engine results) through
myst-nb `glue`; the markdown only pastes it. Code cells are tagged hide-cell (collapsed in the book) and the
answer boxes are MyST admonitions with class dropdown (closed by default).
"""
from nbgen import build, code, md

SETUP = '''
import datetime as dt

import pandas as pd
from myst_nb import glue

from kzpolicy import assess, budget_lines, eligibility, get_policy, guide
from kzpolicy.explain import article_zh
from kzpolicy.money import mul_round, wan, yi_or_wan

pd.set_option("display.max_colwidth", 200)
pd.set_option("display.width", 200)
pol = get_policy()


def put(key, value):
    """Keep a computed figure or sentence for the question and answer boxes (glue; nothing shown here)."""
    glue(key, str(value), display=False)


def pct(x):
    return f"{float(x) * 100:g}%"


def lines(a):
    """The explanations of an assessment's award lines, one sentence after another."""
    return " ".join(a.ledger["explanation_zh"]) if len(a.ledger) else "（无奖励 no award）"
'''


def intro(ch_no):
    return [
        code(SETUP, "hide-cell"),
        code(f'''
ch = {{c.chapter: c for c in pol.meta.chapters}}[{ch_no}]
arts = [a for a in pol.articles.values() if a.chapter == ch.chapter]
put("chapter_zh", ch.zh); put("chapter_en", ch.en)
put("articles", "、".join(article_zh(a.article) for a in arts))
pd.DataFrame({{"条 article": [article_zh(a.article) for a in arts], "标题": [a.title.zh for a in arts],
              "Title": [a.title.en for a in arts], "奖补 money": ["有 yes" if a.has_money else "无 no" for a in arts]}})
''', "remove-input"),
        md('''
本测验覆盖本章各条（上表由政策数据生成）。每题先自己算，再展开“答案”核对。题中的门槛、金额和答案都由 `kzpolicy`
根据政策数据计算后填入页面（myst-nb glue），不是手写的；计算代码折叠在每题下方，可展开查看，也可在 JupyterLab
中修改后重跑。

*This quiz covers the articles of the chapter (table generated from the policy data). Work each question out first, then
open the answer. Thresholds, amounts and answers on this page are computed by `kzpolicy` from the policy data and pasted
in (myst-nb glue), never typed; the code is folded under each question — open it, or change and re-run it in JupyterLab.*
'''),
    ]


_CJK = "\u3000-\u9fff\uff00-\uffef"


def _join(text):
    """Join the lines of a Chinese sentence (a newline between Chinese characters would show as a space)."""
    import re
    return re.sub(f"(?<=[{_CJK}0-9`])\\n(?=[^\\s\\-*])", "", text.strip())


def q(n, zh, en):
    return md(f"## 第{n}题 Question {n}\n\n{_join(zh)}\n\n*{' '.join(en.split())}*")


def ans(body):
    return md("```{admonition} 答案 Answer\n:class: dropdown\n\n" + _join(body) + "\n```")


def g(key):
    return "{glue:text}`" + key + "`"


# --------------------------------------------------------------------------- chapter 1
CH1 = [
    md(f"# 第一章测验 Chapter 1 quiz\n\n**{g('chapter_zh')}** · *{g('chapter_en')}* — {g('articles')}"),
] + intro(1) + [
    q(1, f"""
一家制造业企业于 {g('q1_before')}（政策公布前一天）新升规入库，另一家于公布当日 {g('q1_effective')} 入库。
两家在 2023 年度各可获第一条奖励多少？""", f"""
One manufacturer enters the above-scale register on {g('q1_before')}, the day before publication; another on the day
of publication, {g('q1_effective')}. What does each receive under article 1 for 2023?"""),
    code('''
eff = pol.meta.effective                       # 第二十四条：自公布之日起执行
before = eff - dt.timedelta(days=1)
a_before = guide.run(guide.profile({"date": str(before), "code": "above_scale.enter"}))
a_on = guide.run(guide.profile({"date": str(eff), "code": "above_scale.enter"}))
assert a_on.total_yuan == guide.param("art01.above_scale_enter.amount") and a_before.total_yuan == 0
put("q1_before", before); put("q1_effective", eff)
put("q1_on", wan(a_on.total_yuan)); put("q1_off", wan(a_before.total_yuan)); put("q1_reason", a_before.excluded["reason_zh"].iloc[0])
guide.outcome(a_before)
''', "hide-cell"),
    ans(f"""
- 公布当日入库 On the day of publication：{g('q1_on')}
- 公布前一天入库 The day before：{g('q1_off')}（{g('q1_reason')}）

第二十四条规定政策“自公布之日起执行”；默认口径（解释 `publication-date`）只计公布之日及以后发生的事项。
*The policy applies from the day of publication; by default only events on or after that day count.*
"""),
    q(2, """
某企业在 2023 年同时入选年度“综合十强”和“创新十强”。第二条共奖励多少？""", """
A firm is selected for both the composite and the innovation top ten of 2023. What does article 2 pay in total?"""),
    code('''
a = guide.run(guide.profile({"date": "2023-12-20", "code": "ranking.top10.composite"},
                            {"date": "2023-12-20", "code": "ranking.top10.innovation"}))
assert a.total_yuan == guide.param("art02.top10_composite.amount") + guide.param("art02.top10_innovation.amount")
put("q2_total", wan(a.total_yuan)); put("q2_lines", lines(a))
guide.awards(a)
''', "hide-cell"),
    ans(f"""
合计 Total：{g('q2_total')}。{g('q2_lines')}

两项名单不同，分别按户奖励，可以叠加；评选本身（谁入选）由主管部门决定，`kzpolicy` 只把“入选”作为输入事项。
*Different lists, each paid per firm, so they add up; who is selected is an input, not computed.*
"""),
    q(3, f"""
某制造业独立法人企业 2015 年成立，此后每年主营业务收入都有记录，2022 年恰好为 {g('q3_thr')}（第三条最低一档门槛），
此前各年均低于该门槛。2023 年度可获第三条奖励吗？若把“突破”读作“达到”呢？""", f"""
A manufacturer (independent legal person) founded in 2015 has revenue on record for every year; 2022 revenue is exactly
{g('q3_thr')}, the lowest article 3 threshold, and every earlier year was below it. Is there an article 3 award for 2023?
And if "突破" is read as "reaches"?"""),
    code('''
low = min((it for it in pol.items() if it.article == 3), key=lambda it: guide.param(f"{it.id}.threshold"))
thr = guide.param(f"{low.id}.threshold")
fin = {y: {"revenue": thr // 2} for y in range(2015, 2022)}
fin[2022] = {"revenue": thr}
p = guide.profile(financials=fin, independent_legal_person=True)
strict = guide.run(p)
reach = guide.run(p, readings={"art03-crossing": "at_least"})
assert strict.total_yuan == 0 and reach.total_yuan == guide.param(f"{low.id}.amount")
put("q3_thr", yi_or_wan(thr)); put("q3_quote", low.cite.quote)
put("q3_strict", wan(strict.total_yuan)); put("q3_near", strict.near_misses["message_zh"].iloc[0])
put("q3_reach", wan(reach.total_yuan))
guide.reading_effects(p, "art03-crossing")
''', "hide-cell"),
    ans(f"""
默认口径（“突破”＝超过，不含本数）：{g('q3_strict')}。引擎提示：{g('q3_near')}。
按“达到即可”口径（`art03-crossing=at_least`）：{g('q3_reach')}。

原文：“{g('q3_quote')}”。“突破”与“超过”一样不含本数（见《常见错误》）。
*By default "突破" means strictly above, so revenue exactly at the threshold earns nothing; the alternative reading pays.*
"""),
    q(4, f"""
另一家制造业独立法人企业 2015 年成立，只报了 2022 年主营业务收入 {g('q4_rev')}（高于最低一档门槛），没有更早的记录。
2023 年度能否按第三条奖励？""", f"""
Another manufacturer founded in 2015 reports only its 2022 revenue, {g('q4_rev')} (above the lowest threshold), and no
earlier years. Does it get an article 3 award for 2023?"""),
    code('''
rev = thr + thr // 10
a = guide.run(guide.profile(financials={2022: {"revenue": rev}}, independent_legal_person=True))
assert a.total_yuan == 0 and low.id in set(a.undetermined["item"])
put("q4_rev", yi_or_wan(rev)); put("q4_reason", a.undetermined["reason_zh"].iloc[0])
guide.outcome(a)
''', "hide-cell"),
    ans(f"""
无法判断（不是“符合”，也不是“不符合”）：{g('q4_reason')}

“首次”突破要看成立以来每年的收入；缺了历史，就不能说是第一次。补齐 2015—2021 年收入后再算。
*"First time" needs the whole history since establishment; without it the answer is "cannot decide", never "eligible".*
"""),
    q(5, f"""
第三题那家企业若 2022 年主营业务收入为 {g('q5_rev')}，一次越过两档门槛（均为首次）。默认口径下奖励多少？
若每档分别奖励呢？""", f"""
If the firm of question 3 had 2022 revenue of {g('q5_rev')}, crossing two thresholds for the first time at once, what is
the award under the default reading, and if each tier is paid?"""),
    code('''
tiers = sorted((it for it in pol.items() if it.article == 3), key=lambda it: guide.param(f"{it.id}.threshold"))
second = tiers[1]
rev5 = guide.param(f"{second.id}.threshold") + thr // 100
fin5 = dict(fin); fin5[2022] = {"revenue": rev5}
p5 = guide.profile(financials=fin5, independent_legal_person=True)
highest = guide.run(p5)
each = guide.run(p5, readings={"art03-multiple-thresholds": "each"})
assert highest.total_yuan == guide.param(f"{second.id}.amount")
assert each.total_yuan == guide.param(f"{second.id}.amount") + guide.param(f"{tiers[0].id}.amount")
put("q5_rev", yi_or_wan(rev5)); put("q5_highest", wan(highest.total_yuan)); put("q5_each", wan(each.total_yuan))
guide.reading_effects(p5, "art03-multiple-thresholds")
''', "hide-cell"),
    ans(f"""
默认（就高一档，`highest_only`）：{g('q5_highest')}；每档分别奖励（`each`）：{g('q5_each')}。

原文“分别给予”没有说明同年跨多档是否累加，这是登记在案的解释（`art03-multiple-thresholds`），培训时应说明采用的口径。
*The text does not say whether tiers crossed in one year add up; the choice is a registered interpretation.*
"""),
    q(6, f"""
某企业 {g('q6_date')} 被新认定为国家专精特新“小巨人”，早于政策公布日。它能获第四条奖励吗？属于哪个年度？""", f"""
A firm was newly recognised as a national SRDI little giant on {g('q6_date')}, before the policy was published. Does
article 4 pay it, and for which year?"""),
    code('''
d = "2022-03-01"
y2022 = guide.run(guide.profile({"date": d, "code": "srdi.little_giant.national"}), year=2022)
y2023 = guide.run(guide.profile({"date": d, "code": "srdi.little_giant.national"}), year=2023)
assert y2022.total_yuan == guide.param("art04.little_giant_national.amount", "2022-03-01") and y2023.total_yuan == 0
put("q6_date", d); put("q6_amount", wan(y2022.total_yuan)); put("q6_quote", pol.item("art04.little_giant_national").cite.quote)
guide.awards(y2022)
''', "hide-cell"),
    ans(f"""
能，2022 年度 {g('q6_amount')}（2023 年度不再重复）。第四条自设了时间窗口：“{g('q6_quote')}”——“2022年以来”优先于
“自公布之日起执行”的一般规则，所以这里不适用公布日的限制。
*Article 4 sets its own window ("since 2022"), which overrides the general from-publication rule.*
"""),
]

# --------------------------------------------------------------------------- chapter 2
CH2 = [
    md(f"# 第二章测验 Chapter 2 quiz\n\n**{g('chapter_zh')}** · *{g('chapter_en')}* — {g('articles')}"),
] + intro(2) + [
    q(1, f"""
某存量制造业企业（2015 年成立）2023-09-01 新增设备投资恰为 {g('q1_floor')}，投资进度恰为 {g('q1_progress')}。
第五条补助多少？""", f"""
An existing manufacturer (founded 2015) invests exactly {g('q1_floor')} in new equipment on 2023-09-01, with progress
exactly {g('q1_progress')}. What is the article 5 subsidy?"""),
    code('''
floor = guide.param("art05.equipment_subsidy.floor")
min_progress = guide.param("art05.equipment_subsidy.min_progress")
rate = guide.param("art05.equipment_subsidy.rate")
a = guide.run(guide.profile({"date": "2023-09-01", "code": "equipment.investment", "amount": floor, "progress": min_progress}))
assert guide.amounts(a) == {"art05.equipment_subsidy": int(mul_round(floor, rate))}
put("q1_floor", wan(floor)); put("q1_progress", pct(min_progress)); put("q1_rate", pct(rate))
put("q1_answer", wan(a.total_yuan)); put("q1_why", lines(a)); put("q1_quote", pol.item("art05.equipment_subsidy").cite.quote)
guide.awards(a)
''', "hide-cell"),
    ans(f"""
{g('q1_answer')}。{g('q1_why')}

原文：“{g('q1_quote')}”。“及以上”“以上”都包含本数（《民法典》第一千二百五十九条），恰好达到门槛和进度即符合。
*"以上" includes the stated figure: exactly at the floor and exactly at the progress threshold qualifies.*
"""),
    q(2, f"""
另一家存量企业设备投资 {g('q2_amount')}，但投资进度只有 {g('q2_progress')}。补助多少？`kzpolicy` 会提示什么？""", f"""
Another existing firm invests {g('q2_amount')}, but progress is only {g('q2_progress')}. What is the subsidy, and what
does `kzpolicy` tell the user?"""),
    code('''
amount2 = floor * 5 // 2
progress2 = round(min_progress - 0.01, 2)
a = guide.run(guide.profile({"date": "2023-09-01", "code": "equipment.investment", "amount": amount2, "progress": progress2}))
assert a.total_yuan == 0 and list(a.near_misses["item"]) == ["art05.equipment_subsidy"]
put("q2_amount", wan(amount2)); put("q2_progress", pct(progress2)); put("q2_msg", a.near_misses["message_zh"].iloc[0])
guide.outcome(a)
''', "hide-cell"),
    ans(f"""
补助为零，列为“差一点”：{g('q2_msg')}。进度门槛和金额门槛同时满足才补助。
*Nothing; it is a near-miss — both the amount floor and the progress threshold must be met.*
"""),
    q(3, f"""
一家企业的同一个投资项目（项目编号 P1，投资额 {g('q3_amount')}，进度 {g('q3_progress')}）既是智能化设备投资（第五条），
又是节能节水设备投资（第九条），分别申报。共补助多少？""", f"""
One investment project (P1, {g('q3_amount')}, progress {g('q3_progress')}) is both a smart-manufacturing equipment
investment (article 5) and an energy/water-saving one (article 9), and the firm claims under both. What is paid?"""),
    code('''
amount3 = 2 * floor
events = [{"date": "2023-09-01", "code": "equipment.investment", "amount": amount3, "progress": 0.9, "project": "P1"},
          {"date": "2023-09-01", "code": "green_equipment.investment", "amount": amount3, "progress": 0.9, "project": "P1"}]
once = guide.run(guide.profile(*events))
both = guide.run(guide.profile(*events), readings={"art05-09-double-claim": "both"})
assert set(guide.amounts(once)) == {"art05.equipment_subsidy"} and both.total_yuan > once.total_yuan
put("q3_amount", wan(amount3)); put("q3_progress", pct(0.9))
put("q3_once", wan(once.total_yuan)); put("q3_both", wan(both.total_yuan)); put("q3_reason", once.excluded["reason_zh"].iloc[0])
guide.reading_effects(guide.profile(*events), "art05-09-double-claim")
''', "hide-cell"),
    ans(f"""
默认口径（同一项目只补一次）：{g('q3_once')}；第九条那一笔不予计算：{g('q3_reason')}。
若两条都补（`art05-09-double-claim=both`）则为 {g('q3_both')}——这是要避免的重复补助。
填报时请给投资事项填写“项目编号”，否则无法识别同一项目。
*One project is subsidised once by default; give each investment a project id so double claims can be detected.*
"""),
    q(4, f"""
某企业 {g('q4_a_date')} 首次通过两化融合管理体系 A 级，{g('q4_aa_date')} 又通过 AA 级。2024 年度第七条奖励多少？""", f"""
A firm passes the 两化融合 assessment at level A on {g('q4_a_date')} and at level AA on {g('q4_aa_date')}. What does
article 7 pay for 2024?"""),
    code('''
p = guide.profile({"date": "2023-06-01", "code": "lianghua.A"}, {"date": "2024-11-01", "code": "lianghua.AA"})
full = guide.run(p, year=2024)
diff = guide.run(p, year=2024, readings={"art07-upgrade": "difference"})
aa, a_ = guide.param("art07.level_aa.amount"), guide.param("art07.level_a.amount")
assert full.total_yuan == aa and diff.total_yuan == aa - a_
put("q4_a_date", "2023-06-01"); put("q4_aa_date", "2024-11-01")
put("q4_full", wan(full.total_yuan)); put("q4_diff", wan(diff.total_yuan))
guide.reading_effects(p, "art07-upgrade", year=2024)
''', "hide-cell"),
    ans(f"""
默认（AA 级全额，`full`）：{g('q4_full')}；按差额补足（`difference`）：{g('q4_diff')}。
原文对每一级都写“首次通过……认定”，未说明升级时是否扣除已获奖励，因此登记为解释 `art07-upgrade`。
*Default pays the full AA award; the registered alternative pays only the difference.*
"""),
    q(5, """
某企业同一年先后被认定为国家级和市级绿色工厂。第八条奖励多少？""", """
A firm is recognised as both a national and a municipal green factory in the same year. What does article 8 pay?"""),
    code('''
p = guide.profile({"date": "2023-06-01", "code": "green_factory.national"}, {"date": "2023-11-01", "code": "green_factory.municipal"})
each = guide.run(p)
highest = guide.run(p, readings={"art08-09-several-titles": "highest"})
assert each.total_yuan == guide.param("art08.green_national.amount") + guide.param("art08.green_municipal.amount")
assert highest.total_yuan == guide.param("art08.green_national.amount")
put("q5_each", wan(each.total_yuan)); put("q5_highest", wan(highest.total_yuan))
guide.reading_effects(p, "art08-09-several-titles")
''', "hide-cell"),
    ans(f"""
默认（各项分别奖励，`each`）：{g('q5_each')}；若就高奖励（`highest`）：{g('q5_highest')}。
*Each title is paid by default; under the alternative reading only the highest.*
"""),
]

# --------------------------------------------------------------------------- chapter 3
CH3 = [
    md(f"# 第三章测验 Chapter 3 quiz\n\n**{g('chapter_zh')}** · *{g('chapter_en')}* — {g('articles')}"),
] + intro(3) + [
    q(1, """
某企业 2023 年新认定为国家企业技术中心，同年其市级工业设计中心到期复核通过。第十条共奖励多少？""", """
In 2023 a firm is newly recognised as a national enterprise technology centre, and its municipal industrial design
centre passes re-review. What does article 10 pay in total?"""),
    code('''
a = guide.run(guide.profile({"date": "2023-06-01", "code": "tech_center.national"},
                            {"date": "2023-07-01", "code": "industrial_design_center.municipal.review"}))
assert a.total_yuan == sum(guide.amounts(a).values()) and len(a.ledger) == 2
put("q1_total", wan(a.total_yuan)); put("q1_lines", lines(a))
guide.awards(a)
''', "hide-cell"),
    ans(f"""
{g('q1_total')}。{g('q1_lines')}
"""),
    q(2, f"""
两家企业 2021 年研发费用均为 {g('q2_rd21')}。甲企业 2022 年申报研发费用恰为 {g('q2_ceiling')}，乙企业少 1 元。
2023 年度第十一条区级补助各是多少？""", f"""
Two firms each had R&D expense of {g('q2_rd21')} in 2021. In 2022 firm A declares exactly {g('q2_ceiling')}, firm B one
yuan less. What district R&D subsidy does each get for 2023 under article 11?"""),
    code('''
ceiling = guide.param("art11.rd_subsidy.ceiling")
rd21 = ceiling // 2
at = guide.run(guide.profile(financials={2021: {"rd_expense": rd21}, 2022: {"rd_expense": ceiling}}))
below = guide.run(guide.profile(financials={2021: {"rd_expense": rd21}, 2022: {"rd_expense": ceiling - 1}}))
assert at.total_yuan == 0 and below.total_yuan > 0
put("q2_rd21", wan(rd21)); put("q2_ceiling", wan(ceiling))
put("q2_at", wan(at.total_yuan)); put("q2_at_reason", at.excluded["reason_zh"].iloc[0])
put("q2_below", wan(below.total_yuan)); put("q2_below_why", lines(below))
put("q2_quote", pol.item("art11.rd_subsidy").cite.quote)
put("q2_note", pol.param("art11.rd_subsidy.ceiling").note.zh)
display(guide.outcome(at)); guide.awards(below)
''', "hide-cell"),
    ans(f"""
- 甲 A（恰为上限）：{g('q2_at')}——{g('q2_at_reason')}
- 乙 B（少 1 元）：{g('q2_below')}。{g('q2_below_why')}

“以下”一般含本数，但本条自身的结构改变了这一点：{g('q2_note')}。另外“不高于”的比例是上限，实际比例由主管部门确定，
`kzpolicy` 算出的是最高额。
*"以下" normally includes the figure, but here the text's own structure sends exactly the ceiling to the municipal route;
and the rates are upper bounds, so the result is a maximum.*
"""),
    q(3, f"""
某企业 2021 年研发费用 {g('q3_rd21')}，2022 年降到 {g('q3_rd22')}。2023 年度第十一条补助最高多少？""", f"""
A firm's R&D expense was {g('q3_rd21')} in 2021 and fell to {g('q3_rd22')} in 2022. What is the most article 11 can pay
for 2023?"""),
    code('''
rd21, rd22 = ceiling // 2, ceiling * 2 // 5
a = guide.run(guide.profile(financials={2021: {"rd_expense": rd21}, 2022: {"rd_expense": rd22}}))
stock_rate = guide.param("art11.rd_subsidy.stock_rate")
assert a.total_yuan == int(mul_round(min(rd21, rd22), stock_rate))   # no increment when R&D falls
put("q3_rd21", wan(rd21)); put("q3_rd22", wan(rd22)); put("q3_answer", wan(a.total_yuan)); put("q3_why", lines(a))
guide.awards(a)
''', "hide-cell"),
    ans(f"""
{g('q3_answer')}。{g('q3_why')} 研发费用下降时没有增量，只有存量部分（存量、增量的定义见解释 `art11-stock-increment`）。
*With falling R&D there is no increment, only the stock part.*
"""),
    q(4, """
某企业 2023 年主要起草 2 项国家标准、1 项行业标准，并有 3 个产品认定为市级新产品。第十二条奖励多少？
若标准按“每个级别奖一次”计算呢？""", """
In 2023 a firm is the main drafter of 2 national standards and 1 industry standard, and has 3 products recognised as
municipal new products. What does article 12 pay, and what if standards are paid once per level?"""),
    code('''
evs = [{"date": "2023-07-10", "code": "standard.national", "count": 2}, {"date": "2023-08-10", "code": "standard.industry"},
       {"date": "2023-08-10", "code": "new_product.municipal", "count": 3}]
per_std = guide.run(guide.profile(*evs))
per_level = guide.run(guide.profile(*evs), readings={"art12-standards": "per_firm_level"})
assert per_std.total_yuan == (2 * guide.param("art12.standard_national.amount") + guide.param("art12.standard_industry.amount")
                              + 3 * guide.param("art12.new_product_municipal.amount"))
put("q4_std", wan(per_std.total_yuan)); put("q4_level", wan(per_level.total_yuan)); put("q4_lines", lines(per_std))
guide.awards(per_std)
''', "hide-cell"),
    ans(f"""
默认（每项标准分别奖励）：{g('q4_std')}。{g('q4_lines')}
按“每个级别奖一次”（`art12-standards=per_firm_level`）：{g('q4_level')}。
"""),
]

# --------------------------------------------------------------------------- chapter 4
CH4 = [
    md(f"# 第四章测验 Chapter 4 quiz\n\n**{g('chapter_zh')}** · *{g('chapter_en')}* — {g('articles')}"),
] + intro(4) + [
    q(1, """
一家制造业企业依法注册、诚信纳税、信用良好，但申请表没有填是否具有独立法人资格。它能否申请“助工贷”（第十三条）？""", """
A manufacturer is lawfully registered, pays its taxes and has good credit, but the form does not say whether it is an
independent legal person. Can it apply for a 助工贷 loan (article 13)?"""),
    code('''
p = guide.profile(registered=True, tax_compliant=True, good_credit=True)
r = eligibility.check(p, "art13.zhugongdai", "2023-09-01")
r2 = eligibility.check(guide.profile(registered=True, tax_compliant=True, good_credit=True, independent_legal_person=True),
                       "art13.zhugongdai", "2023-09-01")
assert r["status"].iloc[0] == "unknown" and r2["status"].iloc[0] == "eligible"
put("q1_status", r["status_zh"].iloc[0]); put("q1_missing", r["missing"].iloc[0]); put("q1_status2", r2["status_zh"].iloc[0])
r[["status_zh", "met", "failed", "missing"]]
''', "hide-cell"),
    ans(f"""
{g('q1_status')}：缺少“{g('q1_missing')}”。没填的事实不能当成“否”，也不能当成“是”。补填为“是”后：{g('q1_status2')}。
第十三条不发奖金，它规定的是申请资格。
*Unknown, not "no": a fact that was not given makes the answer unknown. Article 13 grants access to a loan, not money.*
"""),
    q(2, f"""
某企业使用应急转贷资金 {g('q2_principal')}，{g('q2_start')} 借出，{g('q2_end')} 归还（跨国庆长假）。
按第十四条应付资金使用费多少？按日历天数算会错在哪里？""", f"""
A firm uses {g('q2_principal')} of the bridge-loan fund from {g('q2_start')} to {g('q2_end')}, across the National Day
holiday. What fee does article 14 charge, and what goes wrong if calendar days are counted?"""),
    code('''
import chinese_calendar

principal, start, end = 10_000_000, dt.date(2023, 9, 25), dt.date(2023, 10, 9)
p = guide.profile({"date": str(start), "code": "bridge_loan", "principal": principal, "start": str(start), "end": str(end)})
a = guide.run(p)
both = guide.run(p, readings={"art14-working-days": "both_ends"})
fee = a.fees.iloc[0]
days = [start + dt.timedelta(days=i) for i in range((end - start).days)]          # 算头不算尾 (default reading)
workdays = [d for d in days if chinese_calendar.is_workday(d)]
adjusted = [d for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d)]   # 调休上班的周末
assert int(fee["working_days"]) == len(workdays)
daily = guide.param("art14.bridge_loan_fee.daily_rate")
assert int(fee["fee_yuan"]) == int(mul_round(principal * len(workdays), daily))
calendar_fee = int(mul_round(principal * len(days), daily))
put("q2_principal", wan(principal)); put("q2_start", start); put("q2_end", end)
put("q2_days", int(fee["working_days"])); put("q2_fee", wan(int(fee["fee_yuan"]))); put("q2_why", fee["explanation_zh"])
put("q2_adjusted", "、".join(str(d) for d in adjusted)); put("q2_calendar_days", len(days)); put("q2_calendar_fee", wan(calendar_fee))
put("q2_both_days", int(both.fees["working_days"].iloc[0])); put("q2_both_fee", wan(int(both.fees["fee_yuan"].iloc[0])))
a.fees[["start", "end", "working_days", "fee_yuan", "explanation_zh"]]
''', "hide-cell"),
    ans(f"""
{g('q2_fee')}。{g('q2_why')}

工作日按国家法定节假日安排计算：国庆放假的工作日不算，调休上班的周末（{g('q2_adjusted')}）要算。若按日历天数
（{g('q2_calendar_days')} 天）计算，费用会算成 {g('q2_calendar_fee')}，多收企业的钱。默认“算头不算尾”；
若首尾都算（`art14-working-days=both_ends`）则为 {g('q2_both_days')} 个工作日、{g('q2_both_fee')}。
这是企业支付的费用，不是奖励，不计入奖补合计。
*Working days follow the official calendar, including weekend days worked in lieu (调休); counting calendar days
over-charges the firm. The fee is paid by the firm and is not an award.*
"""),
    q(3, f"""
两家企业 2023 年在主板上市，市级奖补分别为 {g('q3_small')} 和 {g('q3_big')}。第十六条区级奖励各多少？
第三家企业上市了，但还不知道市级奖补金额，`kzpolicy` 怎么处理？""", f"""
Two firms list on the main board in 2023 with municipal rewards of {g('q3_small')} and {g('q3_big')}. What district
reward does article 16 give each? A third firm has listed but its municipal reward is not yet known: what happens?"""),
    code('''
from kzpolicy import FactsError

share, cap = guide.param("art16.exchange_listing.share"), guide.param("art16.exchange_listing.cap")
small = cap                      # a municipal reward whose share stays under the cap
big = 4 * cap                    # one whose share is over the cap
a_small = guide.run(guide.profile({"date": "2023-10-10", "code": "listing.main", "municipal_reward": small}))
a_big = guide.run(guide.profile({"date": "2023-10-10", "code": "listing.main", "municipal_reward": big}))
assert a_small.total_yuan == int(mul_round(small, share)) < cap and a_big.total_yuan == cap
try:
    guide.run(guide.profile({"date": "2023-10-10", "code": "listing.main"}))
    raise AssertionError("a listing without the municipal reward must not be assessed")
except FactsError as e:
    missing = e.problems[0]
put("q3_small", wan(small)); put("q3_big", wan(big)); put("q3_share", pct(share)); put("q3_cap", wan(cap))
put("q3_a_small", wan(a_small.total_yuan)); put("q3_a_big", wan(a_big.total_yuan)); put("q3_missing", missing)
put("q3_big_why", lines(a_big))
guide.awards(a_big)
''', "hide-cell"),
    ans(f"""
- 市级奖补 {g('q3_small')}：{g('q3_share')} 为 {g('q3_a_small')}，未超过上限。
- 市级奖补 {g('q3_big')}：{g('q3_a_big')}。{g('q3_big_why')}
- 市级金额未知：不计算，并提示补填——{g('q3_missing')}

上限 {g('q3_cap')} 是“总额不超过”，包含本数；区级奖励是市级金额的一个比例，市级金额必须作为输入给出，不能猜。
*The cap is inclusive; the municipal reward is an input and is never guessed.*
"""),
    q(4, """
某企业 2023 年在“新三板”挂牌。第十六条奖励多少？需要填市级奖补金额吗？""", """
A firm lists on the NEEQ (新三板) in 2023. What does article 16 pay, and is the municipal reward needed?"""),
    code('''
a = guide.run(guide.profile({"date": "2023-08-08", "code": "listing.neeq"}))
assert a.total_yuan == guide.param("art16.neeq_listing.amount")
put("q4_amount", wan(a.total_yuan)); put("q4_why", lines(a))
guide.awards(a)
''', "hide-cell"),
    ans(f"""
{g('q4_amount')}，是固定金额，不需要市级奖补金额。{g('q4_why')}
"""),
]

# --------------------------------------------------------------------------- chapter 5
CH5 = [
    md(f"# 第五章测验 Chapter 5 quiz\n\n**{g('chapter_zh')}** · *{g('chapter_en')}* — {g('articles')}"),
] + intro(5) + [
    q(1, """
本章各条规定了多少奖补金额？一家企业引进了紧缺人才，`kzpolicy` 的测算结果里会出现本章的奖励吗？""", """
What award amounts does this chapter set? If a firm recruits scarce talent, will the assessment show an award from this
chapter?"""),
    code('''
items = [it for it in pol.items() if it.article in {a.article for a in arts}]
assert items == [] and not any(a.has_money for a in arts)
put("q1_n_items", len(items)); put("q1_units", "；".join(f"{article_zh(a.article)}：{'、'.join(a.responsible)}" for a in arts))
put("q1_clause", pol.article(arts[0].article).clauses[0].text_zh); put("q1_clause_art", article_zh(arts[0].article))
pd.DataFrame({"条": [article_zh(a.article) for a in arts], "责任单位": ["、".join(a.responsible) for a in arts], "Summary": [a.summary_en for a in arts]})
''', "hide-cell"),
    ans(f"""
本章奖补项目数：{g('q1_n_items')}。不会出现：本政策没有为人才和培训规定金额，{g('q1_clause_art')}原文是“{g('q1_clause')}”——待遇按其他文件执行，
应引导企业向责任单位咨询（{g('q1_units')}）。不要把其他文件的金额算进本政策的财政成本。
*None: the chapter sets no amounts; benefits follow other documents, so they are not part of this policy's cost.*
"""),
    q(2, """
整部政策共多少条？其中多少条涉及资金？其余各条是什么性质？""", """
How many articles does the policy have, how many carry money, and what are the others?"""),
    code('''
allarts = list(pol.articles.values())
money = [a for a in allarts if a.has_money]
other = [a for a in allarts if not a.has_money]
assert len(money) + len(other) == len(allarts)
put("q2_n", len(allarts)); put("q2_money", len(money)); put("q2_money_list", "、".join(article_zh(a.article) for a in money))
put("q2_other", "；".join(f"{article_zh(a.article)} {a.title.zh}" for a in other))
pd.DataFrame({"条": [article_zh(a.article) for a in other], "标题": [a.title.zh for a in other], "Title": [a.title.en for a in other]})
''', "hide-cell"),
    ans(f"""
共 {g('q2_n')} 条，{g('q2_money')} 条涉及资金（{g('q2_money_list')}）。其余是资格、程序或组织保障：{g('q2_other')}。
"""),
]

# --------------------------------------------------------------------------- chapter 6
CH6 = [
    md(f"# 第六章测验 Chapter 6 quiz\n\n**{g('chapter_zh')}** · *{g('chapter_en')}* — {g('articles')}"),
] + intro(6) + [
    q(1, f"""
2023 年工业发展评选共有 {g('q1_n')} 个乡镇（街道）参评并排出名次。排第 10、11、21 名的各获多少工作经费？全区共需多少？""", f"""
{g('q1_n')} townships and streets are ranked in the 2023 industrial-development selection. What working funds do the
10th, 11th and 21st get, and what is the district total?"""),
    code('''
places1 = guide.param("art21.first_prize.places")
places2 = guide.param("art21.second_prize.places")
n = places1 + places2 + 2
tw = pd.DataFrame({"township": [f"乡镇{i:02d}" for i in range(1, n + 1)], "year": 2023, "rank": range(1, n + 1)})
firms = pd.DataFrame({"firm_id": ["F1"], "industry": ["manufacturing"], "established": ["2015-01-01"]})
a = assess(firms, townships=tw, year=2023)
ta = a.township_awards.set_index("rank")
amt = lambda r: wan(int(ta.loc[r, "amount_yuan"])) if r in ta.index else wan(0)
assert len(ta) == places1 + places2 and (places1 + places2 + 1) not in ta.index
put("q1_n", n); put("q1_r10", amt(places1)); put("q1_r11", amt(places1 + 1)); put("q1_r21", amt(places1 + places2 + 1))
put("q1_total", wan(int(a.township_awards["amount_yuan"].sum())))
put("q1_quote", pol.item("art21.first_prize").cite.quote + "；" + pol.item("art21.second_prize").cite.quote)
a.township_awards[["township", "rank", "amount_yuan", "explanation_zh"]]
''', "hide-cell"),
    ans(f"""
第 10 名：{g('q1_r10')}；第 11 名：{g('q1_r11')}；第 21 名：{g('q1_r21')}（不在两档名额内）。全区合计 {g('q1_total')}。
原文：“{g('q1_quote')}”。奖励对象是乡镇（街道），用作工作经费，不是企业奖励。
*Working funds for townships, not awards to firms.*
"""),
    q(2, """
除了发给企业的奖补，本政策每年还有哪些固定预算安排？2023 年合计多少？第二十三条“一定的区级专项资金”怎么算？""", """
Besides awards to firms, which fixed annual budget lines does the policy set, and what is their 2023 total? How is
article 23's "a certain amount of special funds" counted?"""),
    code('''
bl = budget_lines(years=(2023,))
assert len(bl) > 0 and not pol.article(23).items
put("q2_lines", "；".join(f"{article_zh(r.article)} {r.label_zh} {wan(r.amount_yuan)}" for r in bl.itertuples()))
put("q2_total", wan(int(bl["amount_yuan"].sum())))
put("q2_a23", pol.article(23).clauses[0].text_zh)
bl
''', "hide-cell"),
    ans(f"""
{g('q2_lines')}；合计 {g('q2_total')}。第二十三条原文“{g('q2_a23')}”没有给出数额：它是缺失的数字，
不是零，也不能估一个数填进去。
*Article 23 gives no figure: it is missing, not zero.*
"""),
    q(3, f"""
一家企业 {g('q3_date')} 新升规入库（早于政策公布日）。默认口径下 2023 年度能否获第一条奖励？若主管部门决定当年 1 月 1 日起的事项都计入呢？""", f"""
A firm enters the above-scale register on {g('q3_date')}, before publication. Does it get the article 1 award for 2023
under the default reading, and if the district counts events from 1 January?"""),
    code('''
d = "2023-04-10"
p = guide.profile({"date": d, "code": "above_scale.enter"})
eff = guide.reading_effects(p, "publication-date").set_index("口径 reading")
assert eff.loc["from_publication", "total_yuan"] == 0 and eff.loc["from_year_start", "total_yuan"] == guide.param("art01.above_scale_enter.amount")
put("q3_date", d); put("q3_default", eff.loc["from_publication", "合计 total"]); put("q3_wide", eff.loc["from_year_start", "合计 total"])
put("q3_effective", pol.meta.effective); put("q3_quote", pol.meta.effective_cite.quote)
eff
''', "hide-cell"),
    ans(f"""
默认（自公布之日 {g('q3_effective')} 起）：{g('q3_default')}；按当年 1 月 1 日起计：{g('q3_wide')}。
第二十四条：“{g('q3_quote')}”。公布前的事项是否计入是登记在案的解释（`publication-date`），要在测算说明里写明。
"""),
]

if __name__ == "__main__":
    import sys
    which = sys.argv[1:] or ["1", "2", "3", "4", "5", "6"]
    for n in which:
        build(f"quiz_ch{n}.ipynb", {"1": CH1, "2": CH2, "3": CH3, "4": CH4, "5": CH5, "6": CH6}[n])
