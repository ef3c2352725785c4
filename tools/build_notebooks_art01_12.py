"""Build the article notebooks for articles 1–12 (notebooks/artNN_slug.ipynb) with nbformat.

Each page follows ARCHITECTURE.md "Notebook page for one article": title and citation box,
the verbatim text clause by clause with the code for that clause, a plain explanation
(zh first, en beside), the parameter table, worked examples with asserts derived from
the parameters, the registered interpretations with their effect, and exercises with
hidden solutions. Titles come from the policy YAML and clause texts are rendered from it; no
amount is typed here. The script executes each notebook (nbclient) so the outputs nbval
checks are committed with it.

    .venv/bin/python tools/build_notebooks_art01_12.py [N ...] [--no-exec]
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from textwrap import dedent

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kzpolicy import get_policy
from kzpolicy.explain import article_zh

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"
POL = get_policy()

SETUP = """\
import datetime as dt
from fractions import Fraction

import pandas as pd

from kzpolicy import budget_lines, get_policy, guide
from kzpolicy.money import mul_round, sum_mul_round, wan, yi_or_wan

pd.set_option("display.max_colwidth", 200)
pd.set_option("display.width", 200)
pol = get_policy()
EFFECTIVE = pol.meta.effective                   # 自公布之日起执行 (article 24)
DAY_BEFORE = EFFECTIVE - dt.timedelta(days=1)"""


def md(text: str):
    return new_markdown_cell(dedent(text).strip())


WIDTH = 110


def _wrap(line: str) -> str:
    """Put each event of a long ``guide.profile(...)`` call on its own line, aligned, so pages need no side-scrolling."""
    if len(line) <= WIDTH or "}, {" not in line:
        return line
    for opener in ("guide.profile(", "invest("):
        if opener in line:
            col = line.index(opener) + len(opener)
            return ("},\n" + " " * col + "{").join(line.split("}, {"))
    return line


def code(src: str, *tags: str):
    src = "\n".join(_wrap(x) for x in dedent(src).strip().splitlines())
    c = new_code_cell(src)
    if tags:
        c.metadata["tags"] = list(tags)
    return c


def head(n: int):
    a = POL.article(n)
    return [
        md(f"# {article_zh(n)}　{a.title.zh}\n\n*Article {n} — {a.title.en}*"),
        code(SETUP, "hide-cell"),
        code(f"guide.citation_box({n})", "remove-input"),
        md("## 原文与实现 Text and code\n\n"
           "原文逐句引用，每句之后是实现这一句的代码：参数取自政策数据（YAML），再用引擎算一个最小的例子。\n\n"
           "*The text, sentence by sentence, each followed by the code that implements exactly that sentence: "
           "the parameters come from the policy data (YAML), then the engine computes a minimal case.*"),
    ]


def clause(n: int, k: int):
    return code(f"guide.clause({n}, {k})", "remove-input")


def _zh(text: str) -> str:
    """Join wrapped Chinese lines: a line break between CJK characters would render as a stray space."""
    out = []
    for line in dedent(text).strip().splitlines():
        st = line.strip()
        if out and out[-1].strip() and st and not re.match(r"(- |\d+\. |\*\*[^*]+\*\*　)", st):
            out[-1] = out[-1].rstrip() + st
        else:
            out.append(line)
    return "\n".join(out)


def explain(zh: str, en: str):
    return [md("## 通俗解释 Plain explanation\n\n" + _zh(zh) + "\n\n" + dedent(en).strip())]


def params(n: int, eligibility: bool = False):
    fn = "eligibility_table" if eligibility else "parameter_table"
    return [md("## 参数表 Parameters\n\n下表由政策数据生成，金额、门槛、比例均以此为准。"
               "*Generated from the policy data: every amount, threshold and rate on this page comes from here.*"),
            code(f"guide.{fn}({n})")]


def examples(intro_zh: str, intro_en: str, cases):
    cells = [md("## 算例 Worked examples\n\n" + dedent(intro_zh).strip() + "\n\n*" + dedent(intro_en).strip() + "*")]
    for i, (title, src) in enumerate(cases, 1):
        cells.append(md(f"### 例{i}　{title}"))
        cells.append(code(src))
    return cells


def interps(n: int, notes):
    """notes: list of (markdown, code) pairs, one per interpretation."""
    cells = [md("## 解释与口径 Interpretations\n\n"
                "原文有歧义之处登记在解释登记表中，可切换；下表列出与本条有关的口径，✓ 为默认。\n\n"
                "*Where the text is ambiguous the reading is registered and switchable; ✓ marks the default.*"),
             code(f"guide.interpretations({n})")]
    for text, src in notes:
        cells.append(md(text))
        cells.append(code(src))
    cells.append(compare_link(n))
    return cells


def compare_link(n: int):
    """A link to this article's section of the cross-jurisdiction comparison page."""
    return md(f"## 与其他地区比较 Comparison\n\n"
              f"其他地区同类条款的金额、条件与出处（含未能读取的项目），见 {{ref}}`compare-art{n:02d}`。\n\n"
              f"*How other districts treat the same items, with sources and what could not be read: {{ref}}`compare-art{n:02d}`.*")


def exercises(items):
    cells = [md("## 练习 Exercises\n\n答案默认隐藏，点击展开。*Solutions are hidden; click to show.*")]
    for i, (q, sol) in enumerate(items, 1):
        cells.append(md(f"**练习{i}** {dedent(q).strip()}"))
        cells.append(code(sol, "hide-cell"))
    return cells


def pubdate_note(n: int, event_code: str, item_id: str, extra: str = ""):
    """The publication-date interpretation on a recognition dated a few weeks before publication."""
    return (
        "**publication-date**：政策公布（2023-05-30）前发生的事项是否计入。下例中的事项发生在公布前；"
        "默认口径（自公布之日起）不计，若按“当年1月1日起”口径则计入。\n\n"
        "*An event a few weeks before publication: not counted by default (from publication), counted if events "
        "from 1 January of the publication year count.*",
        f"""\
        p = guide.profile({{"date": "2023-04-10", "code": "{event_code}"{extra}}})
        eff = guide.reading_effects(p, "publication-date").set_index("口径 reading")
        assert eff.loc["from_publication", "total_yuan"] == 0
        wide = guide.run(p, readings={{"publication-date": "from_year_start"}})
        assert eff.loc["from_year_start", "total_yuan"] == wide.total_yuan > 0
        eff""",
    )


def write(n: int, cells, execute: bool = True) -> Path:
    """Write notebooks/artNN_slug.ipynb and (by default) execute it in place, so outputs are committed."""
    a = POL.article(n)
    nb = new_notebook(cells=cells)
    for i, c in enumerate(nb.cells):
        c.id = f"art{n:02d}-{i:03d}"   # stable ids: rebuilding does not churn the diff
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["language"] = "zh"
    path = OUT / f"art{n:02d}_{a.slug}.ipynb"
    OUT.mkdir(exist_ok=True)
    if execute:
        # the kernelspec runs "python" from PATH: make it this environment's python
        os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
        NotebookClient(nb, kernel_name="python3", timeout=120, record_timing=False, resources={"metadata": {"path": str(OUT)}}).execute()
    nbformat.write(nb, path)
    return path


# --------------------------------------------------------------------------- article 1
def art01():
    n = 1
    return head(n) + [
        clause(n, 1),
        code("""\
        amount = guide.param("art01.above_scale_enter.amount")   # 每户一次 per firm, once
        print("每户一次性奖励 one-off award per firm:", wan(amount))
        a = guide.run(guide.profile({"date": "2023-08-15", "code": "above_scale.enter"}))
        assert guide.amounts(a) == {"art01.above_scale_enter": amount}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　一家工业企业新进入规模以上工业企业统计库（俗称“升规入库”），区里给一笔一次性奖励，按户计，
        金额见下方参数表。要点：
        - 对象是“规模以上工业企业”，即制造业、采矿业以及电力、热力、燃气及水生产和供应业企业；其他行业的企业不适用。
        - “一次性”：同一企业只奖一次，以后再次入库不再奖励；政策公布前曾入库的企业怎么算，见解释 art01-reentry。
        - 入库日期须在政策公布之日（2023-05-30）或以后（见解释 publication-date）。""",
        """\
        **English**　An industrial firm that newly enters the statistical register of above-scale industrial firms
        (升规入库) receives a one-off district award per firm; the amount is in the parameter table below.
        Only industrial firms (manufacturing, mining, utilities) qualify; the award is paid once per firm, however
        often it re-enters the register (an entry before the policy: see art01-reentry); and the entry must be on or after publication (2023-05-30) under the
        default reading of interpretation *publication-date*.""",
    ) + params(n) + examples(
        "每个例子只给出必要的事实；期望金额一律由参数推出。", "Each example gives only the facts it needs; expected amounts are derived from the parameters.",
        [
            ("制造业企业 2023 年升规入库 / A manufacturer enters the register in 2023", """\
            a = guide.run(guide.profile({"date": "2023-08-15", "code": "above_scale.enter"}))
            assert a.total_yuan == amount
            display(guide.awards(a)); guide.outcome(a)"""),
            ("工业与非工业 / Industrial or not: a mining firm qualifies, an 'other' firm does not", """\
            mining = guide.run(guide.profile({"date": "2023-08-15", "code": "above_scale.enter"}, industry="mining"))
            other = guide.run(guide.profile({"date": "2023-08-15", "code": "above_scale.enter"}, industry="other"))
            assert mining.total_yuan == amount
            assert other.total_yuan == 0 and other.excluded["reason"].tolist() == ["not_eligible"]
            display(guide.awards(mining)); display(guide.outcome(mining)); guide.outcome(other)"""),
            ("公布日前一天与公布当日 / The day before publication and the day of publication", """\
            before = guide.run(guide.profile({"date": str(DAY_BEFORE), "code": "above_scale.enter"}))
            on_day = guide.run(guide.profile({"date": str(EFFECTIVE), "code": "above_scale.enter"}))
            assert before.total_yuan == 0 and before.excluded["reason"].tolist() == ["before_effective"]
            assert on_day.total_yuan == amount
            display(guide.outcome(before)); display(guide.awards(on_day)); guide.outcome(on_day)"""),
            ("一次性：次年再次入库不再奖励 / One-off: entering again the next year earns nothing", """\
            p = guide.profile({"date": "2023-08-15", "code": "above_scale.enter"}, {"date": "2024-09-01", "code": "above_scale.enter"})
            y2023, y2024 = guide.run(p, year=2023), guide.run(p, year=2024)
            assert y2023.total_yuan == amount and y2024.total_yuan == 0
            assert y2024.excluded["reason"].tolist() == ["already_awarded"]
            display(guide.awards(y2023)); guide.outcome(y2024)"""),
        ],
    ) + interps(n, [
        ("**industrial-firm**：“工业企业”按国家统计口径（采矿业，制造业，电力、热力、燃气及水生产和供应业）判断；这是登记的唯一口径，"
         "下表显示采矿企业也适用、“其他”行业不适用。\n\n"
         "*Industrial firms are read as in national statistics (mining, manufacturing, utilities) — the single registered reading; "
         "a mining firm qualifies, an 'other' firm does not.*", """\
        rows = []
        for industry in ("mining", "other"):
            e = guide.reading_effects(guide.profile({"date": "2023-08-15", "code": "above_scale.enter"}, industry=industry), "industrial-firm")
            rows.append(e.assign(行业_industry=industry))
        eff = pd.concat(rows, ignore_index=True)
        assert eff.loc[eff["行业_industry"] == "other", "total_yuan"].eq(0).all()
        assert eff.loc[eff["行业_industry"] == "mining", "total_yuan"].gt(0).all()
        eff"""),
        ("**art01-reentry**：一家企业 2021 年曾入库、后退规，2023 年再次入库。默认“一次性按企业计”不再奖励；"
         "若只看政策公布后的入库，则 2023 年的入库可获奖励。\n\n"
         "*Entered the register in 2021, left it, re-entered in 2023: nothing by default (once per firm, ever); "
         "paid if only entries since publication count.*", """\
        p = guide.profile({"date": "2021-03-01", "code": "above_scale.enter"}, {"date": "2023-08-15", "code": "above_scale.enter"})
        eff = guide.reading_effects(p, "art01-reentry").set_index("口径 reading")
        assert eff.loc["once_ever", "total_yuan"] == 0
        assert eff.loc["since_publication", "total_yuan"] == amount
        eff"""),
        pubdate_note(n, "above_scale.enter", "art01.above_scale_enter"),
    ]) + exercises([
        ("一家电力企业（utilities）于 2023-11-02 升规入库，2023 年可获多少奖励？\n\n"
         "*A utility enters the register on 2023-11-02. What is its 2023 award?*", """\
        a = guide.run(guide.profile({"date": "2023-11-02", "code": "above_scale.enter"}, industry="utilities"))
        assert a.total_yuan == guide.param("art01.above_scale_enter.amount")
        guide.outcome(a)"""),
        ("三家制造业企业分别于 2023-03-15、2023-06-01、2023-12-31 升规入库。2023 年第一条共需多少资金？"
         "若采用“当年1月1日起”口径呢？\n\n"
         "*Three manufacturers enter the register on 2023-03-15, 2023-06-01 and 2023-12-31. What does article 1 cost "
         "in 2023, under the default reading and under 'from the start of the year'?*", """\
        from kzpolicy import assess
        firms = pd.DataFrame({"firm_id": ["A", "B", "C"], "industry": "manufacturing", "established": "2010-01-01"})
        events = pd.DataFrame({"firm_id": ["A", "B", "C"], "date": ["2023-03-15", "2023-06-01", "2023-12-31"],
                               "code": "above_scale.enter"})
        amount = guide.param("art01.above_scale_enter.amount")
        default = assess(firms, events, year=2023)
        wide = assess(firms, events, year=2023, readings={"publication-date": "from_year_start"})
        assert default.total_yuan == 2 * amount and wide.total_yuan == 3 * amount
        print("默认 default:", wan(default.total_yuan), "｜ 当年1月1日起 from 1 January:", wan(wide.total_yuan))"""),
    ])


# --------------------------------------------------------------------------- article 2
def art02():
    n = 2
    return head(n) + [
        clause(n, 1),
        code("""\
        lists = {"composite": "综合十强", "innovation": "创新十强", "growth": "成长十强"}
        amt = {k: guide.param(f"art02.top10_{k}.amount") for k in lists}
        places = {k: guide.param(f"art02.top10_{k}.places") for k in lists}
        display(pd.DataFrame({"榜单 list": list(lists.values()), "名额 places": list(places.values()),
                              "每户奖励 award": [wan(amt[k]) for k in lists]}, index=list(lists)))
        a = guide.run(guide.profile({"date": "2023-12-20", "code": "ranking.top10.composite"}))
        assert guide.amounts(a) == {"art02.top10_composite": amt["composite"]}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　区里每年评选三张榜单：“综合十强”“创新十强”“成长十强”，依据企业营业收入、用工、创新、用电等情况。
        入选企业每户获一次性奖励，各榜单的名额和金额见参数表。要点：
        - 原文只列出评选依据，没有给出权重或计分办法。本工具**不替区里排名**：入选结果是输入（事件 `ranking.top10.*`），
          见解释 art02-ranking。
        - 三张榜单各自奖励：同一企业同年入选两张榜单，两项奖励都计（原文未禁止兼得）。
        - 同一榜单同一年只奖一次；“年度”评选每年进行，下一年再次入选可再获奖励。""",
        """\
        **English**　Each year the district selects three lists of ten firms — composite, innovation and growth —
        on revenue, employment, innovation and electricity use. Each selected firm gets a one-off award per list
        (places and amounts in the parameter table). The text names the criteria but gives no weights, so the
        toolkit does not rank firms: the selection is an input (events `ranking.top10.*`, interpretation
        *art02-ranking*). A firm on two lists gets both awards; one list pays once per firm and year, and a firm
        selected again next year is rewarded again.""",
    ) + params(n) + examples(
        "入选事件的日期即公布评选结果的日期。", "The event date is the date the selection is announced.",
        [
            ("入选“综合十强” / Selected for the composite top ten", """\
            a = guide.run(guide.profile({"date": "2023-12-20", "code": "ranking.top10.composite"}))
            assert a.total_yuan == amt["composite"]
            display(guide.awards(a)); guide.outcome(a)"""),
            ("同年入选三张榜单 / On all three lists in one year", """\
            a = guide.run(guide.profile(*[{"date": "2023-12-20", "code": f"ranking.top10.{k}"} for k in lists]))
            assert a.total_yuan == sum(amt.values())
            display(guide.awards(a)); guide.outcome(a)"""),
            ("同一榜单同一年重复登记 / The same list recorded twice in one year", """\
            a = guide.run(guide.profile({"date": "2023-12-20", "code": "ranking.top10.growth"},
                                        {"date": "2023-12-28", "code": "ranking.top10.growth"}))
            assert a.total_yuan == amt["growth"] and a.excluded["reason"].tolist() == ["already_awarded"]
            display(guide.awards(a)); guide.outcome(a)"""),
            ("连续两年入选 / Selected two years running", """\
            p = guide.profile({"date": "2023-12-20", "code": "ranking.top10.innovation"},
                              {"date": "2024-12-20", "code": "ranking.top10.innovation"})
            y23, y24 = guide.run(p, year=2023), guide.run(p, year=2024)
            assert y23.total_yuan == y24.total_yuan == amt["innovation"]
            display(guide.awards(y24)); guide.outcome(y24)"""),
        ],
    ) + interps(n, [
        ("**art02-ranking**：评选只列指标、不设权重，因此只有一种口径——入选结果为输入。换算法或加权重都不是原文的规定；"
         "若要模拟排名，须明示权重并标注为假设。\n\n"
         "*Only one reading: the selection is an input. Any computed ranking would be an illustration with explicit, "
         "labelled weights, not the text.*",
         """\
         p = guide.profile({"date": "2023-12-20", "code": "ranking.top10.composite"})
         eff = guide.reading_effects(p, "art02-ranking")
         assert eff["total_yuan"].tolist() == [amt["composite"]]
         eff"""),
        pubdate_note(n, "ranking.top10.composite", "art02.top10_composite"),
    ]) + exercises([
        ("一家企业 2023 年入选“创新十强”和“成长十强”，可获多少？\n\n"
         "*A firm is on the innovation and growth lists in 2023. How much does it get?*", """\
        a = guide.run(guide.profile({"date": "2023-12-20", "code": "ranking.top10.innovation"},
                                    {"date": "2023-12-20", "code": "ranking.top10.growth"}))
        expected = guide.param("art02.top10_innovation.amount") + guide.param("art02.top10_growth.amount")
        assert a.total_yuan == expected
        guide.outcome(a)"""),
        ("三张榜单名额全部评满时，第二条每年最多需要多少资金？\n\n"
         "*With every place on the three lists filled, what is article 2's maximum annual cost?*", """\
        ks = ["composite", "innovation", "growth"]
        cost = sum(guide.param(f"art02.top10_{k}.places") * guide.param(f"art02.top10_{k}.amount") for k in ks)
        assert cost == sum(places[k] * amt[k] for k in ks) > 0
        print("每年最多 at most per year:", wan(cost))"""),
    ])


# --------------------------------------------------------------------------- article 3
ART03_SETUP = """\
tiers = ["50yi", "30yi", "20yi", "10yi", "5yi", "2yi"]
T = {t: guide.param(f"art03.milestone_{t}.threshold") for t in tiers}
A = {t: guide.param(f"art03.milestone_{t}.amount") for t in tiers}
display(pd.DataFrame({"上年主营业务收入首次突破 first above": [yi_or_wan(T[t]) for t in tiers],
                      "奖励 award": [wan(A[t]) for t in tiers]}, index=tiers))

def maker(rev_2021, rev_2022, **firm):
    \"\"\"A manufacturer (independent legal person, founded 2021) with revenue for 2021 and 2022.\"\"\"
    fields = {"established": "2021-03-01", "independent_legal_person": True, **firm}
    return guide.profile(financials={2021: {"revenue": rev_2021}, 2022: {"revenue": rev_2022}}, **fields)

a = guide.run(maker(T["2yi"] // 2, T["2yi"] + 1), year=2023)   # 2023 年评估看 2022 年收入
assert guide.amounts(a) == {"art03.milestone_2yi": A["2yi"]}
guide.awards(a)"""


def art03():
    n = 3
    return head(n) + [clause(n, 1), code(ART03_SETUP)] + explain(
        """\
        **中文**　制造业企业（以独立法人计）**上年**主营业务收入**首次突破**某一档门槛，区里给该档的一次性奖励；
        共六档，门槛和金额见参数表。要点：
        - 评估 2023 年时看 2022 年的主营业务收入。
        - “突破”按“超过”理解：恰好等于门槛不算（解释 art03-crossing）。
        - “首次”是对企业全部历史的判断：须有自成立以来的完整收入记录，否则答案是“无法判断”而不是“符合”（解释 art03-history）。
        - 同一年首次跨过几档时，默认就高奖励一档（解释 art03-multiple-thresholds）。
        - 只适用于制造业；是否为独立法人未提供时，答案是“无法判断”。""",
        """\
        **English**　A manufacturing firm (counted as an independent legal person) whose main-business revenue of the
        **previous year** **first exceeds** one of six thresholds gets the one-off award of that tier (parameter table).
        Assessing 2023 looks at 2022 revenue. "突破" is read as strictly above (*art03-crossing*); "first" needs the
        revenue history since establishment, otherwise the answer is "cannot decide" (*art03-history*); when several
        tiers are first crossed in one year only the highest is paid by default (*art03-multiple-thresholds*).
        Manufacturing only; an unknown legal-person status means "cannot decide".""",
    ) + params(n) + examples(
        "企业 2021 年成立，提供 2021、2022 两年收入（历史完整），评估 2023 年。",
        "The firm was founded in 2021 and supplies 2021 and 2022 revenue (a complete history); the year assessed is 2023.",
        [
            ("恰好等于门槛与多 1 元 / Exactly at the threshold, and one yuan above", """\
            at = guide.run(maker(T["2yi"] // 2, T["2yi"]), year=2023)
            above = guide.run(maker(T["2yi"] // 2, T["2yi"] + 1), year=2023)
            assert at.total_yuan == 0 and at.near_misses["missing"].tolist() == [1]
            assert guide.amounts(above) == {"art03.milestone_2yi": A["2yi"]}
            display(guide.outcome(at)); display(guide.awards(above)); guide.outcome(above)"""),
            ("一年跨过两档：就高 / Two tiers crossed in one year: the highest only", """\
            a = guide.run(maker(T["2yi"] // 2, T["5yi"] + 1), year=2023)
            assert guide.amounts(a) == {"art03.milestone_5yi": A["5yi"]}
            assert a.excluded["item"].tolist() == ["art03.milestone_2yi"]
            display(guide.awards(a)); guide.outcome(a)"""),
            ("此前已突破：非首次 / Crossed before: not the first time", """\
            a = guide.run(maker(T["2yi"] + 1, T["2yi"] * 2), year=2023)   # 2021 已超过 2亿
            assert a.total_yuan == 0 and "not_first" in a.excluded["reason"].tolist()
            guide.outcome(a)"""),
            ("历史不完整：无法判断 / Incomplete history: cannot decide", """\
            p = guide.profile(financials={2022: {"revenue": T["2yi"] + 1}},
                              established="2015-04-01", independent_legal_person=True)
            a = guide.run(p, year=2023)
            assert a.total_yuan == 0 and a.undetermined["item"].tolist() == ["art03.milestone_2yi"]
            guide.outcome(a)"""),
            ("非制造业与法人身份未知 / Not manufacturing; legal-person status unknown", """\
            mining = guide.run(maker(T["2yi"] // 2, T["2yi"] + 1, industry="mining"), year=2023)
            unknown = guide.run(maker(T["2yi"] // 2, T["2yi"] + 1, independent_legal_person=None), year=2023)
            assert mining.total_yuan == 0 and len(mining.undetermined) == 0
            assert unknown.total_yuan == 0 and unknown.undetermined["item"].tolist() == ["art03.milestone_2yi"]
            display(guide.outcome(mining)); guide.outcome(unknown)"""),
        ],
    ) + interps(n, [
        ("**art03-multiple-thresholds**：同一年从最低一档以下直接越过最低的两档（例2 的情形）。默认就高，只奖较高的一档；若每档分别奖励，则两档相加。\n\n"
         "*Jumping past the two lowest tiers in one year (example 2): the higher tier by default, both tiers added under 'each'.*",
         """\
         eff = guide.reading_effects(maker(T["2yi"] // 2, T["5yi"] + 1), "art03-multiple-thresholds")
         eff = eff.set_index("口径 reading")
         assert eff.loc["highest_only", "total_yuan"] == A["5yi"]
         assert eff.loc["each", "total_yuan"] == A["5yi"] + A["2yi"]
         eff"""),
        ("**art03-crossing**：收入恰好等于门槛。默认“突破”为超过，不奖；若按“大于或等于”，则奖励该档。\n\n"
         "*Revenue exactly at the threshold: nothing when 突破 means strictly above (default), the tier's award when it means at least.*",
         """\
         eff = guide.reading_effects(maker(T["2yi"] // 2, T["2yi"]), "art03-crossing").set_index("口径 reading")
         assert eff.loc["strictly_above", "total_yuan"] == 0 and eff.loc["at_least", "total_yuan"] == A["2yi"]
         eff"""),
        ("**art03-history**：2015 年成立的企业只提供了 2022 年收入。默认“无法判断”；若把所提供的年份视为完整历史，则认定为首次突破。\n\n"
         "*Only 2022 revenue for a firm founded in 2015: 'cannot decide' by default; the award if the supplied years are taken as the whole history.*",
         """\
         p = guide.profile(financials={2022: {"revenue": T["2yi"] + 1}},
                           established="2015-04-01", independent_legal_person=True)
         eff = guide.reading_effects(p, "art03-history").set_index("口径 reading")
         assert eff.loc["complete_history_required", "total_yuan"] == 0
         assert eff.loc["complete_history_required", "无法判断 undetermined"] == 1
         assert eff.loc["supplied_history", "total_yuan"] == A["2yi"]
         eff"""),
        ("**publication-date**：第三条按年度收入判断，没有事项日期，所以两种口径结果相同。\n\n"
         "*Article 3 works on a year's revenue, not on a dated event, so both readings give the same result.*",
         """\
         eff = guide.reading_effects(maker(T["2yi"] // 2, T["2yi"] + 1), "publication-date")
         assert eff["total_yuan"].nunique() == 1
         eff"""),
    ]) + exercises([
        ("一家 2021 年成立的制造业企业（独立法人），2021 年收入 9 亿元，2022 年收入 12 亿元。2023 年可获多少？"
         "若每档分别奖励呢？\n\n*Founded 2021, revenue 900 million in 2021 and 1.2 billion in 2022. What is the 2023 award, "
         "and under the 'each' reading?*", """\
        p = maker(900_000_000, 1_200_000_000)
        default = guide.run(p, year=2023)
        each = guide.run(p, year=2023, readings={"art03-multiple-thresholds": "each"})
        assert guide.amounts(default) == {"art03.milestone_10yi": A["10yi"]}   # 5亿、2亿档在 2021 年已突破
        assert each.total_yuan == A["10yi"]
        display(guide.awards(default)); guide.outcome(default)"""),
        ("同一企业 2021 年收入低于最低一档，2022 年收入比第二低一档的门槛少 1 000 万元。2023 年的结果是什么？工具会提示什么？\n\n"
         "*2021 revenue below the lowest tier; 2022 revenue 10 million short of the second-lowest threshold. What happens in 2023, "
         "and what does the toolkit point out?*", """\
        a = guide.run(maker(T["2yi"] // 2, T["5yi"] - 10_000_000), year=2023)
        assert guide.amounts(a) == {"art03.milestone_2yi": A["2yi"]}
        assert a.near_misses["item"].tolist() == ["art03.milestone_5yi"]
        assert a.near_misses["missing"].tolist() == [10_000_000 + 1]          # 须“超过”门槛
        display(guide.awards(a)); guide.outcome(a)"""),
    ])


# --------------------------------------------------------------------------- article 4
def art04():
    n = 4
    return head(n) + [
        clause(n, 1),
        code("""\
        lg = guide.param("art04.little_giant_national.amount")
        spec = guide.param("art04.specialized_municipal.amount")
        innov = guide.param("art04.innovative_sme_municipal.amount")
        window = pol.param("art04.little_giant_national.amount").first_date   # “2022年以来”
        print("小巨人 little giant:", wan(lg), "｜ 市级专精特新:", wan(spec), "｜ 市级创新型:", wan(innov), "｜ 自 from", window)
        a = guide.run(guide.profile({"date": "2022-03-01", "code": "srdi.little_giant.national"}), year=2022)
        assert guide.amounts(a) == {"art04.little_giant_national": lg}
        guide.awards(a)"""),
        clause(n, 2),
        code("""\
        review = guide.param("art04.srdi_review.amount")
        print("到期复核通过 passing re-review:", wan(review))
        a = guide.run(guide.profile({"date": "2023-09-01", "code": "srdi.specialized.municipal.review"}))
        assert guide.amounts(a) == {"art04.srdi_review": review}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　“专精特新”梯度培育：企业新获国家专精特新“小巨人”、市级专精特新中小企业、市级创新型中小企业认定，
        区里分别给一次性奖励；“小巨人”和市级专精特新称号到期后复核通过的，再给一笔一次性奖励。金额见参数表。要点：
        - 本条自设时间窗口“2022年以来”：2022 年 1 月 1 日及以后的新认定都算，**不受**政策公布日（2023-05-30）的限制。
        - 复核奖励只针对“小巨人”和市级专精特新两类；市级创新型中小企业没有复核奖励。""",
        """\
        **English**　The SRDI ladder (专精特新): a firm newly recognised as a national "little giant", a municipal SRDI
        SME or a municipal innovative SME gets a one-off award; little giants and municipal SRDI SMEs that pass
        re-review when the title expires get a further one-off award (amounts in the parameter table). The article
        sets its own window, "since 2022": recognitions from 1 January 2022 count, regardless of the publication date.
        There is no re-review award for municipal innovative SMEs.""",
    ) + params(n) + examples(
        "本条的窗口从 2022 年开始，所以例子会评估 2022 和 2023 两个年度。",
        "The window opens in 2022, so the examples assess both 2022 and 2023.",
        [
            ("2022 年新认定“小巨人” / A national little giant recognised in 2022", """\
            a = guide.run(guide.profile({"date": "2022-03-01", "code": "srdi.little_giant.national"}), year=2022)
            assert a.total_yuan == lg
            display(guide.awards(a)); guide.outcome(a)"""),
            ("窗口之前：2021 年没有可适用的规定 / Before the window: nothing applies to 2021", """\
            try:
                guide.run(guide.profile({"date": "2021-12-31", "code": "srdi.little_giant.national"}), year=2021)
                raise AssertionError("2021 should be outside the policy")
            except ValueError as e:
                print(e)
            a = guide.run(guide.profile({"date": str(window), "code": "srdi.little_giant.national"}), year=2022)
            assert a.total_yuan == lg   # 窗口首日即计入
            guide.outcome(a)"""),
            ("公布日前的 2023 年认定也计入 / A 2023 recognition before publication still counts", """\
            p = guide.profile({"date": str(DAY_BEFORE), "code": "srdi.specialized.municipal"},
                              {"date": str(DAY_BEFORE), "code": "above_scale.enter"})
            a = guide.run(p)
            assert guide.amounts(a) == {"art04.specialized_municipal": spec}       # 第四条：2022年以来
            assert a.excluded["item"].tolist() == ["art01.above_scale_enter"]      # 第一条：自公布之日起
            display(guide.awards(a)); guide.outcome(a)"""),
            ("新认定加两类复核 / A new title and two re-reviews in one year", """\
            a = guide.run(guide.profile({"date": "2023-06-15", "code": "sme.innovative.municipal"},
                                        {"date": "2023-07-01", "code": "srdi.little_giant.national.review"},
                                        {"date": "2023-09-01", "code": "srdi.specialized.municipal.review"}))
            assert guide.amounts(a) == {"art04.innovative_sme_municipal": innov, "art04.srdi_review": 2 * review}
            display(guide.awards(a)); guide.outcome(a)"""),
        ],
    ) + interps(n, [
        ("**art04-payment-year**：2022-06-01 的市级专精特新认定计入哪一年？默认计入认定年度（2022 年台账）；"
         "按“政策公布年度兑现”口径，2022 年台账为空，奖励计入 2023 年。两种口径总额相同，只是年度不同，影响财政年度测算。\n\n"
         "*A municipal SRDI recognition on 2022-06-01: booked in 2022 by default; under the publication-year reading the 2022 "
         "ledger is empty and the award is paid in 2023. Same total, different fiscal year.*",
         """\
         p = guide.profile({"date": "2022-06-01", "code": "srdi.specialized.municipal"})
         rows = []
         for r in pol.interpretations["art04-payment-year"].readings:
             y22 = guide.run(p, year=2022, readings={"art04-payment-year": r})
             y23 = guide.run(p, year=2023, readings={"art04-payment-year": r})
             rows.append({"口径 reading": r, "2022": wan(y22.total_yuan), "2023": wan(y23.total_yuan),
                          "合计 total_yuan": y22.total_yuan + y23.total_yuan})
         eff = pd.DataFrame(rows).set_index("口径 reading")
         assert (eff["合计 total_yuan"] == spec).all()
         eff"""),
        ("publication-date 口径不改变第四条，因为本条自设“2022年以来”窗口：公布前的 2023 年认定在两种口径下结果相同。\n\n"
         "*The publication-date reading does not change article 4, which sets its own window: a 2023 recognition before "
         "publication counts under both readings.*",
         """\
         p = guide.profile({"date": "2023-04-10", "code": "srdi.specialized.municipal"})
         eff = guide.reading_effects(p, "publication-date")
         assert eff["total_yuan"].tolist() == [spec, spec]
         eff"""),
    ]) + exercises([
        ("一家企业 2022-11-20 获市级专精特新认定，2023-12-01 升为国家“小巨人”。两年各得多少？\n\n"
         "*Municipal SRDI on 2022-11-20, national little giant on 2023-12-01. What is paid in each year?*", """\
        p = guide.profile({"date": "2022-11-20", "code": "srdi.specialized.municipal"},
                          {"date": "2023-12-01", "code": "srdi.little_giant.national"})
        y22, y23 = guide.run(p, year=2022), guide.run(p, year=2023)
        assert y22.total_yuan == guide.param("art04.specialized_municipal.amount")
        assert y23.total_yuan == guide.param("art04.little_giant_national.amount")
        display(guide.awards(y22)); guide.awards(y23)"""),
        ("市级创新型中小企业到期复核通过，能得到复核奖励吗？\n\n"
         "*Does a municipal innovative SME that passes re-review get the re-review award?*", """\
        review_codes = pol.item("art04.srdi_review").events
        print("复核奖励适用的事项 re-review events:", review_codes)
        assert not any(c.startswith("sme.innovative") for c in review_codes)   # 原文只列“小巨人”和市级专精特新
        print("不能：原文的复核奖励只针对国家“小巨人”和市级专精特新中小企业。 No: the text limits it to the two SRDI titles.")"""),
    ])


# --------------------------------------------------------------------------- article 5
def art05():
    n = 5
    return head(n) + [
        clause(n, 1),
        code("""\
        factory = guide.param("art05.smart_factory_municipal.amount")
        workshop = guide.param("art05.digital_workshop_municipal.amount")
        print("市级智能工厂 smart factory:", wan(factory), "｜ 市级数字化车间 digital workshop:", wan(workshop))
        a = guide.run(guide.profile({"date": "2023-07-01", "code": "smart_factory.municipal"},
                                    {"date": "2023-10-01", "code": "digital_workshop.municipal"}))
        assert guide.amounts(a) == {"art05.smart_factory_municipal": factory,
                                    "art05.digital_workshop_municipal": workshop}
        guide.awards(a)"""),
        clause(n, 2),
        code("""\
        floor = guide.param("art05.equipment_subsidy.floor")             # “及以上”：含本数 inclusive
        min_progress = guide.param("art05.equipment_subsidy.min_progress")  # 80%以上（含本数）
        rate = guide.param("art05.equipment_subsidy.rate")
        cap = guide.param("art05.equipment_subsidy.cap")                 # None：原文未设上限

        def invest(amount, progress, date="2023-09-01", **firm):
            \"\"\"A firm with one new-equipment investment (event equipment.investment).\"\"\"
            ev = {"date": date, "code": "equipment.investment", "amount": amount, "progress": progress}
            return guide.profile(ev, **firm)

        print("门槛 floor:", wan(floor), "｜ 进度 progress ≥", f"{min_progress:.0%}", "｜ 比例 rate:", f"{rate:.0%}",
              "｜ 上限 cap:", "不设 none" if cap is None else wan(cap))
        a = guide.run(invest(floor, min_progress))
        assert guide.amounts(a) == {"art05.equipment_subsidy": int(mul_round(floor, rate))}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　两句话，两类支持：
        1. 新认定为市级智能工厂或市级数字化车间的企业，各得一次性奖励（金额见参数表）。
        2. **存量企业**新增设备（含软件）投资，投资额达到门槛**及以上**、投资进度达到规定比例**以上**的，按设备投资额的一定比例给予补助。
           按《民法典》第一千二百五十九条，“以上”包含本数：投资额恰好等于门槛、进度恰好等于规定比例都符合。原文没有设补助上限。
           补助额 = 投资额 × 比例，只在最后四舍五入到元一次。
        - “存量企业”默认指投资年度1月1日前已成立的企业（解释 art05-existing-firm）。
        - 同一笔投资若同时符合第九条的节能节水等设备补助，默认只按第五条补一次（解释 art05-09-double-claim）。""",
        """\
        **English**　Two sentences, two kinds of support. (1) A firm newly recognised as a municipal smart factory or
        digital workshop gets a one-off award. (2) An **existing firm** investing in new equipment (software included)
        of at least the floor, with investment progress of at least the threshold, gets a subsidy of a share of the
        equipment investment. "以上" includes the stated number (Civil Code art. 1259), so exactly the floor and
        exactly the threshold qualify; the text sets no cap. The subsidy is investment × rate, rounded once, half up,
        to the yuan. "Existing" means founded before 1 January of the investment year by default
        (*art05-existing-firm*); one investment claimed under both this article and article 9 is paid once, under
        article 5 (*art05-09-double-claim*).""",
    ) + params(n) + examples(
        "投资额和进度的边界都从参数推出：门槛、门槛减 1 元、规定进度、低一个百分点。",
        "Boundaries come from the parameters: the floor, the floor minus one yuan, the required progress and one point below it.",
        [
            ("恰好在门槛与少 1 元 / Exactly at the floor, and one yuan short", """\
            at = guide.run(invest(floor, min_progress))
            short = guide.run(invest(floor - 1, min_progress))
            assert at.total_yuan == mul_round(floor, rate)
            assert short.total_yuan == 0 and short.near_misses["missing"].tolist() == [1]
            display(guide.awards(at)); display(guide.outcome(at)); guide.outcome(short)"""),
            ("进度差一个百分点 / Progress one point short", """\
            low = round(min_progress - 0.01, 4)
            a = guide.run(invest(floor * 3, low))
            assert a.total_yuan == 0 and a.near_misses["condition"].tolist() == ["min_progress"]
            assert a.near_misses["worth_yuan"].tolist() == [mul_round(floor * 3, rate)]
            guide.outcome(a)"""),
            ("没有上限，舍入只一次 / No cap, and rounding once, half up", """\
            big = guide.run(invest(floor * 25, 1.0))
            odd = guide.run(invest(floor + 10, min_progress))   # 投资额 × 比例 恰有半元
            assert cap is None and big.total_yuan == mul_round(floor * 25, rate) and not big.ledger["cap_applied"].any()
            exact = (floor + 10) * Fraction(str(rate))                 # 精确值带半元 the exact value ends in half a yuan
            assert exact.denominator == 2 and odd.total_yuan == exact + Fraction(1, 2)   # 半元进位 rounds half up
            display(guide.awards(big)); display(guide.awards(odd)); guide.outcome(odd)"""),
            ("当年新设企业不是存量企业 / A firm founded this year is not an existing firm", """\
            a = guide.run(invest(floor, min_progress, established="2023-02-01"))
            assert a.total_yuan == 0 and a.excluded["reason"].tolist() == ["not_eligible"]
            guide.outcome(a)"""),
        ],
    ) + interps(n, [
        ("**art05-existing-firm**：2023-02-01 成立的企业于 2023-09-01 投资。默认（年度1月1日前成立）不是存量企业；"
         "若按“投资日期前已成立”，则可获补助。\n\n"
         "*Founded 2023-02-01, investing 2023-09-01: not an existing firm by default, subsidised if 'existing' means founded before the investment date.*",
         """\
         p = invest(floor, min_progress, established="2023-02-01")
         eff = guide.reading_effects(p, "art05-existing-firm").set_index("口径 reading")
         assert eff.loc["established_before_year", "total_yuan"] == 0
         assert eff.loc["established_before_event", "total_yuan"] == mul_round(floor, rate)
         eff"""),
        ("**art05-09-double-claim**：同一投资项目（project X1）同时登记为第五条设备投资和第九条节能设备投资。"
         "默认只按第五条补一次；若两条分别补助，金额翻倍。\n\n"
         "*One project recorded under both articles: paid once under article 5 by default, twice under 'both'.*",
         """\
         same = {"date": "2023-09-01", "amount": floor, "progress": min_progress, "project": "X1"}   # 同一项目 one project
         p = guide.profile({**same, "code": "equipment.investment"}, {**same, "code": "green_equipment.investment"})
         eff = guide.reading_effects(p, "art05-09-double-claim").set_index("口径 reading")
         assert eff.loc["once", "total_yuan"] == mul_round(floor, rate)
         assert eff.loc["both", "total_yuan"] == 2 * mul_round(floor, rate)
         eff"""),
        pubdate_note(n, "smart_factory.municipal", "art05.smart_factory_municipal"),
    ]) + exercises([
        ("一家 2018 年成立的企业 2023 年新增设备投资 350 万元，进度 85%，同年获市级数字化车间认定。2023 年共得多少？\n\n"
         "*Founded 2018; in 2023 it invests 3.5 million in equipment (85% progress) and becomes a municipal digital workshop. Total for 2023?*", """\
        p = invest(3_500_000, 0.85, date="2023-08-01", established="2018-05-01")
        p["events"].append({"date": "2023-11-01", "code": "digital_workshop.municipal"})
        a = guide.run(p)
        assert a.total_yuan == mul_round(3_500_000, rate) + workshop
        display(guide.awards(a)); guide.outcome(a)"""),
        ("投资 190 万元、进度 100% 的企业差多少才能获补助？达到后能得多少？\n\n"
         "*An investment of 1.9 million at 100% progress: how far from the subsidy, and what would it be worth?*", """\
        a = guide.run(invest(1_900_000, 1.0))
        nm = a.near_misses.iloc[0]
        assert nm["missing"] == floor - 1_900_000 and nm["worth_yuan"] == mul_round(floor, rate)
        guide.outcome(a)"""),
    ])


# --------------------------------------------------------------------------- article 6
def art06():
    n = 6
    return head(n) + [
        clause(n, 1),
        code("""\
        national = guide.param("art06.digital_pilot_national.amount")
        municipal = guide.param("art06.digital_pilot_municipal.amount")
        print("国家级 national:", wan(national), "｜ 市级 municipal:", wan(municipal))
        print("触发事项 events:", pol.item("art06.digital_pilot_national").events,
              pol.item("art06.digital_pilot_municipal").events)
        a = guide.run(guide.profile({"date": "2023-07-01", "code": "digital_pilot.national"}))
        assert guide.amounts(a) == {"art06.digital_pilot_national": national}
        guide.awards(a)"""),
        clause(n, 2),
        code("""\
        cloud = guide.param("art06.cloud_fund.amount")
        lines = budget_lines(years=[2023, 2024, 2025])
        lines = lines[lines["article"] == 6]
        assert (lines["amount_yuan"] == cloud).all() and len(lines) == 3
        print("企业上云专项激励资金 cloud fund:", wan(cloud), "/年 per year")
        print("预算额度，不是对单个企业的奖励 (a budget line, not an award to a firm)")
        lines"""),
    ] + explain(
        """\
        **中文**　
        1. 获得国家级或市级数字化转型领域试点示范，或举办数字化转型促进活动的单位，区里分别给予一次性奖励（国家级高于市级，金额见参数表）。
           对象是“单位”，不限于工业企业。
        2. 区里每年设立企业上云专项激励资金（金额见参数表）。这是一条**年度预算额度**：具体怎么奖补由责任单位另行制定，
           原文没有给出对单个企业的计算规则，所以本工具只把它计入财政总额（`budget_lines`），不给单个企业算金额。
        - 原文没有说明同一单位多次举办活动（或同年获多项同级试点示范）是否每次都奖：已登记为解释口径 art06-events，
          默认每次分别奖励，可切换为同一单位同年同级别只奖一次。""",
        """\
        **English**　(1) A unit that obtains a national or municipal digital-transformation pilot/demonstration, or holds
        a digital-transformation promotion event, gets a one-off award (national higher than municipal; see the table).
        The text says "unit", not only industrial firms. (2) An annual enterprise cloud-adoption fund is set up; how it
        is paid out is left to the responsible units, so the text gives no per-firm rule. The toolkit counts it as a
        **budget line** in fiscal totals (`budget_lines`) and never as an award to a firm. The policy data pays each
        pilot or each event once (once: event); the text does not say whether a unit holding several events is paid
        for each — registered as interpretation art06-events (default: each event; alternative: once per unit,
        level and year).""",
    ) + params(n) + examples(
        "试点示范与促进活动各用一个事项代码。", "Pilots and promotion events each have their own event code.",
        [
            ("国家级试点示范 / A national pilot", """\
            a = guide.run(guide.profile({"date": "2023-07-01", "code": "digital_pilot.national"}))
            assert a.total_yuan == national
            display(guide.awards(a)); guide.outcome(a)"""),
            ("市级试点示范加举办市级促进活动 / A municipal pilot and a municipal promotion event", """\
            a = guide.run(guide.profile({"date": "2023-07-01", "code": "digital_pilot.municipal"},
                                        {"date": "2023-09-20", "code": "digital_event.municipal"}))
            assert a.total_yuan == 2 * municipal
            display(guide.awards(a)); guide.outcome(a)"""),
            ("公布日前一天与公布当日 / The day before publication and the day of publication", """\
            before = guide.run(guide.profile({"date": str(DAY_BEFORE), "code": "digital_pilot.national"}))
            on_day = guide.run(guide.profile({"date": str(EFFECTIVE), "code": "digital_pilot.national"}))
            assert before.total_yuan == 0 and on_day.total_yuan == national
            display(guide.outcome(before)); display(guide.awards(on_day)); guide.outcome(on_day)"""),
            ("上云资金不进入企业台账 / The cloud fund never appears in a firm's ledger", """\
            a = guide.run(guide.profile({"date": "2023-07-01", "code": "digital_pilot.national"}))
            assert "art06.cloud_fund" not in set(a.ledger["item"])
            total_2023 = a.total_yuan + int(lines.loc[lines["year"] == 2023, "amount_yuan"].sum())
            print("该企业奖励 firm award:", wan(a.total_yuan), "｜ 第六条 2023 年财政总额（含上云资金）article 6 in 2023 with the cloud fund:",
                  wan(total_2023))
            display(guide.awards(a)); guide.outcome(a)"""),
        ],
    ) + interps(n, [
        ("**art06-events**：同一单位 2023 年举办两次市级数字化转型促进活动。默认每次分别奖励；按“同一单位同年同级别只奖一次”口径只奖一次。\n\n"
         "*One unit holds two municipal promotion events in 2023: two awards by default, one under the once-per-level-and-year reading.*", """\
        p = guide.profile({"date": "2023-07-01", "code": "digital_event.municipal"}, {"date": "2023-10-01", "code": "digital_event.municipal"})
        eff = guide.reading_effects(p, "art06-events").set_index("口径 reading")
        assert eff.loc["each_event", "total_yuan"] == 2 * municipal
        assert eff.loc["per_firm_level", "total_yuan"] == municipal
        eff"""),
        ("**budget-first-year**：上云资金在政策公布当年（2023 年）按全年还是按公布后天数折算？默认全年；"
         "按天数折算时四舍五入到元。\n\n*The cloud fund in 2023: the full year by default, or pro rata from publication.*", """\
        rows = []
        for r in pol.interpretations["budget-first-year"].readings:
            b = budget_lines(years=[2023], readings={"budget-first-year": r})
            v = int(b.loc[b["item"] == "art06.cloud_fund", "amount_yuan"].iloc[0])
            rows.append({"口径 reading": r, "2023年 amount": wan(v), "amount_yuan": v,
                         "依据 basis": b.loc[b["item"] == "art06.cloud_fund", "basis"].iloc[0]})
        eff = pd.DataFrame(rows).set_index("口径 reading")
        days = (dt.date(EFFECTIVE.year, 12, 31) - EFFECTIVE).days + 1
        assert eff.loc["full_year", "amount_yuan"] == cloud
        assert eff.loc["pro_rata", "amount_yuan"] == mul_round(cloud, Fraction(days, 365))
        eff"""),
        pubdate_note(n, "digital_pilot.municipal", "art06.digital_pilot_municipal"),
    ]) + exercises([
        ("一家企业 2023 年获市级试点示范，2024 年获国家级试点示范。两年各得多少？\n\n"
         "*Municipal pilot in 2023, national pilot in 2024. What is paid in each year?*", """\
        p = guide.profile({"date": "2023-08-01", "code": "digital_pilot.municipal"}, {"date": "2024-06-01", "code": "digital_pilot.national"})
        y23, y24 = guide.run(p, year=2023), guide.run(p, year=2024)
        assert (y23.total_yuan, y24.total_yuan) == (municipal, national)
        display(guide.awards(y23)); display(guide.awards(y24)); guide.outcome(y24)"""),
        ("2023—2025 三年，第六条的上云资金预算合计多少？\n\n*What does the cloud fund add up to over 2023–2025?*", """\
        total = int(lines["amount_yuan"].sum())
        assert total == 3 * guide.param("art06.cloud_fund.amount")
        print(wan(total))"""),
    ])


# --------------------------------------------------------------------------- article 7
def art07():
    n = 7
    return head(n) + [
        clause(n, 1),
        code("""\
        levels = {"A": "level_a", "AA": "level_aa", "AAA": "level_aaa", "AAAA": "level_aaaa"}
        L = {k: guide.param(f"art07.{v}.amount") for k, v in levels.items()}
        display(pd.DataFrame({"等级 level": [k if k != "AAAA" else "AAAA及以上" for k in levels],
                              "奖励 award": [wan(L[k]) for k in levels]}))
        a = guide.run(guide.profile({"date": "2023-07-01", "code": "lianghua.A"}))
        assert guide.amounts(a) == {"art07.level_a": L["A"]}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　企业**首次**通过两化融合管理体系某一级认定（A、AA、AAA、AAAA 及以上），区里给予该级的一次性奖励，级别越高金额越高（见参数表）。要点：
        - 每一级各自是“首次通过该级”：同一级只奖一次。
        - 已获较低一级奖励的企业升到更高一级，默认按新等级**全额**奖励（解释 art07-upgrade；另一口径为只补差额）。
        - 已经通过更高一级之后再通过较低一级，不算“首次通过”较低一级，不予奖励。
        - AAAA 级及以上（含更高等级）按同一档奖励。""",
        """\
        **English**　A firm passing the 两化融合 management-system assessment at a level (A, AA, AAA, AAAA or above) for
        the **first time** gets that level's one-off award; higher levels pay more (table below). Each level pays once.
        A firm moving up from a lower level gets the **full** award of the new level by default (*art07-upgrade*; the
        alternative pays only the difference). Passing a lower level after a higher one is not a "first" at that
        level. AAAA and anything above it share one award.""",
    ) + params(n) + examples(
        "事项代码 `lianghua.A` … `lianghua.AAAA`。", "Event codes `lianghua.A` … `lianghua.AAAA`.",
        [
            ("首次通过 AAAA 级 / First time at AAAA", """\
            a = guide.run(guide.profile({"date": "2023-07-01", "code": "lianghua.AAAA"}))
            assert a.total_yuan == L["AAAA"]
            display(guide.awards(a)); guide.outcome(a)"""),
            ("同年先 A 后 AA：默认全额 / A then AA in one year: full award by default", """\
            a = guide.run(guide.profile({"date": "2023-06-10", "code": "lianghua.A"}, {"date": "2023-11-10", "code": "lianghua.AA"}))
            assert guide.amounts(a) == {"art07.level_a": L["A"], "art07.level_aa": L["AA"]}
            display(guide.awards(a)); guide.outcome(a)"""),
            ("先 AA 后 A：A 级不是首次 / AA first, then A: not a first at A", """\
            a = guide.run(guide.profile({"date": "2023-07-01", "code": "lianghua.AA"}, {"date": "2023-09-01", "code": "lianghua.A"}))
            assert guide.amounts(a) == {"art07.level_aa": L["AA"]} and a.excluded["reason"].tolist() == ["not_first"]
            display(guide.awards(a)); guide.outcome(a)"""),
            ("同一级再次通过 / The same level passed again", """\
            p = guide.profile({"date": "2023-07-01", "code": "lianghua.A"}, {"date": "2024-07-01", "code": "lianghua.A"})
            y24 = guide.run(p, year=2024)
            assert y24.total_yuan == 0 and y24.excluded["reason"].tolist() == ["already_awarded"]
            guide.outcome(y24)"""),
        ],
    ) + interps(n, [
        ("**art07-upgrade**：同年先通过 A 级、再通过 AA 级。默认每级全额；按“补差额”口径，AA 级只补与 A 级奖励的差额，两级合计等于 AA 级的金额。\n\n"
         "*A then AA: full awards by default; under 'difference' AA pays only the top-up, so the two add up to the AA award.*",
         """\
         p = guide.profile({"date": "2023-06-10", "code": "lianghua.A"}, {"date": "2023-11-10", "code": "lianghua.AA"})
         eff = guide.reading_effects(p, "art07-upgrade").set_index("口径 reading")
         assert eff.loc["full", "total_yuan"] == L["A"] + L["AA"]
         assert eff.loc["difference", "total_yuan"] == L["AA"]
         eff"""),
        pubdate_note(n, "lianghua.A", "art07.level_a"),
    ]) + exercises([
        ("一家企业 2023 年 8 月首次通过 AAA 级（此前未通过任何等级），可得多少？若此前（2023 年 6 月）已通过 AA 级，按两种口径 2023 年共得多少？\n\n"
         "*First AAA in August 2023 with no earlier level; and if it had passed AA in June 2023, what is the 2023 total under each reading?*", """\
        alone = guide.run(guide.profile({"date": "2023-08-01", "code": "lianghua.AAA"}))
        assert alone.total_yuan == L["AAA"]
        p = guide.profile({"date": "2023-06-01", "code": "lianghua.AA"}, {"date": "2023-08-01", "code": "lianghua.AAA"})
        eff = guide.reading_effects(p, "art07-upgrade").set_index("口径 reading")
        assert eff.loc["full", "total_yuan"] == L["AA"] + L["AAA"] and eff.loc["difference", "total_yuan"] == L["AAA"]
        eff"""),
        ("2022 年通过 A 级（在公布日前），2023 年 9 月通过 AA 级。2023 年在“补差额”口径下得多少？\n\n"
         "*A in 2022 (before publication), AA in September 2023. What does 2023 pay under 'difference'?*", """\
        p = guide.profile({"date": "2022-09-01", "code": "lianghua.A"}, {"date": "2023-09-01", "code": "lianghua.AA"})
        a = guide.run(p, readings={"art07-upgrade": "difference"})
        # 2022 年的 A 级早于政策适用日，未按本条奖励过，所以没有可扣减的已得奖励
        assert a.total_yuan == L["AA"]
        display(guide.awards(a)); guide.outcome(a)"""),
    ])


# --------------------------------------------------------------------------- article 8
def art08():
    n = 8
    return head(n) + [
        clause(n, 1),
        code("""\
        national = guide.param("art08.green_national.amount")
        municipal = guide.param("art08.green_municipal.amount")
        print("国家级 national:", wan(national), "｜ 市级 municipal:", wan(municipal))
        print("触发事项 events:", pol.item("art08.green_national").events, pol.item("art08.green_municipal").events)
        a = guide.run(guide.profile({"date": "2023-07-01", "code": "green_factory.national"}))
        assert guide.amounts(a) == {"art08.green_national": national}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　企业新认定为国家级或市级绿色工厂，或国家级、市级绿色供应链试点示范，区里分别给予一次性奖励（国家级高于市级，金额见参数表）。要点：
        - 绿色工厂和绿色供应链是两项不同的认定，各自奖励。
        - 同一企业同一年获得本条多项认定，默认每项分别奖励（解释 art08-09-several-titles；另一口径为同条同年就高一项）。
        - 每项认定对同一企业只奖一次；市级之后再获国家级，是新的认定，另行奖励。""",
        """\
        **English**　A firm newly recognised as a national or municipal green factory, or a national or municipal
        green-supply-chain pilot/demonstration, gets a one-off award (national higher than municipal; table below).
        Factory and supply chain are separate titles, each rewarded. Several titles under this article in one year
        are each paid by default (*art08-09-several-titles*; the alternative pays only the highest). Each title pays a
        firm once; a national title after a municipal one is a new recognition and is paid again.""",
    ) + params(n) + examples(
        "事项代码：`green_factory.{national,municipal}`、`green_supply_chain.{national,municipal}`。",
        "Event codes: `green_factory.{national,municipal}`, `green_supply_chain.{national,municipal}`.",
        [
            ("市级绿色供应链 / A municipal green supply chain", """\
            a = guide.run(guide.profile({"date": "2023-08-01", "code": "green_supply_chain.municipal"}))
            assert a.total_yuan == municipal
            display(guide.awards(a)); guide.outcome(a)"""),
            ("同年国家级绿色工厂加国家级绿色供应链 / National green factory and national supply chain in one year", """\
            a = guide.run(guide.profile({"date": "2023-07-01", "code": "green_factory.national"},
                                        {"date": "2023-09-01", "code": "green_supply_chain.national"}))
            assert a.total_yuan == 2 * national
            display(guide.awards(a)); guide.outcome(a)"""),
            ("先市级后国家级 / Municipal first, national the next year", """\
            p = guide.profile({"date": "2023-07-01", "code": "green_factory.municipal"}, {"date": "2024-10-01", "code": "green_factory.national"})
            y23, y24 = guide.run(p, year=2023), guide.run(p, year=2024)
            assert (y23.total_yuan, y24.total_yuan) == (municipal, national)
            display(guide.awards(y23)); display(guide.awards(y24)); guide.outcome(y24)"""),
            ("公布日前一天与公布当日 / The day before publication and the day of publication", """\
            before = guide.run(guide.profile({"date": str(DAY_BEFORE), "code": "green_factory.national"}))
            on_day = guide.run(guide.profile({"date": str(EFFECTIVE), "code": "green_factory.national"}))
            assert before.total_yuan == 0 and on_day.total_yuan == national
            display(guide.outcome(before)); display(guide.awards(on_day)); guide.outcome(on_day)"""),
        ],
    ) + interps(n, [
        ("**art08-09-several-titles**：同一年获国家级绿色工厂、国家级绿色供应链和市级绿色工厂三项认定。默认三项都奖；"
         "按“就高”口径只奖最高的一项。\n\n"
         "*Three titles in one year: all three paid by default, only the highest under 'highest'.*",
         """\
         p = guide.profile({"date": "2023-07-01", "code": "green_factory.national"},
                           {"date": "2023-09-01", "code": "green_supply_chain.national"},
                           {"date": "2023-09-01", "code": "green_factory.municipal"})
         eff = guide.reading_effects(p, "art08-09-several-titles").set_index("口径 reading")
         assert eff.loc["each", "total_yuan"] == 2 * national + municipal
         assert eff.loc["highest", "total_yuan"] == national
         eff"""),
        pubdate_note(n, "green_factory.municipal", "art08.green_municipal"),
    ]) + exercises([
        ("2023 年一家企业获市级绿色工厂和市级绿色供应链两项认定，两种口径下各得多少？\n\n"
         "*Municipal green factory and municipal supply chain in 2023: the award under each reading?*", """\
        p = guide.profile({"date": "2023-07-01", "code": "green_factory.municipal"}, {"date": "2023-08-01", "code": "green_supply_chain.municipal"})
        eff = guide.reading_effects(p, "art08-09-several-titles").set_index("口径 reading")
        assert eff.loc["each", "total_yuan"] == 2 * municipal and eff.loc["highest", "total_yuan"] == municipal
        eff"""),
        ("同一项市级绿色工厂认定被登记了两次（2023 年和 2024 年），2024 年还能再奖吗？\n\n"
         "*The same municipal green-factory title is recorded in 2023 and again in 2024. Is 2024 paid?*", """\
        p = guide.profile({"date": "2023-07-01", "code": "green_factory.municipal"}, {"date": "2024-07-01", "code": "green_factory.municipal"})
        y24 = guide.run(p, year=2024)
        assert y24.total_yuan == 0 and y24.excluded["reason"].tolist() == ["already_awarded"]
        guide.outcome(y24)"""),
    ])


# --------------------------------------------------------------------------- article 9
def art09():
    n = 9
    return head(n) + [
        clause(n, 1),
        code("""\
        national = guide.param("art09.efficiency_national.amount")
        municipal = guide.param("art09.efficiency_municipal.amount")
        district = guide.param("art09.water_saving_district.amount")
        print("国家级 national:", wan(national), "｜ 市级 municipal:", wan(municipal),
              "｜ 区级节水型企业 district water-saving:", wan(district))
        a = guide.run(guide.profile({"date": "2023-07-01", "code": "water_leader.national"}))
        assert guide.amounts(a) == {"art09.efficiency_national": national}
        guide.awards(a)"""),
        clause(n, 2),
        code("""\
        floor = guide.param("art09.green_equipment_subsidy.floor")              # “及以上”：含本数 inclusive
        min_progress = guide.param("art09.green_equipment_subsidy.min_progress")  # 达到80%以上（含本数）
        rate = guide.param("art09.green_equipment_subsidy.rate")
        cap = guide.param("art09.green_equipment_subsidy.cap")

        def invest(amount, progress, date="2023-09-01", **firm):
            \"\"\"A firm with one energy/water-saving, clean-production or waste-use equipment investment.\"\"\"
            ev = {"date": date, "code": "green_equipment.investment", "amount": amount, "progress": progress}
            return guide.profile(ev, **firm)

        print("门槛 floor:", wan(floor), "｜ 进度 progress ≥", f"{min_progress:.0%}", "｜ 比例 rate:", f"{rate:.0%}",
              "｜ 上限 cap:", "不设 none" if cap is None else wan(cap))
        a = guide.run(invest(floor, min_progress))
        assert guide.amounts(a) == {"art09.green_equipment_subsidy": int(mul_round(floor, rate))}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　
        1. 新认定的能效领跑者、水效领跑者、节水型企业，按国家级、市级、区级（区级只有节水型企业）分三档给予一次性奖励（金额见参数表）。
        2. 工业企业用于节能节水、清洁化改造、工业废物综合利用的新增设备投资，投资额达到门槛**及以上**、投资进度**达到**规定比例**以上**的，
           按设备投资额的一定比例给予补助；两个边界都含本数，原文没有设上限。
        - 与第五条不同，本句没有“存量企业”的限制，但限于工业企业（制造业、采矿业、公用事业）。
        - 同一笔投资若已按第五条补助，默认不再按本条补助（解释 art05-09-double-claim）。
        - 同一企业同一年获得本条多项认定，默认分别奖励（解释 art08-09-several-titles）。""",
        """\
        **English**　(1) New energy-efficiency leaders, water-efficiency leaders and water-saving firms get one-off
        awards in three tiers: national, municipal and district (district: water-saving firms only). (2) An industrial
        firm's new equipment for energy or water saving, cleaner production or industrial-waste use, at or above the
        floor and with progress at or above the threshold, gets a subsidy of a share of the investment; both
        boundaries are inclusive and the text sets no cap. Unlike article 5 there is no "existing firm" condition, but
        the firm must be industrial. One investment already subsidised under article 5 is not paid again by default
        (*art05-09-double-claim*); several titles in one year are each paid by default (*art08-09-several-titles*).""",
    ) + params(n) + examples(
        "认定和设备投资的边界都从参数推出。", "Boundaries come from the parameters.",
        [
            ("国家级能效领跑者加区级节水型企业 / National energy leader and district water-saving firm", """\
            a = guide.run(guide.profile({"date": "2023-07-01", "code": "energy_leader.national"},
                                        {"date": "2023-09-01", "code": "water_saving.district"}))
            assert guide.amounts(a) == {"art09.efficiency_national": national, "art09.water_saving_district": district}
            display(guide.awards(a)); guide.outcome(a)"""),
            ("设备投资：门槛与少 1 元 / Equipment at the floor and one yuan short", """\
            at = guide.run(invest(floor, min_progress))
            short = guide.run(invest(floor - 1, min_progress))
            assert at.total_yuan == mul_round(floor, rate)
            assert short.total_yuan == 0 and short.near_misses["missing"].tolist() == [1]
            display(guide.awards(at)); guide.outcome(short)"""),
            ("进度差一个百分点 / Progress one point short", """\
            low = round(min_progress - 0.01, 4)
            a = guide.run(invest(floor * 2, low))
            assert a.total_yuan == 0 and a.near_misses["condition"].tolist() == ["min_progress"]
            guide.outcome(a)"""),
            ("当年新设工业企业可以，非工业企业不行 / A new industrial firm qualifies, a non-industrial one does not", """\
            new = guide.run(invest(floor, min_progress, established="2023-03-01"))
            other = guide.run(invest(floor, min_progress, industry="other"))
            assert new.total_yuan == mul_round(floor, rate)                     # 本句不要求“存量企业”
            assert other.total_yuan == 0 and other.excluded["reason"].tolist() == ["not_eligible"]
            display(guide.awards(new)); guide.outcome(other)"""),
        ],
    ) + interps(n, [
        ("**industrial-firm**：节能节水等设备补助面向工业企业，按国家统计口径（采矿业，制造业，电力、热力、燃气及水生产和供应业）判断；"
         "这是登记的唯一口径：采矿企业适用，“其他”行业不适用。\n\n"
         "*The retrofit subsidy is for industrial firms (mining, manufacturing, utilities as in national statistics), the single "
         "registered reading: a mining firm qualifies, an 'other' firm does not.*", """\
        rows = []
        for industry in ("mining", "other"):
            e = guide.reading_effects(invest(floor, min_progress, industry=industry), "industrial-firm")
            rows.append(e.assign(行业_industry=industry))
        eff = pd.concat(rows, ignore_index=True)
        assert eff.loc[eff["行业_industry"] == "other", "total_yuan"].eq(0).all()
        assert eff.loc[eff["行业_industry"] == "mining", "total_yuan"].gt(0).all()
        eff"""),
        ("**art08-09-several-titles**：同一年获国家级水效领跑者和市级节水型企业。默认两项都奖；按“就高”只奖国家级一项。\n\n"
         "*Two titles in one year: both by default, only the national one under 'highest'.*",
         """\
         p = guide.profile({"date": "2023-07-01", "code": "water_leader.national"}, {"date": "2023-08-01", "code": "water_saving.municipal"})
         eff = guide.reading_effects(p, "art08-09-several-titles").set_index("口径 reading")
         assert eff.loc["each", "total_yuan"] == national + municipal and eff.loc["highest", "total_yuan"] == national
         eff"""),
        ("**art05-09-double-claim**：同一项目（X1）既登记为第五条设备投资、又登记为本条节能设备投资。默认只按第五条补一次，"
         "本条那一笔列为“不予计算”；按“两条分别补助”则两笔都计。\n\n"
         "*One project under both articles: article 9's line is excluded by default, both paid under 'both'.*",
         """\
         same = {"date": "2023-09-01", "amount": floor, "progress": min_progress, "project": "X1"}   # 同一项目 one project
         p = guide.profile({**same, "code": "equipment.investment"}, {**same, "code": "green_equipment.investment"})
         eff = guide.reading_effects(p, "art05-09-double-claim").set_index("口径 reading")
         assert eff.loc["once", "total_yuan"] == mul_round(floor, rate)
         assert eff.loc["both", "total_yuan"] == 2 * mul_round(floor, rate)
         display(guide.outcome(guide.run(p))); eff"""),
        pubdate_note(n, "energy_leader.municipal", "art09.efficiency_municipal"),
    ]) + exercises([
        ("一家 2023 年 3 月新设的制造业企业，2023 年 10 月新增清洁化改造设备投资 420 万元，进度 90%。可得多少？若它按第五条申请呢？\n\n"
         "*Founded March 2023; in October 2023 it invests 4.2 million in clean-production equipment at 90% progress. "
         "What does article 9 pay, and would article 5 pay?*", """\
        p9 = invest(4_200_000, 0.9, date="2023-10-01", established="2023-03-01")
        p5 = guide.profile({**p9["events"][0], "code": "equipment.investment"}, established="2023-03-01")
        a9, a5 = guide.run(p9), guide.run(p5)
        assert a9.total_yuan == mul_round(4_200_000, rate)
        assert a5.total_yuan == 0      # 第五条只补存量企业 article 5 is for existing firms only
        display(guide.awards(a9)); guide.outcome(a5)"""),
        ("市级能效领跑者、市级水效领跑者、区级节水型企业同年三项认定，两种口径下各得多少？\n\n"
         "*Municipal energy leader, municipal water leader and district water-saving firm in one year: each reading?*", """\
        p = guide.profile({"date": "2023-07-01", "code": "energy_leader.municipal"}, {"date": "2023-07-01", "code": "water_leader.municipal"},
                          {"date": "2023-08-01", "code": "water_saving.district"})
        eff = guide.reading_effects(p, "art08-09-several-titles").set_index("口径 reading")
        assert eff.loc["each", "total_yuan"] == 2 * municipal + district
        assert eff.loc["highest", "total_yuan"] == municipal
        eff"""),
    ])


# --------------------------------------------------------------------------- article 10
def art10():
    n = 10
    return head(n) + [
        clause(n, 1),
        code("""\
        nat = guide.param("art10.tech_center_national.amount")
        nat_rev = guide.param("art10.tech_center_national_review.amount")
        print("国家企业技术中心 national centre:", wan(nat), "｜ 复核通过 re-review:", wan(nat_rev))
        a = guide.run(guide.profile({"date": "2023-07-01", "code": "tech_center.national"}, {"date": "2023-09-01", "code": "tech_center.national.review"}))
        assert guide.amounts(a) == {"art10.tech_center_national": nat, "art10.tech_center_national_review": nat_rev}
        guide.awards(a)"""),
        clause(n, 2),
        code("""\
        mun = guide.param("art10.municipal_centers.amount")
        mun_rev = guide.param("art10.municipal_centers_review.amount")
        print("市级技术中心、制造业创新中心、工业设计中心 municipal centres:", wan(mun), "｜ 复核通过 re-review:", wan(mun_rev))
        print("触发事项 events:", pol.item("art10.municipal_centers").events)
        a = guide.run(guide.profile({"date": "2023-07-01", "code": "industrial_design_center.municipal"}))
        assert guide.amounts(a) == {"art10.municipal_centers": mun}
        guide.awards(a)"""),
        clause(n, 3),
        code("""\
        sme = guide.param("art10.sme_rd_center_municipal.amount")
        sme_rev = guide.param("art10.sme_rd_center_review.amount")
        print("市级中小企业技术研发中心 SME R&D centre:", wan(sme), "｜ 复核通过 re-review:", wan(sme_rev))
        a = guide.run(guide.profile({"date": "2023-07-01", "code": "sme_rd_center.municipal"}))
        assert guide.amounts(a) == {"art10.sme_rd_center_municipal": sme}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　研发平台分三档：国家企业技术中心；市级企业技术中心、市级制造业创新中心、市级工业设计中心；市级中小企业技术研发中心。
        每档新认定时给一次性奖励，到期后复核通过再给一笔较小的一次性奖励（金额见参数表）。要点：
        - 第二档的三类中心金额相同，但属于不同认定，同一企业获得两类中心各自奖励。
        - 新认定奖励对同一企业同一类平台只奖一次；复核奖励按每次复核通过计。
        - 认定或复核日期须在政策公布之日或以后（解释 publication-date）。""",
        """\
        **English**　Three tiers of R&D platforms: national enterprise technology centres; municipal technology,
        manufacturing-innovation and industrial-design centres; municipal SME R&D centres. A new recognition earns a
        one-off award and passing re-review on expiry a smaller one (table below). The three municipal centres share
        one amount but are separate titles, so a firm with two of them gets two awards. A new recognition pays a firm
        once per kind of platform; each passed re-review pays. Dates must be on or after publication by default.""",
    ) + params(n) + examples(
        "每类平台有“新认定”和“复核通过”两个事项代码。", "Each platform has a 'new recognition' and a 're-review' event code.",
        [
            ("国家企业技术中心 / A national enterprise technology centre", """\
            a = guide.run(guide.profile({"date": "2023-11-01", "code": "tech_center.national"}))
            assert a.total_yuan == nat
            display(guide.awards(a)); guide.outcome(a)"""),
            ("同年两类市级中心 / Two kinds of municipal centre in one year", """\
            a = guide.run(guide.profile({"date": "2023-07-01", "code": "mfg_innovation_center.municipal"},
                                        {"date": "2023-10-01", "code": "industrial_design_center.municipal"}))
            assert a.total_yuan == 2 * mun
            display(guide.awards(a)); guide.outcome(a)"""),
            ("复核每次都奖，新认定只奖一次 / Each re-review pays; a new recognition pays once", """\
            p = guide.profile({"date": "2023-07-01", "code": "tech_center.municipal"}, {"date": "2024-07-01", "code": "tech_center.municipal"},
                              {"date": "2024-09-01", "code": "tech_center.municipal.review"})
            y24 = guide.run(p, year=2024)
            assert guide.amounts(y24) == {"art10.municipal_centers_review": mun_rev}
            assert y24.excluded["reason"].tolist() == ["already_awarded"]
            display(guide.awards(y24)); guide.outcome(y24)"""),
            ("公布日前一天的复核 / A re-review the day before publication", """\
            before = guide.run(guide.profile({"date": str(DAY_BEFORE), "code": "sme_rd_center.municipal.review"}))
            on_day = guide.run(guide.profile({"date": str(EFFECTIVE), "code": "sme_rd_center.municipal.review"}))
            assert before.total_yuan == 0 and on_day.total_yuan == sme_rev
            display(guide.outcome(before)); display(guide.awards(on_day)); guide.outcome(on_day)"""),
        ],
    ) + interps(n, [pubdate_note(n, "tech_center.national", "art10.tech_center_national")]) + exercises([
        ("一家企业 2023 年新认定市级中小企业技术研发中心，2024 年又新认定市级企业技术中心。两年各得多少？\n\n"
         "*Municipal SME R&D centre in 2023, municipal technology centre in 2024: what is paid each year?*", """\
        p = guide.profile({"date": "2023-08-01", "code": "sme_rd_center.municipal"}, {"date": "2024-08-01", "code": "tech_center.municipal"})
        y23, y24 = guide.run(p, year=2023), guide.run(p, year=2024)
        assert (y23.total_yuan, y24.total_yuan) == (sme, mun)
        display(guide.awards(y23)); display(guide.awards(y24)); guide.outcome(y24)"""),
        ("三类市级中心同年到期复核全部通过，共得多少？\n\n*All three municipal centres pass re-review in the same year. Total?*", """\
        codes = pol.item("art10.municipal_centers_review").events   # 三类市级中心的复核事项
        a = guide.run(guide.profile(*[{"date": "2023-09-01", "code": c} for c in codes]))
        assert a.total_yuan == 3 * mun_rev
        guide.awards(a)"""),
    ])


# --------------------------------------------------------------------------- article 11
def art11():
    n = 11
    return head(n) + [
        clause(n, 1),
        code("""\
        before, now = guide.param("art11.super_deduction.previous_rate"), guide.param("art11.super_deduction.rate")
        print(f"加计扣除比例 super-deduction: {before:.0%} → {now:.0%}")
        print("国家税收政策，由税务部门落实，不是区级奖补 (a national tax measure, not a district award)")
        assert pol.item("art11.super_deduction").kind == "reference"
        a = guide.run(guide.profile())                 # 引擎不为这一句计算区级金额
        assert a.total_yuan == 0 and len(a.ledger) == 0"""),
        clause(n, 2),
        code("""\
        ceiling = guide.param("art11.rd_subsidy.ceiling")            # 区级一支“以下”：不含本数（见注）
        municipal_floor = guide.param("art11.municipal_route.floor")   # 市级一支“及以上”：含本数
        sr = guide.param("art11.rd_subsidy.stock_rate")        # 存量比例，“不高于”：上限
        ir = guide.param("art11.rd_subsidy.increment_rate")    # 增量比例，“不高于”：上限
        assert ceiling == municipal_floor                             # 两支以同一数额为界，本数归市级一支
        print("区级一支 district branch: <", wan(ceiling), "｜ 存量 stock ≤", f"{sr:.0%}", "｜ 增量 increment ≤", f"{ir:.0%}")

        def rd(prev2, prev1, **firm):
            \"\"\"A firm with declared R&D expenses for 2021 and 2022 (assessed in 2023).\"\"\"
            return guide.profile(financials={2021: {"rd_expense": prev2}, 2022: {"rd_expense": prev1}}, **firm)

        a = guide.run(rd(3_000_000, 4_000_000))
        stock, inc = min(3_000_000, 4_000_000), max(4_000_000 - 3_000_000, 0)
        assert guide.amounts(a) == {"art11.rd_subsidy": int(sum_mul_round([(stock, sr), (inc, ir)]))}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　
        1. 第一句重申国家政策：制造业企业研发费用加计扣除比例提高（见参数表）。这是税收政策，由税务部门落实，本工具不把它算作区级奖补。
        2. 第二句按申报研发费用分两支：
           - 建立研发准备金制度、申报研发费用**达到**界线**及以上**的企业，支持其申报**市级**研发费用补助（区级不补）；
           - 申报研发费用在界线**以下**的企业，区级按“存量”和“增量”给予补助，存量比例、增量比例都是“不高于”的上限。
        - 按法定用语，“以下”本应包含本数；但本条两支以同一数额为界，“及以上”已把恰好等于界线的企业归入市级一支，所以区级一支不含本数。
        - “存量”“增量”怎样算、用哪一年的数据，原文没有写明：默认以上年申报的研发费用与前年比较，存量 = 两年中较小者，增量 = 增长额（不为负），
          见解释 art11-stock-increment。
        - 比例是上限，本工具算的是**最多可得**金额；主管部门实际采用较低比例时，可作为参数设置（解释 art11-rates）。
        - 区级一支是否也要求研发准备金制度，默认不要求（解释 art11-reserve-required）。
        - 补助 = 存量 × 存量比例 + 增量 × 增量比例，合计后只四舍五入一次。""",
        """\
        **English**　(1) The first sentence restates a national tax measure — the R&D super-deduction for
        manufacturers rises (table below). It is applied by the tax authority; the toolkit does not count it as a
        district award. (2) The second sentence splits firms by declared R&D: firms with an R&D reserve system
        declaring R&D **at or above** the line are referred to the **municipal** subsidy; firms **below** the line get a
        district subsidy of at most one rate on the "stock" and at most another on the "increment". Although 以下
        normally includes the stated number, both branches share one line and "及以上" puts exactly that amount in the
        municipal branch, so the district branch excludes it. How stock and increment are measured is not written: by
        default the R&D declared for the previous year is compared with the year before (stock = the smaller,
        increment = the growth, never negative; *art11-stock-increment*). The rates are upper bounds, so the result is
        the **maximum**; a lower actual rate is a parameter (*art11-rates*). The district branch does not require a
        reserve system by default (*art11-reserve-required*). The parts are added and rounded once, half up.""",
    ) + params(n) + examples(
        "评估 2023 年，默认口径下看 2022 年与 2021 年申报的研发费用。",
        "Assessing 2023, the default reading compares R&D declared for 2022 with 2021.",
        [
            ("增长的企业 / A firm whose R&D grew", """\
            a = guide.run(rd(3_000_000, 4_000_000))
            assert a.total_yuan == sum_mul_round([(3_000_000, sr), (1_000_000, ir)])
            display(guide.awards(a)); guide.outcome(a)"""),
            ("界线少 1 元与恰好等于界线 / One yuan below the line, and exactly at it", """\
            below = guide.run(rd(ceiling - 1, ceiling - 1))
            at = guide.run(rd(ceiling - 1, ceiling))
            assert below.total_yuan == sum_mul_round([(ceiling - 1, sr), (0, ir)])
            assert at.total_yuan == 0 and at.excluded["reason"].tolist() == ["municipal_route"]
            display(guide.awards(below)); guide.outcome(at)"""),
            ("研发费用下降：没有增量 / R&D fell: no increment", """\
            a = guide.run(rd(5_000_000, 4_000_000))
            assert a.total_yuan == sum_mul_round([(4_000_000, sr), (0, ir)])
            display(guide.awards(a)); guide.outcome(a)"""),
            ("合计后只舍入一次 / Rounded once, after adding", """\
            a = guide.run(rd(3_000_000, 3_333_335))
            exact = 3_000_000 * Fraction(str(sr)) + 333_335 * Fraction(str(ir))   # 90000 + 33333.5
            assert exact.denominator == 2 and a.total_yuan == exact + Fraction(1, 2)
            display(guide.awards(a)); guide.outcome(a)"""),
            ("缺少前年数据：无法计算 / The year before is missing: cannot compute", """\
            a = guide.run(guide.profile(financials={2022: {"rd_expense": 4_000_000}}))
            assert a.total_yuan == 0 and a.undetermined["item"].tolist() == ["art11.rd_subsidy"]
            guide.outcome(a)"""),
        ],
    ) + interps(n, [
        ("**art11-stock-increment**：研发费用 2021、2022、2023 年逐年增长。默认用 2022 年对 2021 年；"
         "按“当年”口径用 2023 年对 2022 年，存量和增量都变了。\n\n"
         "*R&D rising 2021–2023: the default compares 2022 with 2021; 'same_year' compares 2023 with 2022, changing both stock and increment.*",
         """\
         p = guide.profile(financials={2021: {"rd_expense": 2_000_000}, 2022: {"rd_expense": 3_000_000},
                                       2023: {"rd_expense": 5_000_000}})
         eff = guide.reading_effects(p, "art11-stock-increment").set_index("口径 reading")
         assert eff.loc["prior_year_vs_year_before", "total_yuan"] == sum_mul_round([(2_000_000, sr), (1_000_000, ir)])
         assert eff.loc["same_year", "total_yuan"] == sum_mul_round([(3_000_000, sr), (2_000_000, ir)])
         eff"""),
        ("**art11-reserve-required**：企业未说明是否建立研发准备金制度。默认不要求，照常补助；若要求，则答案变为“无法判断”（而不是 0 或符合）。\n\n"
         "*Reserve system not stated: paid by default; 'cannot decide' if the system is required.*",
         """\
         eff = guide.reading_effects(rd(3_000_000, 4_000_000), "art11-reserve-required").set_index("口径 reading")
         assert eff.loc["not_required", "total_yuan"] == sum_mul_round([(3_000_000, sr), (1_000_000, ir)])
         assert eff.loc["required", "total_yuan"] == 0 and eff.loc["required", "无法判断 undetermined"] == 1
         eff"""),
        ("**art11-rates**：只有一个口径（按上限计算最多可得金额）。主管部门实际采用较低比例时，用 `with_parameters` 设置，"
         "下例是一个**假设**：存量比例取上限的一半。\n\n"
         "*One reading: the maximum. A department's lower actual rate is set with `with_parameters`; below, a "
         "**hypothetical** stock rate of half the cap.*",
         """\
         actual = pol.with_parameters({"art11.rd_subsidy.stock_rate": sr / 2})     # 假设 hypothetical
         low = guide.run(rd(3_000_000, 4_000_000), policy=actual)
         high = guide.run(rd(3_000_000, 4_000_000))
         assert low.total_yuan == sum_mul_round([(3_000_000, sr / 2), (1_000_000, ir)]) < high.total_yuan
         display(guide.reading_effects(rd(3_000_000, 4_000_000), "art11-rates"))
         print("上限 maximum:", wan(high.total_yuan), "｜ 假设比例 hypothetical rate:", wan(low.total_yuan))"""),
        ("**publication-date**：研发补助按年度申报数据计算，没有事项日期，两种口径结果相同。\n\n"
         "*The subsidy works on a year's declared R&D, not a dated event: both readings agree.*",
         """\
         eff = guide.reading_effects(rd(3_000_000, 4_000_000), "publication-date")
         assert eff["total_yuan"].nunique() == 1
         eff"""),
    ]) + exercises([
        ("2021 年申报研发费用 600 万元，2022 年 800 万元。2023 年区级最多补助多少？\n\n"
         "*Declared R&D of 6 million for 2021 and 8 million for 2022. The maximum district subsidy in 2023?*", """\
        a = guide.run(rd(6_000_000, 8_000_000))
        assert a.total_yuan == sum_mul_round([(6_000_000, sr), (2_000_000, ir)])
        display(guide.awards(a)); guide.outcome(a)"""),
        ("2022 年申报研发费用恰好等于界线、且已建立研发准备金制度的企业，区级补助多少？它该走哪条路？\n\n"
         "*R&D for 2022 exactly at the line, with a reserve system: what does the district pay, and where does the firm go?*", """\
        a = guide.run(rd(ceiling // 2, ceiling, rd_reserve_system=True))
        assert a.total_yuan == 0 and a.excluded["reason"].tolist() == ["municipal_route"]
        guide.outcome(a)"""),
    ])


# --------------------------------------------------------------------------- article 12
def art12():
    n = 12
    return head(n) + [
        clause(n, 1),
        code("""\
        product = guide.param("art12.new_product_municipal.amount")
        print("每个市级新产品 per municipal new product:", wan(product))
        a = guide.run(guide.profile({"date": "2023-08-01", "code": "new_product.municipal", "count": 2}))
        assert guide.amounts(a) == {"art12.new_product_municipal": 2 * product}
        guide.awards(a)"""),
        clause(n, 2),
        code("""\
        levels = {"local": "地方", "industry": "行业", "national": "国家", "international": "国际"}
        S = {k: guide.param(f"art12.standard_{k}.amount") for k in levels}
        display(pd.DataFrame({"标准 standard": list(levels.values()), "每项奖励 award": [wan(S[k]) for k in levels]},
                             index=list(levels)))
        a = guide.run(guide.profile({"date": "2023-08-01", "code": "standard.industry"}))
        assert guide.amounts(a) == {"art12.standard_industry": S["industry"]}
        guide.awards(a)"""),
        clause(n, 3),
        code("""\
        well_known, gi = guide.param("art12.trademark_well_known.amount"), guide.param("art12.trademark_gi.amount")
        print("驰名商标 well-known:", wan(well_known), "｜ 地理标志商标 geographical indication:", wan(gi))
        a = guide.run(guide.profile({"date": "2023-08-01", "code": "trademark.geographical_indication"}))
        assert guide.amounts(a) == {"art12.trademark_gi": gi}
        guide.awards(a)"""),
    ] + explain(
        """\
        **中文**　三句话，三类奖励（金额见参数表）：
        1. **市级新产品**：按“单个产品”计，一家企业有几个产品获认定就奖几份。
        2. **标准**：直接参与地方、行业、国家、国际标准制定**并成为主要起草单位**的企业，按标准级别给予一次性奖励；
           默认每项标准分别奖励（解释 art12-standards；另一口径为同一企业同年同级别只奖一次）。只是参与、不是主要起草单位的，不适用：事项 `standard.*` 表示企业是该标准的主要起草单位。
        3. **商标**：获得驰名商标或地理标志商标，分别给予一次性奖励。""",
        """\
        **English**　Three sentences, three kinds of award (amounts in the table). (1) Each product recognised as a
        municipal new product earns an award — two products, two awards. (2) A firm directly taking part in drafting a
        local, industry, national or international standard **as a main drafting unit** gets a one-off award by level;
        each standard counts by default (*art12-standards*; the alternative pays once per firm, level and year).
        Taking part without being a main drafter does not qualify: an event `standard.*` records a main drafting unit. (3) A well-known trademark or a geographical-
        indication trademark earns a one-off award.""",
    ) + params(n) + examples(
        "新产品和标准的事项可带 `count`（项数）。", "New-product and standard events may carry a `count`.",
        [
            ("三个市级新产品 / Three municipal new products", """\
            a = guide.run(guide.profile({"date": "2023-08-01", "code": "new_product.municipal", "count": 3}))
            assert a.total_yuan == 3 * product
            display(guide.awards(a)); guide.outcome(a)"""),
            ("两项国家标准加一项地方标准 / Two national standards and one local standard", """\
            a = guide.run(guide.profile({"date": "2023-07-10", "code": "standard.national", "count": 2},
                                        {"date": "2023-09-10", "code": "standard.local"}))
            assert guide.amounts(a) == {"art12.standard_national": 2 * S["national"], "art12.standard_local": S["local"]}
            display(guide.awards(a)); guide.outcome(a)"""),
            ("驰名商标加地理标志商标 / A well-known and a geographical-indication trademark", """\
            a = guide.run(guide.profile({"date": "2023-08-01", "code": "trademark.well_known"},
                                        {"date": "2023-10-01", "code": "trademark.geographical_indication"}))
            assert a.total_yuan == well_known + gi
            display(guide.awards(a)); guide.outcome(a)"""),
            ("公布日前一天与公布当日 / The day before publication and the day of publication", """\
            before = guide.run(guide.profile({"date": str(DAY_BEFORE), "code": "standard.international"}))
            on_day = guide.run(guide.profile({"date": str(EFFECTIVE), "code": "standard.international"}))
            assert before.total_yuan == 0 and on_day.total_yuan == S["international"]
            display(guide.outcome(before)); display(guide.awards(on_day)); guide.outcome(on_day)"""),
        ],
    ) + interps(n, [
        ("**art12-standards**：同一年主导制定三项国家标准（分两次登记）。默认每项都奖；按“同级别一次”口径只奖一份。\n\n"
         "*Three national standards in one year: each paid by default, one award under 'per_firm_level'.*",
         """\
         p = guide.profile({"date": "2023-07-10", "code": "standard.national", "count": 2}, {"date": "2023-10-10", "code": "standard.national"})
         eff = guide.reading_effects(p, "art12-standards").set_index("口径 reading")
         assert eff.loc["per_standard", "total_yuan"] == 3 * S["national"]
         assert eff.loc["per_firm_level", "total_yuan"] == S["national"]
         eff"""),
        pubdate_note(n, "trademark.well_known", "art12.trademark_well_known"),
    ]) + exercises([
        ("一家企业 2023 年有 2 个产品获市级新产品认定，主导制定 1 项行业标准和 1 项国际标准。共得多少？\n\n"
         "*Two municipal new products, one industry standard and one international standard in 2023. Total?*", """\
        a = guide.run(guide.profile({"date": "2023-06-15", "code": "new_product.municipal", "count": 2},
                                    {"date": "2023-08-01", "code": "standard.industry"},
                                    {"date": "2023-11-01", "code": "standard.international"}))
        assert a.total_yuan == 2 * product + S["industry"] + S["international"]
        display(guide.awards(a)); guide.outcome(a)"""),
        ("同一年主导制定 2 项地方标准和 2 项行业标准，两种口径下各得多少？\n\n"
         "*Two local and two industry standards in one year: the award under each reading?*", """\
        p = guide.profile({"date": "2023-07-01", "code": "standard.local", "count": 2}, {"date": "2023-09-01", "code": "standard.industry", "count": 2})
        eff = guide.reading_effects(p, "art12-standards").set_index("口径 reading")
        assert eff.loc["per_standard", "total_yuan"] == 2 * (S["local"] + S["industry"])
        assert eff.loc["per_firm_level", "total_yuan"] == S["local"] + S["industry"]
        eff"""),
    ])


ARTICLES = {1: art01, 2: art02, 3: art03, 4: art04, 5: art05, 6: art06, 7: art07, 8: art08,
            9: art09, 10: art10, 11: art11, 12: art12}


def main(argv):
    """Build (and execute) the notebooks for the article numbers given, or all; ``--no-exec`` skips execution."""
    execute = "--no-exec" not in argv
    wanted = [int(x) for x in argv if not x.startswith("--")] or sorted(ARTICLES)
    for n in wanted:
        print(write(n, ARTICLES[n](), execute=execute))


if __name__ == "__main__":
    main(sys.argv[1:])
