"""Fixed award per event (or per counted unit): 升规, recognitions, trademarks, standards, listings…

The statute's shape: 对新认定的……，一次性奖励X万元. Amount = the item's ``amount``
in force on the event date, times the event's ``count`` when the item pays per unit
(市级新产品 per product, standards per standard).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import RuleOutput, eligible_events, event_values, param_at, param_on
from ..kinds import Kind, P, Switch
from ..money import mul_count, wan
from ..explain import date_text


def _amount_text_zh(item, d) -> str:
    if d["amount_yuan"] is None:
        return "未读取"
    return wan(int(d["amount_yuan"])) + ("/个" if item.per == "count" else "")


def _explain(row, item, amt, limited):
    a_zh, a_en, c = item.cite_zh, item.cite_en, item.cite.clause
    q = int(row["count"]) if not pd.isna(row["count"]) else 1
    per = int(row["unit_amount_yuan"]) if not pd.isna(row["unit_amount_yuan"]) else amt
    d = date_text(row["event_date"])
    if q > 1:
        return (f"依据{a_zh}：{item.label.zh}，{d}，{q}项×{wan(per)}，共{wan(amt)}。",
                f"{a_en} (sentence {c}): {item.label.en} on {d}: {q} × {per:,} yuan = {amt:,} yuan.")
    return (f"依据{a_zh}：{item.label.zh}（{d}），一次性奖励{wan(amt)}。",
            f"{a_en} (sentence {c}): {item.label.en} ({d}): one-off award of {amt:,} yuan.")


KIND = Kind(
    name="event_award",
    params={"amount": P("amount", ("yuan",), zh="奖励金额", en="award"),
            "places": P("places", ("count",), optional=True, zh="名额", en="places"),
            "cap": P("cap", ("yuan",), optional=True, zh="每户上限", en="cap per firm")},
    events=True,
    fields={"count": ("Int64", "件数", "units"), "unit_amount_yuan": ("Int64", "每件金额", "amount per unit"),
            "cap_yuan": ("Int64", "上限", "cap")},
    switches={"award_per": Switch(("event", "firm_and_year"), "event",
                                  "每个事项（每件）分别奖励，或同一企业同年同项只奖励一次",
                                  "an award per event (unit), or once per firm, item and year"),
              "repeat_title": Switch(("once_per_firm", "each_recognition"), "once_per_firm",
                                     "同一企业再次获得同一称号（另一厂区、失效后重新认定）：按企业一次，或每次认定都奖励",
                                     "the same title again for one firm (another plant, a new grant after a lapse): once per firm, or each recognition"),
              "parent_event": Switch(("implied", "required"), "implied",
                                     "后续事项（如首笔交易）本身即说明前一事项（挂牌）已发生，或须有前一事项的记录",
                                     "a follow-on event (a first trade) implies the event it follows (the listing), or that event must be on record")},
    shape_zh="对新认定的……一次性奖励X万元（可按件数）", shape_en="a fixed award per event or per unit",
    amount_text_zh=_amount_text_zh,
    explain=_explain,
)


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    pos, fidx, dates, codes = eligible_events(item, ctx, out)
    if not len(pos):
        return out
    if ctx.switch(item, "parent_event") == "required":
        # 挂牌成功……实现首笔交易再给予: the event a.b.c follows a.b; without a.b on record (on or before) it cannot be decided
        parents = sorted({c.rsplit(".", 1)[0] for c in item.events if "." in c})
        first = np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
        pp = ctx.positions(parents)
        if len(pp):
            s = pd.Series(ctx.ev_date[pp]).groupby(ctx.ev_fidx[pp]).min()
            first[s.index.to_numpy()] = s.to_numpy(dtype="datetime64[D]")
        lone = np.isnat(first[fidx]) | (first[fidx] > dates)
        if lone.any():
            out.undecided(int(lone.sum()), fidx=fidx[lone], item=item.id, event_code=codes[lone], event_date=dates[lone],
                          reason_zh=f"无法判断：没有此前挂牌（{'、'.join(parents)}）的记录{ctx.switch_note(item, 'parent_event')}",
                          reason_en=f"cannot decide: no earlier listing ({', '.join(parents)}) on record{ctx.switch_note(item, 'parent_event', zh=False)}")
            pos, fidx, dates, codes = pos[~lone], fidx[~lone], dates[~lone], codes[~lone]
    amount = param_on(item, "amount", dates)
    unread = np.isnan(amount)
    if unread.any():
        out.undecided(int(unread.sum()), fidx=fidx[unread], item=item.id, event_code=codes[unread],
                      event_date=dates[unread], reason_zh="原文金额未能读取（缺失，不按0计）",
                      reason_en="the amount was not read in the source (missing, not zero)")
        pos, fidx, dates, codes, amount = pos[~unread], fidx[~unread], dates[~unread], codes[~unread], amount[~unread]
    qty = np.ones(len(pos), dtype=np.int64)
    if item.per == "count":
        qty = event_values(ctx, "count", pos, "float64", na_value=np.nan)
        qty = np.where(np.isnan(qty), 1, qty).astype(np.int64)  # an event is one unit unless count says more
    if ctx.switch(item, "award_per") == "firm_and_year":
        # one award per firm, item (level) and year, however many events or units
        df = pd.DataFrame({"f": fidx, "i": np.arange(len(fidx))}).drop_duplicates("f")
        keep = df["i"].to_numpy()
        dropped = np.setdiff1d(np.arange(len(fidx)), keep)
        if len(dropped):
            out.exclude(len(dropped), "per_firm_level", fidx=fidx[dropped], item=item.id, event_code=codes[dropped],
                        event_date=dates[dropped], reason_zh=f"同一企业同年同一项目只奖励一次{ctx.switch_note(item, 'award_per')}",
                        reason_en=f"once per firm, item and year{ctx.switch_note(item, 'award_per', zh=False)}")
        pos, fidx, dates, codes, amount = pos[keep], fidx[keep], dates[keep], codes[keep], amount[keep]
        qty = np.ones(len(pos), dtype=np.int64)
    total = mul_count(amount.astype(np.int64), qty)  # checked: int64 or MoneyError, never wrapped
    capped = np.zeros(len(pos), dtype=bool)
    cap = None
    if "cap" in item.parameters:  # 每个企业最高不超过… (a peer's per-firm cap; null = no cap)
        cap = param_at(item.param("cap"), dates)
        cap0 = np.nan_to_num(cap)
        capped = ~np.isnan(cap) & (total > cap0)
        total = np.where(capped, cap0.astype(np.int64), total)
    out.award(len(pos), fidx=fidx, item=item.id, event_code=codes, event_date=dates,
              amount_yuan=total, count=qty, unit_amount_yuan=amount.astype(np.int64), basis_yuan=amount.astype(np.int64),
              cap_applied=capped, cap_yuan=cap)
    return out
