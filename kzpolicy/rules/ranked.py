"""Ranked awards to townships (article 21).

Statute: 每年评选乡镇（街道）工业发展一等奖10个，每个奖励3万元工作经费；评选…二等奖10个，每个奖励2万元.
The selection criteria carry no weights (switch ``selection``: an input), so the
rank is an input (``townships`` table). Tier 1 takes the first ``places`` ranks,
tier 2 the next ``places``, and so on.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import RuleOutput, param_at_year_end
from ..kinds import Kind, P
from ..money import wan


def _explain(row, item, amt, limited):
    """A township's prize (the line has township and rank)."""
    return (f"依据{item.cite_zh}：{row['township']}排名第{int(row['rank'])}，获{item.label.zh}，奖励工作经费{wan(amt)}。",
            f"{item.cite_en}: {row['township']} ranked {int(row['rank'])}: {item.label.en}, working funds of {amt:,} yuan.")


KIND = Kind(
    name="ranked_award",
    params={"places": P("places", ("count",), zh="名额", en="places"), "amount": P("amount", ("yuan",), zh="每个奖励", en="award each")},
    events=False,
    item_fields=("tier",),
    shape_zh="每年评选一等奖N个……", shape_en="awards by rank",
    explain=_explain,
    amount_text_zh=lambda item, d: "未读取" if d["amount_yuan"] is None else wan(int(d["amount_yuan"])),
)


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    tw = ctx.facts.townships
    if not len(tw):
        return out
    y = ctx.year
    tiers = sorted((it for it in ctx.policy.items() if it.kind == "ranked_award" and it.article == item.article),
                   key=lambda it: it.tier)
    start = 1
    for it in tiers:
        if it.tier == item.tier:
            break
        start += int(param_at_year_end(it.param("places"), y) or 0)
    places = param_at_year_end(item.param("places"), y)
    amount = param_at_year_end(item.param("amount"), y)
    if places is None or amount is None:
        return out
    rows = tw[(tw["year"] == y) & (tw["rank"] >= start) & (tw["rank"] < start + int(places))]
    if len(rows):
        out.townships.append(pd.DataFrame({
            "township": rows["township"].to_numpy(dtype=object), "year": y, "rank": rows["rank"].to_numpy(dtype=np.int64),
            "item": item.id, "amount_yuan": np.int64(amount),
        }))
    return out
