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

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager

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
    _done = True


def save(fig, path: Union[str, Path]) -> Path:
    """Save a figure without dates or version strings, so the file is the same on every run."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    fig.savefig(path, metadata=SAVE_METADATA.get(fmt))
    return path


def _article_labels(articles: Sequence[int], policy: Policy) -> list:
    labels = []
    for n in articles:
        try:
            labels.append(f"第{int(n)}条 {policy.article(int(n)).title.zh}")
        except KeyError:
            labels.append(f"第{int(n)}条")
    return labels


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
):
    """Horizontal bar chart of amounts by article in 万元, labelled 第N条 + the Chinese title.

    ``data`` is a ledger (columns ``article`` and ``amount_yuan``) or a Series of
    integer yuan indexed by article number. A missing amount draws no bar and is
    labelled NA. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    setup_cjk()
    pol = get_policy(policy)
    series = amounts_by_article(data, value) if isinstance(data, pd.DataFrame) else data.astype("Int64")
    series = series.sort_index()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * max(len(series), 2) + 1.2))
    missing = series.isna().to_numpy()
    yuan = series.fillna(0).to_numpy(dtype=np.int64)   # 0 only for drawing positions; NA bars are not drawn
    heights = np.where(missing, np.nan, wan_series(yuan))
    ypos = np.arange(len(series))[::-1]
    ax.barh(ypos, np.nan_to_num(heights, nan=0.0), color=np.where(missing, "none", color))
    ax.set_yticks(ypos, _article_labels(series.index, pol))
    right = np.nanmax(heights) if (~missing).any() else 1.0
    for y, amount, miss in zip(ypos, yuan, missing):
        ax.text((0 if miss else wan_series([amount])[0]) + right * 0.01, y, NA_LABEL if miss else wan(amount),
                va="center", fontsize=9)
    ax.set_xlim(0, right * 1.25 if right > 0 else 1)
    ax.set_xlabel("金额（万元）Amount (10,000 yuan)")
    ax.set_title(title or "各条奖补金额 Awards by article")
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
):
    """Bar chart of amounts summed by any column (township, size class, sector…), in 万元, largest first."""
    import matplotlib.pyplot as plt

    setup_cjk()
    for col in (by, value):
        if col not in ledger.columns:
            raise KeyError(f"bar_by_group needs a column {col!r}; the table has {list(ledger.columns)}")
    totals = pd.to_numeric(ledger[value], errors="raise").astype("Int64").groupby(ledger[by]).sum(min_count=1)
    totals = totals.sort_values(ascending=False, na_position="last")
    if top is not None:
        totals = totals.head(top)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    missing = totals.isna().to_numpy()
    yuan = totals.fillna(0).to_numpy(dtype=np.int64)
    x = np.arange(len(totals))
    ax.bar(x, np.where(missing, 0.0, wan_series(yuan)), color=np.where(missing, "none", color))
    ax.set_xticks(x, [str(v) for v in totals.index], rotation=30, ha="right")
    for xi, amount, miss in zip(x, yuan, missing):
        ax.text(xi, 0 if miss else wan_series([amount])[0], "NA" if miss else wan(amount),
                ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("金额（万元）Amount (10,000 yuan)")
    ax.set_xlabel(xlabel or by)
    ax.set_title(title or f"按{by}汇总 Awards by {by}")
    ax.spines[["top", "right"]].set_visible(False)
    return ax
