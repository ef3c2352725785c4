"""Sphinx extension for the kzpolicy guide: facts on the front pages come from the policy YAML.

Why: the introduction quotes the title, 文号, dates and counts; typing them into
Markdown would let them drift from the data. This extension loads the policy
once and exposes MyST substitutions ({{ doc_no }}, {{ title_zh }}, …). It also
points the Chinese search splitter (jieba) at book/search_dict.txt by absolute
path, so the build works from any working directory.
"""
from __future__ import annotations

from pathlib import Path

BOOK = Path(__file__).resolve().parent.parent
ROOT = BOOK.parent
SOURCES_CSV = BOOK / "sources" / "comparison-sources.csv"


def policy_substitutions() -> dict:
    """MyST substitutions read from kzpolicy/policies/kaizhou_2023_27 (policy.yaml, articles/)."""
    from kzpolicy.policy import get_policy

    p = get_policy()
    m = p.meta
    arts = list(p.articles.values())
    money = [a.article for a in arts if a.has_money]
    return {
        "title_zh": m.title.zh,
        "title_en": m.title.en,
        "doc_no": m.doc_no or "",
        "issuer_zh": m.issuer.zh if m.issuer else "",
        "issuer_en": m.issuer.en if m.issuer else "",
        "issued": m.issued.isoformat() if m.issued else "",
        "effective": m.effective.isoformat() if m.effective else "",
        "approved_zh": m.approved_by.zh if m.approved_by else "",
        "approved_en": m.approved_by.en if m.approved_by else "",
        "policy_url": m.url,
        "n_articles": str(len(arts)),
        "n_chapters": str(len(m.chapters)),
        "n_money_articles": str(len(money)),
        "n_items": str(sum(len(a.items) for a in arts)),
        "n_interpretations": str(len(p.interpretations)),
        "chapters_zh": "；".join(f"第{c.chapter}章 {c.zh}" for c in m.chapters),
        "chapters_en": "; ".join(f"{c.chapter}. {c.en}" for c in m.chapters),
        "article_table": article_table(p),
        "kinds_table": kinds_table(p),
        "sources_table": sources_table(),
        **link_substitutions(),
    }


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


#: how each rule kind reads in the statute (documentation only; amounts are never written here)
KIND_SHAPES = {
    "event_award": "对新认定的……一次性奖励X万元（可按件数） · a fixed award per event or per unit",
    "ladder_award": "首次通过……A级/AA级……认定 · first time at each level",
    "revenue_milestone": "上年主营业务收入首次突破…… · first crossing of revenue tiers",
    "investment_subsidy": "投资……及以上、进度……以上的，按投资额的X%补助 · floor, progress, rate, cap",
    "rd_subsidy": "按存量不高于X%、增量不高于Y%补助 · stock and increment rates (upper bounds)",
    "listing_share": "给予市级奖补标准的X%、总额不超过…… · a share of the municipal reward, capped",
    "working_day_fee": "按每个工作日X‰计算收取 · a fee per working day",
    "ranked_award": "每年评选一等奖N个…… · awards by rank",
    "budget_line": "每年安排……万元 · a fixed annual budget line (not per firm)",
    "reference": "国家或上级政策的引述 · a national or higher-level rule, quoted (not paid by the district)",
    "referral": "支持申报市级…… · referral to a higher-level programme (not paid by the district)",
}


def kinds_table(p) -> str:
    """Markdown table: rule kind, the statute's sentence shape, and the articles whose items use it (from the YAML)."""
    used: dict = {}
    for item in p.items():
        used.setdefault(item.kind, set()).add(item.article)
    undocumented = sorted(set(used) - set(KIND_SHAPES))
    if undocumented:
        raise ValueError(f"book/_ext/kzbook.py: KIND_SHAPES has no description for rule kinds {undocumented}")
    rows = ["| 规则类型 Kind | 句式 Sentence shape | 条款 Articles |", "|---|---|---|"]
    for kind, shape in KIND_SHAPES.items():
        if kind in used:
            rows.append(f"| `{kind}` | {_cell(shape)} | {', '.join(str(a) for a in sorted(used[kind]))} |")
    return "\n".join(rows)


#: pages the audience pages point to: substitution {{ link_<name> }} -> a link when the page is in the
#: toc (its own title), else the fallback label, so a page written later never breaks the build
LINKS = {
    "fiscal_cost": ("notebooks/fiscal_cost", "财政成本 Fiscal cost"),
    "who_benefits": ("notebooks/who_benefits", "谁受益 Who benefits"),
    "interpretations_matter": ("notebooks/interpretations_matter", "解读的影响 How much the interpretations matter"),
    "compare_overview": ("notebooks/compare_overview", "比较总览 Comparison overview"),
    "compare_articles": ("notebooks/compare_articles", "逐条比较 Article by article comparison"),
    "compare_peers": ("notebooks/compare_peers", "市级与“两群”区县 Municipal level and peers"),
    "compare_method": ("notebooks/compare_method", "比较的方法与来源 Method and sources"),
    "course": ("book/teaching/course", "课程大纲 Course outline"),
    "quiz_ch1": ("notebooks/quiz_ch1", "第一章测验 Chapter 1 quiz"),
    "calculator": ("notebooks/calculator", "计算器 Calculator"),
    "common_mistakes": ("book/teaching/common_mistakes", "常见错误 Common mistakes"),
    "interpretations": ("notebooks/interpretations", "解读登记表 Interpretation registry"),
    "art05": ("notebooks/art05_smart_upgrade", "第五条 Article 5"),
}


def link_substitutions() -> dict:
    listed = toc_files()
    return {
        f"link_{name}": (f"{{doc}}`/{path}`" if path in listed else f"{label}（编写中 in preparation）")
        for name, (path, label) in LINKS.items()
    }


def toc_files() -> set:
    """Pages listed in book/_toc.yml (generated by make_toc.py), without suffix."""
    import yaml

    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    files = {toc["root"]}
    for part in toc.get("parts", []):
        files.update(ch["file"] for ch in part.get("chapters", []))
    return files


def article_table(p) -> str:
    """Markdown table of all articles from the YAML; the number links to the article's page once it is in the toc."""
    chapters = {c.chapter: c for c in p.meta.chapters}
    listed = toc_files()
    rows = ["| 条 Art. | 章 Chapter | 标题 | Title | 奖补 Money |", "|---|---|---|---|---|"]
    for a in p.articles.values():
        linked = f"notebooks/{a.key}" in listed
        num = f"{{doc}}`第{a.article}条 </notebooks/{a.key}>`" if linked else f"第{a.article}条"
        ch = chapters.get(a.chapter)
        chap = f"{a.chapter} {ch.zh}" if ch else str(a.chapter)
        money = "有 yes" if a.has_money else "无 no"
        rows.append(f"| {num} | {_cell(chap)} | {_cell(a.title.zh)} | {_cell(a.title.en)} | {money} |")
    return "\n".join(rows)


def sources_table() -> str:
    """One row per source document in book/sources/comparison-sources.csv (a copy of the research notes)."""
    import csv

    with open(SOURCES_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    seen, out = set(), ["| 地区 Jurisdiction | 文件 Document | 文号 No. | 日期 Date | 来源质量 Quality | 网址 URL |",
                        "|---|---|---|---|---|---|"]
    for r in rows:
        key = (r["jurisdiction"], r["doc_title"], r["url"])
        if key in seen:
            continue
        seen.add(key)
        cells = [r["jurisdiction"], r["doc_title"], r["doc_no"] or "—", r["date"] or "—", r["source_quality"],
                 f"<{r['url']}>" if r["url"] else "—"]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out)


def _config_inited(app, config):
    subs = dict(getattr(config, "myst_substitutions", {}) or {})
    subs.update(policy_substitutions())
    config.myst_substitutions = subs
    opts = dict(config.html_search_options or {})
    opts["dict"] = str(BOOK / "search_dict.txt")
    config.html_search_options = opts


def setup(app):
    app.connect("config-inited", _config_inited)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
