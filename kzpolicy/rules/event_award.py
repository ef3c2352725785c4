"""Fixed award per event (or per counted unit): 升规, recognitions, trademarks, standards, listings…

The statute's shape: 对新认定的……，一次性奖励X万元. Amount = the item's ``amount``
in force on the event date, times the event's ``count`` when the item pays per unit
(市级新产品 per product, standards per standard).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .common import (Later, RuleOutput, _already_awarded, _once, eligible_events, event_values, industrial_required,
                     once_marks, once_of_item, param_at, param_on, requirement_reasons, rows_against_requirements,
                     window_exclusion_text)
from .. import explain as _explain_text
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
    """The item's awards, exclusions and cannot-decide cases. The items of the usual shape (:func:`_plain`) are
    decided together, once per assessment, on the first call (:func:`_together`); each call hands over its own."""
    done = ctx.cache.get(_TOGETHER)
    if done is None:
        done = ctx.cache[_TOGETHER] = _together(ctx)
    got = done.pop(item.id, None)
    if got is not None and got[0] is item:
        return got[1]
    return _assess_one(item, ctx)


UNREAD_ZH, UNREAD_EN = "原文金额未能读取（缺失，不按0计）", "the amount was not read in the source (missing, not zero)"


def _assess_one(item, ctx) -> RuleOutput:
    """:func:`assess` of one item, whatever its shape (the sentence by sentence reading :func:`_together` follows)."""
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
                      event_date=dates[unread], reason_zh=UNREAD_ZH, reason_en=UNREAD_EN)
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


# ---- the items of the usual shape, decided together
_TOGETHER = "event_award.together"

#: from this many events of the usual-shape items on, they are decided together; below (one firm, a few), item by
#: item, where an item with no event costs next to nothing
TOGETHER_MIN = 64


def _plain(item, ctx) -> bool:
    """An item of the usual shape under the readings in force: paid per event (or unit) at one amount, no cap, no
    parent event required, no existing-firm test, the once-rule counting every date, booked in the event's year.
    These steps :func:`_together` does for all such items at once; any other item is read by :func:`_assess_one`."""
    if ctx.switch(item, "parent_event") == "required" or ctx.switch(item, "award_per") == "firm_and_year":
        return False
    if "cap" in item.parameters or item.requires.existing_firm:
        return False
    once = once_of_item(item, ctx)
    if once in ("firm", "year") and ctx.switch(item, "once_counts") == "window":
        return False
    if ctx.switch(item, "booking_year") == "publication_year" and ctx.policy.meta.effective is not None:
        return False
    amount = item.param("amount")
    return len(amount.values) == 1 and amount.first_date <= item.first_date


class _Shape(NamedTuple):
    """What :func:`_together` reads of its items, from the policy and the readings alone (made once per policy and
    readings): the items, and per item how often it pays a firm, its window, its requirements, whether it pays per
    unit, and its one amount (NaN: not read in the source)."""
    items: list
    once: list
    window: np.ndarray
    industrial: np.ndarray
    manufacturing: np.ndarray
    legal_person: np.ndarray
    counted: np.ndarray
    amount: np.ndarray


def _shape(ctx) -> _Shape:
    ids = tuple(it.id for it in ctx.items if it.kind == "event_award")

    def make():
        items = [it for it in ctx.items if it.kind == "event_award" and _plain(it, ctx)]
        amounts = [it.param("amount").at(it.first_date) for it in items]
        return _Shape(items, [once_of_item(it, ctx) for it in items],
                      np.array([ctx.window_start(it) for it in items], dtype="datetime64[D]"),
                      np.array([industrial_required(it, ctx) for it in items], dtype=bool),
                      np.array([bool(it.requires.manufacturing) for it in items], dtype=bool),
                      np.array([bool(it.requires.independent_legal_person) for it in items], dtype=bool),
                      np.array([it.per == "count" for it in items], dtype=bool),
                      np.array([np.nan if v is None else v for v in amounts], dtype=float))
    return ctx.derived(("event_award.together", ids), make)


def _rows(ctx, items) -> tuple:
    """(event positions, each row's item, whether a code belongs to two items) of ``items``' events: each item's rows
    together, in input order (as ``ctx.positions(item.events)`` item after item), read from the events' code numbers
    in one pass (small item numbers: numpy's stable sort of them is a radix sort)."""
    ev = ctx.event_index
    item_of = np.full(len(ev.codes) + 1, -1, dtype=np.int16 if len(items) < 2**15 else np.int32)  # last: no code (-1)
    for k, it in enumerate(items):
        for c in it.events:
            j = ev.at.get(c)
            if j is not None:
                if item_of[j] >= 0:  # a code two items pay for: their positions one by one
                    return _rows_one_by_one(ctx, items)
                item_of[j] = k
    of_all = item_of[ev.code]
    rows = np.flatnonzero(of_all >= 0)
    of = of_all[rows]
    o = np.argsort(of, kind="stable")
    return rows[o], of[o], False


def _rows_one_by_one(ctx, items) -> tuple:
    """:func:`_rows` item after item (``ctx.positions``), for items that share a code (its rows then come twice)."""
    pos = [ctx.positions(i.events) for i in items]
    return np.concatenate(pos), np.repeat(np.arange(len(items)), [len(p) for p in pos]), True


def _together(ctx) -> dict:
    """{item id: (item, its RuleOutput)} for every usual-shape event-award item, decided in one pass over all their
    events: the same steps, rows and parts as :func:`_assess_one` item by item (its order: already awarded, before
    the window, not eligible, cannot decide, the award), with one array operation per step instead of one per item."""
    if len(ctx.ev_fidx) < TOGETHER_MIN:
        return {}
    sh = _shape(ctx)
    items = sh.items
    if not items:
        return {}
    P, of, shared = _rows(ctx, items)
    if len(P) < TOGETHER_MIN:
        return {}
    bounds = np.searchsorted(of, np.arange(len(items) + 1))  # item k's rows: bounds[k]:bounds[k + 1]
    fidx, dates, codes = ctx.events_at(P)
    # once per firm (or per firm and year): a group of events (firm, code[, year]) lies whole inside one item's rows,
    # each item's rows in input order, so the rows of the items paying once are marked by one sort of those rows
    # (common._once); where a code belongs to two items (its rows twice), by the marks of every event
    once = sh.once
    dup = np.zeros(len(P), dtype=bool)
    first_date = dates.copy()
    for kind in ("firm", "year"):
        m = np.flatnonzero(np.array([o == kind for o in once])[of])
        if len(m):
            if shared:
                marks = once_marks(ctx, kind)
                dup[m], first_date[m] = marks[0][P[m]], marks[1][P[m]]
            else:
                dup[m], first_date[m] = _once(ctx, P[m], fidx[m], dates[m], kind)
    in_year = (dates >= ctx.year_start) & (dates <= ctx.year_end)
    already = in_year & dup
    keep = in_year & ~dup
    window = sh.window
    early = keep & (dates < np.maximum(window, ctx.year_start)[of])  # a window opening on 1 January drops nothing
    keep &= ~early
    # requirements, on the rows kept (common.requirement_masks, with each row's item's requirements)
    kk = np.flatnonzero(keep)
    f, kof = fidx[kk], of[kk]
    ok, unknown, first = rows_against_requirements(ctx, f, sh.industrial[kof], sh.manufacturing[kof], None,
                                                   sh.legal_person[kof])
    refused = np.flatnonzero(~ok & ~unknown)  # into kk
    # the amount: one value per item (see _plain); None in the source is not read
    eligible = kk[ok]
    amount = sh.amount[of[eligible]]
    unread = np.isnan(amount)
    paid, amount = eligible[~unread], amount[~unread]
    qty = np.ones(len(paid), dtype=np.int64)
    if sh.counted.any():
        counted = sh.counted[of[paid]]
        if counted.any():  # an event is one unit unless count says more
            q = event_values(ctx, "count", P[paid[counted]], "float64", na_value=np.nan)
            qty[counted] = np.where(np.isnan(q), 1, q).astype(np.int64)
    unit = amount.astype(np.int64)
    total = mul_count(unit, qty)  # checked: int64 or MoneyError, never wrapped

    def cut(rows):  # each item's part of ascending batch rows
        return np.searchsorted(rows, bounds)
    c_already, c_early = (cut(np.flatnonzero(x)) for x in (already, early))
    i_already, i_early = np.flatnonzero(already), np.flatnonzero(early)
    r_refused, r_unknown, r_unread = kk[refused], kk[np.flatnonzero(unknown)], eligible[unread]
    c_refused, c_unknown, c_unread, c_paid = cut(r_refused), cut(r_unknown), cut(r_unread), cut(paid)
    done = {}
    for i, it in enumerate(items):
        out = RuleOutput()
        r = i_already[c_already[i]:c_already[i + 1]]
        if len(r):
            when, per_year = first_date[r], once[i] == "year"
            out.exclude(len(r), "already_awarded", fidx=fidx[r], item=it.id, event_code=codes[r], event_date=dates[r],
                        reason_zh=Later(_already_awarded, when, per_year, 0), reason_en=Later(_already_awarded, when, per_year, 1))
        r = i_early[c_early[i]:c_early[i + 1]]
        if len(r):
            zh, en = window_exclusion_text(it, ctx, window[i])
            out.exclude(len(r), "before_effective", fidx=fidx[r], item=it.id, event_code=codes[r], event_date=dates[r],
                        reason_zh=zh, reason_en=en)
        a, b = c_refused[i], c_refused[i + 1]
        if b > a:
            r = r_refused[a:b]
            rz, re_ = requirement_reasons(it, ctx, first[refused[a:b]])
            out.exclude(b - a, "not_eligible", fidx=fidx[r], item=it.id, event_code=codes[r], event_date=dates[r],
                        reason_zh=rz, reason_en=re_)
        r = r_unknown[c_unknown[i]:c_unknown[i + 1]]
        if len(r):
            out.undecided(len(r), fidx=fidx[r], item=it.id, event_code=codes[r], event_date=dates[r],
                          reason_zh=_explain_text.LEGAL_PERSON_UNKNOWN[0], reason_en=_explain_text.LEGAL_PERSON_UNKNOWN[1])
        r = r_unread[c_unread[i]:c_unread[i + 1]]
        if len(r):
            out.undecided(len(r), fidx=fidx[r], item=it.id, event_code=codes[r], event_date=dates[r],
                          reason_zh=UNREAD_ZH, reason_en=UNREAD_EN)
        a, b = c_paid[i], c_paid[i + 1]
        if b > a:
            r = paid[a:b]
            out.award(b - a, fidx=fidx[r], item=it.id, event_code=codes[r], event_date=dates[r], amount_yuan=total[a:b],
                      count=qty[a:b], unit_amount_yuan=unit[a:b], basis_yuan=unit[a:b].copy(),
                      cap_applied=np.zeros(b - a, dtype=bool), cap_yuan=None)
        done[it.id] = (it, out)
    return done
