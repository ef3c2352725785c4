"""Build the comparison notebooks (notebooks/compare_*.ipynb) with nbformat, and execute them.

Four pages: overview, article by article (a MyST label ``compare-artNN`` per Kaizhou
article, for the article pages to link to), the Chongqing and 两群 peers, and method
and sources. Every table and sentence with a figure is computed by
:mod:`kzpolicy.compare` when the notebook runs; only headings and fixed explanations
are written here (the article headings from the policy YAML). Executed with nbclient
(no timing metadata) so the outputs nbval checks are committed with them.

    .venv/bin/python tools/build_notebooks_compare.py [--no-exec]
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kzpolicy import compare
from kzpolicy.explain import article_zh

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks"
EXECUTE = "--no-exec" not in sys.argv


def md(*parts):
    return new_markdown_cell("\n\n".join(parts))


def code(src, *tags):
    c = new_code_cell(src.strip("\n"))
    if tags:
        c.metadata["tags"] = list(tags)
    return c


SETUP = """
import pandas as pd
from IPython.display import Markdown

from kzpolicy import compare
from kzpolicy.money import wan

pd.set_option("display.max_colwidth", 200)
pd.set_option("display.width", 200)
pd.set_option("display.max_rows", 500)
"""


def save(name, cells):
    for i, c in enumerate(cells):  # stable cell ids: a rebuild leaves unchanged pages byte-identical
        c["id"] = f"{name.removesuffix('.ipynb')}-{i:02d}"
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language"] = "zh"
    if EXECUTE:
        NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False,
                       resources={"metadata": {"path": str(NB)}}).execute()
    nbformat.write(nb, NB / name)
    print("wrote", NB / name)


# --------------------------------------------------------------------------- overview
overview = [
    md("# 与其他区县比较：总览", "*Comparing Kaizhou with other jurisdictions: overview*"),
    md("这里的比较不是手工表格，而是同一个计算引擎的结果。每个被比较地区的条款都按开州政策的同一数据格式编码"
       "（`kzpolicy/policies/<地区>/`），每一项都带原文摘录、网址、文号、日期和来源质量（官方、转载、汇总）；"
       "然后让同一批代表性企业在每个地区的政策下各算一遍（`kzpolicy.assess(..., policy=...)`）。",
       "*This comparison is not a hand-made table: it is computed with the same engine. Each compared jurisdiction's "
       "clauses are encoded in the same data format as Kaizhou's policy (`kzpolicy/policies/<peer>/`), every item with "
       "its excerpt, URL, document number, date and source quality (official, repost, summary); then the same "
       "representative firms are assessed under each jurisdiction's policy (`kzpolicy.assess(..., policy=...)`).*"),
    md("**读法须知 How to read the results**",
       "- **未读取**：存档副本在金额之前截断，或原文未写金额。这不是0，也不是“没有”。 "
       "*Not read: the stored copy ends before the figure, or the text gives none. Not zero, and not 'none'.*\n"
       "- **所读文本无此项**：读到的文字里没有对应条款，不等于该地没有这项政策（多数来源只读到开头约2000字）。 "
       "*No such item in the text read: the excerpts read contain no counterpart; this does not prove the place has none "
       "(most sources were readable only for their first ~2,000 characters).*\n"
       "- **0（条件未满足）**：有对应条款且金额已读取，但企业不满足条件，确实为0。 "
       "*0 (conditions not met): the item exists and was read, and the firm genuinely gets nothing.*\n"
       "- **市级与区县叠加**：重庆市级奖补与区县奖补同时享受（开州第十六条“除享受市级奖补政策外”），市级单列，不与区县相加比较。 "
       "*Chongqing's municipal awards stack on district awards (Kaizhou article 16: 'on top of the municipal reward'); the "
       "municipal level is shown on its own, not as a rival district.*\n"
       "- **层级对应**：其他省份的“省级”认定对应重庆（直辖市）的“市级”认定。 "
       "*Level matching: another province's provincial recognition corresponds to Chongqing's municipal one.*"),
    code(SETUP, "hide-cell"),
    md("## 被比较的地区 Jurisdictions compared"),
    code("""
j = compare.jurisdictions()
groups = compare.config()["groups"]
pd.DataFrame({
    "地区 Jurisdiction": j["jurisdiction_zh"],
    "类别 Group": j["group"].map(lambda g: "开州（基准）Kaizhou (baseline)" if g == "baseline" else groups[g]["zh"]),
    "文件 Document": j["title_zh"],
    "文号 No.": j["doc_no"].fillna("—"),
    "来源质量 Quality": j["quality"].map(lambda q: " ".join(compare.QUALITY[q])),
    "条款数 Items": j["items"],
    "未读取 Not read": j["items_not_read"],
})
""", "remove-input"),
    md("## 代表性企业 Representative firms",
       "每个代表性企业是一份与用户输入格式相同的企业档案（`kzpolicy/data/representative_firms/`），"
       "代表一个项目组；同一企业放到每个地区的政策下计算。",
       "*Each representative firm is a firm profile in the same format users give "
       "(`kzpolicy/data/representative_firms/`), standing for one item group; the same firm is assessed under every "
       "jurisdiction's policy.*"),
    code("""
firms = compare.representative_firms()
pd.DataFrame({
    "企业 Firm": [f.id for f in firms],
    "情形 Situation": [f"{f.label_zh}（{f.label_en}）" for f in firms],
    "项目组 Item group": [f"{f.group_zh} {f.group_en}" for f in firms],
    "事项 Events": [", ".join(e["code"] for e in f.profile.get("events", [])) or "营业收入记录 revenue history" for f in firms],
    "比较年度 Year": [f.year for f in firms],
})
""", "remove-input"),
    code("""
matrix = compare.firm_matrix()
compare.firm_table(matrix)
""", "remove-input"),
    code("""
legend = "\\n".join(f"- **{zh}** — *{en}*" for zh, en in compare.STATUS.values())
Markdown("单元格中的文字 What the cells say:\\n\\n" + legend + "\\n\\n“≥X（部分未读取）”：已读取的部分为X，其余未读取。 *'≥X (partly not read)': X was read, the rest was not.*")
""", "remove-input"),
    md("已计算的金额中，有些依赖编码时的假设（例如摘录未写投资进度条件）：",
       "*Some computed figures rest on assumptions made while encoding (for instance, no progress condition in the excerpt):*"),
    code("""
notes = matrix[(matrix["status"] == "computed") & (matrix["note_zh"].fillna("") != "") & (matrix["kaizhou_item"] != "none")]
pd.DataFrame({"企业 Firm": notes["firm"], "地区 Jurisdiction": notes["jurisdiction_zh"], "开州项目 Kaizhou item": notes["kaizhou_item"],
              "金额 Amount": [wan(int(x)) for x in notes["amount_yuan"]], "假设 Assumption": notes["note_zh"]}).reset_index(drop=True)
""", "remove-input"),
    md("## 慷慨度指数 Generosity index",
       "每个项目组用一个标准假想企业：指数 = 100 × 该地奖励 ÷ 开州奖励，只计两地都已读取的项目；"
       "每个指数旁边都写着覆盖率（纳入比较的开州金额占该企业开州奖励的比例）和纳入比较的项目数。"
       "方法详见 {doc}`compare_method`。",
       "*One standard hypothetical firm per item group: index = 100 × the peer's award ÷ Kaizhou's, over items read in "
       "both only; next to every index is its coverage (the share of the firm's Kaizhou award that was compared) and "
       "the number of items compared. Method: {doc}`compare_method`.*"),
    code("""
index = compare.generosity_index(matrix)
compare.index_table(index)
""", "remove-input"),
    code("""
import matplotlib.pyplot as plt
from kzpolicy.plots import setup_cjk

setup_cjk()
ix = index[index["index"].notna() & (index["item_group"] != "all")]
groups = list(dict.fromkeys(ix["item_group_zh"]))
fig, axes = plt.subplots(len(groups), 1, figsize=(8, 1.2 + 0.55 * len(ix)), sharex=True,
                         gridspec_kw={"height_ratios": [max(1, (ix["item_group_zh"] == g).sum()) for g in groups]})
for ax, g in zip(axes, groups):
    sub = ix[ix["item_group_zh"] == g]
    y = range(len(sub))
    ax.barh(list(y), sub["index"].astype(float), color="#4c72b0")
    ax.axvline(100, color="#c44e52", lw=1)
    ax.set_yticks(list(y), sub["jurisdiction_zh"])
    for yy, v, c in zip(y, sub["index"].astype(float), sub["coverage"]):
        ax.text(v, yy, f" {v:.0f}（覆盖{c:.0%}）", va="center", fontsize=8)
    ax.set_title(g, fontsize=10, loc="left")
axes[-1].set_xlabel("慷慨度指数（开州 = 100；只计两地均已读取的项目）Generosity index (Kaizhou = 100)")
fig.tight_layout()
plt.show()
""", "remove-input"),
    md("## 要点 Key points", "以下句子由上面的计算结果生成。 *The sentences below are generated from the results above.*"),
    code("""
kz = compare.baseline().id
lines = []
# the municipal level stacks on every Chongqing district: it is not a rival district, so it is left out here
for g, sub in index[(index["item_group"] != "all") & (index["peer_group"] != "municipal")].groupby("item_group_zh", sort=False):
    have = sub[sub["index"].notna()]
    if not len(have):
        lines.append(f"- **{g}**：没有一个被比较地区的对应金额可以读取并计算（不能比较）。 *No peer figure could be read and computed.*")
        continue
    more = have[have["index"] > 100]["jurisdiction_zh"].tolist()
    less = have[have["index"] < 100]["jurisdiction_zh"].tolist()
    same = have[have["index"] == 100]["jurisdiction_zh"].tolist()
    parts = []
    if more: parts.append("高于开州：" + "、".join(more))
    if same: parts.append("与开州相同：" + "、".join(same))
    if less: parts.append("低于开州：" + "、".join(less))
    lines.append(f"- **{g}**：{len(have)}个地区可比较（其余未读取或所读文本无此项）；" + "；".join(parts) + "。"
                 f" *Peers comparable: {len(have)}; above Kaizhou: {len(more)}, equal: {len(same)}, below: {len(less)}.*")
counts = compare.item_status_counts()
lines.append("- 重庆市级奖补与区县叠加，不列入上述高低比较（见 {doc}`compare_peers`）。 *The municipal level stacks on the districts and is left out of the comparisons above.*")
lines.append(f"- 共编码{len(counts)}个被比较地区、{counts['items'].sum()}个条款，其中{(counts['cut_off'] + counts['not_read']).sum()}个金额未读取（截断或原文未给），"
             f"{counts['not_computable'].sum()}个有条款但按不同基数计算、引擎不计算。"
             f" *{len(counts)} peers and {counts['items'].sum()} items encoded; {(counts['cut_off'] + counts['not_read']).sum()} figures not read, "
             f"{counts['not_computable'].sum()} items on a basis the engine does not compute.*")
Markdown("\\n".join(lines))
""", "remove-input"),
]
save("compare_overview.ipynb", overview)

# --------------------------------------------------------------------------- articles
kz = compare.baseline()
table = compare.item_table()
arts = [
    md("# 逐条比较 Article-by-article comparison",
       "开州每一条的每个奖补项目，与其他地区的对应条款并列：原文金额（照录）、读取金额（编码后的数值）、读取状态、条件和来源。"
       "“未读取”不是0；“所读文本无对应条款”不等于该地没有。",
       "*Each award item of every Kaizhou article beside its counterparts elsewhere: the amount as printed, the amount "
       "as read (the encoded value), whether it was read, the condition and the source. 'Not read' is not 0; 'none in "
       "the texts read' does not prove a place has none.*"),
    code(SETUP + "\ntable = compare.item_table()\n", "hide-cell"),
]
for n, art in kz.articles.items():
    head = f"({'compare-art%02d' % n})=\n## {article_zh(n)}　{art.title.zh}\n\n*Article {n} — {art.title.en}*"
    body = [f"本条逐条页面 The article's own page: {{doc}}`{art.key}`"]
    has_rows = (table["article"] == n).any()
    if not has_rows:
        body.append("本条不含按企业计算的奖补金额（程序、条件或组织条款），没有可比较的项目。"
                    " *This article carries no per-firm award amount (procedure, conditions or organisation): nothing to compare.*")
    arts.append(md(head, *body))
    if has_rows:
        arts.append(code(f"compare.article_view({n}, table)", "remove-input"))
arts += [
    md("(compare-peer-only)=\n## 开州没有的条款 Items other jurisdictions have and Kaizhou lacks",
       "这些条款在开州政策中没有对应项目（`kaizhou_match: none`），照样编码、列出来源。",
       "*These items have no counterpart in Kaizhou's policy (`kaizhou_match: none`); they are encoded and listed with "
       "their sources all the same.*"),
    code("""
only = compare.peer_only_items()
pd.DataFrame({
    "地区 Jurisdiction": only["jurisdiction_zh"],
    "条款 Item": only["peer_label_zh"],
    "原文金额 As printed": only["amount_text"],
    "可计算 Computable": only["computable"].map({True: "是 yes", False: "否（基数不同）no (other basis)"}),
    "条件 Condition": only["condition"].fillna("—"),
    "来源 Source": [compare.source_cell(q, u) for q, u in zip(only["quality"], only["url"])],
})
""", "remove-input"),
]
save("compare_articles.ipynb", arts)

# --------------------------------------------------------------------------- peers
peers_cells = [
    md("# 重庆市级与“两群”区县 Chongqing municipal level and the 两群 peers",
       "开州属重庆“两群”（渝东北三峡库区城镇群），最自然的比较对象是同群区县。但同群区县的政策原文在存档中大多不可读："
       "下面如实列出读到了什么、没读到什么。",
       "*Kaizhou belongs to Chongqing's '两群' (the north-east Three Gorges reservoir town group); its natural peers are "
       "the other districts and counties of that group. Most of their policy texts were not readable in the stored "
       "copies: below is what was read, and what was not.*"),
    code(SETUP + "\ncfg = compare.config()\nmatrix = compare.firm_matrix()\n", "hide-cell"),
    md("## 读到与没读到 What was read, and what was not"),
    code("""
lq = [p for p in compare.peers() if p.group == "lianqun"]
read = "、".join(f"{compare.short_name(p.policy)}（{len(list(p.policy.items()))}项）" for p in lq)
unread = "、".join(u["zh"] for u in cfg["lianqun_unreadable"])
Markdown(f"**读到可用条款的“两群”区县（{len(lq)}个）**：{read}。\\n\\n"
         f"**本地工业政策文本没有读到可用金额的（{len(cfg['lianqun_unreadable'])}个，其中几个另有上市挂牌数据）**：{unread}。\\n\\n"
         f"*{len(lq)} 两群 peers gave usable items (mostly a single listing top-up from a third-party summary); for "
         f"{len(cfg['lianqun_unreadable'])} the local industrial-policy text gave no usable figure (a few of them have listing data).*")
""", "remove-input"),
    md("## 重庆市级：与区县叠加 The municipal level stacks on the district's",
       "市级奖补由多份市级文件汇编（每项各注来源）。开州第十六条写明“除享受市级奖补政策外”，所以开州企业同时拿市级和区级；"
       "比较区县时市级单列。",
       "*The municipal awards are a composite of several municipal documents, each item with its own source. Kaizhou's "
       "article 16 says 'on top of the municipal reward', so a Kaizhou firm gets both; when comparing districts the "
       "municipal level is shown on its own.*"),
    code("""
def meta_box(pid):
    m = compare.get_policy(pid).meta
    lines = [f"> **{m.jurisdiction.zh}** — *{m.jurisdiction.en}*", ">",
             f"> - 文件 Document：{m.title.zh}" + (f"，{m.doc_no}" if m.doc_no else ""),
             f"> - 日期 Date：{m.issued or next(iter(compare.get_policy(pid).items())).source.date or '未注明 not shown'}",
             f"> - 来源 Source：{' '.join(compare.QUALITY[m.source_quality])}，{m.url}"]
    if m.note:
        lines += [f"> - 说明 Note：{m.note.zh}", f">   *{m.note.en}*"]
    return Markdown("\\n".join(lines))

meta_box("chongqing_municipal")
""", "remove-input"),
    code('compare.peer_view("chongqing_municipal")', "remove-input"),
]
for grp, title in (("chongqing_district", "## 重庆其他区县 Other Chongqing districts"), ("lianqun", "## “两群”区县 The 两群 peers")):
    peers_cells.append(md(title))
    for p in compare.peers():
        if p.group != grp:
            continue
        m = p.policy.meta
        peers_cells.append(md(f"### {m.jurisdiction.zh} {m.jurisdiction.en}"))
        peers_cells.append(code(f'meta_box("{p.id}")', "remove-input"))
        peers_cells.append(code(f'compare.peer_view("{p.id}")', "remove-input"))
peers_cells += [
    md("## 代表性企业在重庆各地 Representative firms across Chongqing",
       "同一批代表性企业，只看重庆的区县和市级。 *The same representative firms, Chongqing districts and the municipal level only.*"),
    code("""
cq = [compare.baseline().id] + [p.id for p in compare.peers() if p.group in ("municipal", "chongqing_district", "lianqun")]
names = compare.names()
compare.firm_table(matrix)[[names[c] for c in cq]]
""", "remove-input"),
    md("### 叠加市级后 With the municipal layer added",
       "区县金额加上市级金额（两者都已读取时才相加；否则不给合计）。 "
       "*District plus municipal amount, added only where both were read; otherwise no sum is given.*"),
    code("""
m = matrix[matrix["kaizhou_item"] != "none"]
muni = m[m["policy"] == "chongqing_municipal"].set_index(["firm", "kaizhou_item"])
dist = m[m["policy"].isin([c for c in cq if c != "chongqing_municipal"])]
both = dist.merge(muni[["amount_yuan", "status"]].add_suffix("_municipal"), left_on=["firm", "kaizhou_item"], right_index=True, how="left")
ok = both["status"].isin(compare.READ_STATUSES) & both["status_municipal"].isin(compare.READ_STATUSES)
both = both[ok]
pd.DataFrame({
    "企业 Firm": both["firm"], "开州项目 Kaizhou item": both["kaizhou_item"], "地区 Jurisdiction": both["jurisdiction_zh"],
    "区县 District": [wan(int(x)) for x in both["amount_yuan"]],
    "市级 Municipal": [wan(int(x)) for x in both["amount_yuan_municipal"]],
    "合计 Total": [wan(int(a) + int(b)) for a, b in zip(both["amount_yuan"], both["amount_yuan_municipal"])],
}).reset_index(drop=True)
""", "remove-input"),
]
save("compare_peers.ipynb", peers_cells)

# --------------------------------------------------------------------------- method and sources
method = [
    md("# 比较的方法与来源 Method and sources"),
    code(SETUP + "\nimport yaml\ncfg = compare.config()\n", "hide-cell"),
    md("## 方法 Method"),
    code('Markdown(compare.METHOD["zh"] + "\\n\\n*" + compare.METHOD["en"] + "*")', "remove-input"),
    md("三步 Three steps:",
       "1. **编码**：每个地区一个政策文件夹，与开州同一格式；每项带 `source`（网址、摘录、文号、日期、质量）、"
       "`kaizhou_match`（对应的开州项目，或 `none`）和 `status`（`read`、`cut_off`、`not_read`）。没读到的数值写作 null，不写0；"
       "加载时严格校验（拼错的键、截断却写了数值、写了null却标为已读，都会报错）。 "
       "*Encode: one policy folder per jurisdiction in Kaizhou's format; every item carries `source` (URL, excerpt, "
       "document number, date, quality), `kaizhou_match` (the Kaizhou item, or `none`) and `status` (`read`, `cut_off`, "
       "`not_read`). A figure not read is null, never 0; loading is strict (a misspelt key, a cut-off item with a value, "
       "a null marked as read are all errors).*\n"
       "2. **计算**：代表性企业用同一个引擎在每个政策下计算，并逐项判定：已计算、0（条件未满足）、未读取、无法判断、"
       "有条款不可计算、所读文本无此项、比较年度未生效。 "
       "*Compute: the representative firms run through the same engine under every policy, and each cell is classified: "
       "computed, 0 (conditions not met), not read, cannot decide, item exists but not computable, no such item in the "
       "text read, not in force in the comparison year.*\n"
       "3. **指数**：每个项目组只在两地均已读取的项目上比较，覆盖率与指数并列。 "
       "*Index: each item group compares only items read in both places, with the coverage next to the index.*"),
    md("## 单元格状态 Cell statuses"),
    code("""
pd.DataFrame({"代码 Code": list(compare.STATUS), "中文": [v[0] for v in compare.STATUS.values()],
              "English": [v[1] for v in compare.STATUS.values()],
              "计入指数 In the index": ["是 yes" if k in compare.READ_STATUSES else "否 no" for k in compare.STATUS]})
""", "remove-input"),
    md("## 层级对应 Level equivalents",
       "假想企业法要求“同一个企业”：在重庆获市级认定的企业，在其他省份对应获省级认定。",
       "*The hypothetical-firm method needs 'the same firm': a firm recognised at Chongqing municipal level is, in "
       "another province, a firm recognised at provincial level.*"),
    code("""
rows = []
for name, eq in cfg["equivalents"].items():
    for a, b in eq["codes"].items():
        rows.append({"对应组 Set": name, "开州事项 Kaizhou event": a, "对方事项 Peer event": b})
used = {p.id: p for p in compare.peers()}
Markdown(cfg["equivalents"]["province_level"]["why"]["zh"] + " *" + cfg["equivalents"]["province_level"]["why"]["en"] + "*\\n\\n"
         "适用于 Applies to：" + "、".join(compare.short_name(p.policy) for p in used.values() if p.equivalents))
""", "remove-input"),
    code("pd.DataFrame(rows)", "remove-input"),
    md("## 假设与局限 Assumptions and limits",
       "- **比较年度**：代表性企业的事项都发生在同一比较年度（见下），这一年之后才发布的政策（云阳2025年）标为“比较年度未生效”。 "
       "*Comparison year: the firms' events all fall in one comparison year (below); a policy published later (Yunyang, 2025) is marked 'not in force in the comparison year'.*\n"
       "- **“不超过/最高”按上限计**：如铜梁“不超过10%”，指数按10%计，是上限而非实际比例。 "
       "*'At most' counts at its maximum: Tongliang's 'no more than 10%' is counted at 10%, an upper bound.*\n"
       "- **兑现时间不同**：铜梁升规奖励从入统次年起分三年兑现，达州按当年产值；比较的是同一事项应得的奖励，不折现。 "
       "*Timing differs: Tongliang pays over three years from the year after entry; the comparison is of the award a given achievement earns, undiscounted.*\n"
       "- **口径近似**：达州“产值”以主营业务收入近似；涪陵“成长板”按股转中心挂牌计；重庆市级股转中心奖补要求同时完成股改。 "
       "*Approximations: Dazhou's output is proxied by revenue; Fuling's growth board counts as an equity-centre listing; the municipal equity-centre award also requires a joint-stock reform.*\n"
       "- **摘录有限**：多数来源只读到开头约2000字，“所读文本无此项”不能推出该地没有。 "
       "*Excerpts are short: 'no such item in the text read' does not prove absence.*"),
    code("""
Markdown(f"比较年度 Comparison year：**{cfg['year']}**；基准政策 Baseline：`{cfg['baseline']}`。")
""", "remove-input"),
    md("下表列出编码时写在参数说明里的假设（未注明日期的文件按比较基准日期计；摘录未写的条件按何值计）。",
       "*The assumptions written into parameter notes while encoding (undated documents dated at a comparison base date; how conditions the excerpt does not state were taken).*"),
    code("""
rows = []
for p in compare.peers():
    for it in p.policy.items():
        for name, par in it.parameters.items():
            if par.note is not None:
                rows.append({"地区 Jurisdiction": compare.short_name(p.policy), "条款 Item": it.label.zh, "参数 Parameter": name,
                             "说明 Note": par.note.zh, "Note": par.note.en})
pd.DataFrame(rows)
""", "remove-input"),
    md("## 一个编码示例 One encoded item",
       "铜梁升规奖励第二年：原文在“第二年”后截断，金额写作 null，状态 `cut_off`。",
       "*Tongliang's second-year 升规 award: the text is cut off after 第二年, so the amount is null with status `cut_off`.*"),
    code("""
item = compare.get_policy("tongliang_2024_22").item("art03.above_scale_year2")
print(yaml.safe_dump(item.model_dump(mode="json", exclude={"id", "article"}, exclude_defaults=True), allow_unicode=True, sort_keys=False))
""", "remove-input"),
    md("## 来源 Sources", "每个网址及其来源质量（官方 official：政府网站；转载 repost：转载全文；汇总 summary：第三方摘要）。",
       "*Every URL with its quality (official: a government site; repost: a reposted full text; summary: a third-party digest).*"),
    code("""
s = compare.sources()
pd.DataFrame({"地区 Jurisdiction": s["jurisdiction_zh"], "质量 Quality": s["quality"].map(lambda q: " ".join(compare.QUALITY[q])),
              "文件 Document": s["doc_title"].fillna("—"), "文号 No.": s["doc_no"].fillna("—"), "日期 Date": s["date"].fillna("—"),
              "网址 URL": s["url"], "条款 Items": s["items"]})
""", "remove-input"),
    md("### 研究表中未编码的行 Research rows not encoded",
       "研究表（`kzpolicy/data/comparison-sources.csv`）中有些行没有编成政策（可比条款太少或无法对应），列在这里。",
       "*Rows of the research table (`kzpolicy/data/comparison-sources.csv`) not encoded as policies (too few comparable items, or no counterpart), listed here.*"),
    code("""
r = compare.research_sources()
used = {it.source.excerpt for p in compare.peers() for it in p.policy.items()}
rest = r[~r["excerpt"].isin(used)]
pd.DataFrame({"地区 Jurisdiction": rest["jurisdiction"], "项目 Item": rest["item_key"], "金额 Amount": rest["amount_text"],
              "质量 Quality": rest["source_quality"], "网址 URL": rest["url"]}).reset_index(drop=True)
""", "remove-input"),
]
save("compare_method.ipynb", method)
