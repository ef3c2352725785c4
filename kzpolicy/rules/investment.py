"""Investment subsidy with floor, progress, rate and cap (articles 5 and 9).

Statute: 新增设备投资200万元及以上、投资进度80%以上的，按照设备投资额的5%给予补助.
"及以上" and "以上" include the boundary (民法典第1259条); the item's parameters say
so with ``boundary: inclusive``. The subsidy is amount × rate rounded half up once,
then capped where the text sets a cap (``cap: null`` = no cap).
"""
from __future__ import annotations

import numpy as np

from ..money import Commas, Wan, text_by_value, text_column, wan
from .common import Later, RuleOutput, apply_requirements, event_values, meets, mul_round_by_rate, param_on, selected_events
from ..kinds import Kind, P
from ..explain import pct_text


def _amount_text_zh(item, d) -> str:
    if d["rate"] is None:
        return "未读取"
    txt = f"{'不高于' if item.param('rate').bound == 'upper' else ''}{d['rate']:.0%}"
    if d["floor_yuan"]:
        txt += f"（投资≥{wan(int(d['floor_yuan']))}）"
    if d["progress"]:
        txt += f"（进度≥{d['progress']:.0%}）"
    return txt + (f"，最高{wan(int(d['cap_yuan']))}" if d["cap_yuan"] is not None else "，不设上限")


def _explain(row, item, amt, limited):
    base, floor, rate = int(row["investment_yuan"]), int(row["floor_yuan"]), float(row["rate"])
    prog = float(row["progress"])
    cap = "（已按上限封顶）" if bool(row["cap_applied"]) else ""
    word = item.param("floor").word  # the statute's own word beside the floor: 200万元及以上
    floor_zh = f"门槛{wan(floor)}{word}" if word else f"不低于{wan(floor)}"
    return (f"依据{item.cite_zh}：{item.label.zh}，投资额{wan(base)}（{floor_zh}），投资进度{pct_text(prog)}，"
            f"按{pct_text(rate)}补助{wan(amt)}{cap}。",
            f"{item.cite_en} (sentence {item.cite.clause}): {item.label.en}: investment of {base:,} yuan (floor {floor:,}), "
            f"progress {pct_text(prog)}, {pct_text(rate)} subsidy = {amt:,} yuan{' (capped)' if cap else ''}.")


KIND = Kind(
    name="investment_subsidy",
    params={"floor": P("floor", ("yuan",), zh="投资额门槛", en="investment floor"),
            "min_progress": P("progress", ("ratio",), zh="投资进度门槛", en="minimum progress"),
            "rate": P("rate", ("ratio",), zh="补助比例", en="rate"),
            "cap": P("cap", ("yuan",), zh="上限", en="cap")},
    events=True,
    fields={"investment_yuan": ("Int64", "投资额", "investment"), "floor_yuan": ("Int64", "投资额门槛", "floor"),
            "progress": ("float", "投资进度", "progress"), "rate": ("float", "补助比例", "rate"),
            "cap_yuan": ("Int64", "上限", "cap")},
    shape_zh="投资……及以上、进度……以上的，按投资额的X%补助", shape_en="floor, progress, rate, cap",
    amount_text_zh=_amount_text_zh,
    explain=_explain,
)


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    pos, fidx, dates, codes = selected_events(item, ctx, out)
    if not len(pos):
        return out
    amount = event_values(ctx, "amount", pos, "int64", na_value=0)
    progress = event_values(ctx, "progress", pos, "float64")
    pf, pp, pr, pc = (item.param(k) for k in ("floor", "min_progress", "rate", "cap"))
    floor, minp, rate, cap = (param_on(item, k, dates) for k in ("floor", "min_progress", "rate", "cap"))
    ok_amt = meets(amount, floor, pf.boundary)
    ok_prog = meets(progress, minp, pp.boundary)
    would = ok_amt & ok_prog
    ok_req = apply_requirements(item, ctx, out, fidx, dates, codes, would_get=would)
    pay = np.flatnonzero(would & ok_req)  # rows read at positions, not at a mask (common.selected_events)
    sub = mul_round_by_rate(amount, rate)
    capped = ~np.isnan(cap) & (sub > np.nan_to_num(cap, nan=0))
    sub = np.where(capped, np.nan_to_num(cap, nan=0).astype(np.int64), sub)
    out.award(len(pay), fidx=fidx[pay], item=item.id, event_code=codes[pay], event_date=dates[pay],
              amount_yuan=sub[pay], basis_yuan=amount[pay], investment_yuan=amount[pay], floor_yuan=floor[pay].astype(np.int64),
              rate=rate[pay], cap_applied=capped[pay], cap_yuan=cap[pay],
              project=event_values(ctx, "project", pos[pay], object), progress=progress[pay])  # text: read where paid only
    # near-misses: exactly one condition missed, and by little — and only for firms that meet the item's
    # other requirements (a firm the item excludes is never told that a little more would pay)
    m = ctx.margin
    req_ok = ok_req  # the firms meeting the item's requirements (apply_requirements' mask)
    near_amt = ~ok_amt & ok_prog & (amount >= floor * (1 - m)) & req_ok
    if near_amt.any():
        k = np.flatnonzero(near_amt)
        worth = mul_round_by_rate(floor[k].astype(np.int64), rate[k])
        if (~np.isnan(cap[k])).any():
            worth = np.where(np.isnan(cap[k]), worth, np.minimum(worth, np.nan_to_num(cap[k]).astype(np.int64)))
        miss = floor[k].astype(np.int64) - amount[k] + (1 if pf.boundary == "exclusive" else 0)
        out.near_miss(len(k), fidx=fidx[k], item=item.id, event_code=codes[k], event_date=dates[k],
                      condition="floor", actual=amount[k], required=floor[k].astype(np.int64), missing=miss, worth_yuan=worth,
                      message_zh=Later(text_column, "设备投资", Wan(amount[k]), "，距", Wan(floor[k]), "的门槛还差", Wan(miss),
                                           "；达到门槛可获补助", Wan(worth)),
                      message_en=Later(text_column, "equipment investment of ", Commas(amount[k]), " yuan is ", Commas(miss),
                                           " yuan short of the ", Commas(floor[k]), " floor; at the floor the subsidy would be ",
                                           Commas(worth), " yuan"))
    # far under the floor: not a near-miss, yet never silent — excluded with the reason, for firms that
    # meet the item's other requirements (the others are already excluded as not eligible)
    far_amt = ~ok_amt & ~near_amt & req_ok
    if far_amt.any():
        k = np.flatnonzero(far_amt)
        word = pf.word  # the statute's word: 200万元及以上
        out.exclude(len(k), "below_floor", fidx=fidx[k], item=item.id, event_code=codes[k], event_date=dates[k],
                    reason_zh=Later(text_column, "低于门槛：投资额", Wan(amount[k]), "，未达到" if word else "，低于", Wan(floor[k]),
                                        f"{word}的门槛" if word else "的门槛"),
                    reason_en=Later(text_column, "below the floor: an investment of ", Commas(amount[k]), " yuan does not reach the ",
                                        Commas(floor[k]), "-yuan floor"))
    near_prog = ok_amt & ~ok_prog & (progress >= minp * (1 - m)) & req_ok
    if near_prog.any():
        k = np.flatnonzero(near_prog)
        worth = sub[k]
        gap = np.round(minp[k] - progress[k], 6)
        pct0 = [Later(text_by_value, "{:.0%}".format, v) for v in (progress[k], minp[k], gap)]  # a few distinct values
        out.near_miss(len(k), fidx=fidx[k], item=item.id, event_code=codes[k], event_date=dates[k],
                      condition="min_progress", actual=progress[k], required=minp[k], missing=gap, worth_yuan=worth,
                      message_zh=Later(text_column, "投资进度", pct0[0], "，未达到", pct0[1], "（差", pct0[2], "）；达到后可获补助", Wan(worth)),
                      message_en=Later(text_column, "investment progress is ", pct0[0], ", below ", pct0[1], " (short by ", pct0[2],
                                           "); reaching it would be worth ", Commas(worth), " yuan"))
    # progress far under the threshold (amount at the floor): excluded with the reason, never silent
    far_prog = ok_amt & ~ok_prog & ~near_prog & req_ok
    if far_prog.any():
        k = np.flatnonzero(far_prog)
        word = pp.word
        out.exclude(len(k), "below_progress", fidx=fidx[k], item=item.id, event_code=codes[k], event_date=dates[k],
                    reason_zh=Later(text_column, "投资进度不足：投资进度", Later(text_by_value, pct_text, progress[k]), "，未达到",
                                        Later(text_by_value, pct_text, minp[k]), word or ""),
                    reason_en=Later(text_column, "progress too low: investment progress of ", Later(text_by_value, pct_text, progress[k]),
                                        " does not reach ", Later(text_by_value, pct_text, minp[k])))
    return out
