"""Build the three fiscal-impact notebooks (issue 4) with nbformat and execute them in place.

notebooks/fiscal_cost.ipynb (政策花多少钱), notebooks/who_benefits.ipynb (谁受益),
notebooks/interpretations_matter.ipynb (解释口径影响多大). Every figure is computed by
kzpolicy (policy data → engine → kzpolicy.simulate); no amount is typed here, and the
markdown states no number that the code computes. Outputs are deterministic (fixed
seeds, no timings), so nbval can re-run them.

    .venv/bin/python tools/build_notebooks_simulate.py [fiscal_cost who_benefits interpretations_matter] [--no-exec]
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from textwrap import dedent

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "notebooks"


def md(text: str):
    return new_markdown_cell(dedent(text).strip())


def code(src: str, *tags: str):
    c = new_code_cell(dedent(src).strip())
    if tags:
        c.metadata["tags"] = list(tags)
    return c


SETUP = """\
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kzpolicy import get_policy, plots
from kzpolicy.money import wan_series
from kzpolicy.population import ASSUMPTION_NOTE, assumption_names, calibration_report, derivations, generate
from kzpolicy.simulate import (Scenario, compare, interpretation_effects, listing_upper_bound, monte_carlo,
                               monte_carlo_delta, simulate)

plots.setup_cjk()
pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 200)
pol = get_policy()
SEED = 2023          # the population's seed: same seed, same firms, same results
YEARS = (2023, 2025)


def in_wan(df, cols):
    \"\"\"Integer-yuan columns shown in 万元 (display only; the sums are exact yuan).\"\"\"
    out = df.copy()
    for c in cols:
        out[c] = wan_series(out[c])
    return out.rename(columns={c: c.replace("_yuan", "") + "_万元" for c in cols})"""

BOX = """\
> **含假设参数 / Uses assumptions.** 企业总体是合成的：企业总数、制造业企业数、2023年末规上企业数与2023年新增规上企业数
> 按公开数字校准（`kzpolicy/data/calibration.yaml`，含来源网址与原文摘录）；其余事项发生率、收入分布、研发强度、投资规模与进度、
> 乡镇（“乡镇01”…为合成名称）等均为有名称、有说明的假设参数（`kzpolicy/data/population_assumptions.yaml`，`assumption: true`）。
> 下列每张表的 `basis` 列都注明这一点。金额全部来自政策数据，经同一引擎（`kzpolicy.assess`）逐年计算。
>
> The firm population is synthetic: the number of firms, of manufacturing firms, of above-scale firms at the end of
> 2023 and of new above-scale firms in 2023 are calibrated to public figures (with source and excerpt); every other
> rate and distribution is a named, documented assumption. Each table's `basis` column says so. Every amount comes
> from the policy data through the one engine, year by year."""


def fiscal_cost():
    return [
        md("""\
        # 政策花多少钱 What does the policy cost?

        开州府办发〔2023〕27号在2023—2025年每年要花多少钱？按条款、章节、年度看支出，另列预算专项（第六条、第二十二条）
        和乡镇工作经费（第二十一条）；用蒙特卡洛给出不确定区间；再看几项参数调整的情景。

        *How much does the policy cost each year from 2023 to 2025 — by article, chapter and year, with the fixed budget
        lines (articles 6 and 22) and township working funds (article 21) shown separately; Monte Carlo bands for the
        uncertainty; and what a few parameter changes would do.*"""),
        md(BOX),
        md("## 合成总体与校准 The synthetic population and its calibration"),
        code(SETUP),
        code("""\
        facts = generate(seed=SEED, years=YEARS)
        calibration_report(facts)[["target", "zh", "public_value", "test", "generated", "met", "quality"]]"""),
        md("""\
        各类事项每年的期望发生数及其推导（市级数字 × 开州占全市GDP比重等）。凡带 “assumption” 者为假设。

        *Expected number of each event per year and how it is derived (municipal counts × Kaizhou's share of Chongqing
        GDP, and so on). Rows marked assumption rest on an assumption.*"""),
        code("""derivations()[["event_code", "per_year", "derivation", "assumption"]]"""),
        md("## 按年度 By year"),
        md("""\
        企业奖补、乡镇工作经费（第二十一条）与预算专项（第六条上云资金、第二十二条服务平台奖励）分列，单位万元。

        *Awards to firms, township working funds (article 21) and budget lines (article 6 cloud fund, article 22 platform
        awards), in 10,000 yuan.*"""),
        code("""\
        sim = simulate(facts, YEARS, synthetic=True)
        in_wan(sim.cost_by_year(), ["firm_awards_yuan", "township_funds_yuan", "budget_lines_yuan", "total_yuan"])"""),
        code("""in_wan(sim.budget, ["amount_yuan"])"""),
        md("## 按条款 By article"),
        code("""\
        years = [str(y) for y in sim.years]
        in_wan(sim.cost_by_article(), years + ["total"]).drop(columns=["title_en"])"""),
        code("""\
        ax = plots.bar_by_article(sim.ledger, title="2023—2025年各条企业奖补（含假设参数）Firm awards by article, 2023–2025 (uses assumptions)")
        plt.show()"""),
        md("## 按章节 By chapter"),
        code("""in_wan(sim.cost_by_chapter(), years + ["total"])"""),
        md("""\
        ## 未模拟与无法判断 Not simulated, and cannot decide

        没有任何触发事项的条款项目不估算（NA，不是0）：例如交易所上市奖励取决于市级奖补金额，而该金额未能读取
        （解释 *art16-municipal-reward*），合成总体不生成此类事件。引擎“无法判断”的情形（例如缺少收入历史）既不计入支出，
        也不当作0。

        *Items with no triggering event are not estimated (NA, not 0): the exchange-listing reward depends on a municipal
        reward that could not be read (interpretation art16-municipal-reward), so the synthetic population has no such
        events. Cases the engine cannot decide (e.g. missing revenue history) are neither counted nor read as 0.*"""),
        code("""sim.coverage(facts)[["article", "item", "label_zh", "label_en", "cost"]]"""),
        md("""\
        交易所上市奖励虽未模拟，但可给出上限：2023年有企业进入上市辅导期（公开数字），若全部上市，区级奖励不超过
        企业数 × 政策上限。

        *Exchange listings are not simulated, but there is a ceiling: firms entered listing tutoring in 2023 (a public
        figure); if all of them listed, the district reward could not exceed their number × the policy's cap.*"""),
        code("""in_wan(listing_upper_bound(), ["cap_yuan", "upper_bound_yuan"])"""),
        code("""sim.undetermined_summary()"""),
        md("""\
        ## 不确定区间 Uncertainty bands (Monte Carlo)

        用不同随机数生成多个合成总体（这里100个，以保持页面运行快速；`benchmarks/bench_simulate.py` 运行1000个），
        给出第5、50、95百分位。区间只反映随机抽样带来的不确定，不反映假设参数本身的不确定。

        *Many synthetic populations with different random draws (100 here to keep the page fast; the benchmark runs 1,000):
        percentiles 5, 50 and 95. The band reflects sampling only, not doubt about the assumptions themselves.*"""),
        code("""\
        mc = monte_carlo(runs=100, seed=SEED, years=YEARS)
        in_wan(mc.bands("year"), ["p5_yuan", "p50_yuan", "p95_yuan", "mean_yuan"])"""),
        code("""\
        art = mc.bands("article")
        in_wan(art, ["p5_yuan", "p50_yuan", "p95_yuan", "mean_yuan"])"""),
        code("""\
        fig, ax = plt.subplots(figsize=(8, 4.5))
        y = np.arange(len(art))[::-1]
        p5, p50, p95 = (wan_series(art[c]) for c in ("p5_yuan", "p50_yuan", "p95_yuan"))
        ax.errorbar(p50, y, xerr=[p50 - p5, p95 - p50], fmt="o", color="#2b6c8f", capsize=3)
        ax.set_yticks(y, [f"第{a}条 {pol.article(a).title.zh}" for a in art["article"]])
        ax.set_xlabel("2023—2025年合计（万元）Total 2023–2025 (10,000 yuan)")
        ax.set_title("各条支出的5%—50%—95%区间（含假设参数）P5–P50–P95 by article (uses assumptions)")
        ax.spines[["top", "right"]].set_visible(False)
        plt.show()"""),
        md("""\
        ## 情景 Scenarios

        情景文件在 `scenarios/*.yaml`（名称、说明、参数、解释口径）。下面比较三项参数调整：第一条升规奖励提高、
        第五条补助比例提高、第五条补助设上限。差额 = 情景 − 基准（2023—2025年合计）。

        *Scenario files live in `scenarios/*.yaml` (name, description, parameters, readings). Three parameter changes:
        a higher article-1 award, a higher article-5 rate, a cap on the article-5 subsidy. Delta = scenario − baseline
        (2023–2025).*"""),
        code("""\
        rows = []
        for f in ["art01_upgrade_300k", "art05_rate_8pct", "art05_cap_200wan"]:
            sc = Scenario.load(f"../scenarios/{f}.yaml")
            c = compare(facts, sc, YEARS, synthetic=True, base=sim)
            d = c.cost_delta()
            for r in d[d["delta_yuan"] != 0].to_dict("records"):
                rows.append({"scenario": sc.name, "parameters": sc.parameters, "article": r["article"],
                             "base_yuan": r["base_yuan"], "scenario_yuan": r["scenario_yuan"], "delta_yuan": r["delta_yuan"],
                             "basis": r["basis"]})
        deltas = pd.DataFrame(rows)
        in_wan(deltas, ["base_yuan", "scenario_yuan", "delta_yuan"])"""),
        code("""\
        fig, ax = plt.subplots(figsize=(7, 2.8))
        ax.barh(deltas["scenario"], wan_series(deltas["delta_yuan"]), color=np.where(deltas["delta_yuan"] > 0, "#b5523b", "#5b8c3a"))
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_xlabel("支出变化（万元）Change in cost (10,000 yuan)")
        ax.set_title("情景与基准之差（含假设参数）Scenario minus baseline (uses assumptions)")
        ax.spines[["top", "right"]].set_visible(False)
        plt.show()"""),
        md("""\
        情景效果的不确定区间：基准与情景在同一组100个合成总体上成对计算，给出差额的第5、50、95百分位。

        *Uncertainty of a scenario's effect: baseline and scenario on the same 100 synthetic populations (paired), with
        percentiles 5, 50 and 95 of the difference.*"""),
        code("""\
        band = pd.concat([monte_carlo_delta(f"../scenarios/{f}.yaml", runs=100, seed=SEED, years=YEARS)
                          for f in ["art01_upgrade_300k", "art05_cap_200wan"]], ignore_index=True)
        in_wan(band[band["year"] == "total"], ["p5_delta_yuan", "p50_delta_yuan", "p95_delta_yuan", "mean_delta_yuan"])"""),
        md("""\
        使用的假设参数清单见 `kzpolicy/data/population_assumptions.yaml`；下面列出它们的名称。

        *The assumptions used are listed in `kzpolicy/data/population_assumptions.yaml`; their names:*"""),
        code("""\
        names = assumption_names()
        print(ASSUMPTION_NOTE, f"— {len(names)}:")
        print(", ".join(names))"""),
    ]


def who_benefits():
    return [
        md("""\
        # 谁受益 Who benefits?

        2023—2025年的奖补落到哪些企业：按规模（大、中、小、微，按2022年收入划分）、行业、乡镇；资金集中在多少企业手里；
        参数调整后谁多得、谁少得。

        *Where the money goes in 2023–2025: by size band (large, medium, small, micro, from 2022 revenue), sector and
        township; how concentrated it is; and who gains or loses when a parameter changes.*"""),
        md(BOX),
        code(SETUP),
        code("""\
        facts = generate(seed=SEED, years=YEARS)
        sim = simulate(facts, YEARS, synthetic=True)
        BAND_ZH = {"large": "大型 large", "medium": "中型 medium", "small": "小型 small", "micro": "微型 micro"}"""),
        md("## 按规模 By size band"),
        code("""\
        bands = sim.distribution("size_band")
        in_wan(bands, ["amount_yuan", "per_recipient_yuan"])"""),
        code("""\
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
        labels = bands["size_band"].map(BAND_ZH)
        axes[0].bar(labels, bands["firms"], color="#999999", label="企业数 firms")
        axes[0].bar(labels, bands["recipients"], color="#2b6c8f", label="受益企业 recipients")
        axes[0].set_title("企业数与受益企业数 Firms and recipients")
        axes[0].legend()
        axes[1].bar(labels, wan_series(bands["amount_yuan"]), color="#b5523b")
        axes[1].set_title("奖补金额（万元）Awards (10,000 yuan)")
        for ax in axes:
            ax.spines[["top", "right"]].set_visible(False)
        fig.suptitle("按规模（含假设参数）By size band (uses assumptions)")
        plt.show()"""),
        md("## 按行业 By sector"),
        code("""in_wan(sim.distribution("sector").sort_values("amount_yuan", ascending=False), ["amount_yuan", "per_recipient_yuan"])"""),
        md("""\
        ## 按乡镇 By township

        乡镇名称为合成标签（“乡镇01”…），企业在乡镇间的分布是假设。

        *Township names are synthetic labels; how firms spread over townships is an assumption.*"""),
        code("""\
        towns = sim.distribution("township").sort_values("amount_yuan", ascending=False)
        in_wan(towns.head(10), ["amount_yuan", "per_recipient_yuan"])"""),
        code("""\
        ax = plots.bar_by_group(sim.ledger, "township", top=15, xlabel="乡镇（合成名称）Township (synthetic names)",
                                title="奖补金额前15个乡镇（含假设参数）Top 15 townships (uses assumptions)")
        plt.show()"""),
        md("""\
        ## 集中度 Concentration

        受益企业中金额最高的10%拿到多少钱；基尼系数分别在受益企业之间和全部企业之间计算。

        *The share of money going to the top 10% of recipient firms; Gini among recipients and among all firms.*"""),
        code("""sim.concentration()"""),
        code("""\
        lz = sim.lorenz()
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        ax.plot(lz["firm_share"], lz["money_share"], color="#2b6c8f", label="洛伦兹曲线 Lorenz curve")
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="完全平均 equal shares")
        ax.set_xlabel("受益企业累计占比 Cumulative share of recipients")
        ax.set_ylabel("奖补累计占比 Cumulative share of money")
        ax.set_title("受益企业间的分布（含假设参数）Among recipients (uses assumptions)")
        ax.legend()
        plt.show()"""),
        md("""\
        ## 情景下谁多得、谁少得 Who gains and who loses under a scenario

        *Firms gaining or losing money against the baseline, by size band.*"""),
        code("""\
        out = []
        for f in ["art01_upgrade_300k", "art05_cap_200wan"]:
            c = compare(facts, f"../scenarios/{f}.yaml", YEARS, synthetic=True, base=sim)
            wl = c.winners_losers()
            wl.insert(0, "scenario", c.scenario.name)
            out.append(wl)
        wl = pd.concat(out, ignore_index=True)
        in_wan(wl, ["gain_yuan", "loss_yuan", "net_yuan"])"""),
        code("""\
        fig, ax = plt.subplots(figsize=(8, 3.2))
        pivot = wl.pivot(index="size_band", columns="scenario", values="net_yuan").reindex(list(BAND_ZH))
        pos = np.arange(len(pivot))
        for i, col in enumerate(pivot.columns):
            ax.bar(pos + i * 0.4 - 0.2, wan_series(pivot[col]), width=0.4, label=col)
        ax.set_xticks(pos, [BAND_ZH[b] for b in pivot.index])
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_ylabel("净变化（万元）Net change (10,000 yuan)")
        ax.set_title("情景对各规模企业的净影响（含假设参数）Net effect by size band (uses assumptions)")
        ax.legend()
        ax.spines[["top", "right"]].set_visible(False)
        plt.show()"""),
    ]


def interpretations_matter():
    return [
        md("""\
        # 解释口径影响多大 How much do the interpretations matter?

        政策文本有多处可作不同理解的地方，工具把每一处登记为“解释”（`interpretations.yaml`），并给出默认口径。
        本页把每项解释逐一切换到其他口径（其余保持默认），看2023—2025年企业奖补总额变化多少；最后一列为预算专项
        （第六条、第二十二条）的变化。

        *Where the text can be read more than one way, the toolkit registers an interpretation with a default reading.
        This page switches each interpretation to each other reading, one at a time (the rest at their defaults), and
        shows how much the 2023–2025 firm awards change. The last column gives the change in the fixed budget lines
        (articles 6 and 22), which a reading about the publication year can move.*"""),
        md(BOX),
        code(SETUP),
        code("""\
        registry = pd.DataFrame([{"interpretation": i.id, "articles": ", ".join(map(str, i.articles)), "question_zh": i.question.zh,
                                  "question_en": i.question.en, "default": i.default, "readings": ", ".join(i.readings)}
                                 for i in pol.interpretations.values()])
        registry"""),
        md("## 逐项切换 One at a time"),
        code("""\
        facts = generate(seed=SEED, years=YEARS)
        base = simulate(facts, YEARS, synthetic=True)
        eff = interpretation_effects(facts, YEARS, synthetic=True, base=base)
        show = in_wan(eff, ["base_yuan", "reading_yuan", "delta_yuan", "budget_delta_yuan"])
        show["delta_pct"] = (show["delta_pct"] * 100).round(1)
        show[["interpretation", "default", "reading", "reading_zh", "base_万元", "reading_万元", "delta_万元", "delta_pct",
              "articles_changed", "budget_delta_万元", "basis"]]"""),
        code("""\
        alt = eff[eff["reading"] != "—"].copy()
        alt["label"] = alt["interpretation"] + " → " + alt["reading"]
        alt = alt.sort_values("delta_yuan")
        fig, ax = plt.subplots(figsize=(8, 0.4 * len(alt) + 1.2))
        ax.barh(alt["label"], wan_series(alt["delta_yuan"]), color=np.where(alt["delta_yuan"] > 0, "#b5523b", "#5b8c3a"))
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_xlabel("2023—2025年企业奖补变化（万元）Change in firm awards 2023–2025 (10,000 yuan)")
        ax.set_title("切换解释口径的影响（含假设参数）Effect of each reading (uses assumptions)")
        ax.spines[["top", "right"]].set_visible(False)
        plt.show()"""),
        code("""\
        big = eff.loc[eff["delta_yuan"].abs().idxmax()]
        none = eff[(eff["delta_yuan"] == 0) & (eff["budget_delta_yuan"] == 0) & (eff["reading"] != "—")]["interpretation"].tolist()
        print(f"影响最大 largest effect: {big['interpretation']} → {big['reading']}: {wan_series([big['delta_yuan']])[0]:,.1f} 万元 "
              f"({big['delta_pct'] * 100:.1f}%)")
        print("在此合成总体中没有影响 no effect in this population:", ", ".join(none) or "—")"""),
        md("""\
        “没有影响”不等于这项解释不重要：它只说明合成总体里没有触发这种情形的企业（例如收入恰好等于门槛、一年内
        跨越两档、同一年获多项同条认定）。真实数据里一家企业就可能碰到。

        *"No effect" does not mean the reading is unimportant: the synthetic population simply has no firm in that
        situation (revenue exactly at a threshold, two tiers crossed in one year, several titles under one article in a
        year). In real data a single firm can hit it.*

        ## 按条款看公布日期口径 The publication-date reading, by article

        *Article by article, for the reading that moves most articles: events from 1 January 2023 instead of from
        publication.*"""),
        code("""\
        c = compare(facts, "../scenarios/from_year_start.yaml", YEARS, synthetic=True, base=base)
        d = c.cost_delta()
        in_wan(d[d["delta_yuan"] != 0], ["base_yuan", "scenario_yuan", "delta_yuan"])"""),
    ]


PAGES = {"fiscal_cost": fiscal_cost, "who_benefits": who_benefits, "interpretations_matter": interpretations_matter}


def write(name: str, cells, execute: bool = True) -> Path:
    nb = new_notebook(cells=cells)
    for i, c in enumerate(nb.cells):
        c.id = f"{name}-{i:03d}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["language"] = "zh"
    path = OUT / f"{name}.ipynb"
    if execute:
        os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
        NotebookClient(nb, kernel_name="python3", timeout=300, record_timing=False,
                       resources={"metadata": {"path": str(OUT)}}).execute()
    nbformat.write(nb, path)
    return path


def main(argv):
    execute = "--no-exec" not in argv
    names = [a for a in argv if not a.startswith("--")] or list(PAGES)
    for n in names:
        print(write(n, PAGES[n](), execute))


if __name__ == "__main__":
    main(sys.argv[1:])
