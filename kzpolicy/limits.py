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


class _Lines:
    """The award columns limits read and change, as numpy arrays; rows are positions in the award lines.

    Limits mark rows dropped (``keep``) and cut amounts here; :meth:`columns` gives the award
    lines once at the end (one take), instead of a filtered copy of every column per limit.
    ``awards``: :class:`kzpolicy.frames.Columns` (see rules/common.award_frame).
    """

    def __init__(self, awards):
        self.awards = awards
        self.keep = np.ones(awards.n, dtype=bool)
        self.fidx = np.asarray(awards["fidx"], dtype=np.int64)
        self.item = np.asarray(awards["item"], dtype=object)
        self.amount = np.asarray(awards["amount_yuan"], dtype=np.int64)
        from .frames import factorize
        self._item_code, self._items = awards.item_codes(factorize)  # the parts' item ids (kzpolicy/frames.py Columns)
        self.cut = {}  # limit column -> (positions, values), in the order set
        self._dates = None

    def of_items(self, items) -> np.ndarray:
        """The lines kept so far of any of ``items`` (a table by item number: no comparison per line)."""
        items = set(items)
        of = np.array([k in items for k in self._items] + [False], dtype=bool)  # [-1]: a line with no item id
        return of[self._item_code] & self.keep

    def places(self, lim: Limit, pos: np.ndarray) -> np.ndarray:
        """The item's place in the limit's list (-1: not in it) of lines ``pos``, looked up per distinct item."""
        ids = np.empty(len(self._items), dtype=object)
        ids[:] = list(self._items)
        place = np.append(_place_in(lim, ids), -1)
        return place[self._item_code[pos]]

    def col(self, name: str) -> np.ndarray:
        return self.awards[name]

    @property
    def dates(self) -> np.ndarray:
        """The event dates in days (read once; limits never change them)."""
        if self._dates is None:
            self._dates = self.awards["event_date"].astype("datetime64[D]")
        return self._dates

    def excluded(self, rows: np.ndarray, reason: str, zh, en) -> dict:
        """An exclusion part (kzpolicy/frames.py) for award rows ``rows``, in that order; the rows are dropped."""
        from .frames import part
        self.keep[rows] = False
        return part(len(rows), {"fidx": self.fidx[rows], "item": self.item[rows], "event_code": self.col("event_code")[rows],
                                "event_date": self.col("event_date")[rows], "reason": reason, "reason_zh": zh, "reason_en": en})

    def columns(self):
        """The award lines after the limits: dropped rows removed, cut lines changed."""
        from .frames import Columns
        aw = self.awards
        if self.cut:
            aw = Columns(aw, aw.n, aw.parts)  # the cut columns are replaced below, the others shared
            aw["amount_yuan"] = self.amount
            for c, (pos, vals) in self.cut.items():
                if c == "limit":  # text kept as objects (None where no limit cut the line)
                    col = np.array(aw[c], dtype=object, copy=True)
                    col[pos] = vals
                    aw[c] = col
                else:  # Int64
                    col = aw[c].copy()
                    col[pos] = vals
                    aw[c] = col
        if self.keep.all():
            return aw
        return aw.take(np.flatnonzero(self.keep))


def _cite_zh(lim: Limit, policy: Policy) -> str:
    return f"{policy.article(lim.article).cite_zh}“{lim.cite.quote}”"


def apply(awards, ctx, prior: pd.DataFrame, limits: List[Limit]):
    """Apply ``limits`` (in order) to this year's award lines (:class:`kzpolicy.frames.Columns`); returns
    (awards, [excluded parts]).

    The excluded parts are joined into the exclusions frame by :func:`kzpolicy.frames.table_frame`.
    """
    excluded = []
    if not awards.n or not limits:
        return awards, excluded
    lines = _Lines(awards)
    for lim in limits:
        if not lines.keep.any():
            break
        m = lines.of_items(lim.items)
        if not m.any():
            continue
        ex = _APPLY[lim.kind](lines, m, ctx, prior, lim)
        if ex is not None and ex["_n"]:
            excluded.append(ex)
    return lines.columns(), excluded


def _firsts(sorted_keys) -> np.ndarray:
    """True where a row (in sorted order, equal keys together) is the first of its key."""
    n = len(sorted_keys[0])
    first = np.ones(n, dtype=bool)
    if n > 1:
        same = np.ones(n - 1, dtype=bool)
        for k in sorted_keys:
            same &= k[1:] == k[:-1]
        first[1:] = ~same
    return first


def _highest(lines, m, ctx, prior, lim):
    if ctx.switch(lim, "group_payment") != "highest":
        return None
    pos = np.flatnonzero(m)
    f = lines.fidx[pos]
    # by firm, amount highest first, then the lines' order (a stable sort)
    order = pos[np.lexsort((-lines.amount[pos], f))]
    top = _firsts([lines.fidx[order]])
    note_zh, note_en = ctx.switch_note(lim, "group_payment"), ctx.switch_note(lim, "group_payment", zh=False)
    return lines.excluded(order[~top], "superseded", f"同组就高奖励一项：{lim.label.zh}{note_zh}",
                          f"only the highest award of the group is paid: {lim.label.en}{note_en}")


def _date_key(d: np.ndarray) -> np.ndarray:
    """Dates as sortable integers, no date last (as pandas sorts NaT)."""
    k = d.astype("datetime64[D]").astype(np.int64)
    k[np.isnat(d)] = np.iinfo(np.int64).max
    return k


def _place_in(lim: Limit, items: np.ndarray) -> np.ndarray:
    """Each item id's place in the limit's list (-1: not in it); both sides as objects (no text typing first)."""
    return pd.Index(list(lim.items), dtype=object).get_indexer(pd.Index(items, dtype=object, copy=False))


def _first_per_key(lines, pos, prior, keys, lim, by_date_first: bool):
    """Rows ``pos`` sorted (stable) by ``keys``, [the event date,] the item's place in the limit, the event date;
    which of them are not the first per key this year; which keys were paid before, and in which year.
    ``keys`` are (name, sortable values over ``pos``): fidx, project (ranks), item (its place)."""
    item_o = lines.places(lim, pos)
    date_k = _date_key(lines.dates[pos])
    o = np.lexsort([date_k, item_o] + ([date_k] if by_date_first else []) + [v for _, v in keys][::-1])
    later = ~_firsts([v[o] for _, v in keys])
    before = np.zeros(len(pos), dtype=bool)
    when = np.full(len(pos), "", dtype=object)
    if len(prior):
        p = prior[prior["item"].isin(lim.items)]
        names = [k for k, _ in keys]
        if "project" in names:
            p = p[p["project"].notna()]
        if len(p):
            first = p.groupby(names, sort=False)["year"].min()
            raw = {"fidx": lines.fidx[pos], "project": lines.col("project")[pos] if "project" in names else None,
                   "item": lines.item[pos]}
            arrays = [raw[k][o] for k in names]
            probe = pd.MultiIndex.from_arrays(arrays, names=names) if len(names) > 1 else pd.Index(arrays[0])
            hit = probe.isin(first.index)
            before = np.asarray(hit)
            if before.any():
                when[before] = first.reindex(probe[before]).astype(str).to_numpy()
    return pos[o], later, before, when


def _once_per_firm(lines, m, ctx, prior, lim):
    pos = np.flatnonzero(m)
    rows, later, before, when = _first_per_key(lines, pos, prior, [("fidx", lines.fidx[pos])], lim, by_date_first=True)
    lose = later | before
    if not lose.any():
        return None
    zh = np.where(before[lose], np.char.add(np.char.add(f"{lim.label.zh}：已于", when[lose].astype(str)), "年获得，每户一次"),
                  f"{lim.label.zh}：本年度已获得一次，每户一次")
    en = np.where(before[lose], np.char.add(np.char.add(f"{lim.label.en}: already awarded in ", when[lose].astype(str)), "; once per firm"),
                  f"{lim.label.en}: already awarded this year; once per firm")
    return lines.excluded(rows[lose], "once_per_firm", zh, en)


def _one_per_project(lines, m, ctx, prior, lim):
    project = lines.col("project")
    given = lines.awards.given("project")  # lines whose part gave a project (kzpolicy/frames.py Columns.given)
    if given is not None:
        m = m & given
        at = np.flatnonzero(m)
        m[at] = pd.notna(project[at])
    else:
        m = m & pd.notna(project)
    if not m.any():
        return None
    each = ctx.switch(lim, "project_scope") == "each_item"
    pos = np.flatnonzero(m)
    proj_rank = pd.factorize(project[pos], sort=True)[0]
    keys = [("fidx", lines.fidx[pos]), ("project", proj_rank)]
    if each:
        keys.append(("item", lines.places(lim, pos)))
    rows, later, before, when = _first_per_key(lines, pos, prior, keys, lim, by_date_first=False)
    lose = later | before
    if not lose.any():
        return None
    first = ~later
    kept_item = lines.item[rows][np.flatnonzero(first)[np.cumsum(first) - 1]][lose]
    cites = {i: ctx.policy.item(i) for i in pd.unique(kept_item)}
    note_zh, note_en = ctx.switch_note(lim, "project_scope"), ctx.switch_note(lim, "project_scope", zh=False)
    w = when[lose].astype(str)
    same_zh = np.array([f"同一投资项目已按{cites[i].cite_zh}补助，不重复补助{note_zh}" for i in kept_item], dtype=object)
    same_en = np.array([f"the same investment project is already subsidised under {cites[i].cite_en}{note_en}" for i in kept_item], dtype=object)
    zh = np.where(before[lose], np.char.add(np.char.add("同一投资项目已于", w), f"年获得补助，不重复补助{note_zh}"), same_zh)
    en = np.where(before[lose], np.char.add("the same investment project was already subsidised in ", np.char.add(w, note_en)), same_en)
    return lines.excluded(rows[lose], "double_claim", zh, en)


def _total(lines, m, ctx, prior, lim):
    pos = np.flatnonzero(m)
    dates = lines.dates[pos]
    d = np.where(np.isnat(dates), ctx.year_end, dates)
    cap, ok = lim.cap.at_many(d)
    cap = np.where(ok, cap, np.nan)
    fidx = lines.fidx[pos]
    used_before = np.zeros(len(pos), dtype=np.int64)
    if len(prior):
        p = prior[prior["item"].isin(lim.items)]
        if len(p):
            s = p.groupby("fidx")["amount_yuan"].sum()
            used_before = s.reindex(fidx, fill_value=0).to_numpy(dtype=np.int64)
    order = np.lexsort((np.arange(len(pos)), d.astype(np.int64), fidx))
    amt = lines.amount[pos][order]
    f_o = fidx[order]
    # earlier lines of this year, same firm: a running sum restarted at each firm
    run = np.cumsum(amt) - amt
    start = _firsts([f_o])
    cum = run - run[np.flatnonzero(start)[np.cumsum(start) - 1]]
    used = used_before[order] + cum
    c = cap[order]
    room = np.where(np.isnan(c), np.iinfo(np.int64).max, np.maximum(np.nan_to_num(c).astype(np.int64) - used, 0))
    new = np.minimum(amt, room)
    cut = new < amt
    if not cut.any():
        return None
    idx = pos[order]
    cut_idx = idx[cut]
    for name, vals in (("limit", np.full(len(cut_idx), lim.id, dtype=object)), ("limit_before_yuan", amt[cut]),
                       ("limit_used_yuan", used[cut])):
        p0, v0 = lines.cut.get(name, (np.zeros(0, np.int64), vals[:0]))
        lines.cut[name] = (np.concatenate([p0, cut_idx]), np.concatenate([v0, vals]))
    lines.amount = lines.amount.copy()
    lines.amount[cut_idx] = new[cut]
    zero = cut & (new == 0)
    if not zero.any():
        return None
    capz = c[zero].astype(np.int64)
    zh = [f"{lim.label.zh}：{_cite_zh(lim, ctx.policy)}，总额{wan(k)}已用完（此前已获{wan(u)}）" for k, u in zip(capz, used[zero])]
    en = [f"{lim.label.en}: the total of {int(k):,} yuan is used up ({int(u):,} yuan already awarded)" for k, u in zip(capz, used[zero])]
    return lines.excluded(idx[zero], "limit_reached", np.array(zh, dtype=object), np.array(en, dtype=object))


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
