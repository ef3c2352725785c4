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
        "sources_table": sources_table(),
    }


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def article_table(p) -> str:
    """Markdown table of all articles from the YAML; the number links to the article's page once it exists."""
    chapters = {c.chapter: c for c in p.meta.chapters}
    rows = ["| 条 Art. | 章 Chapter | 标题 | Title | 奖补 Money |", "|---|---|---|---|---|"]
    for a in p.articles.values():
        nb = ROOT / "notebooks" / f"{a.key}.ipynb"
        num = f"{{doc}}`第{a.article}条 </notebooks/{a.key}>`" if nb.is_file() else f"第{a.article}条"
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
