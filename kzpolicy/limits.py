"""Limits across items, events and years: declared in the policy YAML, evaluated on what was awarded.

A limit is policy data (``limits:`` in an article file, with its citation); its kind is
one of :data:`LIMIT_KINDS`:

``highest_of_group``  就高: of the group's awards to a firm in one year only the highest is paid
                      (switch ``group_payment``: highest | each).
``once_per_firm``     一次性: one award per firm over the listed items, all their event codes and
                      all years (the first one by date).
``one_per_project``   one subsidy per investment project across the listed items and years
                      (switch ``project_scope``: all_items — once per project; each_item — once per
                      project and item). Within a year the first item in policy order keeps it.
``total_per_firm``    总额不超过: the firm's awards from the listed items, over all years of the policy,
                      add up to at most ``cap``; a line that would pass it is cut to what is left.

**One mechanism, after the items, on awarded amounts.** :func:`apply` runs on the award
lines the rule kinds produced for the assessed year. A refused, undetermined or excluded
event never reaches it, so it never uses up a limit; a line a limit removes is reported
as excluded with the limit's reason.

**Earlier years** (once_per_firm, one_per_project, total_per_firm look back): :func:`prior_awards`
assesses the same facts for every earlier year in which an event of the limits' items
happened — only those items, only the limits among them, in year order, each year's result
feeding the next — and returns the lines that were actually paid. So "what was awarded
before" is computed by the same rules from the firm's own earlier events; nothing is
guessed, and an earlier claim that was refused counts for nothing.

Every sentence a user reads about a limit is in :data:`LIMIT_KINDS` below.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import numpy as np
import pandas as pd

from .kinds import Switch
from .money import wan
from .policy import Limit, Policy


@dataclass(frozen=True)
class LimitKind:
    name: str
    needs_cap: bool
    spans_years: bool
    order: int                       # evaluation order within a year (highest first, totals last)
    reason: str                      # the exclusion reason code of a line the limit removes
    zh: str
    en: str
    switches: Dict[str, Switch] = field(default_factory=dict)


LIMIT_KINDS: Dict[str, LimitKind] = {k.name: k for k in [
    LimitKind("highest_of_group", False, False, 0, "superseded",
              "同一企业同一年度只奖励本组金额最高的一项", "only the group's highest award to a firm in a year is paid",
              {"group_payment": Switch(("highest", "each"), "highest",
                                       "就高奖励一项，或每项分别奖励", "the highest award only, or each award")}),
    LimitKind("once_per_firm", False, True, 1, "once_per_firm",
              "每户一次性奖励（以下事项合计一次）", "one award per firm across these items and years"),
    LimitKind("one_per_project", False, True, 2, "double_claim",
              "同一投资项目不重复补助", "one subsidy per investment project",
              {"project_scope": Switch(("all_items", "each_item"), "all_items",
                                       "同一项目只补一次，或每条各补一次", "once per project, or once per project and item")}),
    LimitKind("total_per_firm", True, True, 3, "limit_reached",
              "每户总额不超过上限（各年合计）", "the firm's total over all years is capped",
              {"stages": Switch(("sum_of_payments",), "sum_of_payments",
                                "分期兑现的奖补逐笔计入同一总额", "rewards paid in stages each count against the one total")}),
]}

#: limit columns of an award line (filled where a limit cut the line)
LIMIT_FIELDS = ("limit", "limit_before_yuan", "limit_used_yuan")


def ordered(policy: Policy) -> List[Limit]:
    return sorted(policy.limits(), key=lambda lim: (LIMIT_KINDS[lim.kind].order, lim.article, lim.id))


def lookback_items(policy: Policy) -> Tuple[set, List[Limit]]:
    """Items whose earlier years' awards a limit needs, and the limits evaluated among them."""
    items = set()
    for lim in policy.limits():
        if LIMIT_KINDS[lim.kind].spans_years:
            items |= set(lim.items)
    if not items:
        return items, []
    changed = True
    while changed:  # limits sharing an item with these change what they paid: include them
        changed = False
        for lim in policy.limits():
            if items & set(lim.items) and not set(lim.items) <= items:
                items |= set(lim.items)
                changed = True
    return items, [lim for lim in ordered(policy) if set(lim.items) <= items]


def _excluded(rows: pd.DataFrame, reason: str, zh, en) -> pd.DataFrame:
    from .rules.common import EXCL_COLUMNS
    return pd.DataFrame({
        "fidx": rows["fidx"].to_numpy(), "item": rows["item"].to_numpy(), "event_code": rows["event_code"].to_numpy(),
        "event_date": rows["event_date"].to_numpy(), "reason": reason, "reason_zh": zh, "reason_en": en,
    }, columns=EXCL_COLUMNS)


def _cite_zh(lim: Limit, policy: Policy) -> str:
    return f"{policy.article(lim.article).cite_zh}“{lim.cite.quote}”"


def apply(awards: pd.DataFrame, ctx, prior: pd.DataFrame, limits: List[Limit]):
    """Apply ``limits`` (in order) to this year's award lines; returns (awards, [excluded frames])."""
    excluded = []
    for lim in limits:
        if not len(awards):
            break
        m = awards["item"].isin(lim.items).to_numpy()
        if not m.any():
            continue
        awards, ex = _APPLY[lim.kind](awards, m, ctx, prior, lim)
        if ex is not None and len(ex):
            excluded.append(ex)
    return awards, excluded


def _highest(awards, m, ctx, prior, lim):
    if ctx.switch(lim, "group_payment") != "highest":
        return awards, None
    sub = awards[m]
    order = sub.sort_values(["fidx", "amount_yuan"], ascending=[True, False], kind="stable")
    top = ~order.duplicated(["fidx"], keep="first").to_numpy()
    lose = order[~top]
    note_zh, note_en = ctx.switch_note(lim, "group_payment"), ctx.switch_note(lim, "group_payment", zh=False)
    ex = _excluded(lose, "superseded", f"同组就高奖励一项：{lim.label.zh}{note_zh}",
                   f"only the highest award of the group is paid: {lim.label.en}{note_en}")
    return awards.drop(index=lose.index), ex


def _first_per_key(awards, m, prior, keys, lim, order_cols):
    """Lines of ``awards[m]`` that are not the first per key this year, and those whose key was paid before."""
    sub = awards[m]
    sub = sub.assign(_o=sub["item"].map({k: i for i, k in enumerate(lim.items)}))
    sub = sub.sort_values(order_cols + ["_o", "event_date"], kind="stable")
    later = sub.duplicated(keys, keep="first").to_numpy()
    before = np.zeros(len(sub), dtype=bool)
    when = np.full(len(sub), "", dtype=object)
    if len(prior):
        p = prior[prior["item"].isin(lim.items)]
        if "project" in keys:
            p = p[p["project"].notna()]
        if len(p):
            first = p.groupby(keys, sort=False)["year"].min()
            probe = pd.MultiIndex.from_frame(sub[keys]) if len(keys) > 1 else pd.Index(sub[keys[0]])
            hit = probe.isin(first.index)
            before = np.asarray(hit)
            if before.any():
                when[before] = first.reindex(probe[before]).astype(str).to_numpy()
    return sub, later, before, when


def _once_per_firm(awards, m, ctx, prior, lim):
    sub, later, before, when = _first_per_key(awards, m, prior, ["fidx"], lim, ["fidx", "event_date"])
    lose = later | before
    if not lose.any():
        return awards, None
    rows = sub[lose]
    zh = np.where(before[lose], np.char.add(np.char.add(f"{lim.label.zh}：已于", when[lose].astype(str)), "年获得，每户一次"),
                  f"{lim.label.zh}：本年度已获得一次，每户一次")
    en = np.where(before[lose], np.char.add(np.char.add(f"{lim.label.en}: already awarded in ", when[lose].astype(str)), "; once per firm"),
                  f"{lim.label.en}: already awarded this year; once per firm")
    return awards.drop(index=rows.index), _excluded(rows, "once_per_firm", zh, en)


def _one_per_project(awards, m, ctx, prior, lim):
    m = m & awards["project"].notna().to_numpy()
    if not m.any():
        return awards, None
    each = ctx.switch(lim, "project_scope") == "each_item"
    keys = ["fidx", "project"] + (["item"] if each else [])
    sub, later, before, when = _first_per_key(awards, m, prior, keys, lim, ["fidx", "project"])
    lose = later | before
    if not lose.any():
        return awards, None
    rows = sub[lose]
    kept_item = sub.groupby(keys, sort=False)["item"].transform("first").to_numpy()[lose]
    kept = [ctx.policy.item(i) for i in kept_item]
    note_zh, note_en = ctx.switch_note(lim, "project_scope"), ctx.switch_note(lim, "project_scope", zh=False)
    w = when[lose].astype(str)
    same_zh = np.array([f"同一投资项目已按{it.cite_zh}补助，不重复补助{note_zh}" for it in kept], dtype=object)
    same_en = np.array([f"the same investment project is already subsidised under {it.cite_en}{note_en}" for it in kept], dtype=object)
    zh = np.where(before[lose], np.char.add(np.char.add("同一投资项目已于", w), f"年获得补助，不重复补助{note_zh}"), same_zh)
    en = np.where(before[lose], np.char.add("the same investment project was already subsidised in ", np.char.add(w, note_en)), same_en)
    return awards.drop(index=rows.index), _excluded(rows, "double_claim", zh, en)


def _total(awards, m, ctx, prior, lim):
    sub = awards[m]
    dates = sub["event_date"].to_numpy(dtype="datetime64[D]")
    d = np.where(np.isnat(dates), ctx.year_end, dates)
    cap, ok = lim.cap.at_many(d)
    cap = np.where(ok, cap, np.nan)
    fidx = sub["fidx"].to_numpy(dtype=np.int64)
    used_before = np.zeros(len(sub), dtype=np.int64)
    if len(prior):
        p = prior[prior["item"].isin(lim.items)]
        if len(p):
            s = p.groupby("fidx")["amount_yuan"].sum()
            used_before = s.reindex(fidx, fill_value=0).to_numpy(dtype=np.int64)
    order = np.lexsort((np.arange(len(sub)), d.astype(np.int64), fidx))
    amt = sub["amount_yuan"].to_numpy(dtype=np.int64)[order]
    f_o = fidx[order]
    cum = pd.Series(amt).groupby(f_o).cumsum().to_numpy() - amt  # earlier lines of this year, same firm
    used = used_before[order] + cum
    c = cap[order]
    room = np.where(np.isnan(c), np.iinfo(np.int64).max, np.maximum(np.nan_to_num(c).astype(np.int64) - used, 0))
    new = np.minimum(amt, room)
    cut = new < amt
    if not cut.any():
        return awards, None
    idx = sub.index.to_numpy()[order]
    awards = awards.copy()
    cut_idx = idx[cut]
    awards.loc[cut_idx, "limit"] = lim.id
    awards.loc[cut_idx, "limit_before_yuan"] = amt[cut]
    awards.loc[cut_idx, "limit_used_yuan"] = used[cut]
    awards.loc[cut_idx, "amount_yuan"] = new[cut]
    zero = cut & (new == 0)
    ex = None
    if zero.any():
        rows = awards.loc[idx[zero]]
        capz = c[zero].astype(np.int64)
        zh = [f"{lim.label.zh}：{_cite_zh(lim, ctx.policy)}，总额{wan(k)}已用完（此前已获{wan(u)}）" for k, u in zip(capz, used[zero])]
        en = [f"{lim.label.en}: the total of {int(k):,} yuan is used up ({int(u):,} yuan already awarded)" for k, u in zip(capz, used[zero])]
        ex = _excluded(rows, "limit_reached", np.array(zh, dtype=object), np.array(en, dtype=object))
        awards = awards.drop(index=idx[zero])
    return awards, ex


_APPLY = {"highest_of_group": _highest, "once_per_firm": _once_per_firm, "one_per_project": _one_per_project,
          "total_per_firm": _total}


def limit_sentence(row, lim: Limit, policy: Policy) -> Tuple[str, str]:
    """zh/en clause added to an award line a limit cut: what the total is and what was left."""
    before, used = int(row["limit_before_yuan"]), int(row["limit_used_yuan"])
    total = used + int(row["amount_yuan"])
    zh = (f"按{_cite_zh(lim, policy)}，{lim.label.zh}：此前已获{wan(used)}，本项应得{wan(before)}，按余额给予{wan(int(row['amount_yuan']))}"
          f"（合计{wan(total)}）。")
    en = (f"{lim.label.en}: {used:,} yuan already awarded, so this line is cut from {before:,} to the {int(row['amount_yuan']):,} "
          f"yuan left (total {total:,} yuan).")
    return zh, en
