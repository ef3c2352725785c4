"""The guide's configuration, table of contents and built HTML (no browser needed).

The built-HTML checks use _build/html (`make test` builds it first with `make
guide`; run alone, the fixture builds it with the same command).
"""
from __future__ import annotations

import html as htmllib
import json
import re

import pytest
import yaml

from _bookbuild import ROOT, article_notebooks, ensure_built
from kzpolicy.policy import get_policy

BOOK = ROOT / "book"


def _toc_files(toc: dict) -> list[str]:
    return [toc["root"]] + [ch["file"] for part in toc.get("parts", []) for ch in part["chapters"]]


def _load_make_toc():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_toc_under_test", BOOK / "make_toc.py")
    mt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mt)
    return mt


def _toc_now() -> dict:
    """The toc that `make guide` writes for the tree as it is now (the committed copy may lag a new notebook)."""
    return yaml.safe_load(_load_make_toc().render())


def _exists(page: str) -> bool:
    return any((ROOT / f"{page}{suffix}").is_file() for suffix in (".md", ".ipynb"))


# ----------------------------------------------------------------------------- configuration
def test_config_sets_the_language_where_sphinx_reads_it_and_builds_offline():
    cfg = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    assert "language" not in cfg, "a top-level `language:` is ignored by Jupyter Book; use sphinx.config.language"
    sphinx = cfg["sphinx"]["config"]
    assert sphinx["language"] == "zh_CN"
    assert cfg["only_build_toc_files"] is True
    assert cfg["execute"]["execute_notebooks"] == "off"
    assert sphinx["html_theme_options"]["use_download_button"] is True
    for pattern in (".venv", "_build", "tests", "benchmarks"):
        assert pattern in cfg["exclude_patterns"]
    assert "sphinx_thebe" not in sphinx["extensions"]          # would need a remote kernel and a CDN
    assert "dollarmath" not in cfg["parse"]["myst_enable_extensions"]   # no MathJax needed


def test_jieba_is_installed_so_the_search_index_splits_chinese():
    import jieba  # noqa: F401
    from sphinx.search import zh

    assert zh.JIEBA is True


# ----------------------------------------------------------------------------- table of contents
def test_toc_lists_only_existing_pages_in_the_fixed_order():
    toc = _toc_now()
    files = _toc_files(toc)
    missing = [f for f in files if not _exists(f)]
    assert missing == []
    assert len(files) == len(set(files))
    captions = [p["caption"] for p in toc["parts"]]
    order = ["从这里开始 Start here", "条文逐条 Article by article", "分析 Analysis", "比较 Comparison",
             "教学 Teaching", "参考 Reference", "更多 More"]
    assert captions == [c for c in order if c in captions]
    assert captions[0] == order[0] and "参考 Reference" in captions


def test_every_article_notebook_is_in_the_toc_in_article_order():
    toc = _toc_now()
    listed = [f for f in _toc_files(toc) if re.fullmatch(r"notebooks/art\d\d_[a-z0-9_]+", f)]
    expected = [f"notebooks/{p.stem}" for p in article_notebooks()]
    assert listed == expected


def test_every_notebook_is_published():
    toc = _toc_now()
    listed = set(_toc_files(toc))
    unpublished = [p.name for p in (ROOT / "notebooks").glob("*.ipynb") if f"notebooks/{p.stem}" not in listed]
    assert unpublished == []


def test_glossary_defines_the_terms_the_policy_uses():
    text = (BOOK / "glossary.md").read_text(encoding="utf-8")
    block = text[text.index("```{glossary}"):]
    terms = [line for line in block.splitlines() if line and not line.startswith((" ", "`"))]
    for term in ["规上", "升规", "专精特新", "小巨人", "创新型中小企业", "两化融合", "绿色工厂", "绿色供应链",
                 "能效领跑者", "水效领跑者", "节水型企业", "企业技术中心", "研发费用加计扣除", "研发准备金",
                 "应急转贷", "工作日", "调休", "新三板", "北交所", "科创板", "创业板", "重庆股份转让中心",
                 "助工贷", "一企一策", "乡镇（街道）"]:
        assert any(term in t for t in terms), f"glossary has no entry for {term}"
    policy_text = get_policy().folder.joinpath("source.zh.md").read_text(encoding="utf-8")
    for t in terms:
        head = re.split(r"[（、]", t)[0]
        assert head in policy_text or head in {"规上", "工作日", "存量", "万元", "主板"} or "领跑者" in head, \
            f"glossary term {t!r} does not occur in the policy text"


def test_encoding_page_includes_a_real_item_file():
    text = (BOOK / "encoding.md").read_text(encoding="utf-8")
    m = re.search(r"```\{literalinclude\} (\S+)\n(?:.*\n)*?:start-at: \"([^\"]+)\"", text)
    assert m, "the encoding page has no literalinclude of a policy file"
    target = (BOOK / m.group(1)).resolve()
    assert target.is_file() and m.group(2) in target.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- built HTML
@pytest.fixture(scope="module")
def html():
    return ensure_built()


def test_pages_are_chinese_and_need_no_mathjax(html):
    pages = [p for p in html.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) >= 8
    for p in pages:
        head = p.read_text(encoding="utf-8")[:4000]
        if 'http-equiv="refresh"' in head.lower():     # index.html is a redirect to the root page
            continue
        assert '<html lang="zh-CN"' in head, p
        assert "mathjax" not in p.read_text(encoding="utf-8").lower(), f"{p} loads MathJax"


def test_pages_do_not_load_sphinx_search_index(html):
    """Pagefind is the search; Sphinx's index is off, and no page loads searchindex.js (230 KB each)."""
    assert not (html / "searchindex.js").exists()
    for p in (html / "notebooks").glob("*.html"):
        assert "searchindex.js" not in p.read_text(encoding="utf-8"), p


def test_pagefind_indexed_every_page_body_in_chinese(html):
    """The search page's index (Pagefind, segments Chinese): one entry per page, the article bodies only."""
    import gzip

    entry = json.loads((html / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh-cn"]
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    assert entry["languages"]["zh-cn"]["page_count"] == len(_toc_files(toc))
    fragments = {}
    for f in (html / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(f.read_bytes())
        frag = json.loads(raw[raw.index(b"{"):])
        fragments[frag["url"]] = frag["content"].replace("\u200b", "")
    art5 = fragments["/notebooks/art05_smart_upgrade.html"]
    assert "设备" in art5 and "投资" in art5
    assert "import " not in art5, "code cells are in the search index"
    assert "搜索本指南" not in art5, "page furniture is in the search index"
    search = (html / "search.html").read_text(encoding="utf-8")
    assert "pagefind-ui.js" in search and "triggerSearch" in search


def test_search_terms_name_pages_that_exist():
    import importlib.util

    spec = importlib.util.spec_from_file_location("kzbook_terms", BOOK / "_ext" / "kzbook.py")
    kzbook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kzbook)
    terms = kzbook.search_terms()
    assert terms and all(_exists(page) for page in terms), [p for p in terms if not _exists(p)]
    assert all(words and all(w.strip() for w in words) for words in terms.values())


def test_patched_chinese_indexer_gives_the_same_terms_as_sphinx_7():
    """book/_ext/kzbook.py makes SearchChinese.latin_terms a set (Sphinx 7 grows a list: quadratic).
    Same input, same words and stems, in the same order, as an unpatched copy of sphinx/search/zh.py."""
    import importlib.util

    import sphinx.search.zh as zh_mod

    spec = importlib.util.spec_from_file_location("pristine_sphinx_zh", zh_mod.__file__)
    pristine = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pristine)
    pristine.SearchChinese.latin_terms = []          # its own list, not the class's shared one
    spec2 = importlib.util.spec_from_file_location("kzbook_patch", BOOK / "_ext" / "kzbook.py")
    kzbook = importlib.util.module_from_spec(spec2)
    spec2.loader.exec_module(kzbook)
    kzbook.patch_chinese_indexer()
    assert isinstance(zh_mod.SearchChinese.latin_terms, set)

    opts = {"dict": str(BOOK / "search_dict.txt")}
    old, new = pristine.SearchChinese(opts), zh_mod.SearchChinese(opts)
    texts = [p.read_text(encoding="utf-8") for p in sorted(BOOK.glob("*.md"))]
    texts.append("PDF IPO ISO ISOs RDs R&D 研发 SMEs AAA AA A级 the was has 专精特新 应急转贷")
    for text in texts:
        a = [(w, old.stem(w)) for w in old.split(text) if old.word_filter(old.stem(w))]
        b = [(w, new.stem(w)) for w in new.split(text) if new.word_filter(new.stem(w))]
        assert a == b
    assert set(old.latin_terms) == new.latin_terms


def test_intro_shows_the_metadata_read_from_the_policy_yaml(html):
    meta = get_policy().meta
    page = (html / "book" / "intro.html").read_text(encoding="utf-8")
    for fact in (meta.doc_no, meta.title.zh, meta.issued.isoformat(), meta.url):
        assert fact in page
    assert "{{" not in page, "an unresolved MyST substitution is on the intro page"
    for a in get_policy().articles.values():
        assert a.title.zh in page


def test_each_notebook_in_the_toc_has_a_page_and_a_downloadable_ipynb(html):
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf-8"))
    for f in _toc_files(toc):
        if not f.startswith("notebooks/"):
            continue
        page = html / f"{f}.html"
        assert page.is_file(), page
        assert f"_sources/{f}.ipynb" in page.read_text(encoding="utf-8"), f"{page} has no .ipynb download link"
        assert (html / "_sources" / f"{f}.ipynb").is_file()


def test_article_pages_carry_their_title_and_clauses(html):
    if not article_notebooks():
        pytest.skip("no article notebook exists yet")
    for nb in article_notebooks():
        art = get_policy().article(int(nb.stem[3:5]))
        raw = (html / "notebooks" / f"{nb.stem}.html").read_text(encoding="utf-8")
        text = re.sub(r"\s+", "", htmllib.unescape(re.sub(r"<[^>]+>", "", raw)))
        assert art.title.zh in text, nb.stem
        for clause in art.clauses:
            assert re.sub(r"\s+", "", clause.text_zh) in text, f"{nb.stem}: clause {clause.clause} not on the page"


def test_make_toc_skips_missing_pages_keeps_order_and_publishes_strays(tmp_path, monkeypatch):
    """On a scratch tree: absent pages and empty parts are left out, articles follow the policy files,
    and a notebook outside the fixed plan lands under "更多 More" instead of vanishing."""
    mt = _load_make_toc()
    arts = tmp_path / "kzpolicy" / "policies" / "kaizhou_2023_27" / "articles"
    arts.mkdir(parents=True)
    for stem in ("art02_b", "art01_a", "art10_c"):
        (arts / f"{stem}.yaml").write_text("x: 1\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks").mkdir()
    for page in ("book/intro.md", "book/glossary.md", "notebooks/art10_c.ipynb", "notebooks/art01_a.ipynb",
                 "notebooks/fiscal_cost.ipynb", "notebooks/scratch_extra.ipynb"):
        (tmp_path / page).write_text("{}")
    monkeypatch.setattr(mt, "ROOT", tmp_path)
    monkeypatch.setattr(mt, "ARTICLES", arts)
    toc = yaml.safe_load(mt.render())
    assert toc["root"] == "book/intro"
    assert [(p["caption"], [c["file"] for c in p["chapters"]]) for p in toc["parts"]] == [
        ("条文逐条 Article by article", ["notebooks/art01_a", "notebooks/art10_c"]),
        ("分析 Analysis", ["notebooks/fiscal_cost"]),
        ("参考 Reference", ["book/glossary"]),
        ("更多 More", ["notebooks/scratch_extra"]),
    ]


def test_encoding_page_lists_every_rule_kind_the_policy_uses(html):
    text = re.sub(r"<[^>]+>", "", (html / "book" / "encoding.html").read_text(encoding="utf-8"))
    for kind in {i.kind for i in get_policy().items()}:
        assert kind in text, f"rule kind {kind} is not described on the encoding page"


def test_links_to_pages_not_yet_written_fall_back_to_plain_text(monkeypatch):
    """Audience pages link analysis/teaching pages only once they are in the toc, so the -W build never breaks."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kzbook_under_test", BOOK / "_ext" / "kzbook.py")
    kzbook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kzbook)
    monkeypatch.setattr(kzbook, "toc_files", lambda: {"book/intro", "notebooks/calculator"})
    subs = kzbook.link_substitutions()
    assert subs["link_calculator"] == "{doc}`/notebooks/calculator`"
    assert "{doc}" not in subs["link_fiscal_cost"] and "in preparation" in subs["link_fiscal_cost"]
    used = set(re.findall(r"\{\{ (link_\w+) \}\}", "".join(p.read_text(encoding="utf-8") for p in BOOK.glob("*.md"))))
    assert used and used <= set(subs), f"pages use undefined link substitutions: {sorted(used - set(subs))}"
