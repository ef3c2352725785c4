"""Per-working-day fee on a bridge loan (article 14).

Statute: 资金使用费按每个工作日0.1‰标准计算收取. Working days come from the official
calendar with its adjusted working days (调休), via the chinese-calendar package.
Which ends of the period count: switch ``day_count`` (default: the
first day counts, the last does not). The fee is principal × days × rate, rounded
once, half up. It is a charge paid by the borrower, reported apart from awards.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..facts import FactsError
from ..frames import part
from .common import RuleOutput, event_values, mul_round_by_rate, param_on, select_events
from ..kinds import Kind, P, Switch
from ..explain import date_text
from ..money import mul_count, wan


@lru_cache(maxsize=1)
def _calendar():
    """(first day, last day, cumulative working days) of the official calendar, built once, vectorised.

    chinese-calendar's own rule (``is_workday``: an adjusted working day 调休, or a Monday to
    Friday that is not a holiday) applied to its own tables, over the years it covers;
    no copy of the holiday table is kept here.
    """
    import chinese_calendar as cc

    first = np.datetime64(f"{min(cc.holidays).year}-01-01", "D")
    last = np.datetime64(f"{max(cc.holidays).year}-12-31", "D")
    days = np.arange(first, last + 1)
    monday_to_friday = (days.astype(np.int64) + 3) % 7 < 5  # 1970-01-01 was a Thursday
    holiday = np.isin(days, np.array(list(cc.holidays), dtype="datetime64[D]"))
    adjusted = np.isin(days, np.array(list(cc.workdays), dtype="datetime64[D]"))
    work = adjusted | (monday_to_friday & ~holiday)
    cum = np.concatenate([[0], np.cumsum(work)])  # cum[i] = working days before day i
    return first, last, cum


def working_days(start, end, both_ends: bool = False) -> np.ndarray:
    """Working days from ``start`` to ``end`` on the official calendar (vectorised).

    By default the first day counts and the last does not (算头不算尾).
    """
    first, last, cum = _calendar()
    s = np.asarray(start, dtype="datetime64[D]")
    e = np.asarray(end, dtype="datetime64[D]")
    if (s < first).any() or (e > last).any():
        raise ValueError(f"the official working-day calendar covers {first} to {last} (chinese-calendar); dates outside it cannot be counted")
    i = (s - first).astype(np.int64)
    j = (e - first).astype(np.int64) + (1 if both_ends else 0)
    return cum[j] - cum[i]


def calendar_range():
    first, last, _ = _calendar()
    return first, last


def _explain(row, item, fee, limited):
    zh = (f"依据{item.cite_zh}：应急转贷本金{wan(row['principal_yuan'])}，{date_text(row['start'])}至{date_text(row['end'])}共"
          f"{int(row['working_days'])}个工作日，按每个工作日{float(row['daily_rate']) * 1000:g}‰计收资金使用费{wan(fee)}。")
    en = (f"{item.cite_en}: bridge loan of {int(row['principal_yuan']):,} yuan from {date_text(row['start'])} to {date_text(row['end'])}, "
          f"{int(row['working_days'])} working days at {float(row['daily_rate']) * 1000:g}‰ a working day: fee {fee:,} yuan.")
    return zh, en


KIND = Kind(
    name="working_day_fee",
    params={"daily_rate": P("daily_rate", ("ratio_per_working_day",), zh="每个工作日费率", en="rate per working day")},
    events=True,
    awards=False,
    switches={"day_count": Switch(("start_inclusive", "both_ends"), "start_inclusive",
                                  "工作日计数：算头不算尾，或首尾均计", "working days: first day counted and not the last, or both")},
    shape_zh="按每个工作日X‰计算收取", shape_en="a fee per working day",
    explain=_explain,
)


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    pos = select_events(item, ctx, out)
    if not len(pos):
        return out
    fidx, dates, codes = ctx.events_at(pos)  # read at these events only
    principal = event_values(ctx, "principal", pos, "int64", na_value=0)
    start = event_values(ctx, "start", pos, "datetime64[D]")
    end = event_values(ctx, "end", pos, "datetime64[D]")
    first, last = calendar_range()
    bad = (start < first) | (end > last)
    if bad.any():
        src = ctx.facts.sources.get("events")
        problems = []
        for p, s_, e_ in zip(pos[bad][:10], start[bad][:10], end[bad][:10]):
            where = src.row("events", int(p)) if src else f"events row {p}"
            fld, val = ("start", s_) if s_ < first else ("end", e_)
            problems.append(f"{where}: field '{fld}': bridge loan date {val} is outside {first} to {last}, "
                            f"the years the official calendar (chinese-calendar) covers")
        raise FactsError(problems)
    days = working_days(start, end, both_ends=ctx.switch(item, "day_count") == "both_ends")
    rate = param_on(item, "daily_rate", start)
    fee = mul_round_by_rate(mul_count(principal, days), rate)  # checked product
    # a part (kzpolicy/frames.py), joined into the fees table by the engine; dates in seconds as a frame holds them
    sec = "datetime64[s]"
    out.fees.append(part(len(pos), {
        "fidx": fidx, "item": item.id, "event_code": codes,
        "event_date": dates.astype(sec), "principal_yuan": principal, "start": start.astype(sec), "end": end.astype(sec),
        "working_days": days, "daily_rate": rate, "fee_yuan": fee,
    }))
    return out
