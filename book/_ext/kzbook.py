"""Sphinx extension for the kzpolicy guide: facts on the front pages come from the policy YAML.

Why: the introduction quotes the title, 文号, dates and counts; typing them into
Markdown would let them drift from the data. This extension loads the policy
once and exposes MyST substitutions ({{ doc_no }}, {{ title_zh }}, …). It also
points the Chinese search splitter (jieba) at book/search_dict.txt by absolute
path, so the build works from any working directory.

It also shapes the published pages for their readers:
- search: after the HTML build, Pagefind (PyPI ``pagefind[extended]``, which segments
  Chinese) indexes each page's body, and ``search.html?q=…`` hosts the Pagefind UI
  (templates/search.html), so 设备投资 finds the article on 设备投资补助;
- the book's CSS and JS (book/_static: tables that fit, print handout, toggles);
- fold labels: 显示代码 Show code on folded code, 显示答案 Show answer on exercise solutions;
- alt text on notebook figures (the section they illustrate instead of a file name);
- a fix for Sphinx 7's Chinese indexer, whose ``latin_terms`` list grew per page (quadratic).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

LOG = logging.getLogger(__name__)
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


def kind_shapes() -> dict:
    """How each rule kind reads in the statute, from the kinds' own declarations (kzpolicy/rules/<kind>.py)."""
    from kzpolicy import kinds
    return {k.name: f"{k.shape_zh} · {k.shape_en}" for k in kinds.registry().values()}


def kinds_table(p) -> str:
    """Markdown table: rule kind, the statute's sentence shape, and the articles whose items use it (from the YAML)."""
    used: dict = {}
    for item in p.items():
        used.setdefault(item.kind, set()).add(item.article)
    shapes = kind_shapes()
    undocumented = sorted(k for k in set(used) if not shapes.get(k, " · ").strip(" ·"))
    if undocumented:
        raise ValueError(f"rule kinds {undocumented} declare no statute shape (shape_zh/shape_en in kzpolicy/rules/<kind>.py)")
    rows = ["| 规则类型 Kind | 句式 Sentence shape | 条款 Articles |", "|---|---|---|"]
    for kind, shape in shapes.items():
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
    "art05": ("notebooks/art05_smart_upgrade", "第（五）项 Measure (5)"),
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
    """Markdown table of all articles: number (linked once the page is in the toc), title, and what it pays.

    The pay column (20万元/户, 按投资额的5% …) is rendered from the policy data by kzpolicy.answer.pays_summary."""
    from kzpolicy.answer import pays_summary

    listed = toc_files()
    rows = ["| 项 Measure | 标题 Title | 能拿多少 What it pays |", "|---|---|---|"]
    for a in p.articles.values():
        linked = f"notebooks/{a.key}" in listed
        num = f"{{doc}}`{a.cite_zh} </notebooks/{a.key}>`" if linked else a.cite_zh
        rows.append(f"| {num} | {_cell(a.title.zh)} · *{_cell(a.title.en)}* | {_cell(pays_summary(a.article, policy=p))} |")
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
    # the book's own static files and templates (absolute paths: the build's confdir is the repo root)
    static = str(BOOK / "_static")
    if static not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, static]
    templates = str(Path(__file__).resolve().parent / "templates")
    if templates not in config.templates_path:
        config.templates_path = [templates, *config.templates_path]
    config.togglebutton_hint = "显示答案 Show answer"
    config.togglebutton_hint_hide = "隐藏答案 Hide answer"


# ----------------------------------------------------------------------------- Sphinx 7 zh indexer
def patch_chinese_indexer() -> None:
    """Sphinx 7's SearchChinese keeps every Latin term of every page in a list and tests membership
    in it for each word stemmed (O(words × terms), ≈40 % of this build). Sphinx 8 made it a set; so
    does this. Membership is all the list is used for, so the index is the same (tests check it)."""
    from sphinx.search import zh

    cls = zh.SearchChinese
    if getattr(cls, "_kzbook_set", False):
        return

    def split(self, input: str) -> list[str]:
        chinese = list(zh.jieba.cut_for_search(input)) if zh.JIEBA else []
        latin1 = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.update(latin1)
        return chinese + latin1

    cls.latin_terms = set(cls.latin_terms)
    cls.split = split
    cls._kzbook_set = True


# ----------------------------------------------------------------------------- fold labels, alt text
SHOW_CODE = ("显示代码 Show code", "隐藏代码 Hide code")
SHOW_OUTPUT = ("显示结果 Show output", "隐藏结果 Hide output")
SHOW_ANSWER = ("显示答案 Show answer", "隐藏答案 Hide answer")
EXERCISE_SECTION = re.compile(r"练习|习题|Exercise", re.I)
ANSWER_TAGS = {"solution", "answer"}


def _section_title(node) -> str:
    while node is not None:
        if isinstance(node, nodes.section) and node.children and isinstance(node[0], nodes.title):
            return node[0].astext()
        node = node.parent
    return ""


class ReaderLabels(SphinxPostTransform):
    """Say what a fold hides (code, output, or an exercise's answer) and give figures real alt text.

    Runs after myst-nb's HideInputCells (priority 199), which wraps tagged cells in HideCodeCellNode."""

    default_priority = 205
    formats = ("html",)

    def run(self, **kwargs):
        from myst_nb.sphinx_ import HideCodeCellNode

        for fold in list(self.document.findall(HideCodeCellNode)):
            cell = fold.parent
            tags = set((cell.get("nb_cell_metadata") or {}).get("tags", [])) if cell is not None else set()
            if tags & ANSWER_TAGS or EXERCISE_SECTION.search(_section_title(fold)):
                show, hide = SHOW_ANSWER
            elif "above-input" in fold["classes"]:
                show, hide = SHOW_CODE
            else:
                show, hide = SHOW_OUTPUT
            fold["prompt_show"], fold["prompt_hide"] = show, hide
        for img in self.document.findall(nodes.image):
            alt, uri = img.get("alt", ""), img.get("uri", "")
            if not alt or alt == uri or re.fullmatch(r"[\w./-]*\.(png|jpe?g|svg|gif)", alt):
                title = _section_title(img) or self.document.get("title", "") or ""
                img["alt"] = f"图表：{title} Chart: {title}".strip() if title else "图表 Chart"


# ----------------------------------------------------------------------------- Pagefind
#: what Pagefind leaves out of the index: code, permalinks, fold labels, the page's own "Contents" list
PAGEFIND_EXCLUDE = [".cell_input", "a.headerlink", "summary", ".toggle-hidden-hint", "script", "style"]


def _page_context(app, pagename, templatename, context, doctree):
    """Mark the article body for Pagefind (pages without it, e.g. genindex and search, are not indexed)."""
    if doctree is not None and "body" in context:
        context["body"] = f'<div data-pagefind-body>\n{context["body"]}\n</div>'


def run_pagefind(app, exception):
    """Build the static search index into <outdir>/pagefind after a successful HTML build."""
    if exception is not None or app.builder.format != "html":
        return
    cmd = [sys.executable, "-m", "pagefind", "--site", str(app.outdir), "--quiet",
           "--exclude-selectors", ", ".join(PAGEFIND_EXCLUDE)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not (Path(app.outdir) / "pagefind" / "pagefind.js").is_file():
        raise RuntimeError(f"Pagefind failed ({' '.join(cmd)}):\n{done.stdout}\n{done.stderr}\n"
                           "install it with: pip install 'pagefind[extended]'")
    LOG.info("pagefind: search index written to %s", Path(app.outdir) / "pagefind")


def setup(app):
    patch_chinese_indexer()
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", run_pagefind)
    app.add_post_transform(ReaderLabels)
    app.add_css_file("kzbook.css")
    app.add_js_file("kzbook.js", defer="defer")
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
