"""Share of the municipal listing reward, with a cap (article 16, clause 1).

Statute: 给予市级奖补标准的50%、总额不超过300万元的区级奖励. The municipal reward is
an input on the event (``municipal_reward``) and is never guessed (interpretation
switch ``municipal_reward``). "不超过" is an upper bound that includes the cap itself.
"""
from __future__ import annotations

import numpy as np

from .common import RuleOutput, eligible_events, event_values, mul_round_by_rate, param_on
from ..kinds import Kind, P, Switch
from ..money import wan
from ..explain import date_text, pct_text
import pandas as pd


def _amount_text_zh(item, d) -> str:
    if d["rate"] is None:
        return "未读取"
    txt = f"市级奖补的{'不高于' if item.param('share').bound == 'upper' else ''}{d['rate']:.0%}"
    return txt + (f"，最高{wan(int(d['cap_yuan']))}" if d["cap_yuan"] is not None else "，不设上限")


def _explain(row, item, amt, limited):
    reward, share = int(row["municipal_reward_yuan"]), float(row["share"])
    cap = int(row["cap_yuan"]) if not pd.isna(row["cap_yuan"]) else 0
    capped = bool(row["cap_applied"]) and not limited
    d = date_text(row["event_date"])
    zh = (f"依据{item.cite_zh}：{item.label.zh}（{d}），市级奖补{wan(reward)}×{pct_text(share)}"
          + (f"，超过上限{wan(cap)}，按上限奖励{wan(amt)}。" if capped else f"＝{wan(amt)}（不超过{wan(cap)}）。"))
    en = (f"{item.cite_en} (sentence {item.cite.clause}): {item.label.en} ({d}): {pct_text(share)} of the municipal reward of {reward:,} yuan"
          + (f" exceeds the cap, so {amt:,} yuan." if capped else f" = {amt:,} yuan (cap {cap:,})."))
    return zh, en


KIND = Kind(
    name="listing_share",
    params={"share": P("rate", ("ratio",), zh="市级奖补的比例", en="share of the municipal reward"),
            "cap": P("cap", ("yuan",), zh="上限", en="cap")},
    events=True,
    fields={"municipal_reward_yuan": ("Int64", "市级奖补", "municipal reward"), "share": ("float", "比例", "share"),
            "cap_yuan": ("Int64", "上限", "cap")},
    switches={"municipal_reward": Switch(("input",), "input", "市级奖补金额为输入，不作推测", "the municipal reward is an input, never guessed"),
              "transfer": Switch(("new_listing", "not_new_listing"), "new_listing",
                                 "转板（已在一个板块上市的企业转到另一板块）：按成功上市奖励（计入总额上限），或不属新上市、不再奖励",
                                 "a board transfer (a firm listed on one board moving to another): a listing (within the total cap), "
                                 "or not a new listing and not rewarded again")},
    shape_zh="给予市级奖补标准的X%、总额不超过……", shape_en="a share of the municipal reward, capped",
    amount_text_zh=_amount_text_zh,
    explain=_explain,
)


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    pos, fidx, dates, codes = eligible_events(item, ctx, out)
    if not len(pos):
        return out
    if ctx.switch(item, "transfer") == "not_new_listing":
        pp = ctx.positions(item.events)
        first = np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
        order = np.argsort(ctx.ev_date[pp], kind="stable")
        fp, dp = ctx.ev_fidx[pp][order], ctx.ev_date[pp][order]
        u, i = np.unique(fp, return_index=True)
        first[u] = dp[i]
        moved = ~np.isnat(first[fidx]) & (first[fidx] < dates)
        if moved.any():
            out.exclude(int(moved.sum()), "board_transfer", fidx=fidx[moved], item=item.id, event_code=codes[moved],
                        event_date=dates[moved], reason_zh=f"此前已在交易所上市：转板不属新上市{ctx.switch_note(item, 'transfer')}",
                        reason_en=f"already listed on an exchange: a board transfer is not a new listing{ctx.switch_note(item, 'transfer', zh=False)}")
            pos, fidx, dates, codes = pos[~moved], fidx[~moved], dates[~moved], codes[~moved]
            if not len(pos):
                return out
    reward = event_values(ctx, "municipal_reward", pos, "int64", na_value=0)
    share = param_on(item, "share", dates)
    cap = param_on(item, "cap", dates)
    amt = mul_round_by_rate(reward, share)
    cap0 = np.nan_to_num(cap)  # no cap (NaN) never caps: compared only where there is one
    capped = ~np.isnan(cap) & (amt > cap0)
    amt = np.where(capped, cap0.astype(np.int64), amt)
    zero = amt == 0  # a municipal reward of 0: nothing to share, and no award line of 0 yuan
    if zero.any():
        out.exclude(int(zero.sum()), "zero_amount", fidx=fidx[zero], item=item.id, event_code=codes[zero], event_date=dates[zero],
                    reason_zh="市级奖补为0，区级按其比例奖励亦为0", reason_en="the municipal reward is 0, so the district share is 0")
    k = ~zero
    out.award(int(k.sum()), fidx=fidx[k], item=item.id, event_code=codes[k], event_date=dates[k], amount_yuan=amt[k],
              basis_yuan=reward[k], municipal_reward_yuan=reward[k], cap_yuan=cap[k], share=share[k], cap_applied=capped[k])
    return out
