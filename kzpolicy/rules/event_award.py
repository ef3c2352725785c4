"""Fixed award per event (or per counted unit): 升规, recognitions, trademarks, standards, listings…

The statute's shape: 对新认定的……，一次性奖励X万元. Amount = the item's ``amount``
in force on the event date, times the event's ``count`` when the item pays per unit
(市级新产品 per product, standards per standard).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import RuleOutput, eligible_events, param_at, param_on


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    pos, fidx, dates, codes = eligible_events(item, ctx, out)
    if not len(pos):
        return out
    amount = param_on(item, "amount", dates)
    unread = np.isnan(amount)
    if unread.any():
        out.undecided(int(unread.sum()), fidx=fidx[unread], item=item.id, event_code=codes[unread],
                      event_date=dates[unread], reason_zh="原文金额未能读取（缺失，不按0计）",
                      reason_en="the amount was not read in the source (missing, not zero)")
        pos, fidx, dates, codes, amount = pos[~unread], fidx[~unread], dates[~unread], codes[~unread], amount[~unread]
    qty = np.ones(len(pos), dtype=np.int64)
    if item.per == "count":
        qty = ctx.events["count"].to_numpy(dtype="float64", na_value=np.nan)[pos]
        qty = np.where(np.isnan(qty), 1, qty).astype(np.int64)  # an event is one unit unless count says more
    if ctx.item_reading(item, "per_firm_level"):
        # one award per firm, item (level) and year, however many events or units (art12-standards, art06-events)
        interp = next(i for i in item.interpretations if ctx.readings.get(i) == "per_firm_level")
        df = pd.DataFrame({"f": fidx, "i": np.arange(len(fidx))}).drop_duplicates("f")
        keep = df["i"].to_numpy()
        dropped = np.setdiff1d(np.arange(len(fidx)), keep)
        if len(dropped):
            out.exclude(len(dropped), "per_firm_level", fidx=fidx[dropped], item=item.id, event_code=codes[dropped],
                        event_date=dates[dropped], reason_zh=f"同一企业同年同一项目只奖励一次（见解释 {interp}）",
                        reason_en=f"once per firm, item and year (see interpretation {interp})")
        pos, fidx, dates, codes, amount = pos[keep], fidx[keep], dates[keep], codes[keep], amount[keep]
        qty = np.ones(len(pos), dtype=np.int64)
    total = amount.astype(np.int64) * qty
    capped = np.zeros(len(pos), dtype=bool)
    if "cap" in item.parameters:  # 每个企业最高不超过… (a peer's per-firm cap; null = no cap)
        cap = param_at(item.param("cap"), dates)
        capped = ~np.isnan(cap) & (total > np.nan_to_num(cap))
        total = np.where(capped, np.nan_to_num(cap).astype(np.int64), total)
    out.award(len(pos), fidx=fidx, item=item.id, event_code=codes, event_date=dates,
              amount_yuan=total, quantity=qty, basis_yuan=amount.astype(np.int64), cap_applied=capped)
    return out
