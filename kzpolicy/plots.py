"""Matplotlib figures for the guide and the analyses, with a real CJK font.

Why one module: Chinese labels need a CJK font, and default fonts draw boxes
("Glyph … missing"). ``setup_cjk()`` registers the Noto Sans CJK SC file shipped
by the ``mplfonts`` package with ``font_manager.fontManager.addfont`` (never
``mplfonts init``, which rewrites matplotlib's own folder) and makes the output
deterministic (fixed SVG hash salt, no dates in saved files). The chart helpers
take ledger-shaped DataFrames (integer yuan) and show 万元; they never turn a
missing figure into 0.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence, Union

import re

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager

from . import present
from .money import wan, wan_series
from .policy import Policy, get_policy

#: the family name of mplfonts' NotoSansCJKsc-Regular.otf, as font_manager reads it
CJK_FAMILY = "Noto Sans CJK SC"
CJK_FILE = "NotoSansCJKsc-Regular.otf"
#: metadata that keeps saved files byte-identical between runs (no dates, no version strings)
SAVE_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
NA_LABEL = "NA（未读到 not read）"
#: figure width in inches (fits the content column at 1280 px and scales down on a phone) and the smallest font
FIG_WIDTH = 6.0
FONT_SIZE = 11

_done = False


def cjk_font_path() -> Path:
    """Path of Noto Sans CJK SC inside the installed ``mplfonts`` package."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall the 'mplfonts' package (pip install mplfonts)")
    return path


def setup_cjk() -> None:
    """Register the CJK font and set deterministic, Agg-friendly defaults (idempotent).

    Does not switch the backend: notebooks use the inline (Agg) backend, scripts
    the default one; both render with these settings.
    """
    global _done
    if _done:
        return
    fm = font_manager.fontManager
    path = str(cjk_font_path())
    fm.addfont(path)
    # A system copy of the same family (Debian's fonts-noto-cjk .ttc) would tie with ours and win by
    # list order; put the mplfonts file first so every machine draws with the same font file.
    ours = [e for e in fm.ttflist if e.fname == path]
    fm.ttflist = ours + [e for e in fm.ttflist if e.fname != path]
    cache_clear = getattr(getattr(fm, "_findfont_cached", None), "cache_clear", None)
    if cache_clear is not None:
        cache_clear()
    rc = matplotlib.rcParams
    rc["font.family"] = "sans-serif"
    rc["font.sans-serif"] = [CJK_FAMILY] + [f for f in rc["font.sans-serif"] if f != CJK_FAMILY]
    rc["axes.unicode_minus"] = False      # the CJK font has no U+2212 minus glyph
    rc["svg.hashsalt"] = "kzpolicy"       # stable element ids in SVG output
    rc["svg.fonttype"] = "path"           # text as paths: the SVG renders without the font installed
    rc["pdf.fonttype"] = 42
    rc["figure.dpi"] = 100
    rc["savefig.dpi"] = 150
    rc["savefig.bbox"] = "tight"
    # legible on a phone: figures at most FIG_WIDTH inches wide, text at least 10 pt, layout that never overlaps
    rc["font.size"] = FONT_SIZE
    for k in ("axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize", "legend.fontsize"):
        rc[k] = FONT_SIZE
    rc["figure.titlesize"] = FONT_SIZE + 1
    rc["figure.constrained_layout.use"] = True
    _done = True


def save(fig, path: Union[str, Path]) -> Path:
    """Save a figure without dates or version strings, so the file is the same on every run."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    fig.savefig(path, metadata=SAVE_METADATA.get(fmt))
    return path


def _article_labels(articles: Sequence[int], policy: Policy, width: int = 26) -> list:
    """（五）支持企业智能化改造 (the measure as the document heads it), wrapped so long titles never run into the bars."""
    labels = []
    for n in articles:
        try:
            labels.append(present.wrap(policy.article(int(n)).heading_zh, width))
        except KeyError:
            labels.append(f"第{int(n)}项")
    return labels


def _title(text: str, width: int = 64) -> str:
    """A bilingual title on two lines: the Chinese, then the English (each wrapped), so neither runs off the axes."""
    m = re.search(r"[\u3000-\u9fff\uff00-\uffef][^\u3000-\u9fff\uff00-\uffef]*$", text)
    cut = None
    if m:
        tail = text[m.start() + 1:]
        lead = len(tail) - len(tail.lstrip())
        if re.match(r"\s*[A-Za-z]", tail):
            cut = m.start() + 1 + lead
    if cut is None:
        return present.wrap(text, width)
    return present.wrap(text[:cut].rstrip(), width) + "\n" + present.wrap(text[cut:], width)


def amount_label(yuan: int, estimate: bool = False, digits: int = 0) -> str:
    """A bar's label: exact 万元 for an award, rounded for an estimate (whole 万元 by default)."""
    if estimate:
        return present.wan_est(int(yuan), digits) + "万元"
    return wan(int(yuan))


def _figure(n_rows: int, per_row: float = 0.42, extra: float = 1.4, width: float = FIG_WIDTH, labels: Sequence[str] = ()):
    """A figure tall enough that wrapped row labels (several lines each) never touch their neighbours."""
    import matplotlib.pyplot as plt
    lines = max([str(x).count("\n") + 1 for x in labels] or [1])
    per_row = max(per_row, 0.2 * lines + 0.14)
    return plt.subplots(figsize=(width, per_row * max(n_rows, 2) + extra))


def amounts_by_article(ledger: pd.DataFrame, value: str = "amount_yuan") -> pd.Series:
    """Sum integer yuan by article (a missing amount keeps the article's total missing, never 0)."""
    for col in ("article", value):
        if col not in ledger.columns:
            raise KeyError(f"amounts_by_article needs a column {col!r}; the table has {list(ledger.columns)}")
    amounts = pd.to_numeric(ledger[value], errors="raise").astype("Int64")
    return amounts.groupby(ledger["article"].astype(int)).sum(min_count=1).sort_index()


def bar_by_article(
    data: Union[pd.DataFrame, pd.Series],
    *,
    value: str = "amount_yuan",
    title: Optional[str] = None,
    ax=None,
    policy: Union[str, Policy, None] = None,
    color: str = "#2b6c8f",
    estimate: bool = False,
):
    """Horizontal bar chart of amounts by article in 万元, labelled 第N条 + the Chinese title.

    ``estimate=True`` (a simulation with assumptions) rounds the bar labels to whole 万元.

    ``data`` is a ledger (columns ``article`` and ``amount_yuan``) or a Series of
    integer yuan indexed by article number. A missing amount draws no bar and is
    labelled NA. Returns the Axes.
    """

    setup_cjk()
    pol = get_policy(policy)
    series = amounts_by_article(data, value) if isinstance(data, pd.DataFrame) else data.astype("Int64")
    series = series.sort_index()
    labels = _article_labels(series.index, pol)
    if ax is None:
        _, ax = _figure(len(series), 0.5, labels=labels)
    missing = series.isna().to_numpy()
    yuan = series.fillna(0).to_numpy(dtype=np.int64)   # 0 only for drawing positions; NA bars are not drawn
    heights = np.where(missing, np.nan, wan_series(yuan))
    ypos = np.arange(len(series))[::-1]
    ax.barh(ypos, np.nan_to_num(heights, nan=0.0), color=np.where(missing, "none", color))
    ax.set_yticks(ypos, labels)
    right = np.nanmax(heights) if (~missing).any() else 1.0
    for y, amount, miss in zip(ypos, yuan, missing):
        ax.text((0 if miss else wan_series([amount])[0]) + right * 0.01, y, NA_LABEL if miss else amount_label(amount, estimate),
                va="center")
    ax.set_xlim(0, right * 1.3 if right > 0 else 1)
    ax.set_xlabel("金额（万元）Amount (10,000 yuan)")
    ax.set_title(_title(title or "各项奖补金额 Awards by measure"))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def bar_by_group(
    ledger: pd.DataFrame,
    by: str,
    *,
    value: str = "amount_yuan",
    title: Optional[str] = None,
    xlabel: Optional[str] = None,
    ax=None,
    color: str = "#5b8c3a",
    top: Optional[int] = None,
    estimate: bool = False,
    labels: Optional[dict] = None,
):
    """Horizontal bars of amounts summed by any column (township, size class, sector…), in 万元, largest on top.

    Horizontal so that long names (townships) never overlap, at any width; ``labels``
    maps values to the names a reader knows; ``estimate`` rounds the bar labels.
    """
    setup_cjk()
    for col in (by, value):
        if col not in ledger.columns:
            raise KeyError(f"bar_by_group needs a column {col!r}; the table has {list(ledger.columns)}")
    totals = pd.to_numeric(ledger[value], errors="raise").astype("Int64").groupby(ledger[by]).sum(min_count=1)
    totals = totals.sort_values(ascending=False, na_position="last")
    if top is not None:
        totals = totals.head(top)
    names = [present.wrap((labels or {}).get(v, v), 16) for v in totals.index]
    if ax is None:
        _, ax = _figure(len(totals), 0.38, labels=names)
    missing = totals.isna().to_numpy()
    yuan = totals.fillna(0).to_numpy(dtype=np.int64)
    y = np.arange(len(totals))[::-1]
    heights = np.where(missing, 0.0, wan_series(yuan))
    ax.barh(y, heights, color=np.where(missing, "none", color))
    ax.set_yticks(y, names)
    right = float(heights.max()) if len(heights) and heights.max() > 0 else 1.0
    for yi, amount, miss in zip(y, yuan, missing):
        ax.text((0 if miss else wan_series([amount])[0]) + right * 0.01, yi, "NA" if miss else amount_label(amount, estimate),
                va="center")
    ax.set_xlim(0, right * 1.3)
    ax.set_xlabel("金额（万元）Amount (10,000 yuan)")
    ax.set_ylabel(xlabel or by)
    ax.set_title(_title(title or f"按{by}汇总 Awards by {by}"))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def interval_by_article(bands: pd.DataFrame, *, title: str, policy=None, ax=None):
    """P5–P50–P95 of an estimate by article (columns article, p5_yuan, p50_yuan, p95_yuan), in 万元."""
    setup_cjk()
    pol = get_policy(policy)
    labels = _article_labels(bands["article"], pol)
    if ax is None:
        _, ax = _figure(len(bands), 0.5, labels=labels)
    y = np.arange(len(bands))[::-1]
    p5, p50, p95 = (wan_series(bands[c]) for c in ("p5_yuan", "p50_yuan", "p95_yuan"))
    ax.errorbar(p50, y, xerr=[p50 - p5, p95 - p50], fmt="o", color="#2b6c8f", capsize=3)
    ax.set_yticks(y, labels)
    ax.set_xlabel("2023—2025年合计（万元）Total 2023–2025 (10,000 yuan)")
    ax.set_title(_title(title))
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def signed_bars(labels: Sequence[str], yuan: Sequence[int], *, title: str, xlabel: str, ax=None, width: int = 60,
                estimate: bool = True):
    """Changes as horizontal bars (red up, green down), each bar's name written above it across the full width.

    Names above the bars (not as tick labels) leave the whole width to the bars, so long names
    (a scenario, an interpretation and its reading) wrap without squeezing the plot or touching
    a value label, at any page width. Each bar is labelled with its rounded amount.
    """
    import matplotlib.pyplot as plt
    from matplotlib.transforms import blended_transform_factory
    setup_cjk()
    yuan = np.asarray(yuan, dtype=np.int64)
    wrapped = [present.wrap(s, width) for s in labels]
    lines = [w.count("\n") + 1 for w in wrapped]
    # each row: its name (lines of text), then the bar; rows stack downwards
    line_h, bar_h, gap = 0.23, 0.32, 0.18
    tops, y = [], 0.0
    for n in lines:
        tops.append(y)
        y += n * line_h + bar_h + gap
    total = y
    if ax is None:
        _, ax = plt.subplots(figsize=(FIG_WIDTH, total + 1.3))
    x = wan_series(yuan)
    centres = [t + n * line_h + bar_h / 2 for t, n in zip(tops, lines)]
    ax.barh(centres, x, height=bar_h, color=np.where(yuan > 0, "#b5523b", "#5b8c3a"))
    ax.axvline(0, color="grey", lw=0.8)
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    for t, w in zip(tops, wrapped):
        ax.text(0.0, t + 0.02, w, transform=trans, ha="left", va="top", linespacing=1.25, zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    span = float(np.abs(x).max()) if len(x) and np.abs(x).max() > 0 else 1.0
    for c, v, amount in zip(centres, x, yuan):
        ax.text(v + (span * 0.02 if v >= 0 else -span * 0.02), c, amount_label(amount, estimate),
                va="center", ha="left" if v >= 0 else "right")
    lo, hi = min(0.0, float(x.min()) if len(x) else 0.0), max(0.0, float(x.max()) if len(x) else 0.0)
    ax.set_xlim(lo - span * 0.35 if lo < 0 else -span * 0.02, hi + span * 0.35 if hi > 0 else span * 0.1)
    ax.set_ylim(total, -0.05)
    ax.set_yticks([])
    ax.set_xlabel(xlabel)
    ax.set_title(_title(title))
    ax.spines[["top", "right", "left"]].set_visible(False)
    return ax


def size_bands(bands: pd.DataFrame, *, title: str):
    """Firms, recipients and awards by size band: two panels one above the other, each with its own title (no suptitle)."""
    import matplotlib.pyplot as plt
    setup_cjk()
    labels = [present.SIZE_BAND.get(b, b) for b in bands["size_band"]]
    fig, axes = plt.subplots(2, 1, figsize=(FIG_WIDTH, 6.2))
    x = np.arange(len(labels))
    axes[0].bar(x - 0.2, bands["firms"], width=0.4, color="#999999", label="企业数 firms")
    axes[0].bar(x + 0.2, bands["recipients"], width=0.4, color="#2b6c8f", label="受益企业 recipients")
    axes[0].set_title(_title(f"{title}：企业数与受益企业数 Firms and recipients"), loc="left")
    axes[0].legend(frameon=False)
    amounts = wan_series(bands["amount_yuan"])
    axes[1].bar(x, amounts, color="#b5523b")
    for xi, a in zip(x, bands["amount_yuan"]):
        axes[1].text(xi, wan_series([a])[0], amount_label(a, True), ha="center", va="bottom")
    axes[1].set_ylim(0, float(amounts.max()) * 1.18 if len(amounts) else 1)
    axes[1].set_title(_title(f"{title}：奖补金额（万元）Awards (10,000 yuan)"), loc="left")
    for ax in axes:
        ax.set_xticks(x, labels)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def grouped_bars(table: pd.DataFrame, *, title: str, ylabel: str, category_labels: Optional[dict] = None):
    """Bars per category (rows) and series (columns, e.g. scenarios named in words), legend below the axes."""
    import matplotlib.pyplot as plt
    setup_cjk()
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 4.2))
    pos = np.arange(len(table))
    k = max(len(table.columns), 1)
    w = 0.8 / k
    for i, col in enumerate(table.columns):
        ax.bar(pos + (i - (k - 1) / 2) * w, wan_series(table[col].fillna(0)), width=w, label=present.wrap(col, 60))
    ax.set_xticks(pos, [(category_labels or {}).get(c, c) for c in table.index])
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylabel(ylabel)
    ax.set_title(_title(title))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, ncol=1)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def index_by_group(ix: pd.DataFrame, *, xlabel: str):
    """Generosity index per item group (one panel each, titled inside the figure; no suptitle)."""
    import matplotlib.pyplot as plt
    setup_cjk()
    groups = list(dict.fromkeys(ix["item_group_zh"]))
    sizes = [max(1, int((ix["item_group_zh"] == g).sum())) for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(FIG_WIDTH, 0.9 * len(groups) + 0.42 * len(ix)), sharex=True,
                             gridspec_kw={"height_ratios": sizes}, squeeze=False)
    axes = axes[:, 0]
    right = float(ix["index"].astype(float).max()) * 1.45
    for ax, g in zip(axes, groups):
        sub = ix[ix["item_group_zh"] == g]
        y = np.arange(len(sub))[::-1]
        vals = sub["index"].astype(float).to_numpy()
        ax.barh(y, vals, color="#4c72b0")
        ax.axvline(100, color="#c44e52", lw=1)
        ax.set_yticks(y, list(sub["jurisdiction_zh"]))
        for yy, v, c in zip(y, vals, sub["coverage"]):
            ax.text(v + right * 0.01, yy, f"{v:.0f}（覆盖{present.pct(c, 0)}）", va="center")
        ax.set_title(g, loc="left")
        ax.set_xlim(0, right)
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1].set_xlabel(_title(xlabel, 70))
    return fig


def lorenz(lz: pd.DataFrame, *, title: str):
    """Lorenz curve of awards among recipients (columns firm_share, money_share)."""
    import matplotlib.pyplot as plt
    setup_cjk()
    fig, ax = plt.subplots(figsize=(5.5, 5.2))
    ax.plot(lz["firm_share"], lz["money_share"], color="#2b6c8f", label="洛伦兹曲线 Lorenz curve")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="完全平均 equal shares")
    ax.set_xlabel("受益企业累计占比 Cumulative share of recipients")
    ax.set_ylabel("奖补累计占比 Cumulative share of money")
    ax.set_title(_title(title, 44))
    ax.legend(frameon=False)
    return ax
