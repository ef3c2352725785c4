"""The published guide in a real browser: Debian's headless Chromium driven by Python playwright.

The built book (_build/html, built here if missing) is served on 127.0.0.1 by a
http.server thread on a free port; every fixture stops what it started. The
browser is /usr/bin/chromium (`make browser-deps`); playwright never downloads a
browser. Screenshots go to artifacts/screenshots/ for a human to look at.
"""
from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from _bookbuild import ROOT, article_notebooks, ensure_built
from kzpolicy.policy import get_policy

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "artifacts" / "screenshots"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def site():
    """Serve _build/html on 127.0.0.1:<free port>; shut the server and its thread down afterwards."""
    html = ensure_built()
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="book-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    """A fresh-profile headless Chromium (Debian's); closed, with all its processes, at the end."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 1280, "height": 900}, locale="zh-CN",
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context, site):
    """A new tab that records page errors and any request leaving 127.0.0.1 (the guide must work offline)."""
    p = browser_context.new_page()
    p.errors, p.outside = [], []
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    p.on("request", lambda r: None if urlparse(r.url).hostname in ("127.0.0.1", None) or r.url.startswith("data:")
         else p.outside.append(r.url))
    yield p
    p.close()


def _open(page, url):
    resp = page.goto(url, wait_until="networkidle")
    assert resp is not None and resp.status == 200, f"{url}: HTTP {resp and resp.status}"
    return resp


def _check_clean(page):
    assert page.errors == [], f"JavaScript errors: {page.errors}"
    assert page.outside == [], f"the page fetched from outside 127.0.0.1: {page.outside}"


def test_intro_page_shows_the_policy_from_the_yaml(page, site):
    meta = get_policy().meta
    _open(page, f"{site}/book/intro.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    text = _squash(page.locator("main").inner_text())
    assert _squash(meta.doc_no) in text
    assert _squash(meta.title.zh) in text
    assert meta.issued.isoformat() in text
    page.screenshot(path=str(SHOTS / "intro.png"), full_page=True)
    _check_clean(page)


def test_interpretation_registry_page_renders_the_yaml_as_executed_output(page, site):
    registry = get_policy().interpretations
    _open(page, f"{site}/notebooks/interpretations.html")
    outputs = page.locator("div.cell_output")
    assert outputs.count() >= 2
    out_text = _squash(" ".join(outputs.all_inner_texts()))
    for rid, interp in registry.items():
        assert rid in out_text, f"{rid} is not on the registry page"
        assert _squash(interp.question.zh) in out_text
    # the rendered Markdown output is a real table, not raw pipes
    assert page.locator("div.cell_output table").count() >= 1 + len(registry)
    page.screenshot(path=str(SHOTS / "interpretations.png"), full_page=True)
    _check_clean(page)


def test_notebook_page_offers_its_ipynb_for_download(page, site):
    _open(page, f"{site}/notebooks/interpretations.html")
    link = page.locator("a[href$='_sources/notebooks/interpretations.ipynb']")
    assert link.count() >= 1, "no .ipynb download link on the notebook page"
    href = link.first.get_attribute("href")
    resp = page.request.get(f"{site}/notebooks/{href}" if not href.startswith("http") else href)
    assert resp.status == 200
    nb = json.loads(resp.text())
    assert nb["nbformat"] == 4 and any(c["cell_type"] == "code" and c["outputs"] for c in nb["cells"])


def test_article_page_shows_title_text_and_an_executed_output(page, site):
    notebooks = article_notebooks()
    if not notebooks:
        pytest.skip("no article notebook (notebooks/artNN_slug.ipynb) exists yet")
    preferred = [p for p in notebooks if p.stem.startswith("art05_")]
    nb = (preferred or notebooks)[0]
    article = get_policy().article(int(nb.stem[3:5]))
    _open(page, f"{site}/notebooks/{nb.stem}.html")
    assert article.title.zh in page.locator("main h1").first.inner_text()
    text = _squash(page.locator("main").inner_text())
    for clause in article.clauses:
        assert _squash(clause.text_zh) in text, f"clause {clause.clause} of article {article.article} is not on the page"
    executed = page.locator("div.cell:has(div.cell_input):has(div.cell_output)")
    assert executed.count() >= 1, "no code cell with its output on the article page"
    assert executed.first.locator("div.cell_output").inner_text().strip() != ""
    page.screenshot(path=str(SHOTS / f"{nb.stem}.png"), full_page=True)
    _check_clean(page)


@pytest.mark.parametrize("term", ["专精特新", "应急转贷"])
def test_search_finds_chinese_terms(page, site, term):
    _open(page, f"{site}/search.html?q={quote(term)}")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=20_000)
    assert results.count() >= 1
    hrefs = [a.get_attribute("href") for a in page.locator("#search-results ul.search li a").all()]
    assert any(h and h.split("?")[0].endswith(".html") for h in hrefs)
    if term == "专精特新":
        page.screenshot(path=str(SHOTS / "search.png"), full_page=True)
    _check_clean(page)


def test_search_for_a_word_not_in_the_guide_finds_nothing(page, site):
    """The control for the search test: an absent term gives an empty list, so the test above can fail."""
    _open(page, f"{site}/search.html?q={quote('量子纠缠望远镜')}")
    page.wait_for_function("() => document.querySelector('#search-results p') && "
                           "!document.querySelector('#search-results').innerText.includes('Searching')",
                           timeout=20_000)
    assert page.locator("#search-results ul.search li").count() == 0
