"""Explanations in Chinese and English for ledger lines, citing the article and the figures.

Built only for the lines someone asks to see (the engine can skip them for large
populations). Every figure in a sentence comes from the ledger line or the policy
item, never from text typed here.
"""
from __future__ import annotations

import pandas as pd

from .money import wan
from .policy import Policy, cn_number, get_policy  # noqa: F401  (cn_number: re-exported)

def article_zh(n: int, policy=None) -> str:
    """How the document cites measure ``n``: 第（五）项 (its own numbering; see Article.cite_zh)."""
    return get_policy(policy).article(int(n)).cite_zh


def _d(x) -> str:
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
    from . import kinds
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


def explain(ledger: pd.DataFrame, policy: Policy, year: int) -> pd.DataFrame:
    """Add explanation_zh / explanation_en to a ledger (row by row: only for shown lines)."""
    ledger = ledger.copy()
    if not len(ledger):
        ledger["explanation_zh"] = pd.Series([], dtype=object)
        ledger["explanation_en"] = pd.Series([], dtype=object)
        return ledger
    pairs = [explain_line(r, policy.item(r["item"]), year, policy) for r in ledger.to_dict("records")]
    ledger["explanation_zh"] = [p[0] for p in pairs]
    ledger["explanation_en"] = [p[1] for p in pairs]
    return ledger


def fee_text(row, item) -> tuple:
    """(zh, en) for a fee line: the kind's own sentence (kzpolicy/rules/working_day_fee.py)."""
    from . import kinds
    return kinds.get(item.kind).explain(row, item, int(row["fee_yuan"]), False)
