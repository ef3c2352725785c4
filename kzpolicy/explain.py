"""Explanations in Chinese and English for ledger lines, citing the article and the figures.

Built only for the lines someone asks to see (the engine can skip them for large
populations). Every figure in a sentence comes from the ledger line or the policy
item, never from text typed here.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import kinds
from .frames import factorize, str_array, tolist
from .money import wan
from .policy import Policy, cn_number, get_policy  # noqa: F401  (cn_number: re-exported)

def article_zh(n: int, policy=None) -> str:
    """How the document cites measure ``n``: 第（五）项 (its own numbering; see Article.cite_zh)."""
    return get_policy(policy).article(int(n)).cite_zh


def _d(x) -> str:
    if type(x) is pd.Timestamp:  # what a ledger line holds (never NaT, which is not a Timestamp): no isna, no new Timestamp
        return str(x.date())
    return "" if pd.isna(x) else str(pd.Timestamp(x).date())


def _pct(x) -> str:
    return f"{float(x) * 100:g}%"


def date_text(x) -> str:
    return _d(x)


def pct_text(x) -> str:
    return _pct(x)


def explain_line(row, item, year: int, policy=None):
    """(zh, en) for one ledger row: the kind's own sentence (``KIND.explain`` in kzpolicy/rules/<kind>.py),
    then, where a cross-item limit cut the line, the limit's sentence (kzpolicy/limits.py)."""
    amt = int(row["amount_yuan"])
    limited = "limit" in row and isinstance(row["limit"], str)
    if limited:  # the kind's sentence is about the amount before a cross-item limit cut it
        amt = int(row["limit_before_yuan"])
    say = kinds.get(item.kind).explain
    if say is not None:
        zh, en = say(row, item, amt, limited)
    else:
        zh = f"依据{item.cite_zh}：{item.label.zh}，{wan(amt)}。"
        en = f"{item.cite_en}: {item.label.en}: {amt:,} yuan."
    if limited:
        from .limits import limit_sentence
        lz, le = limit_sentence(row, policy.limit(row["limit"]), policy)
        zh, en = zh + lz, en + " " + le
    return zh, en


# --------------------------------------------------------------------------- the engine's common sentences
# What a user reads when an event is excluded or a case cannot be decided by a step every kind shares
# (the date window, one-off rules, requirements, events outside the policy). Each kind's own award,
# near-miss and exclusion sentences are in its module (kzpolicy/rules/<kind>.py), the limits' in
# kzpolicy/limits.py (LIMIT_KINDS and the functions below them).

#: why a firm does not meet an item's requirement (Item.requires)
REQUIREMENT_TEXT = {
    "industrial": ("仅适用于工业企业（制造业、采矿业、电力热力燃气及水生产和供应业）", "applies to industrial firms only (manufacturing, mining, utilities)"),
    "manufacturing": ("仅适用于制造业企业", "applies to manufacturing firms only"),
    "independent_legal_person": ("须以独立法人计", "the firm must be an independent legal person"),
    "existing_firm": ("仅适用于存量企业", "applies to existing firms only"),
}

LEGAL_PERSON_UNKNOWN = ("无法判断：未提供是否为独立法人（independent_legal_person）",
                        "cannot decide: whether the firm is an independent legal person is not given (independent_legal_person)")


def paid_in_publication_year(pub_year: int, note_zh: str, note_en: str):
    return (f"公布前年度的认定在{pub_year}年（政策公布年度）兑现{note_zh}",
            f"recognitions before publication are paid in {pub_year}, the publication year{note_en}")


def already_awarded(when, per_year: bool):
    """``when``: array of ISO dates of the first award."""
    import numpy as np
    w = np.asarray(when).astype(str)
    return (np.char.add(np.char.add(f"该奖励{'同一年度' if per_year else ''}为一次性奖励，已于", w), "取得同一事项"),
            np.char.add("one-off award: the same event was already recorded on ", w))


def before_window(window: str, note_zh: str, note_en: str):
    return (f"事项发生在该奖励的适用日期（{window}）之前{note_zh}",
            f"the event is before the date from which this sentence applies ({window}){note_en}")


def not_in_policy(policy_name_zh: str, policy_name_en: str, event_zh: str, event_en: str):
    return (f"本政策（{policy_name_zh}）没有适用于“{event_zh}”的条款，未予评估",
            f"not in this policy: no measure of {policy_name_en} applies to '{event_en}', so it was not assessed")


class _Row(Mapping):
    """One ledger line as a read-only mapping, read from column lists (what ``to_dict("records")`` gives per line,
    without building a dict of every column for every line)."""

    __slots__ = ("_cols", "_i")

    def __init__(self, cols, i):
        self._cols, self._i = cols, i

    def __getitem__(self, key):
        return self._cols[key][self._i]

    def __iter__(self):
        return iter(self._cols)

    def __len__(self):
        return len(self._cols)

    def __contains__(self, key):
        return key in self._cols


class _Lists(dict):
    """Column name -> the column as a list of Python values (what ``Series.tolist()`` gives), read on first use
    (a sentence reads a few of the ledger's columns), from ``df`` or from the arrays a frame is built of."""

    def __init__(self, df):
        super().__init__()
        self._df = df
        self._names = list(df.columns) if isinstance(df, pd.DataFrame) else list(df)

    def __missing__(self, key):
        if key not in self._names:
            raise KeyError(key)
        c = self._df[key]
        if isinstance(c, np.ndarray):  # a frame's column as Series.tolist() gives it: dates as Timestamps (NaT)
            if c.dtype.kind != "M":
                v = c.tolist()
            elif len(c) <= 64:  # the same Timestamps, without building a Series (~0.1 ms) for a few lines
                v = [pd.Timestamp(x) for x in c]
            else:
                v = pd.Series(c, copy=False).tolist()
        else:
            v = tolist(c)
        self[key] = v
        return v

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)

    def __contains__(self, key):
        return key in self._names


def rows(cols, n: int):
    """``n`` lines as read-only mappings over column lists ``cols``."""
    return [_Row(cols, i) for i in range(n)]


def _records(df: pd.DataFrame):
    """The lines of ``df`` as mappings of Python values (as ``to_dict("records")``: numbers boxed, dates as Timestamps)."""
    return rows(_Lists(df), len(df))


class _At:
    """Ledger columns at some lines (pandas arrays, as the frame holds them), for a kind's ``explain_many``."""

    def __init__(self, df, rows):
        self._df, self._rows = df, rows

    def __getitem__(self, key):
        c = self._df[key]
        return (c.array if isinstance(c, pd.Series) else pd.Series(c, copy=False).array)[self._rows]


#: from how many lines of one item its kind's explain_many is used (below, line by line is quicker; same text)
_MANY = 32


def explain(ledger: pd.DataFrame, policy: Policy, year: int, copy: bool = True) -> pd.DataFrame:
    """Add explanation_zh / explanation_en to a ledger (only for shown lines).

    Lines of one item are explained together: by the kind's ``explain_many`` where it has one (lines
    a cross-item limit cut are explained one by one), else line by line with :func:`explain_line`.
    ``copy=False`` adds them to ``ledger`` itself."""
    if copy:
        ledger = ledger.copy()
    zh, en = sentences(ledger, len(ledger), policy, year)
    ledger["explanation_zh"] = zh
    ledger["explanation_en"] = en
    return ledger


def sentences(ledger, n: int, policy: Policy, year: int):
    """The (zh, en) explanation columns of :func:`explain` for ``n`` ledger lines: ``ledger`` is the ledger frame
    or the columns it is built of (numpy or pandas arrays, as the frame holds them; the engine's path)."""
    if not n:
        return pd.Series([], dtype=object), pd.Series([], dtype=object)
    lines = rows(_Lists(ledger), n)
    zh, en = np.empty(n, dtype=object), np.empty(n, dtype=object)
    item_col = ledger["item"]
    code, uniq = factorize(item_col.array if isinstance(item_col, pd.Series) else item_col)
    if (code < 0).any():  # a line without an item: line by line, as always (policy.item says what is wrong)
        pairs = [explain_line(r, policy.item(r["item"]), year, policy) for r in lines]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    names = ledger.columns if isinstance(ledger, pd.DataFrame) else ledger
    limited = pd.notna(_np(ledger["limit"])) if "limit" in names else np.zeros(n, dtype=bool)
    amounts = _np(ledger["amount_yuan"]).astype(np.int64, copy=False)
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(len(uniq) + 1))
    for k, item_id in enumerate(uniq):
        rows_k = order[bounds[k]:bounds[k + 1]]
        item = policy.item(item_id)
        many = kinds.get(item.kind).explain_many
        one = rows_k
        if many is not None and len(rows_k) >= _MANY:
            vec = rows_k[~limited[rows_k]]
            texts = many(_At(ledger, vec), item, amounts[vec]) if len(vec) else None
            if texts is not None:  # None: the kind leaves these lines to its line-by-line sentence
                zh[vec], en[vec] = texts
                one = rows_k[limited[rows_k]]
        for i in one.tolist():
            zh[i], en[i] = explain_line(lines[i], item, year, policy)
    return text_array(zh), text_array(en)


def _np(c) -> np.ndarray:
    return c.to_numpy() if isinstance(c, pd.Series) else np.asarray(c)


def text_array(values):
    """Sentences as the column a DataFrame makes of them (pandas' text dtype when every value is text), typed in
    one go: the frame constructor and ``df[c] = list`` infer the type of a list value by value."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return str_array(values)  # text only (checked above)
    return list(values) if not isinstance(values, list) else values


def fee_text(row, item) -> tuple:
    """(zh, en) for a fee line: the kind's own sentence (kzpolicy/rules/working_day_fee.py)."""
    return kinds.get(item.kind).explain(row, item, int(row["fee_yuan"]), False)
