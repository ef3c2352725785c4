"""One presentation layer for every table a person reads: the guide, the widgets, the CLI and Excel.

Why: a reader should never see pandas. Every table shown to a person goes through
:func:`table` (or one of the ready-made views built on it), which

* names columns in Chinese, with the English beside where the page is bilingual
  (``lang="zh-en"``) — a header that looks like an internal name (``amount_yuan``,
  ``explanation_zh``) is an error, not a column;
* never shows an index column, an internal id (``art05.equipment_subsidy`` becomes
  第（五）项 设备投资补助 via :func:`item_name`), ``NaN``/``<NA>``/``None`` (—, or the
  reason: 未读取 / 无此项 / 无法计算), ``True``/``False`` (是/否) or a dict;
* shows money in 万元 with a precision that fits: exact awards exactly
  (:func:`kzpolicy.money.wan`, kind ``"money"``/``"wan"``), estimates rounded
  (kind ``"wan_est"``, 0.1万元 by default, half up, from integer yuan);
* wraps text (no "…" truncation) and renders deterministic HTML — no random ids,
  so nbval's text/html and text/plain comparisons are stable.

HTML contract with the book's stylesheet (``book/_static``, owned by the book):

    <div class="kz-table-wrap[ kz-wide]"><table class="kz-table[ kz-wide]">…</table></div>

``kz-wide`` marks a table that may be wider than the content column: the wrapper
is its own horizontal scroll box (an inline ``overflow-x:auto`` keeps that true in
JupyterLab without the book's CSS) and the first column stays fixed
(``position: sticky``; see :data:`CSS`). Numeric cells carry ``kz-num`` and their headers ``kz-num-head`` (right
aligned), the English half of a header ``kz-en``, a legend under a table
``kz-legend``, a note above it ``kz-note``.

Use it:

    from kzpolicy import present as P
    P.table(df, [P.Col("article", "条款", "Article", "article"),
                 P.Col("amount_yuan", "金额", "Amount", "wan")], lang="zh-en")

Ready-made views for article pages: :func:`parameters` (an article's dated
parameters in reader words), :func:`awards` / :func:`near_misses` /
:func:`undetermined` / :func:`excluded` / :func:`fees` (an assessment),
:func:`reading_effects`. ``Table.frame`` is the display table as strings
(for Excel, the CLI and asserts); ``Table.text()`` is the plain-text rendering the
CLI prints.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
import pandas as pd

from .money import YUAN_PER_WAN, wan

#: what a cell shows when there is nothing to show (never NaN / <NA> / None)
MISSING = "—"
#: the reasons a comparison cell has no amount, and what they mean (the legend of every comparison table)
NOT_READ = "未读取"
NO_ITEM = "无此项"
NOT_COMPUTABLE = "无法计算"
LEGEND = {
    NOT_READ: ("存档副本在金额前截断，或原文未写金额；不是0，也不是“没有”。",
               "Not read: the stored copy ends before the figure, or the text gives none; not zero, and not 'none'."),
    NO_ITEM: ("所读文本中没有对应条款；不等于该地没有这项政策。",
              "No such item in the text read; it does not mean the place has no such policy."),
    NOT_COMPUTABLE: ("有对应条款，但按不同基数计算或金额待定，本工具不计算。",
                     "The item exists but on another basis or without a fixed figure; not computed."),
}
YES, NO = "是", "否"

#: kinds of column: how a value is shown
KINDS = ("text", "link", "money", "wan", "wan_est", "yuan", "pct", "int", "num", "bool", "date", "year", "article", "item")
#: kinds whose cells are numbers (right aligned)
NUMERIC = ("wan", "wan_est", "yuan", "pct", "int", "num", "year")
#: the unit a kind adds to its header, (zh, en)
_UNIT = {"wan": ("万元", "10,000 yuan"), "wan_est": ("万元", "10,000 yuan"), "yuan": ("元", "yuan")}

#: a header that is an internal name (snake_case ascii) is never shown to a reader
_INTERNAL = re.compile(r"^[A-Za-z0-9]+(_[A-Za-z0-9]+)+$|_(yuan|zh|en|万元)$")
#: internal ids: ``art05.equipment_subsidy``, ``r1_small_firm_above_scale``
ID_PATTERN = re.compile(r"\bart\d{2}\.[a-z0-9_]+|\b[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}\b")

CSS = """
.kz-table-wrap { max-width: 100%; overflow-x: auto; margin: 0.5em 0 1em; }
table.kz-table { border-collapse: collapse; width: auto; max-width: 100%; font-size: 0.92em; }
table.kz-table th, table.kz-table td { padding: 0.3em 0.6em; border-bottom: 1px solid #ddd; vertical-align: top;
  text-align: left; white-space: normal; overflow-wrap: anywhere; word-break: normal; min-width: 4em; }
table.kz-table th { background: #f3f6f9; font-weight: 600; }
table.kz-table th .kz-en { display: block; font-weight: 400; font-size: 0.85em; color: #555; }
table.kz-table td.kz-num { text-align: right; white-space: nowrap; }
table.kz-table th.kz-num-head { text-align: right; white-space: normal; }
table.kz-table.kz-wide { max-width: none; }
table.kz-table.kz-wide th:first-child, table.kz-table.kz-wide td:first-child {
  position: sticky; left: 0; background: #fff; z-index: 1; min-width: 6em; box-shadow: 1px 0 0 #ddd; }
table.kz-table.kz-wide th:first-child { background: #f3f6f9; }
.kz-legend, .kz-note { font-size: 0.9em; color: #444; margin: 0.2em 0 1em; }
@media (max-width: 640px) {
  table.kz-table { font-size: 0.85em; }
  table.kz-table th, table.kz-table td { padding: 0.25em 0.35em; min-width: 3em; }
  /* any table that still overflows scrolls in its own box with the first column fixed */
  table.kz-table th:first-child, table.kz-table td:first-child {
    position: sticky; left: 0; background: #fff; z-index: 1; box-shadow: 1px 0 0 #ddd; }
  table.kz-table thead th:first-child { background: #f3f6f9; }
}
"""


# --------------------------------------------------------------------------- cells
def is_missing(v) -> bool:
    """None, NaN, pd.NA, NaT (and the strings pandas prints for them)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (float, np.floating)) and np.isnan(v):
        return True
    if isinstance(v, str) and v.strip() in ("", "nan", "NaN", "<NA>", "None", "NaT"):
        return True
    return False


def wan_est(yuan, digits: int = 1) -> str:
    """An estimate in 万元, rounded half up to ``digits`` decimals from integer yuan: 23246598 -> '2,324.7'."""
    d = (Decimal(int(yuan)) / YUAN_PER_WAN).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{d:,.{digits}f}"


def wan_exact(yuan) -> str:
    """Exact 万元 without the unit (the header carries it): 12345 -> '1.2345', 2000000 -> '200'."""
    return wan(int(yuan))[:-2]


def pct(ratio, digits: int = 1) -> str:
    """0.415332 -> '41.5%'; whole percentages without decimals (0.05 -> '5%')."""
    x = (Decimal(repr(float(ratio))) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if x == x.to_integral_value():
        return f"{int(x)}%"
    return f"{x.normalize():f}%"


def _text(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return YES if v else NO
    if isinstance(v, dict):
        return "；".join(f"{_text(k)}：{_text(x)}" for k, x in v.items()) or MISSING
    if isinstance(v, (list, tuple, set)):
        return "、".join(_text(x) for x in v) or MISSING
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(v)
        return str(ts.date()) if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (float, np.floating)):
        return f"{float(v):,.4g}" if abs(float(v)) < 1e15 else f"{float(v):.4g}"
    if isinstance(v, (np.integer,)):
        return str(int(v))
    return str(v)


def cell(v, kind: str = "text", *, digits: Optional[int] = None, missing: str = MISSING, policy=None) -> str:
    """One value as a reader sees it (a string; never NaN, <NA>, None, True/False or a dict)."""
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {kind!r}; one of {', '.join(KINDS)}")
    if isinstance(v, (list, tuple, set)) and kind != "text":
        return "、".join(cell(x, kind, digits=digits, missing=missing, policy=policy) for x in v) or missing
    if is_missing(v):
        return missing
    if kind in ("text", "link"):
        return _text(v)
    if kind == "bool":
        return YES if bool(v) else NO
    if kind == "money":
        return wan(int(v))
    if kind == "wan":
        return wan_exact(v)
    if kind == "wan_est":
        return wan_est(v, 1 if digits is None else digits)
    if kind == "yuan":
        return f"{int(v):,}"
    if kind == "int":
        return f"{int(v):,}"
    if kind == "num":
        return f"{float(v):,.{1 if digits is None else digits}f}"
    if kind == "pct":
        return pct(v, 1 if digits is None else digits)
    if kind == "year":
        return str(int(v))
    if kind == "date":
        return _text(pd.Timestamp(v))
    if kind == "article":
        from .explain import article_zh
        return article_zh(int(v), policy)
    if kind == "item":
        return item_name(str(v), policy)
    raise AssertionError(kind)  # pragma: no cover


def measures(numbers, policy=None, limit: Optional[int] = None) -> str:
    """Several measures cited compactly as the document numbers them: （一）、（二）、（五）, or 第（五）项 for one."""
    from .policy import get_policy
    pol = get_policy(policy)
    nums = [int(n) for n in numbers]
    if len(nums) == 1:
        return pol.article(nums[0]).cite_zh
    shown = nums if limit is None else nums[:limit]
    words = "、".join(pol.article(n).number_zh or pol.article(n).cite_zh for n in shown)
    return words + (f"等{len(nums)}项" if len(shown) < len(nums) else "")


def item_name(item_id: str, policy=None, *, article: bool = True) -> str:
    """``art05.equipment_subsidy`` -> 第（五）项 存量企业新增设备投资补助 (the reader's name of an item)."""
    from .explain import article_zh
    from .policy import get_policy
    pol = get_policy(policy)
    if item_id is None or is_missing(item_id):  # an event the policy has no item for (excluded: not in this policy)
        return MISSING
    try:
        it = pol.item(item_id)
    except KeyError:
        return item_id if not ID_PATTERN.search(item_id) else "（未登记的项目）"
    return f"{article_zh(it.article)} {it.label.zh}" if article else it.label.zh


# --------------------------------------------------------------------------- columns and tables
@dataclass(frozen=True)
class Col:
    """One column: where its values come from, its header and how its cells read.

    ``src`` is a column name of the source frame or a function of the frame giving the
    values. ``kind`` is one of :data:`KINDS`; ``wan``/``wan_est``/``yuan`` add their
    unit to the header. ``missing`` is what an empty cell says (—, 未读取, 无法计算…).
    """

    src: Union[str, Callable[[pd.DataFrame], Sequence]]
    zh: str
    en: str = ""
    kind: str = "text"
    digits: Optional[int] = None
    missing: str = MISSING

    def header(self, lang: str = "zh") -> tuple:
        zh, en = self.zh, self.en
        unit = _UNIT.get(self.kind)
        if unit and unit[0] not in zh:
            zh, en = f"{zh}（{unit[0]}）", (f"{en} ({unit[1]})" if en else en)
        return zh, en


def _check_header(h: str):
    if _INTERNAL.search(h):
        raise ValueError(f"column header {h!r} is an internal name; give the reader's name (Chinese, English beside)")


@dataclass
class Table:
    """A display table: headers (zh, en), cells as strings, kinds; renders as HTML and as text."""

    headers: List[tuple]
    rows: List[List[str]]
    kinds: List[str]
    lang: str = "zh"
    wide: bool = False
    caption: str = ""
    note: str = ""
    legend: Dict[str, str] = field(default_factory=dict)

    # ---- views
    def header_text(self, j: int, sep: str = " ") -> str:
        zh, en = self.headers[j]
        if self.lang == "en":
            return en or zh
        return f"{zh}{sep}{en}" if (self.lang == "zh-en" and en) else zh

    @property
    def columns(self) -> List[str]:
        return [self.header_text(j) for j in range(len(self.headers))]

    @property
    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame of strings with the displayed headers (no index shown)."""
        return pd.DataFrame(self.rows, columns=self.columns, dtype=object)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key):
        return self.frame[key]

    def text(self) -> str:
        """Plain text, aligned for double-width (Chinese) characters; the last column is not padded."""
        return text_table(self.columns, self.rows, right=[j for j, k in enumerate(self.kinds) if k in NUMERIC],
                          title=self.caption, note=self.note, legend=self.legend)

    def __repr__(self) -> str:
        return self.text()

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return self.html()

    def html(self) -> str:
        e = html.escape
        cls = "kz-table kz-wide" if self.wide else "kz-table"
        out = []
        if self.note:
            out.append(f'<p class="kz-note">{e(self.note)}</p>')
        out.append(f'<div class="kz-table-wrap{" kz-wide" if self.wide else ""}" style="overflow-x:auto;max-width:100%">')
        out.append(f'<table class="{cls}">')
        if self.caption:
            out.append(f"<caption>{e(self.caption)}</caption>")
        ths = []
        for j, (zh, en) in enumerate(self.headers):
            # a numeric header may wrap (its English unit is long); only the numbers below stay on one line
            num = ' class="kz-num-head"' if self.kinds[j] in NUMERIC else ""
            if self.lang == "en":
                inner = e(en or zh)
            elif self.lang == "zh-en" and en:
                inner = f'{e(zh)}<br><span class="kz-en" lang="en">{e(en)}</span>'
            else:
                inner = e(zh)
            ths.append(f'<th scope="col"{num}>{inner}</th>')
        out.append("<thead><tr>" + "".join(ths) + "</tr></thead>")
        out.append("<tbody>")
        for r in self.rows:
            tds = []
            for j, v in enumerate(r):
                num = ' class="kz-num"' if self.kinds[j] in NUMERIC else ""
                tag = "th" if (self.wide and j == 0) else "td"
                scope = ' scope="row"' if tag == "th" else ""
                inner = _link(v) if self.kinds[j] == "link" else e(v)
                tds.append(f"<{tag}{scope}{num}>{inner}</{tag}>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</tbody></table></div>")
        if self.legend:
            items = "；".join(f"<b>{e(k)}</b>：{e(v)}" for k, v in self.legend.items())
            out.append(f'<p class="kz-legend">{items}</p>')
        return "\n".join(out)


def _link(url: str) -> str:
    """A URL cell: the link, labelled by its site (the full address is the link target and the text rendering)."""
    m = re.match(r"^https?://([^/]+)", url)
    if not m:
        return html.escape(url)
    site = m.group(1).removeprefix("www.")
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(site)}</a>'


def _values(df: pd.DataFrame, c: Col) -> list:
    if callable(c.src):
        vals = list(c.src(df))
    elif c.src in df.columns:
        vals = df[c.src].tolist()
    else:
        raise KeyError(f"table column {c.zh!r}: the data has no column {c.src!r} (it has {list(df.columns)})")
    if len(vals) != len(df):
        raise ValueError(f"table column {c.zh!r}: {len(vals)} values for {len(df)} rows")
    return vals


#: a table with more columns than this, or wider than :data:`WIDE_CHARS` (estimated), gets the scroll box
WIDE_COLUMNS = 6
WIDE_CHARS = 70


def _estimated_width(headers: List[str], rows: List[List[str]]) -> int:
    """Characters of the widest line if no cell wrapped beyond ~18 characters (a rough fit test)."""
    total = 0
    for j, h in enumerate(headers):
        w = max([display_width(h)] + [display_width(r[j]) for r in rows]) / 2
        total += min(w, 18) + 2
    return int(total)


def table(
    df: Union[pd.DataFrame, Sequence[dict], None],
    columns: Optional[Sequence[Col]] = None,
    *,
    lang: str = "zh",
    wide: Optional[bool] = None,
    caption: str = "",
    note: str = "",
    legend: Optional[Dict[str, str]] = None,
    policy=None,
) -> Table:
    """A display :class:`Table` from a frame (or records) and its columns.

    Without ``columns`` the frame's own headers are used (they must already be reader
    headers; cells read by their type). ``wide=None`` decides from the size whether the
    table needs its own scroll box with a fixed first column.
    """
    if lang not in ("zh", "zh-en", "en"):
        raise ValueError(f"lang is 'zh', 'zh-en' or 'en', not {lang!r}")
    if df is None:
        df = pd.DataFrame()
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(list(df))
    if columns is None:
        columns = [Col(c, str(c), "", _infer_kind(df[c])) for c in df.columns]
    headers = [c.header(lang) for c in columns]
    for zh, _en in headers:
        _check_header(zh)
    cols = [[cell(v, c.kind, digits=c.digits, missing=c.missing, policy=policy) for v in _values(df, c)] for c in columns]
    rows = [list(r) for r in zip(*cols)] if cols else []
    t = Table(headers=headers, rows=rows, kinds=[c.kind for c in columns], lang=lang, caption=caption, note=note,
              legend=dict(legend or {}))
    if wide is None:
        wide = len(columns) > WIDE_COLUMNS or _estimated_width(t.columns, rows) > WIDE_CHARS
    t.wide = bool(wide)
    return t


def _infer_kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    return "text"


def legend(*keys: str, lang: str = "zh") -> Dict[str, str]:
    """The legend entries for the given cell words (default: 未读取, 无此项, 无法计算)."""
    keys = keys or tuple(LEGEND)
    return {k: (LEGEND[k][0] + (" " + LEGEND[k][1] if lang == "zh-en" else "")) if lang != "en" else LEGEND[k][1]
            for k in keys}


# --------------------------------------------------------------------------- plain text (CLI, text/plain)
def display_width(s: str) -> int:
    """Terminal columns of ``s``: Chinese (wide) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int, right: bool = False) -> str:
    gap = " " * max(0, w - display_width(s))
    return gap + s if right else s + gap


def text_table(headers: Sequence[str], rows: Sequence[Sequence], right: Sequence[int] = (), *, title: str = "",
               note: str = "", legend: Optional[Dict[str, str]] = None) -> str:
    """A plain-text table that lines up Chinese characters; the last column is not padded (it may be long)."""
    rows = [[cell(v) if not isinstance(v, str) else v for v in r] for r in rows]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    n = len(headers)

    def line(cells):
        out = [_pad(c, widths[i], i in right) if (i < n - 1 or i in right) else c for i, c in enumerate(cells)]
        return "  ".join(out).rstrip()
    sep = "  ".join("-" * w for w in widths)
    lines = ([title] if title else []) + ([note] if note else [])
    lines += [line(list(headers)), sep] + [line(r) for r in rows]
    if not rows:
        lines.append("（无）")
    for k, v in (legend or {}).items():
        lines.append(f"{k}：{v}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- parameters in reader words
#: a parameter's name as a reader says it (the role it plays in the sentence of the text)
PARAM_ZH = {
    "amount": ("金额", "amount"), "floor": ("门槛", "threshold"), "threshold": ("门槛", "threshold"),
    "cap": ("上限", "cap"), "rate": ("比例", "rate"), "share": ("比例", "share"), "min_progress": ("投资进度", "progress"),
    "stock_rate": ("存量部分比例", "rate on the stock"), "increment_rate": ("增量部分比例", "rate on the increment"),
    "ceiling": ("研发费用上限", "R&D ceiling"), "places": ("名额", "places"), "fee_rate": ("资金使用费率", "fee rate"),
    "daily_rate": ("资金使用费率", "fee rate"), "previous_rate": ("原比例", "previous rate"),
    "max_days": ("最长天数", "maximum days"), "years": ("年限", "years"), "count": ("数量", "count"),
}
#: the words of the text that state a boundary, longest first (looked up next to the figure in the quote)
_BOUNDARY_WORDS = ("及以上", "以上", "不超过", "不高于", "最高", "以下", "不满", "超过", "突破", "低于", "达到")


def param_name(name: str, lang: str = "zh") -> str:
    """The reader's word for a parameter (门槛, 上限, 比例…); an unknown name reads 参数, never the id."""
    zh, en = PARAM_ZH.get(name, ("参数", "figure"))
    return en if lang == "en" else zh


def value_text(p, v) -> str:
    """A parameter value in reader words: 200万元, 5%, 0.1‰/工作日, 不设."""
    if v is None:  # "the text sets no cap" and "the figure was not read" are different nulls
        return "不设（原文未设上限）" if getattr(p, "no_cap", False) else "未读取"
    unit = p.unit
    if unit in ("yuan", "yuan_per_year"):
        from .money import yi_or_wan
        return yi_or_wan(int(v)) + ("/年" if unit == "yuan_per_year" else "")
    if unit == "ratio":
        return pct(v, 2)
    if unit == "ratio_per_working_day":
        x = Decimal(repr(float(v))) * 1000
        return f"{x.normalize():f}‰/工作日"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return f"{v:,}" if isinstance(v, int) else f"{v:g}"


def _figure_words(p, v) -> List[str]:
    """How the figure may be written in the text: 200万元 / 200万 / 80% / 2亿元."""
    if v is None:
        return []
    if p.unit in ("yuan", "yuan_per_year"):
        from .money import yi_or_wan
        w = wan(int(v))
        return [yi_or_wan(int(v)), w, w[:-1], yi_or_wan(int(v))[:-1]]
    if p.unit == "ratio":
        return [pct(v, 2)]
    return []


def boundary_text(name: str, p, v=None, quote: str = "") -> str:
    """含本数 / 不含本数, with the text's own word next to the figure: （含本数，“及以上”）."""
    upper = name == "cap" or p.bound == "upper"
    word = getattr(p, "word", None) or ""  # the statute's word, stored beside the boundary
    for fig in ([] if word else _figure_words(p, v)):
        i = quote.find(fig)
        if i < 0:
            continue
        after, before = quote[i + len(fig):i + len(fig) + 3], quote[max(0, i - 3):i]
        word = next((w for w in _BOUNDARY_WORDS if after.startswith(w) or before.endswith(w)), "")
        if word:
            break
    if p.boundary is None:
        return f"（“{word}”）" if word else ("（上限）" if upper and p.bound == "upper" else "")
    head = "含本数" if p.boundary == "inclusive" else "不含本数"
    tail = "；按解释登记" if getattr(p, "boundary_reading", None) else ""  # a registered reading decides this boundary
    return f"（{head}，“{word}”{tail}）" if word else f"（{head}{tail}）"


def parameter_records(n: int, policy=None) -> pd.DataFrame:
    """Every dated parameter of article ``n``'s items in reader words (one row per value)."""
    from .explain import article_zh
    from .policy import get_policy
    pol = get_policy(policy)
    rows = []
    for it in pol.article(n).items.values():
        for name, p in it.parameters.items():
            for start, v in p.values.items():
                val = value_text(p, v)
                b = boundary_text(name, p, v, it.cite.quote) if v is not None else ""
                rows.append({
                    "item": f"{article_zh(it.article)} {it.label.zh}", "param": param_name(name), "value": val + b,
                    "from": start, "quote": f"第{it.cite.clause}句：“{it.cite.quote}”",
                    "note": p.note.zh if p.note else "",
                })
    return pd.DataFrame(rows, columns=["item", "param", "value", "from", "quote", "note"])


def parameters(n: int, policy=None, lang: str = "zh-en") -> Table:
    """Article ``n``'s figures as a reader reads them: 项目 | 参数 | 取值 (门槛 200万元（含本数，“及以上”）) | 原文依据.

    Rows of one item are grouped: its name and the quoted sentence are written once, on its
    first row (the sentence is long; repeating it made every row tall on a phone). The start
    date gets a column only when a figure changes over time; otherwise it is said once above.
    """
    df = parameter_records(n, policy)
    first = ~df["item"].duplicated()
    quote_first = ~df[["item", "quote"]].duplicated()
    shown = df.assign(item=df["item"].where(first, ""), quote=df["quote"].where(quote_first, ""))
    dated = df.groupby(["item", "param"])["from"].nunique().gt(1).any() if len(df) else False
    cols = [Col("item", "项目", "Item", missing=""), Col("param", "参数", "Figure"), Col("value", "取值", "Value")]
    if dated:
        cols.append(Col("from", "起始日期", "From", "date"))
    cols.append(Col("quote", "原文依据", "Text", missing=""))
    if df["note"].astype(bool).any():
        cols.append(Col("note", "说明", "Note", missing=""))
    starts = sorted({str(d) for d in df["from"]})
    note = "" if dated or not starts else f"取值自{starts[0]}起适用。" + ("" if lang == "zh" else f"Values apply from {starts[0]}.")
    return table(shown, cols, lang=lang, wide=False, policy=policy, note=note)


# --------------------------------------------------------------------------- an assessment
def _lab(a, lang):
    return "label_en" if lang == "en" else "label_zh"


def awards(a, lang: str = "zh", *, firm: bool = False) -> Table:
    """The awards of an assessment: 条款, 项目, 金额（万元, exact）, 说明 (and 企业 for several firms)."""
    led = a.ledger if a is not None else pd.DataFrame()
    en = lang == "en"
    cols = ([Col("firm_id", "企业", "Firm")] if firm else []) + [
        Col("article", "条款", "Article", "article"),
        Col("label_en" if en else "label_zh", "项目", "Item"),
        Col("amount_yuan", "金额", "Amount", "wan"),
    ]
    if "explanation_zh" in led.columns:
        cols.append(Col("explanation_en" if en else "explanation_zh", "说明", "Explanation"))
    if not len(led):
        led = pd.DataFrame(columns=[c.src for c in cols])
    return table(led, cols, lang=lang, wide=False, policy=None if a is None else a.policy)


def _messages(a, table_name: str, text_col: str, zh: str, en: str, lang: str, extra: Sequence[Col] = ()) -> Table:
    df = getattr(a, table_name) if a is not None else pd.DataFrame()
    pol = None if a is None else a.policy
    textc = text_col.replace("_zh", "_en") if lang == "en" else text_col
    cols = [Col("article", "条款", "Article", "article"),
            Col(lambda d: [item_name(i, pol, article=False) for i in d["item"]], "项目", "Item"), *extra,
            Col(textc, zh, en)]
    if not len(df):
        df = pd.DataFrame(columns=["article", "item", textc] + [c.src for c in extra if isinstance(c.src, str)])
    return table(df, cols, lang=lang, wide=False, policy=pol)


def near_misses(a, lang: str = "zh") -> Table:
    return _messages(a, "near_misses", "message_zh", "差距", "What is missing", lang)


def undetermined(a, lang: str = "zh") -> Table:
    return _messages(a, "undetermined", "reason_zh", "原因", "Reason", lang)


def excluded(a, lang: str = "zh") -> Table:
    return _messages(a, "excluded", "reason_zh", "原因", "Reason", lang)


def fees(a, lang: str = "zh") -> Table:
    """Article 14's bridge-loan fees the firm pays: 本金, 工作日, 费用（万元）, 说明."""
    df = a.fees if a is not None else pd.DataFrame()
    ex = "explanation_en" if lang == "en" else "explanation_zh"
    cols = [Col("article", "条款", "Article", "article"), Col("principal_yuan", "本金", "Principal", "wan"),
            Col("working_days", "工作日", "Working days", "int"), Col("fee_yuan", "费用", "Fee", "wan")]
    if ex in df.columns:
        cols.append(Col(ex, "说明", "Explanation"))
    if not len(df):
        df = pd.DataFrame(columns=[c.src for c in cols])
    return table(df, cols, lang=lang, wide=False)


def reading_effects(df: pd.DataFrame, interp_id: Optional[str] = None, policy=None, lang: str = "zh-en") -> Table:
    """The total under each reading of one interpretation (from :func:`kzpolicy.guide.reading_effects`)."""
    from .policy import get_policy
    interp = get_policy(policy).interpretations.get(interp_id) if interp_id else None
    key = "口径 reading" if "口径 reading" in df.columns else "reading"

    def words(d):
        if interp is None:
            return list(d[key])
        return [interp.readings[k].zh if k in interp.readings else k for k in d[key]]
    cols = [Col(words, "读法", "Reading"),
            Col(lambda d: [YES if str(x) in ("✓", "True") else "" for x in d["默认 default"]], "默认", "Default", missing=""),
            Col("total_yuan", "合计", "Total", "money"),
            Col("无法判断 undetermined", "无法判断", "Cannot decide", "int")]
    return table(df, cols, lang=lang, wide=False)


class ReaderFrame(pd.DataFrame):
    """A DataFrame (for asserts and further computing) that displays as a reader's table.

    Operations on it give plain DataFrames; only the frame itself renders through
    :func:`table` with the columns it was made with.
    """

    _metadata = ["_kz_view"]

    @property
    def _constructor(self):
        return pd.DataFrame

    def _view(self) -> Table:
        return self._kz_view(pd.DataFrame(self))

    def _repr_html_(self):
        return self._view().html()

    def __repr__(self):
        return self._view().text()

    def to_string(self, *args, **kwargs):  # what print(df) shows
        return self._view().text()


def reader_frame(df: pd.DataFrame, view: Callable[[pd.DataFrame], Table]) -> ReaderFrame:
    """Wrap ``df`` so that a notebook shows ``view(df)`` instead of pandas' rendering."""
    out = ReaderFrame(df)
    object.__setattr__(out, "_kz_view", view)
    return out


# --------------------------------------------------------------------------- scenarios and labels in words
def scenario_label(scenario, policy=None, date: str = "2023-12-31") -> str:
    """A scenario named in words, derived from what it changes (never its file slug).

    ``art05.equipment_subsidy.rate: 0.08`` reads 第（五）项 存量企业新增设备投资补助：比例 5%→8%;
    a reading reads 解释口径：<the reading in Chinese>.
    """
    from .policy import get_policy
    pol = get_policy(policy)
    parts = []
    for path, new in (getattr(scenario, "parameters", None) or {}).items():
        item_id, _, name = str(path).rpartition(".")
        try:
            p = pol.param(path)
            old = p.at(date)
            parts.append(f"{item_name(item_id, pol)}：{param_name(name)} {value_text(p, old)}→{value_text(p, new)}")
        except (KeyError, ValueError):
            parts.append(f"{item_name(item_id, pol)}：{param_name(name)}→{new}")
    for iid, key in (getattr(scenario, "readings", None) or {}).items():
        i = pol.interpretations.get(iid)
        words = i.readings[key].zh if i is not None and key in i.readings else key
        arts = measures(i.articles, pol, limit=3) if i else ""
        parts.append(f"解释口径（{arts}）：{words}" if arts else f"解释口径：{words}")
    if not parts:
        desc = getattr(scenario, "description", "") or ""
        return desc.split("。")[0] or "基准 baseline"
    return re.sub(r"不设（[^）]*）", "不设", "；".join(parts))


def wrap(text: str, width: int = 14) -> str:
    """Wrap a label at ``width`` display columns (Chinese characters count two, a Latin word never splits)."""
    tokens = re.findall(r"[A-Za-z0-9.,%()'’\-–/&:;+]+ ?|\s|.", str(text))
    lines, cur, w = [], "", 0
    for tok in tokens:
        tw = display_width(tok.rstrip())
        if w + tw > width and cur.strip():
            lines.append(cur.rstrip())
            cur, w = "", 0
            if tok.isspace():
                continue
        cur += tok
        w += display_width(tok)
    if cur.strip():
        lines.append(cur.rstrip())
    return "\n".join(lines)


#: size bands and other simulation codes as a reader says them
SIZE_BAND = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


# --------------------------------------------------------------------------- estimates (kzpolicy.simulate) for readers
#: estimates carry assumptions: their tables say so once, above the table, instead of a column repeated on every row
ESTIMATE_NOTE = "含假设参数（合成总体）的估算，金额四舍五入到0.1万元。Estimates on a synthetic population (uses assumptions), rounded to 0.1万元."


def _est(src, zh, en, digits=1):
    return Col(src, zh, en, "wan_est", digits=digits)


def _article_title(policy=None):
    """（五）支持企业智能化改造 — the measure as the document heads it."""
    from .policy import get_policy
    pol = get_policy(policy)

    def f(d):
        return [pol.article(int(n)).heading_zh for n in d["article"]]
    return f


def _year_or_total(d, col="year"):
    return ["合计" if str(y) == "total" else str(y) for y in d[col]]


def cost_by_year(df: pd.DataFrame) -> Table:
    """Per year: awards to firms, township funds (art. 21), budget lines (arts. 6, 22), total — 万元, rounded."""
    return table(df, [Col("year", "年度", "Year", "year"), _est("firm_awards_yuan", "企业奖补", "Firm awards"),
                      _est("township_funds_yuan", "乡镇工作经费", "Township funds"),
                      _est("budget_lines_yuan", "预算专项", "Budget lines"), _est("total_yuan", "合计", "Total")],
                 lang="zh-en", wide=False, note=ESTIMATE_NOTE)


def budget_lines(df: pd.DataFrame) -> Table:
    """The fixed budget lines (articles 6 and 22) per year, exact."""
    return table(df, [Col("year", "年度", "Year", "year"), Col("article", "条款", "Article", "article"),
                      Col("label_zh", "项目", "Item"), Col("amount_yuan", "金额", "Amount", "wan")], lang="zh-en", wide=False)


def cost_by_article(df: pd.DataFrame, years: Sequence, policy=None) -> Table:
    cols = [Col(_article_title(policy), "条款", "Article")]
    cols += [_est(str(y), str(y), "") for y in years] + [_est("total", "合计", "Total")]
    return table(df, cols, lang="zh-en", wide=False, note=ESTIMATE_NOTE)


def cost_by_chapter(df: pd.DataFrame, years: Sequence, policy=None) -> Table:
    from .policy import get_policy
    heads = {c.chapter: c.heading_zh for c in get_policy(policy).meta.chapters}
    cols = [Col(lambda d: [heads.get(int(c), z) for c, z in zip(d["chapter"], d["chapter_zh"])], "部分", "Part")]
    cols += [_est(str(y), str(y), "") for y in years] + [_est("total", "合计", "Total")]
    return table(df, cols, lang="zh-en", wide=False, note=ESTIMATE_NOTE)


def not_simulated(df: pd.DataFrame) -> Table:
    """Items with no triggering event in the population: not estimated (未模拟), never 0."""
    return table(df, [Col("article", "条款", "Article", "article"), Col("label_zh", "项目", "Item"),
                      Col(lambda d: ["未模拟（不是0）" for _ in range(len(d))], "估算", "Estimate")], lang="zh-en", wide=False)


def listing_bound(df: pd.DataFrame) -> Table:
    return table(df, [Col(lambda d: [item_name(i) for i in d["item"]], "项目", "Item"),
                      Col("firms_in_tutoring", "辅导期企业数", "Firms in tutoring", "int"),
                      Col("share_of_municipal_reward", "占市级奖补比例", "Share of municipal reward", "pct"),
                      Col("cap_yuan", "每家上限", "Cap per firm", "wan"), Col("upper_bound_yuan", "最多", "At most", "wan"),
                      Col(lambda d: [str(n).split(" / ")[0] for n in d["note"]], "说明", "Note"),
                      Col("source", "来源", "Source", "link")], lang="zh-en", wide=False)


def undetermined_cases(df: pd.DataFrame) -> Table:
    return table(df, [Col("year", "年度", "Year", "year"), Col("item", "项目", "Item", "item"),
                      Col("cases", "无法判断的企业数", "Firms that cannot be decided", "int")], lang="zh-en", wide=False,
                 note="无法判断的情形既不计入支出，也不当作0。Cases that cannot be decided are neither counted nor taken as 0.")


def bands(df: pd.DataFrame, by: str = "year", policy=None, digits: int = 0) -> Table:
    """Monte Carlo percentiles (P5, P50, P95, mean) by year or article, in whole 万元 by default."""
    first = Col(lambda d: _year_or_total(d, "year"), "年度", "Year") if by == "year" else Col(_article_title(policy), "条款", "Article")
    runs = int(df["runs"].iloc[0]) if len(df) else 0
    scope = str(df["scope"].iloc[0]).split(" / ")[0] if len(df) and "scope" in df else ""
    return table(df, [first, _est("p5_yuan", "第5百分位", "P5", digits), _est("p50_yuan", "中位数", "Median", digits),
                      _est("p95_yuan", "第95百分位", "P95", digits), _est("mean_yuan", "平均", "Mean", digits)],
                 lang="zh-en", wide=False,
                 note=f"{runs}个合成总体；{scope}；含假设参数，四舍五入到万元。{runs} synthetic populations; uses assumptions.")


def delta_bands(df: pd.DataFrame, labels: Dict[str, str], digits: int = 0) -> Table:
    """Paired Monte Carlo of a scenario's effect: P5, median, P95 of scenario − baseline."""
    runs = int(df["runs"].iloc[0]) if len(df) else 0
    return table(df, [Col(lambda d: [labels.get(s, s) for s in d["scenario"]], "情景", "Scenario"),
                      Col(lambda d: _year_or_total(d, "year"), "年度", "Year"),
                      _est("p5_delta_yuan", "差额第5百分位", "P5", digits), _est("p50_delta_yuan", "差额中位数", "Median", digits),
                      _est("p95_delta_yuan", "差额第95百分位", "P95", digits)], lang="zh-en", wide=False,
                 note=f"情景 − 基准，{runs}个合成总体成对计算；含假设参数，四舍五入到万元。")


def scenario_deltas(df: pd.DataFrame, policy=None) -> Table:
    """Per scenario (in words) and article: baseline, scenario, difference — 2023–2025 total, rounded."""
    return table(df, [Col("scenario", "情景", "Scenario"), Col(_article_title(policy), "条款", "Article"),
                      _est("base_yuan", "基准", "Baseline"), _est("scenario_yuan", "情景", "Scenario"),
                      _est("delta_yuan", "差额", "Difference")], lang="zh-en", wide=False, note=ESTIMATE_NOTE)


_BY = {"size_band": ("规模", "Size band"), "sector": ("行业", "Sector"), "township": ("乡镇（合成名称）", "Township (synthetic)")}


def distribution(df: pd.DataFrame, by: str) -> Table:
    zh, en = _BY.get(by, (by, by))
    return table(df, [Col(lambda d: [SIZE_BAND.get(v, v) for v in d[by]], zh, en),
                      Col("firms", "企业数", "Firms", "int"), Col("recipients", "受益企业", "Recipients", "int"),
                      _est("amount_yuan", "奖补金额", "Awards"), Col("share", "占比", "Share", "pct"),
                      _est("per_recipient_yuan", "户均", "Per recipient")], lang="zh-en", wide=False, note=ESTIMATE_NOTE)


def concentration(df: pd.DataFrame) -> Table:
    return table(df, [Col("recipients", "受益企业数", "Recipients", "int"),
                      Col("top10pct_firms", "金额最高的10%企业", "Top 10% firms", "int"),
                      Col("top10pct_share", "其所得占比", "Their share", "pct"),
                      Col("gini_recipients", "基尼系数（受益企业间）", "Gini (recipients)", "num", digits=2),
                      Col("gini_all_firms", "基尼系数（全部企业）", "Gini (all firms)", "num", digits=2)],
                 lang="zh-en", wide=False, note="含假设参数（合成总体）。Uses assumptions (synthetic population).")


def winners_losers(df: pd.DataFrame) -> Table:
    return table(df, [Col("scenario", "情景", "Scenario"),
                      Col(lambda d: [SIZE_BAND.get(v, v) for v in d["size_band"]], "规模", "Size band"),
                      Col("firms_gaining", "多得企业", "Firms gaining", "int"), Col("firms_losing", "少得企业", "Firms losing", "int"),
                      _est("gain_yuan", "多得", "Gain"), _est("loss_yuan", "少得", "Loss"), _est("net_yuan", "净变化", "Net")],
                 lang="zh-en", wide=None, note=ESTIMATE_NOTE)


def interpretation_effects(df: pd.DataFrame, policy=None) -> Table:
    """Each interpretation switched to another reading: the question, the reading in words, and the change."""
    from .policy import get_policy
    pol = get_policy(policy)

    def question(d):
        return [pol.interpretations[i].question.zh if i in pol.interpretations else i for i in d["interpretation"]]

    def reading(d):
        out = []
        for _i, r, z in zip(d["interpretation"], d["reading"], d["reading_zh"]):
            out.append("（仅一种读法）" if r == "—" else (z or r))
        return out
    return table(df, [Col(question, "解释问题", "Question"), Col(reading, "改用的读法", "Other reading"),
                      _est("reading_yuan", "该读法下企业奖补", "Firm awards"), _est("delta_yuan", "变化", "Change"),
                      Col("delta_pct", "变化率", "Change %", "pct"), _est("budget_delta_yuan", "预算专项变化", "Budget lines")],
                 lang="zh-en", wide=None,
                 note="2023—2025年合计；其余解释保持默认。" + ESTIMATE_NOTE)


QUALITY_ZH = {"official": "官方", "repost": "转载", "summary": "汇总", "mixed": "多来源"}


def calibration(df: pd.DataFrame) -> Table:
    test = {"==": "相等", ">": "大于", ">=": "不少于", "<": "小于", "<=": "不多于"}
    return table(df, [Col("zh", "校准目标", "Target"), Col("public_value", "公开数字", "Public figure", "int"),
                      Col(lambda d: [test.get(t, t) for t in d["test"]], "检验", "Test"),
                      Col("generated", "合成总体", "Generated", "int"), Col("met", "满足", "Met", "bool"),
                      Col(lambda d: [QUALITY_ZH.get(q, q) for q in d["quality"]], "来源质量", "Source quality"),
                      Col("source", "来源", "Source", "link")],
                 lang="zh-en", wide=None)


def derivations(df: pd.DataFrame) -> Table:
    from .events import EVENT_CODES

    def ev(d):
        return [EVENT_CODES[c].zh if c in EVENT_CODES else c for c in d["event_code"]]
    return table(df, [Col(ev, "事项", "Event"), Col("per_year", "每年期望数", "Expected per year", "num", digits=1),
                      Col("why", "推导", "Derivation"), Col("assumption", "含假设", "Assumption", "bool")],
                 lang="zh-en", wide=None)


#: what an illustrative ranking of measure (2) scores firms by (population_assumptions.yaml, rankings)
RANKING_SCORE = {"revenue_last_year": "上年主营业务收入", "rd_last_year": "上年研发费用",
                 "growth_last_year": "上年收入增长"}


def _assumption_value(v, unit: str) -> str:
    if isinstance(v, dict) and set(v) == {"score", "event"}:  # an illustrative ranking rule, in words
        return f"按{RANKING_SCORE.get(v['score'], v['score'])}排名；{_event_zh(v['event'])}"
    if unit == "yuan" and isinstance(v, (int, float)) and not isinstance(v, bool):
        from .money import yi_or_wan
        return yi_or_wan(int(v))
    if unit == "share" and isinstance(v, (int, float)) and not isinstance(v, bool):
        return pct(v, 2)
    return f"{_text(v)} {unit}".strip()


def assumptions(tree: Optional[dict] = None) -> Table:
    """Every assumption of the synthetic population: what it is (zh, en) and its value."""
    from .population import load_assumptions
    tree = tree if tree is not None else load_assumptions()
    rows = []
    for _section, entries in tree.items():
        for _name, e in entries.items():
            if isinstance(e, dict) and e.get("assumption"):
                rows.append({"zh": e.get("zh", ""), "en": e.get("en", ""), "v": e.get("value"), "u": e.get("unit", "")})
    df = pd.DataFrame(rows, columns=["zh", "en", "v", "u"])
    return table(df, [Col("zh", "假设", "Assumption"), Col("en", "Assumption (English)", ""),
                      Col(lambda d: [_assumption_value(v, u) for v, u in zip(d["v"], d["u"])], "取值", "Value")],
                 lang="zh-en", wide=False)


# --------------------------------------------------------------------------- any engine frame, by its column names
#: the reader's header and kind for the engine's column names (ledger, fees, township awards, budget lines, excel sheets)
COLUMN_WORDS = {
    "firm_id": ("企业编号", "Firm", "text"), "name": ("企业名称", "Name", "text"), "year": ("年度", "Year", "year"),
    "status_zh": ("结论", "Result", "text"), "met": ("已满足的条件", "Conditions met", "text"),
    "failed": ("未满足的条件", "Conditions not met", "text"), "missing": ("未提供的信息", "Facts not given", "text"),
    "article": ("条款", "Measure", "article"), "item": ("项目", "Item", "item"), "label_zh": ("项目", "Item", "text"),
    "label_en": ("Item", "", "text"), "event_code": ("事项", "Event", "event"), "event_date": ("事项日期", "Date", "date"),
    "amount_yuan": ("金额", "Amount", "wan"), "basis_yuan": ("计算基数", "Basis", "wan"), "cap_yuan": ("上限", "Cap", "wan"),
    "cap_applied": ("是否封顶", "Capped", "bool"), "explanation_zh": ("说明", "Explanation", "text"),
    "explanation_en": ("Explanation", "", "text"), "principal_yuan": ("本金", "Principal", "wan"), "start": ("开始", "Start", "date"),
    "end": ("结束", "End", "date"), "working_days": ("工作日", "Working days", "int"),
    "daily_rate": ("每工作日费率", "Rate per working day", "permille"), "fee_yuan": ("费用", "Fee", "wan"),
    "township": ("乡镇（街道）", "Township", "text"), "rank": ("名次", "Rank", "int"), "places": ("名额", "Places", "int"),
    "reason_zh": ("原因", "Reason", "text"), "reason_en": ("Reason", "", "text"), "message_zh": ("差距", "What is missing", "text"),
    "message_en": ("What is missing", "", "text"), "worth_yuan": ("达到后可获", "Worth", "wan"), "basis": ("口径", "Basis", "text"),
    "awards": ("奖励项数", "Awards", "int"), "title": ("标题", "Title", "text"),
}


#: values of a ``basis`` column as a reader says them
BASIS_WORDS = {"full_year": "全年额度", "pro_rata": "按公布后天数折算"}


def auto(df: pd.DataFrame, lang: str = "zh-en", policy=None, **kwargs) -> Table:
    """A reader's table of an engine frame, headers and cells from :data:`COLUMN_WORDS`.

    ``P.auto(a.fees[["principal_yuan", "working_days", "fee_yuan", "explanation_zh"]])``. A column
    with no reader's name is an error (it would show an internal name), not a silent header.
    Reader headers already in Chinese pass through.
    """
    cols = []
    skip = set()
    if "label_zh" in df.columns:
        skip |= {"item"} | ({"label_en"} if lang != "en" else set())
    for c in df.columns:
        if c in skip:
            continue
        if c == "basis":
            cols.append(Col(lambda d: [BASIS_WORDS.get(x, x) for x in d["basis"]], "口径", "Basis"))
        elif c in COLUMN_WORDS:
            zh, en, kind = COLUMN_WORDS[c]
            if kind == "event":
                cols.append(Col(lambda d, c=c: [_event_zh(x) for x in d[c]], zh, en))
            elif kind == "permille":
                cols.append(Col(lambda d, c=c: [MISSING if is_missing(x) else f"{(Decimal(repr(float(x))) * 1000).normalize():f}‰"
                                                for x in d[c]], zh, en))
            else:
                cols.append(Col(c, zh, en, kind))
        elif not _INTERNAL.search(str(c)):
            cols.append(Col(c, str(c), "", _infer_kind(df[c])))
        else:
            raise ValueError(f"column {c!r} has no reader's name; add it to present.COLUMN_WORDS or pick columns")
    if df.index.name and df.index.name in COLUMN_WORDS:  # e.g. a groupby result: the key becomes a column
        return auto(df.reset_index(), lang=lang, policy=policy, **kwargs)
    return table(df, cols, lang=lang, policy=policy, **kwargs)


def _event_zh(code) -> str:
    from .events import EVENT_CODES
    if is_missing(code):
        return MISSING
    return EVENT_CODES[code].zh if code in EVENT_CODES else str(code)


def township_awards(a, lang: str = "zh-en") -> Table:
    """Article 21's township prizes: 乡镇（街道）, 名次, 项目, 金额, 说明."""
    df = a.township_awards if hasattr(a, "township_awards") else a
    cols = [c for c in ("township", "year", "rank", "item", "amount_yuan", "explanation_zh") if c in df.columns]
    return auto(df[cols], lang=lang, wide=False)
