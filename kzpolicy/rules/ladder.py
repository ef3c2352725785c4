"""Level ladder: first time passing a level (article 7, 两化融合 A…AAAA+).

Statute: 首次通过两化融合管理体系A级认定的企业，区级一次性奖励3万元；…AA级…6万元…
Each level is "first time at this level" (once per firm and level). Under the
switch upgrade_award=difference a firm moving up gets only the difference from
the highest ladder award it already earned.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import RuleOutput, eligible_events, param_on
from ..kinds import Kind, P, Switch
from ..money import wan
from ..explain import date_text


def _explain(row, item, amt, limited):
    a_zh, a_en = item.cite_zh, item.cite_en
    before = int(row["paid_before_yuan"]) if not pd.isna(row["paid_before_yuan"]) else 0
    full = int(row["full_amount_yuan"])
    d = date_text(row["event_date"])
    if before:
        return (f"依据{a_zh}：{item.label.zh}（{d}），按差额补足：{wan(full)}－已获{wan(before)}＝{wan(amt)}。",
                f"{a_en}: {item.label.en} ({d}), difference reading: {full:,} − {before:,} already received = {amt:,} yuan.")
    return (f"依据{a_zh}：{item.label.zh}（{d}），一次性奖励{wan(amt)}。",
            f"{a_en}: {item.label.en} ({d}): one-off award of {amt:,} yuan.")


KIND = Kind(
    name="ladder_award",
    params={"amount": P("amount", ("yuan",), zh="奖励金额", en="award")},
    events=True,
    item_fields=("rank", "group"),
    fields={"full_amount_yuan": ("Int64", "本级全额", "full award of the level"),
            "paid_before_yuan": ("Int64", "已获较低等级奖励", "award already received for a lower level")},
    switches={"upgrade_award": Switch(("full", "difference"), "full",
                                      "升级时按新等级全额奖励，或补足差额", "moving up: the full award of the new level, or the difference"),
              "same_day": Switch(("each", "highest"), "each",
                                 "同一天通过两个等级：每级分别奖励，或只奖励较高等级",
                                 "two levels passed on the same day: each level, or the higher only")},
    shape_zh="首次通过……A级/AA级……认定", shape_en="first time at each level",
    amount_text_zh=lambda item, d: "未读取" if d["amount_yuan"] is None else wan(int(d["amount_yuan"])),
    explain=_explain,
)


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    pos, fidx, dates, codes = eligible_events(item, ctx, out)
    if not len(pos):
        return out
    amount = param_on(item, "amount", dates).astype(np.int64)
    # a higher level passed earlier makes this one not "first"… of a lower rung: not rewarded
    rungs = [it for it in ctx.policy.items() if it.group == item.group and it.kind == "ladder_award"]
    higher = [c for it in rungs if it.rank > item.rank for c in it.events]
    lower = [it for it in rungs if it.rank < item.rank]
    ph = _earliest(ctx, higher, fidx)
    stale = ~np.isnat(ph) & (ph < dates)
    if ctx.switch(item, "same_day") == "highest":
        same = ~np.isnat(ph) & (ph == dates)
        if same.any():
            out.exclude(int(same.sum()), "superseded", fidx=fidx[same], item=item.id, event_code=codes[same],
                        event_date=dates[same], reason_zh=f"同一天通过了更高等级，只奖励较高等级{ctx.switch_note(item, 'same_day')}",
                        reason_en=f"a higher level was passed the same day; only the higher is paid{ctx.switch_note(item, 'same_day', zh=False)}")
            fidx, dates, codes, amount, ph = fidx[~same], dates[~same], codes[~same], amount[~same], ph[~same]
            stale = ~np.isnat(ph) & (ph < dates)
    if stale.any():
        out.exclude(int(stale.sum()), "not_first", fidx=fidx[stale], item=item.id, event_code=codes[stale],
                    event_date=dates[stale], reason_zh="此前已通过更高等级认定", reason_en="a higher level was already passed earlier")
    keep = ~stale
    fidx, dates, codes, amount = fidx[keep], dates[keep], codes[keep], amount[keep]
    paid_before = np.zeros(len(fidx), dtype=np.int64)
    if ctx.switch(item, "upgrade_award") == "difference" and lower:
        for low in lower:
            first_low = _earliest(ctx, low.events, fidx)
            had = ~np.isnat(first_low) & (first_low < dates) & (first_low >= ctx.window_start(low))
            low_amt = np.where(had, np.nan_to_num(param_on(low, "amount", np.where(had, first_low, dates))), 0).astype(np.int64)
            paid_before = np.maximum(paid_before, low_amt)
    pay = amount - paid_before
    zero = pay <= 0
    if zero.any():
        out.exclude(int(zero.sum()), "difference_zero", fidx=fidx[zero], item=item.id, event_code=codes[zero],
                    event_date=dates[zero], reason_zh=f"按差额补足，已无差额{ctx.switch_note(item, 'upgrade_award')}",
                    reason_en=f"difference reading: nothing left to top up{ctx.switch_note(item, 'upgrade_award', zh=False)}")
    k = ~zero
    out.award(int(k.sum()), fidx=fidx[k], item=item.id, event_code=codes[k], event_date=dates[k],
              amount_yuan=pay[k], basis_yuan=amount[k], full_amount_yuan=amount[k], paid_before_yuan=paid_before[k])
    return out


def _earliest(ctx, codes, f: np.ndarray) -> np.ndarray:
    """Earliest date of any of ``codes`` for each firm position in ``f`` (NaT where none): from those codes'
    events, ordered by firm and date (no array over all firms)."""
    res = np.full(len(f), np.datetime64("NaT"), dtype="datetime64[D]")
    pos = ctx.positions(codes)
    if len(pos) and len(f):
        ef, ed = ctx.ev_fidx[pos], ctx.events_at(pos)[1]  # dates at these events only (datetime64[D])
        ok = ~np.isnat(ed)
        ef, ed = ef[ok], ed[ok]
        order = np.lexsort((ed, ef))
        ef, ed = ef[order], ed[order]
        first = np.ones(len(ef), dtype=bool)
        first[1:] = ef[1:] != ef[:-1]
        firms, earliest = ef[first], ed[first]
        if len(firms):
            i = np.minimum(np.searchsorted(firms, f), len(firms) - 1)
            hit = firms[i] == f
            res[hit] = earliest[i[hit]]
    return res
