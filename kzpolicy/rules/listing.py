"""Share of the municipal listing reward, with a cap (article 16, clause 1).

Statute: 给予市级奖补标准的50%、总额不超过300万元的区级奖励. The municipal reward is
an input on the event (``municipal_reward``) and is never guessed (interpretation
art16-municipal-reward). "不超过" is an upper bound that includes the cap itself.
"""
from __future__ import annotations

import numpy as np

from .common import RuleOutput, eligible_events, mul_round_by_rate, param_on


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    pos, fidx, dates, codes = eligible_events(item, ctx, out)
    if not len(pos):
        return out
    reward = ctx.events["municipal_reward"].to_numpy(dtype="int64", na_value=0)[pos]
    share = param_on(item, "share", dates)
    cap = param_on(item, "cap", dates)
    amt = mul_round_by_rate(reward, share)
    capped = ~np.isnan(cap) & (amt > np.nan_to_num(cap))
    amt = np.where(capped, np.nan_to_num(cap).astype(np.int64), amt)
    zero = amt == 0  # a municipal reward of 0: nothing to share, and no award line of 0 yuan
    if zero.any():
        out.exclude(int(zero.sum()), "zero_amount", fidx=fidx[zero], item=item.id, event_code=codes[zero], event_date=dates[zero],
                    reason_zh="市级奖补为0，区级按其比例奖励亦为0", reason_en="the municipal reward is 0, so the district share is 0")
    k = ~zero
    out.award(int(k.sum()), fidx=fidx[k], item=item.id, event_code=codes[k], event_date=dates[k], amount_yuan=amt[k],
              basis_yuan=reward[k], basis2_yuan=np.where(np.isnan(cap[k]), 0, cap[k]).astype(np.int64), share=share[k],
              cap_applied=capped[k])
    return out
