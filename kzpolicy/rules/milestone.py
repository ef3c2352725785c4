"""Revenue milestone, first crossing (article 3).

Statute: 对制造业企业（以独立法人计）上年主营业务收入首次突破50亿元、…2亿元的，区级分别给予80万元、…5万元奖励.
For assessment year Y: revenue of Y−1 crosses the tier's threshold ("突破": switch
``crossing``, else the parameter's boundary), and no earlier year crossed it ("首次").
"First" needs the whole history: with a gap the answer is "cannot decide" (switch
``history``). Several tiers crossed at once: a ``highest_of_group`` limit in the policy
data (kzpolicy/limits.py), switched by ``group_payment``.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from ..money import Commas, Wan, YiOrWan, text_column, wan, yi_or_wan
from ..facts import BLOCK
from ..frames import column_array
from .common import (Later, RuleOutput, apply_requirements, established_at, manufacturing_at, param_at_year_end,
                     requirement_masks)
from ..kinds import Kind, P, Switch


def _amount_text_zh(item, d) -> str:
    if d["amount_yuan"] is None:
        return "未读取"
    txt = wan(int(d["amount_yuan"]))
    return f"突破{yi_or_wan(int(d['floor_yuan']))}：{txt}" if d["floor_yuan"] is not None else txt


def _explain(row, item, amt, limited):
    ry = int(row["revenue_year"])
    return (f"依据{item.cite_zh}：{ry}年主营业务收入{yi_or_wan(row['revenue_yuan'])}，首次突破{yi_or_wan(row['threshold_yuan'])}，奖励{wan(amt)}。",
            f"{item.cite_en}: {ry} main-business revenue of {int(row['revenue_yuan']):,} yuan first exceeds "
            f"{int(row['threshold_yuan']):,} yuan: award of {amt:,} yuan.")


KIND = Kind(
    name="revenue_milestone",
    params={"threshold": P("floor", ("yuan",), zh="收入门槛", en="revenue threshold"),
            "amount": P("amount", ("yuan",), zh="奖励金额", en="award")},
    events=False,
    fields={"revenue_year": ("Int64", "收入年度", "revenue year"), "revenue_yuan": ("Int64", "主营业务收入", "main-business revenue"),
            "threshold_yuan": ("Int64", "门槛", "threshold")},
    switches={"crossing": Switch(("exclusive", "inclusive"), None,
                                 "“突破”：大于门槛，或大于等于门槛（未登记时按参数的边界）",
                                 "'break through': strictly above, or at least (unregistered: the parameter's boundary)"),
              "history": Switch(("complete_required", "as_supplied"), "complete_required",
                                "“首次”须有完整收入历史，或以提供的记录为准", "'first' needs the whole revenue history, or the supplied years are the history")},
    shape_zh="上年主营业务收入首次突破……", shape_en="first crossing of revenue tiers",
    amount_text_zh=_amount_text_zh,
    explain=_explain,
)


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    y = ctx.year
    threshold = param_at_year_end(item.param("threshold"), y)
    amount = param_at_year_end(item.param("amount"), y)
    if threshold is None:
        return out
    # the switch "crossing" decides where a reading is registered; otherwise the parameter's boundary
    crossing = ctx.switch(item, "crossing")
    strict = (crossing == "exclusive") if crossing is not None else item.param("threshold").boundary == "exclusive"
    g = _tiers(ctx, item)  # what every tier of the group shares, computed once per assessment
    sub = g["sub"]
    if g["lowest"] == item.id:
        # firms with some financials but no revenue for Y-1: cannot decide
        # (a firm established after Y-1 had no Y-1 revenue to miss: nothing to decide)
        f = g["no_revenue"]
        if len(f):
            out.undecided(len(f), fidx=f, item=item.id,
                          reason_zh=f"无法判断{item.cite_zh}：缺少{y - 1}年主营业务收入", reason_en=f"cannot decide {item.cite_en}: revenue for {y - 1} is missing")
    # only firms whose revenue reaches the lowest tier's near-miss band can cross, have crossed or nearly cross a tier:
    # the rest of the work runs on those (positions in ascending order, as over the whole population)
    r, pm, complete, manuf = g["r"], g["prev_max"], g["complete"], g["manufacturing"]
    # and of those, this tier looks at the ones reaching its own band or crossing it (the rest it neither pays,
    # excludes nor tells a near-miss): a higher tier's work runs on its few
    end = min(threshold, threshold * (1 - ctx.margin))
    if len(sub) and end > g["lo"]:
        at = np.flatnonzero(r >= end)
        sub, r, pm, complete, manuf = sub[at], r[at], pm[at], complete[at], manuf[at]
    crossed = (r > threshold) if strict else (r >= threshold)
    earlier = (pm > threshold) if strict else (pm >= threshold)  # NaN (none before): False
    if ctx.switch(item, "history") == "as_supplied":
        complete = np.ones(len(sub), bool)
    # firms that crossed before: not first (reported whether or not another firm crosses now: a firm's result must not depend on the population)
    was = sub[crossed & earlier & manuf]
    if len(was):
        out.exclude(len(was), "not_first", fidx=was, item=item.id, reason_zh=f"此前年度已突破{yi_or_wan(threshold)}，非首次",
                    reason_en=f"revenue already exceeded {int(threshold):,} yuan in an earlier year: not the first time")
    base = crossed & ~earlier
    k_all = np.flatnonzero(base)
    f_all = sub[k_all]
    if not len(f_all):
        _near(item, ctx, out, r, threshold, amount, strict, earlier, sub)
        return out
    ok_req = apply_requirements(item, ctx, out, f_all, would_get=np.ones(len(f_all), bool))
    f, k = f_all[ok_req], k_all[ok_req]
    dec = complete[k]
    und = f[~dec]
    if len(und):
        out.undecided(len(und), fidx=und, item=item.id,
                      reason_zh=f"无法判断是否“首次”突破：缺少成立以来的完整收入记录{ctx.switch_note(item, 'history')}",
                      reason_en=f"cannot decide whether the crossing is the first: revenue history since establishment is incomplete{ctx.switch_note(item, 'history', zh=False)}")
    f, k = f[dec], k[dec]
    if amount is None:
        out.undecided(len(f), fidx=f, item=item.id, reason_zh="原文金额未能读取（缺失，不按0计）",
                      reason_en="the amount was not read in the source (missing, not zero)")
        return out
    out.award(len(f), fidx=f, item=item.id, amount_yuan=np.int64(amount), basis_yuan=r[k].astype(np.int64),
              revenue_yuan=r[k].astype(np.int64), threshold_yuan=np.int64(threshold), revenue_year=np.int64(y - 1))
    _near(item, ctx, out, r, threshold, amount, strict, earlier, sub)
    return out


def _tiers(ctx, item) -> dict:
    """What the tiers of ``item``'s group share, once per assessment (article 3 in one pass over its tiers).

    Read from the financial rows themselves, at the rows and firms that matter (no year × firm matrix):
    ``sub``: the candidates, firms whose Y−1 revenue reaches the lowest tier's near-miss band (ascending
    positions); at the candidates only: ``r`` (their Y−1 revenue, float), ``prev_max`` (highest revenue
    before Y−1, as far as it decides a tier: :class:`_History`), ``complete`` (history complete since
    establishment, where a tier may be crossed for the first time) and ``manufacturing``; ``lowest``: the
    id of the lowest tier; ``lo``: the lowest end of a tier's look (the candidates' band); ``no_revenue``:
    manufacturing firms with some revenue on record but none for Y−1, established by Y−1 (the lowest tier's
    "cannot decide"). Firm and year are unique in the financials (validation), so a firm has at most one row
    a year.
    """
    key = ("art03_tiers", item.group)
    if key in ctx.cache:
        return ctx.cache[key]
    y = ctx.year
    tiers = sorted((it for it in ctx.policy.items() if it.group == item.group),
                   key=lambda it: it.param("threshold").values[next(iter(it.param("threshold").values))])
    ts = [param_at_year_end(it.param("threshold"), y) for it in tiers]
    ts = [t for t in ts if t is not None]
    # a tier is looked at for a firm whose Y−1 revenue reaches its near-miss band or crosses it (each tier's
    # assess: below these ends a tier neither pays, excludes nor tells a near-miss)
    ends = [min(t, t * (1 - ctx.margin)) for t in ts]
    lo = min(ends) if ts else -np.inf
    ix = ctx.facts.financial_years()
    h = _by_year(ctx, ix, lo, _highest_looked_at(ts, ends)) if ix is not None else _every_row(ctx, lo)
    sub = h.sub
    # complete since establishment: established in or after the first tracked year (before it nothing is
    # on record), and revenue on record for every tracked year before Y−1 the firm existed in. Read only
    # where a tier may be crossed for the first time (a threshold from the highest earlier revenue to the
    # Y−1 revenue: each tier's ``crossed & ~earlier``); False elsewhere, never read there
    pm = np.where(np.isnan(h.prev_max), -np.inf, h.prev_max)
    # the candidates with more thresholds at or below their Y−1 revenue than below their earlier highest: counted
    # tier by tier (a few comparisons over the candidates, ~5x faster than two binary searches per candidate)
    reached, before = np.zeros(len(sub), np.int8), np.zeros(len(sub), np.int8)
    for t in ts:
        reached += h.r >= t
        before += pm > t
    m = np.flatnonzero(reached > before)
    est = established_at(ctx, sub[m])
    first = min(h.first, y - 1)
    complete_m = est >= np.datetime64(f"{first}-01-01", "D")
    # the year of establishment among the tracked years (found among their 1 Januaries; from Y−1 on: Y−1, which
    # needs no year and counts none on record before Y−1), 0 where not complete
    starts = np.arange(f"{first}-01-01", f"{y}-01-01", dtype="datetime64[Y]").astype("datetime64[D]")
    est_all = np.zeros(len(sub), dtype=np.int64)
    est_all[m] = np.where(complete_m, first - 1 + np.searchsorted(starts, est, side="right"), 0)
    need = np.where(complete_m, y - 1 - est_all[m], 0)  # tracked years from establishment to Y−2
    complete = np.zeros(len(sub), dtype=bool)
    complete[m] = complete_m & (h.on_record(est_all)[m] == need)
    # no Y−1 revenue: manufacturing firms with some revenue on record, established by Y−1
    f = h.without_last
    f = f[manufacturing_at(ctx, f)]
    f = f[established_at(ctx, f) <= np.datetime64(f"{y - 1}-12-31", "D")]
    ctx.cache[key] = g = {"sub": sub, "r": h.r, "prev_max": h.prev_max, "complete": complete,
                          "manufacturing": manufacturing_at(ctx, sub), "lowest": tiers[0].id if tiers else item.id,
                          "no_revenue": f, "lo": lo}
    return g


class _History(NamedTuple):
    """What article 3 reads from the financial rows for assessment year Y (``_by_year`` and ``_every_row`` agree
    on every tier's answer)."""

    sub: np.ndarray  # the candidates: firms with Y−1 revenue on record reaching the band (ascending positions)
    r: np.ndarray  # their Y−1 revenue (float)
    prev_max: np.ndarray  # their highest revenue on record before Y−1 (NaN: none), or one above every tier looked at
    on_record: Callable  # (since: a year per candidate) -> its years with revenue on record from ``since`` to Y−2
    first: int  # the first year of any financial row (Y−1 when there are none)
    without_last: np.ndarray  # firms with some revenue on record but none for Y−1 (ascending positions)


def _band(revenue, lo: float) -> float:
    """The band's lower end compared with the stored revenue: whole yuan over an integer column."""
    return math.ceil(lo) if np.isfinite(lo) and pd.api.types.is_integer_dtype(revenue.dtype) else lo


def _highest_looked_at(ts, ends) -> Callable:
    """Per Y−1 revenue (float), the highest threshold among ``ts`` of a tier looked at (``ends``: where each
    tier's look begins; -inf: none)."""
    order = np.argsort(np.array(ends, dtype=np.float64), kind="stable")
    end = np.array(ends, dtype=np.float64)[order]
    top = np.concatenate([[-np.inf], np.maximum.accumulate(np.array(ts, dtype=np.float64)[order])])

    def highest(r):  # top at the number of ends at or below r (searchsorted side="right")
        if len(r) <= 256:  # a few revenues (one firm): one binary search, fewer numpy calls
            return top.take(np.searchsorted(end, r, side="right"))
        at = np.zeros(len(r), dtype=np.intp)  # many: counted end by end, a few comparisons instead of a search each
        for e in end.tolist():
            at += r >= e
        return top.take(at)
    return highest


def _by_year(ctx, ix, lo: float, highest: Callable) -> _History:
    """:class:`_History` from the rows grouped by year (``Facts.financial_years``): Y−1's rows, then each earlier
    year's rows of the candidates (found by the year's firm bits), latest first, while an earlier revenue may
    still decide a tier (``highest``: :func:`_highest_looked_at`; once above it, a higher one decides no tier
    differently: ``prev_max`` stops there); the firms without Y−1 revenue from each firm's years with revenue
    on record. No pass over every row."""
    y = ctx.year
    fpos = ctx.facts.firm_positions("financials")
    arr = column_array(ctx.facts.financials, "revenue")  # Int64 (validated)
    data, na, band = arr._data, arr._mask, _band(arr, lo)
    last = ix.rows(y - 1)
    every = bool(ix.full[ix.years == y - 1].any())  # a row for every firm: firm p's row is the year's p-th
    sub, r = [np.zeros(0, np.int64)], [np.zeros(0, np.float64)]
    for a in range(last.start, last.stop, BLOCK):  # the few reaching the band, on record; read while the block is at hand
        s = slice(a, min(a + BLOCK, last.stop))
        d = data[s]
        k = np.flatnonzero(d >= band)
        k = k[~na[s][k]]
        sub.append(k + (a - last.start) if every else fpos[s][k].astype(np.int64))
        r.append(d[k].astype(np.float64))
    sub, r = np.concatenate(sub), np.concatenate(r)  # ascending: firms ascend within a year
    bits = ix.revenue_years
    their_years = bits.take(sub)
    width = 8 * bits.dtype.itemsize
    below = np.array([(1 << k) - 1 for k in range(width + 1)], dtype=bits.dtype)  # the bits of the first k years
    upto = below[min(max(y - 1 - ix.first, 0), width)]  # years before Y−1
    # earlier years, latest first: each open candidate's row of the year found by counting bits, the highest
    # read where its revenue is on record, in whole yuan (the same highest as over the revenues as floats); a
    # candidate is closed once that is above every tier it is looked at for (a higher one changes no tier's
    # "earlier": above stays above)
    top = np.full(len(sub), np.iinfo(np.int64).min)
    cap = highest(r)
    open_ = None  # every candidate (then the open ones' positions among them)
    for i in np.argsort(-ix.years, kind="stable"):
        yr = ix.years[i]
        if yr < y - 1 and len(sub) and (open_ is None or len(open_)):
            f = sub if open_ is None else sub[open_]
            at = ix.rows_of(i, f)  # a firm without a row that year: a neighbour's row, not read
            known = (their_years if open_ is None else their_years.take(open_)) & ix.bit(yr)
            if open_ is None:
                np.maximum(top, data.take(at, mode="clip"), out=top, where=known != 0)
                open_ = np.flatnonzero(~(top > cap))
            else:
                t = np.maximum(top.take(open_), data.take(at, mode="clip"), where=known != 0, out=top.take(open_))
                top[open_] = t
                open_ = open_[~(t > cap.take(open_))]
    prev_max = np.where((their_years & upto) != 0, top, np.nan)

    def on_record(since):
        return np.bitwise_count(their_years & upto & ~below.take(np.clip(since - ix.first, 0, width))).astype(np.int64)
    if every:  # every firm has a Y−1 row: those without Y−1 revenue are its few rows without one
        without = np.flatnonzero(na[last])
        without = without[bits.take(without) != 0]
    else:
        without = np.flatnonzero((bits != 0) & ((bits & ix.bit(y - 1)) == 0))
    return _History(sub, r, prev_max, on_record, ix.first, without)


def _every_row(ctx, lo: float) -> _History:
    """:class:`_History` from every financial row, in any order (rows not grouped by year, or replaced after
    validation): two passes over the rows."""
    y = ctx.year
    fin = ctx.facts.financials
    # the passes over the financial rows go block by block (BLOCK rows: temporaries a block long, reused by the
    # allocator, instead of a fresh bool/index array over all rows per step: ~0.5 GB of new pages per call at 10M)
    if len(fin):
        fpos, years = ctx.financial_rows()  # the Context's own reading (no copy of 3.4M years at 1M)
        revenue = fin["revenue"]
        arr = revenue.array
        band = _band(revenue, lo)
        if isinstance(arr, pd.arrays.IntegerArray):
            def known_at(s):  # revenue on record at rows s (a slice or positions)
                return ~arr._mask[s]

            def reaches(s):  # revenue >= the band's lower end at rows s (missing: no); whole yuan over the integer buffer
                return arr._data[s] >= band
        else:
            def known_at(s):
                return ~np.asarray(pd.isna(arr[s]), dtype=bool)

            def reaches(s):
                return (arr[s] >= band).to_numpy(dtype=bool, na_value=False)
        first_tracked = int(years.min())
    else:
        fpos, years = np.zeros(0, np.intp), np.zeros(0, np.int64)
        revenue, first_tracked = None, y - 1

        def known_at(s):
            return np.zeros(0, bool)
    nrows = len(fpos)

    def revenue_at(rows):  # revenue (float, NaN where missing) at some rows
        return revenue.array[rows].to_numpy(dtype="float64", na_value=np.nan) if revenue is not None else np.zeros(0)
    # each firm's kind: 2 a candidate, 1 Y−1 revenue known (not a candidate), 0 no Y−1 revenue
    kind = np.zeros(ctx.n, dtype=np.int8)
    cand = []  # the candidates' Y−1 rows (a few): Y−1, revenue known, reaching the band
    for a in range(0, nrows, BLOCK):
        s = slice(a, min(a + BLOCK, nrows))
        at1k = (years[s] == y - 1) & known_at(s)
        kind[fpos[s][at1k].astype(np.intp)] = 1  # native indices: a scatter ~2x faster than by int32
        cand.append(np.flatnonzero(at1k & reaches(s)) + a)
    rows = np.concatenate(cand) if cand else np.zeros(0, np.intp)
    sub = fpos[rows].astype(np.int64)
    order = np.argsort(sub, kind="stable")
    sub, r = sub[order], revenue_at(rows[order])
    kind[sub] = 2
    # read at every row: the rows of candidates and of firms without Y−1 revenue, with their firms' kind
    k_any, at_k = [], []
    for a in range(0, nrows, BLOCK):
        at = np.take(kind, fpos[a:a + BLOCK])  # take: no intp copy of the int32 positions (~30% cheaper than kind[...])
        hit = np.flatnonzero(at != 1)
        k_any.append(hit + a)
        at_k.append(at[hit])
    k_any = np.concatenate(k_any) if k_any else np.zeros(0, np.intp)
    at_k = np.concatenate(at_k) if at_k else np.zeros(0, np.int8)
    # the candidates' other years: the highest revenue before Y−1; the years with revenue on record
    k = k_any[at_k == 2]
    k = k[(years[k] < y - 1) & known_at(k)]
    place = np.empty(ctx.n, dtype=np.int32)  # a candidate's number (read at the candidates only)
    place[sub] = np.arange(len(sub), dtype=np.int32)
    j, j_year = place.take(fpos[k]), years[k]
    prev_max = np.full(len(sub), np.nan)
    np.fmax.at(prev_max, j, revenue_at(k))
    # firms without Y−1 revenue with revenue on record in another year
    k = k_any[at_k == 0]
    without = np.unique(fpos[k[known_at(k)]]).astype(np.int64)

    def on_record(since):
        return np.bincount(j[j_year >= since[j]], minlength=len(sub))
    return _History(sub, r, prev_max, on_record, first_tracked, without)


def _near(item, ctx, out, r, threshold, amount, strict, earlier, sub):
    """Near-misses among the candidates ``sub`` (``r``: their Y−1 revenue; ``earlier`` is over ``sub``)."""
    if amount is None:
        return
    below = (r <= threshold) if strict else (r < threshold)
    near = below & (r >= threshold * (1 - ctx.margin)) & ~earlier
    f, rf = sub[near], r[near]
    if len(f):  # only firms that meet the item's other requirements are told how close they are
        ok = requirement_masks(item, ctx, f)[0]
        f, rf = f[ok], rf[ok]
    if not len(f):
        return
    revs = rf.astype(np.int64)
    miss = (threshold - rf).astype(np.int64) + (1 if strict else 0)
    op = "超过" if strict else "达到"
    # the parts that do not change from firm to firm are formatted once, the figures for all rows at once
    zh_a, zh_b, zh_c = f"{ctx.year - 1}年主营业务收入", f"，须{op}{yi_or_wan(threshold)}（还差", f"），可获奖励{wan(amount)}"
    en_a, en_b = f"{ctx.year - 1} revenue of ", f" yuan must {'exceed' if strict else 'reach'} {int(threshold):,} yuan ("
    en_c = f" yuan more), worth {int(amount):,} yuan"
    out.near_miss(len(f), fidx=f, item=item.id, condition="threshold", actual=revs,
                  required=np.int64(threshold), missing=miss, worth_yuan=np.int64(amount),
                  message_zh=Later(text_column, zh_a, YiOrWan(revs), zh_b, Wan(miss), zh_c),
                  message_en=Later(text_column, en_a, Commas(revs), en_b, Commas(miss), en_c))
