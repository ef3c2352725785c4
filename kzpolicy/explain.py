"""Explanations in Chinese and English for ledger lines, citing the article and the figures.

Built only for the lines someone asks to see (the engine can skip them for large
populations). Every figure in a sentence comes from the ledger line or the policy
item, never from text typed here.
"""
from __future__ import annotations

import pandas as pd

from .money import wan, yi_or_wan
from .policy import Policy, cn_number, get_policy  # noqa: F401  (cn_number: re-exported)

def article_zh(n: int, policy=None) -> str:
    """How the document cites measure ``n``: 第（五）项 (its own numbering; see Article.cite_zh)."""
    return get_policy(policy).article(int(n)).cite_zh


def _d(x) -> str:
    return "" if pd.isna(x) else str(pd.Timestamp(x).date())


def _pct(x) -> str:
    return f"{float(x) * 100:g}%"


def explain_line(row, item, year: int, policy=None):
    """(zh, en) for one ledger row."""
    a_zh, a_en = item.cite_zh, item.cite_en
    c = item.cite.clause
    lab_zh, lab_en = item.label.zh, item.label.en
    amt = int(row["amount_yuan"])
    k = item.kind
    limited = "limit" in row and isinstance(row["limit"], str)
    if limited:  # the kind's sentence is about the amount before a cross-item limit cut it
        amt = int(row["limit_before_yuan"])
    if k == "event_award":
        q = int(row["count"]) if not pd.isna(row["count"]) else 1
        per = int(row["unit_amount_yuan"]) if not pd.isna(row["unit_amount_yuan"]) else amt
        if q > 1:
            zh = f"依据{a_zh}：{lab_zh}，{_d(row['event_date'])}，{q}项×{wan(per)}，共{wan(amt)}。"
            en = f"{a_en} (sentence {c}): {lab_en} on {_d(row['event_date'])}: {q} × {per:,} yuan = {amt:,} yuan."
        else:
            zh = f"依据{a_zh}：{lab_zh}（{_d(row['event_date'])}），一次性奖励{wan(amt)}。"
            en = f"{a_en} (sentence {c}): {lab_en} ({_d(row['event_date'])}): one-off award of {amt:,} yuan."
    elif k == "ladder_award":
        before = int(row["paid_before_yuan"]) if not pd.isna(row["paid_before_yuan"]) else 0
        full = int(row["full_amount_yuan"])
        if before:
            zh = f"依据{a_zh}：{lab_zh}（{_d(row['event_date'])}），按差额补足：{wan(full)}－已获{wan(before)}＝{wan(amt)}。"
            en = f"{a_en}: {lab_en} ({_d(row['event_date'])}), difference reading: {full:,} − {before:,} already received = {amt:,} yuan."
        else:
            zh = f"依据{a_zh}：{lab_zh}（{_d(row['event_date'])}），一次性奖励{wan(amt)}。"
            en = f"{a_en}: {lab_en} ({_d(row['event_date'])}): one-off award of {amt:,} yuan."
    elif k == "revenue_milestone":
        ry = int(row["revenue_year"])
        zh = f"依据{a_zh}：{ry}年主营业务收入{yi_or_wan(row['revenue_yuan'])}，首次突破{yi_or_wan(row['threshold_yuan'])}，奖励{wan(amt)}。"
        en = f"{a_en}: {ry} main-business revenue of {int(row['revenue_yuan']):,} yuan first exceeds {int(row['threshold_yuan']):,} yuan: award of {amt:,} yuan."
    elif k == "investment_subsidy":
        base, floor, rate = int(row["investment_yuan"]), int(row["floor_yuan"]), float(row["rate"])
        prog = float(row["progress"])
        cap = "（已按上限封顶）" if bool(row["cap_applied"]) else ""
        zh = (f"依据{a_zh}：{lab_zh}，投资额{wan(base)}（不低于{wan(floor)}），投资进度{_pct(prog)}，"
              f"按{_pct(rate)}补助{wan(amt)}{cap}。")
        en = (f"{a_en} (sentence {c}): {lab_en}: investment of {base:,} yuan (floor {floor:,}), progress {_pct(prog)}, "
              f"{_pct(rate)} subsidy = {amt:,} yuan{' (capped)' if cap else ''}.")
    elif k == "rd_subsidy":
        base_year, stock, inc = int(row["rd_year"]), int(row["rd_stock_yuan"]), int(row["rd_increment_yuan"])
        sr, ir = float(row["stock_rate"]), float(row["increment_rate"])
        zh = (f"依据{a_zh}：{base_year}年申报研发费用低于上限，存量{wan(stock)}×{_pct(sr)}＋增量{wan(inc)}×{_pct(ir)}，"
              f"区级补助最高{wan(amt)}（比例为“不高于”，实际比例由主管部门确定）。")
        en = (f"{a_en}: declared R&D for {base_year} below the ceiling: stock {stock:,} × {_pct(sr)} + increment {inc:,} × {_pct(ir)} "
              f"= at most {amt:,} yuan (the rates are upper bounds).")
    elif k == "listing_share":
        reward, share = int(row["municipal_reward_yuan"]), float(row["share"])
        cap = int(row["cap_yuan"]) if not pd.isna(row["cap_yuan"]) else 0
        capped = bool(row["cap_applied"]) and not limited
        zh = (f"依据{a_zh}：{lab_zh}（{_d(row['event_date'])}），市级奖补{wan(reward)}×{_pct(share)}"
              + (f"，超过上限{wan(cap)}，按上限奖励{wan(amt)}。" if capped else f"＝{wan(amt)}（不超过{wan(cap)}）。"))
        en = (f"{a_en} (sentence {c}): {lab_en} ({_d(row['event_date'])}): {_pct(share)} of the municipal reward of {reward:,} yuan"
              + (f" exceeds the cap, so {amt:,} yuan." if capped else f" = {amt:,} yuan (cap {cap:,})."))
    else:
        zh = f"依据{a_zh}：{lab_zh}，{wan(amt)}。"
        en = f"{a_en}: {lab_en}: {amt:,} yuan."
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
    a_zh = item.cite_zh
    zh = (f"依据{a_zh}：应急转贷本金{wan(row['principal_yuan'])}，{_d(row['start'])}至{_d(row['end'])}共"
          f"{int(row['working_days'])}个工作日，按每个工作日{float(row['daily_rate']) * 1000:g}‰计收资金使用费{wan(row['fee_yuan'])}。")
    en = (f"{item.cite_en}: bridge loan of {int(row['principal_yuan']):,} yuan from {_d(row['start'])} to {_d(row['end'])}, "
          f"{int(row['working_days'])} working days at {float(row['daily_rate']) * 1000:g}‰ a working day: fee {int(row['fee_yuan']):,} yuan.")
    return zh, en
