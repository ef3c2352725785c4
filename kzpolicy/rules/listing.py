"""Share of the municipal listing reward, with a cap (article 16, clause 1).

Statute: 给予市级奖补标准的50%、总额不超过300万元的区级奖励. The municipal reward is
an input on the event (``municipal_reward``) and is never guessed (interpretation
art16-municipal-reward). "不超过" is an upper bound that includes the cap itself.
"""
from __future__ import annotations

import numpy as np

from .common import RuleOutput, apply_requirements, mul_round_by_rate, param_on, select_events


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    pos = select_events(item, ctx, out)
    if not len(pos):
        return out
    fidx, dates, codes = ctx.ev_fidx[pos], ctx.ev_date[pos], ctx.ev_code[pos]
    ok = apply_requirements(item, ctx, out, fidx, dates, codes)
    pos, fidx, dates, codes = pos[ok], fidx[ok], dates[ok], codes[ok]
    reward = ctx.events["municipal_reward"].to_numpy(dtype="int64", na_value=0)[pos]
    share = param_on(item, "share", dates)
    cap = param_on(item, "cap", dates)
    amt = mul_round_by_rate(reward, share)
    capped = ~np.isnan(cap) & (amt > np.nan_to_num(cap))
    amt = np.where(capped, np.nan_to_num(cap).astype(np.int64), amt)
    out.award(len(pos), fidx=fidx, item=item.id, event_code=codes, event_date=dates, amount_yuan=amt,
              basis_yuan=reward, basis2_yuan=np.where(np.isnan(cap), 0, cap).astype(np.int64), share=share, cap_applied=capped)
    return out
