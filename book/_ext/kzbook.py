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

        # myst-nb sets the fold's children directly (no parent link), so walk from the cell down
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code" or not cell.get("hide_mode"):
                continue
            meta = cell.get("cell_metadata") or {}
            if (meta.get("mystnb") or {}).get("code_prompt_show"):
                continue        # the page chose its own words for this fold (e.g. 答案 Show answer)
            tags = set(meta.get("tags", []))
            answer = bool(tags & ANSWER_TAGS) or bool(EXERCISE_SECTION.search(_section_title(cell)))
            for fold in cell.findall(HideCodeCellNode):
                if answer:
                    show, hide = SHOW_ANSWER
                elif "above-input" in fold["classes"]:
                    show, hide = SHOW_CODE
                else:
                    show, hide = SHOW_OUTPUT
                fold["prompt_show"], fold["prompt_hide"] = show, hide
        # the answer box (kzpolicy.answer.answer_box: a quote that opens with 谁可以申请) is marked for
        # search weight and print
        for quote in self.document.findall(nodes.block_quote):
            if quote.astext().lstrip().startswith("谁可以申请"):
                quote["classes"].append("kz-answer")
        for img in self.document.findall(nodes.image):
            alt, uri = img.get("alt", ""), img.get("uri", "")
            if not alt or alt == uri or re.fullmatch(r"[\w./-]*\.(png|jpe?g|svg|gif)", alt):
                title = _section_title(img) or self.document.get("title", "") or ""
                img["alt"] = f"图表：{title} Chart: {title}".strip() if title else "图表 Chart"


# ----------------------------------------------------------------------------- Pagefind
#: what Pagefind leaves out of the index: code, permalinks, fold labels, scripts
PAGEFIND_EXCLUDE = [".cell_input", "a.headerlink", "summary", ".toggle-hidden-hint", "script", "style"]
#: search weights (Pagefind's default is 1; headings get their own): the page title, the answer box a
#: citizen came for, and reader terms count most; outputs on other pages (which mention every
#: article's awards) less; pages that are not one article's (quizzes, comparisons) less than the article
W_TITLE, W_ANSWER, W_CLAUSE, W_OUTPUT, W_OTHER_PAGE = 10.0, 5.0, 3.0, 0.5, 0.6
ARTICLE_PAGE = re.compile(r"^notebooks/art\d\d_")
#: words readers use that the policy text does not (book/_ext/search_terms.yaml): shown on the page
SEARCH_TERMS = Path(__file__).resolve().parent / "search_terms.yaml"


def search_terms() -> dict:
    """{page name: [terms]} from search_terms.yaml; a page that does not exist is an error."""
    import yaml

    raw = yaml.safe_load(SEARCH_TERMS.read_text(encoding="utf-8")) or {}
    return {str(k): [str(t) for t in v] for k, v in raw.items()}


def mark_for_search(pagename: str, body: str, terms: dict) -> str:
    """The page body with Pagefind attributes: indexed, weighted, and with its reader's words."""
    body = re.sub(r"<h1\b", f'<h1 data-pagefind-weight="{W_TITLE}"', body, count=1)
    body = re.sub(r'<blockquote class="([^"]*\bkz-answer\b[^"]*)"',
                  rf'<blockquote data-pagefind-weight="{W_ANSWER}" class="\1"', body)
    article = bool(ARTICLE_PAGE.match(pagename))
    if not article:     # on an article page the outputs are its own examples and tables
        body = re.sub(r'<div class="cell_output docutils container"',
                      f'<div data-pagefind-weight="{W_OUTPUT}" class="cell_output docutils container"', body)
    extra = ""
    if terms.get(pagename):
        words = " ".join(f"<span>{t}</span>" for t in terms[pagename])   # spaced: each segments as a query does
        extra = f'\n<p class="kz-keywords" data-pagefind-weight="{W_CLAUSE}">相关用语 Related terms：{words}</p>'
    if not article:     # Pagefind weighs elements inside the body, not the body element itself
        body = f'<div data-pagefind-weight="{W_OTHER_PAGE}">\n{body}\n</div>'
    return f"<div data-pagefind-body>\n{body}{extra}\n</div>"


def _page_context(app, pagename, templatename, context, doctree):
    """Mark the page body for Pagefind (pages without it, e.g. genindex and search, are not indexed)."""
    if doctree is not None and "body" in context:
        if not hasattr(app.env, "kz_search_terms"):
            app.env.kz_search_terms = search_terms()
        context["body"] = mark_for_search(pagename, context["body"], app.env.kz_search_terms)


def _write_present_css(app):
    """kzpolicy/present.py's table rules (the same the notebooks embed) as _static/kz-present.css."""
    from kzpolicy import present

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "kz-present.css").write_text(present.CSS, encoding="utf-8")


def _ext_fingerprint() -> str:
    import hashlib

    h = hashlib.sha256()
    for f in sorted(Path(__file__).resolve().parent.rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def _outdated_when_the_extension_changes(app, env, added, changed, removed):
    """Rewrite every page when this extension, its templates or its search terms change (an incremental
    `make guide` would otherwise keep pages rendered by the old code)."""
    fp = _ext_fingerprint()
    if getattr(env, "kz_ext_fingerprint", None) != fp:
        env.kz_ext_fingerprint = fp
        return list(env.found_docs)
    return []


def _refresh_static(outdir) -> None:
    """Copy book/_static into <outdir>/_static (Sphinx skips the copy when no page is out of date)."""
    import shutil

    dest = Path(outdir) / "_static"
    dest.mkdir(parents=True, exist_ok=True)
    for f in (BOOK / "_static").iterdir():
        if f.is_file():
            shutil.copyfile(f, dest / f.name)


def run_pagefind(app, exception):
    """Build the static search index into <outdir>/pagefind after a successful HTML build."""
    if exception is not None or app.builder.format != "html":
        return
    _refresh_static(app.outdir)
    _write_present_css(app)
    import shutil

    shutil.rmtree(Path(app.outdir) / "pagefind", ignore_errors=True)   # no stale fragments
    if not getattr(app.builder, "search", True):  # a Sphinx index left by an older build into the same folder
        (Path(app.outdir) / "searchindex.js").unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(app.outdir), "--quiet",
           "--exclude-selectors", ", ".join(PAGEFIND_EXCLUDE)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not (Path(app.outdir) / "pagefind" / "pagefind.js").is_file():
        raise RuntimeError(f"Pagefind failed ({' '.join(cmd)}):\n{done.stdout}\n{done.stderr}\n"
                           "install it with: pip install 'pagefind[extended]'")
    LOG.info("pagefind: search index written to %s", Path(app.outdir) / "pagefind")


def _no_sphinx_index(app):
    """Pagefind is the guide's search: Sphinx's own index (jieba over every page, ≈25 % of the build
    even with the set fix) and its 230 KB searchindex.js on every page are not needed."""
    if app.builder.format == "html" and hasattr(app.builder, "search"):
        app.builder.search = False


def _search_page(app):
    """search.html (templates/search.html: the Pagefind UI), which Sphinx writes only with its own index."""
    if app.builder.format == "html" and not getattr(app.builder, "search", True):
        yield "search", {}, "search.html"


def setup(app):
    patch_chinese_indexer()
    app.connect("builder-inited", _no_sphinx_index)
    app.connect("html-collect-pages", _search_page)
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
    app.connect("env-get-outdated", _outdated_when_the_extension_changes)
    app.connect("build-finished", run_pagefind)
    app.add_post_transform(ReaderLabels)
    app.connect("builder-inited", _write_present_css)
    app.add_css_file("kz-present.css")
    app.add_css_file("kzbook.css")
    app.add_js_file("kzbook.js", defer="defer")
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
