"""Shared pieces of the rule kinds: output frames, event selection, eligibility."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import List, Optional

import numpy as np
import pandas as pd

from .. import explain, kinds
from ..facts import INDUSTRIAL, INDUSTRIES
from ..frames import Columns, LineParts, pandas_array, part, stable_order
from ..money import as_fraction, mul_round
from ..policy import Item, Param

#: the columns every award line has; each kind adds its declared fields (kzpolicy/kinds.py), and limits theirs
AWARD_CORE = ["fidx", "item", "event_code", "event_date", "amount_yuan", "basis_yuan", "cap_applied", "project"]


@lru_cache(maxsize=1)
def award_fields():
    """{field: dtype} of every kind's declared ledger fields, in registry order, then the limit fields."""
    out = {}
    for k in kinds.registry().values():
        for name, (dtype, _, _) in k.fields.items():
            if out.setdefault(name, dtype) != dtype:
                raise ValueError(f"ledger field {name!r} is declared with two dtypes ({out[name]}, {dtype})")
    out.update({"limit": "object", "limit_before_yuan": "Int64", "limit_used_yuan": "Int64"})
    return out


@lru_cache(maxsize=1)
def award_columns():
    return AWARD_CORE + list(award_fields())

@lru_cache(maxsize=1)
def _award_column_set():
    return frozenset(award_columns())


NEAR_COLUMNS = ["fidx", "item", "event_code", "event_date", "condition", "actual", "required", "missing",
                "worth_yuan", "message_zh", "message_en"]
UNDET_COLUMNS = ["fidx", "item", "event_code", "event_date", "reason_zh", "reason_en"]
EXCL_COLUMNS = ["fidx", "item", "event_code", "event_date", "reason", "reason_zh", "reason_en"]


def frame(columns, n=0, object_text=False, **cols) -> pd.DataFrame:
    """A frame with exactly ``columns``; scalars broadcast, missing columns are NA.

    ``object_text`` keeps text columns as plain object arrays instead of pandas' text
    dtype (for award lines, which the engine turns into the ledger column by column).
    """
    data = {}
    for c in columns:
        if c in cols:
            v = cols[c]
            if np.ndim(v) == 0 and (v is None or isinstance(v, str)):
                a = np.empty(n, dtype=object)  # filled with None; np.full/np.repeat are slow for text
                a[:] = v
                data[c] = a
            else:
                data[c] = np.repeat(v, n) if np.ndim(v) == 0 else v
        else:
            data[c] = np.empty(n, dtype=object)  # None
        if object_text and isinstance(data[c], np.ndarray) and data[c].dtype == object:
            data[c] = pd.Series(data[c], dtype=object, copy=False)
    return pd.DataFrame(data, columns=columns)


class Later:
    """A part's column written when its table is built: the result's near-miss, cannot-decide and exclusion
    tables are built on first read (kzpolicy/engine.py Assessment), so their sentences are written only for
    results someone reads (issue 12). ``fn(*args)``; the arguments are the rule's own arrays (fresh copies,
    nothing writes into them later; an argument that is itself a ``Later`` is written first); the numbers the rule
    decides on are never deferred, only their text."""

    __slots__ = ("fn", "args")

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __call__(self):
        return self.fn(*(a() if isinstance(a, Later) else a for a in self.args))


@dataclass
class RuleOutput:
    awards: List[pd.DataFrame] = field(default_factory=list)
    near: List[pd.DataFrame] = field(default_factory=list)
    undetermined: List[pd.DataFrame] = field(default_factory=list)
    excluded: List[pd.DataFrame] = field(default_factory=list)
    fees: List[pd.DataFrame] = field(default_factory=list)
    townships: List[pd.DataFrame] = field(default_factory=list)

    def award(self, n, **cols):
        """Award lines: only the given columns, as arrays of length n (joined once by :func:`award_frame`)."""
        if n:
            unknown = set(cols) - _award_column_set()
            if unknown:
                raise KeyError(f"award line fields {sorted(unknown)} are not declared by any kind (kzpolicy/kinds.py)")
            part = {}
            dtypes = award_dtypes()
            for c, v in cols.items():
                if v is None:
                    continue
                if np.ndim(v) == 0:
                    if isinstance(v, str):
                        if dtypes[c] == "object":  # one text on every line (an item id): kept as it is (award_frame)
                            part[c] = v
                            continue
                        a = np.empty(n, dtype=object)
                        a[:] = v
                        v = a
                    else:
                        v = np.repeat(v, n)
                part[c] = np.asarray(v)
            part["_n"] = n
            self.awards.append(part)

    # near-misses, cannot-decide cases and exclusions: kept as parts (columns, scalars broadcast), joined
    # once per table by the engine (kzpolicy/frames.py: the same frame as one DataFrame per part, concatenated)
    def near_miss(self, n, **cols):
        if n:
            self.near.append(part(n, cols))

    def undecided(self, n, **cols):
        if n:
            self.undetermined.append(part(n, cols))

    def exclude(self, n, reason, **cols):
        if n:
            cols["reason"] = reason
            self.excluded.append(part(n, cols))

    def extend(self, other: "RuleOutput"):
        for k in ("awards", "near", "undetermined", "excluded", "fees", "townships"):
            getattr(self, k).extend(getattr(other, k))


#: dtypes of the core award columns ("date": datetime64[D]; kinds declare their fields' dtypes)
_CORE_DTYPES = {"fidx": "int64", "item": "object", "event_code": "object", "event_date": "date", "amount_yuan": "int64",
                "basis_yuan": "Int64", "cap_applied": "bool", "project": "object"}


@lru_cache(maxsize=1)
def award_dtypes():
    """{column: dtype} of award lines, core columns first (see :func:`award_columns`)."""
    return {**_CORE_DTYPES, **award_fields()}


def award_frame(parts) -> Columns:
    """The award lines (the columns of :func:`award_columns`, :class:`kzpolicy.frames.Columns`) from the parts
    rules produced; the limits and the ledger read them as arrays.

    Joined column by column with numpy into the column's own dtype: numbers as Int64 or
    float (a part without the field gives <NA> or NaN there), dates as dates (in seconds,
    as a frame holds them), flags as bool (False where not given), text as plain object
    arrays with None (not pandas' text dtype). One typed column per field, however many kinds fill it.
    The parts are emptied column by column as they are joined (a part's arrays are freed as soon
    as the lines hold them: the parts and all the lines are never in memory together).
    """
    dtypes = award_dtypes()
    parts = [p for p in parts if p["_n"]]
    ns = [p["_n"] for p in parts]
    n = sum(ns)
    starts = np.cumsum([0] + ns)
    # each line's part, each part's item id (a rule gives one per call) and which parts gave each column
    items = [p.get("item") for p in parts]
    item_code = uniq = None
    if all(isinstance(i, str) for i in items):
        at = {}
        item_code = np.array([at.setdefault(i, len(at)) for i in items], dtype=np.intp)
        uniq = list(at)
    # which parts give each column, in one pass over the parts (a part holds only the columns given: award())
    holds: dict = {}
    for i, p in enumerate(parts):
        for c in p:
            holds.setdefault(c, []).append(i)
    given = {}
    for c in dtypes:
        h = holds.get(c, [])
        if len(h) != len(parts):
            g = given[c] = np.zeros(len(parts), dtype=bool)
            g[h] = True
    line = np.repeat(np.arange(len(parts), dtype=np.min_scalar_type(max(len(parts) - 1, 0))), ns)
    data = {}
    for c, dt in dtypes.items():
        pieces = [(starts[i], starts[i + 1], parts[i].pop(c)) for i in holds.get(c, [])]
        if dt == "int64" and len(pieces) == len(parts) and pieces:
            data[c] = np.concatenate([np.asarray(x, dtype=np.int64) for _, _, x in pieces]) if len(pieces) > 1 \
                else np.array(pieces[0][2], dtype=np.int64)  # a copy: the frame owns its arrays
        elif dt in ("int64", "Int64"):
            vals, mask = np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
            for a, b, x in pieces:
                if x.dtype.kind in "iub":
                    vals[a:b], mask[a:b] = x, False
                else:  # floats with NaN, or objects with None: integral values only (as pd.array checks)
                    arr = pd.array(x if x.dtype.kind == "f" else _numeric_values(x), dtype=pd.Int64Dtype())
                    vals[a:b], mask[a:b] = arr.to_numpy(dtype=np.int64, na_value=0), arr.isna()
            data[c] = pd.arrays.IntegerArray(vals, mask)
        elif dt == "float":
            a_ = np.full(n, np.nan)
            for a, b, x in pieces:
                a_[a:b] = x if x.dtype.kind in "fiub" else _numeric_values(x)
            data[c] = a_
        elif dt == "bool":
            a_ = np.zeros(n, dtype=bool)
            for a, b, x in pieces:
                a_[a:b] = pd.array(x, dtype="boolean").to_numpy(dtype=bool, na_value=False) if x.dtype == object else x
            data[c] = a_
        elif dt == "date":
            a_ = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
            for a, b, x in pieces:
                a_[a:b] = x
            data[c] = a_.astype("datetime64[s]")  # as a frame holds them
        else:
            a_ = np.empty(n, dtype=object)
            for a, b, x in pieces:
                if isinstance(x, str) or x.dtype == object:  # a text for every line of the part, or objects
                    a_[a:b] = x
                else:  # numbers or dates given for a text field: as objects, a missing value as None (never NaN)
                    v = x.astype(object)
                    v[pd.isna(x)] = None
                    a_[a:b] = v
            data[c] = a_  # objects (a frame of them keeps them objects)
    return Columns(data, n, LineParts(line, uniq, item_code, given))


def _numeric_values(x: np.ndarray) -> np.ndarray:
    """Numbers and None (object array) as float64 with NaN (exact below 2**53)."""
    return pd.to_numeric(pd.Series(x, dtype=object), errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)


def fmt_date(d) -> np.ndarray:
    return np.datetime_as_string(np.asarray(d, dtype="datetime64[D]"))


def param_at(param: Param, dates) -> np.ndarray:
    """Parameter values on each date (float, NaN where the value is null or not yet in force)."""
    return param.at_many(dates)[0]  # NaN where not in force already


def param_on(item: Item, name: str, dates) -> np.ndarray:
    """:func:`param_at` for an event-triggered item's parameter on its event dates.

    Events reach a rule only from the item's window start (see :func:`select_events`).
    Under the switch ``window_open=year_start`` that window opens on 1 January,
    before the first published value: such events take the values published on the
    item's first date, instead of a missing value (which read as "not read" or 0).
    A parameter with one value, in force from the item's first date or before (the usual case), is that value on
    every date: no date is read (~40 µs saved per parameter on 7k events).
    """
    param = item.param(name)
    first = item.first_date
    if len(param.values) == 1 and param.first_date <= first:
        v = param.at(first)  # Param.at, not at_many: one date, no arrays (~40 µs a call in a one-firm assessment)
        return np.full(np.shape(dates), np.nan if v is None else v, dtype=float)
    return param_at(param, np.maximum(np.asarray(dates, dtype="datetime64[D]"), np.datetime64(first, "D")))


_YEAR_END: dict = {}


def param_at_year_end(param: Param, year: int):
    """Value in force on 31 December of ``year`` (for year-based clauses); None if not in force or null.

    Remembered per dated value set and year (explanations ask it once per ledger line).
    """
    key = (tuple(param.values.items()), int(year))
    if key in _YEAR_END:
        return _YEAR_END[key]
    vals, ok = param.at_many(np.array([f"{year}-12-31"], dtype="datetime64[D]"))
    v = None if not ok[0] or np.isnan(vals[0]) else vals[0]
    if len(_YEAR_END) < 4096:
        _YEAR_END[key] = v
    return v


def mul_round_by_rate(amounts: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Half-up rounding of amount × rate where the rate may differ by row (dated values)."""
    out = np.zeros(len(amounts), dtype=np.int64)
    if len(rates) and rates[0] == rates[0] and (rates == rates[0]).all():  # one rate on every row (the usual case)
        out[:] = mul_round(amounts, as_fraction(float(rates[0])))
        return out
    for r in np.unique(rates[~np.isnan(rates)]):
        m = rates == r
        out[m] = mul_round(amounts[m], as_fraction(float(r)))
    return out


def meets(values: np.ndarray, limit, boundary: Optional[str]) -> np.ndarray:
    """values ≥ limit (inclusive: 以上/及以上) or values > limit (exclusive: 超过/突破)."""
    return values > limit if boundary == "exclusive" else values >= limit


def select_events(item: Item, ctx, out: RuleOutput):
    """Events that trigger ``item`` in the assessment year, after the once-rule and the date window.

    Returns positions into ctx.events. Events excluded on the way are recorded with a reason.
    """
    return selected_events(item, ctx, out)[0]


def selected_events(item: Item, ctx, out: RuleOutput):
    """:func:`select_events` as (positions, firm positions, dates, codes) of the events kept.

    Only the steps that can drop an event run (no once-rule arrays for an item paid per event, no window test when
    the window opens on or before 1 January of the year), and when every event is kept its arrays are returned as
    read: on a few events (one firm) each numpy step is a fixed cost."""
    pos = ctx.positions(item.events)
    if not len(pos):
        return pos, *ctx.events_at(pos)
    fidx, dates, codes = ctx.events_at(pos)
    once = once_of_item(item, ctx)
    window = ctx.window_start(item)
    dup = None  # an event another one of the same firm and code (and year) already used up; None: none is
    if once in ("firm", "year"):
        # switch once_counts=window: events before the item's window do not use up the one-off award
        counts = dates >= window if ctx.switch(item, "once_counts") == "window" else None
        if counts is not None and not counts.all():
            dup, first_date = np.zeros(len(pos), dtype=bool), dates.copy()
            dup_c, first_c = _once(ctx, pos[counts], fidx[counts], dates[counts], once)
            dup[counts], first_date[counts] = dup_c, first_c
        else:
            dup, first_date = _once_of(ctx, pos, fidx, dates, once)
    in_year = (dates >= ctx.year_start) & (dates <= ctx.year_end)
    if ctx.switch(item, "booking_year") == "publication_year" and ctx.policy.meta.effective is not None:
        # booking_year=publication_year: events of the window's years before publication are paid in the publication year
        pub_year = ctx.policy.meta.effective.year
        if ctx.year == pub_year:
            in_year = (dates >= window) & (dates <= ctx.year_end)
        elif ctx.year < pub_year:
            later = in_year & (dates >= window)
            if dup is not None:
                later &= ~dup
            if later.any():
                zh, en = explain.paid_in_publication_year(pub_year, ctx.switch_note(item, "booking_year"),
                                                          ctx.switch_note(item, "booking_year", zh=False))
                out.exclude(int(later.sum()), "paid_in_publication_year", fidx=fidx[later], item=item.id,
                            event_code=codes[later], event_date=dates[later], reason_zh=zh, reason_en=en)
            in_year = np.zeros(len(pos), dtype=bool)
    keep = in_year
    # rows are read at positions (np.flatnonzero of a mask, taken once) where several arrays are read at the same
    # rows: numpy reads a numeric array at positions ~4x faster than at a mask (~4 against ~17 µs at 7k rows)
    if dup is not None:
        m = np.flatnonzero(in_year & dup)
        if len(m):
            when, per_year = first_date[m], once == "year"
            out.exclude(len(m), "already_awarded", fidx=fidx[m], item=item.id, event_code=codes[m], event_date=dates[m],
                        reason_zh=Later(_already_awarded, when, per_year, 0), reason_en=Later(_already_awarded, when, per_year, 1))
            keep = in_year & ~dup
    if window > ctx.year_start:  # else every event of the year (or, paid in the publication year, of the window) is in it
        early = keep & (dates < window)
        if early.any():
            zh, en = window_exclusion_text(item, ctx, window)
            e = np.flatnonzero(early)
            out.exclude(len(e), "before_effective", fidx=fidx[e], item=item.id, event_code=codes[e],
                        event_date=dates[e], reason_zh=zh, reason_en=en)
            keep = keep & ~early
    if keep.all():
        return pos, fidx, dates, codes
    k = np.flatnonzero(keep)
    return pos[k], fidx[k], dates[k], codes[k]


def once_of_item(item: Item, ctx) -> str:
    """How often ``item`` pays a firm for the same code: "firm" (once), "year" (once a year) or "event" (each)."""
    once = item.once
    if once != "event" and "repeat_title" in _kind(item).switches and ctx.switch(item, "repeat_title") == "each_recognition":
        once = "event"  # switch repeat_title: every recognition of the title pays (another plant, a new grant after a lapse)
    return once


def window_exclusion_text(item: Item, ctx, window) -> tuple:
    """(zh, en) of an event before the item's window: the reading that decides the window is its own window_scope
    one where it names one, else the policy's window_open."""
    sw = "window_scope" if ctx.policy.own_switch_source(item.id, "window_scope") else "window_open"
    return explain.before_window(str(window), ctx.switch_note(item, sw), ctx.switch_note(item, sw, zh=False))


def _already_awarded(when: np.ndarray, per_year: bool, k: int) -> np.ndarray:
    """The reason (``k``: 0 zh, 1 en) an event was already awarded on ``when``, written once per distinct date."""
    dates, at = np.unique(when, return_inverse=True)
    return explain.already_awarded(fmt_date(dates), per_year=per_year)[k][at.reshape(-1)]


def _kind(item: Item):
    return kinds.get(item.kind)


def _once_of(ctx, pos, fidx, dates, once: str):
    """:func:`_once` of an item's events ``pos`` (all its codes' events, every year): from the marks of every event
    where an earlier item of the assessment made them (:func:`once_marks`; the groups (firm, code[, year]) lie whole
    inside an item's events, so its rows of the marks are its own answer), else by sorting its own events — the
    event-award items, most of those paying once, are marked together (kzpolicy/rules/event_award.py), and the few
    others' events are a small share of all events (4 items, 418 of 6,900 events at 100k firms)."""
    marks = ctx.cache.get(("once", once))
    if marks is None or len(pos) < 2:
        return _once(ctx, pos, fidx, dates, once)
    return marks[0][pos], marks[1][pos]


def once_marks(ctx, once: str):
    """(duplicate mask, first date) of :func:`_once` for every event (``once``: "firm" or "year"), made once per
    assessment and shared by the items that read them."""
    key = ("once", once)
    marks = ctx.cache.get(key)
    if marks is None:
        every = np.arange(len(ctx.ev_fidx))
        marks = ctx.cache[key] = _once(ctx, every, ctx.ev_fidx, ctx.ev_date, once)
    return marks


def _once(ctx, pos, fidx, dates, once: str):
    """(duplicate mask, first date) for one award per firm and code (and year): by firm, code, [year], date, input order."""
    dup = np.zeros(len(pos), dtype=bool)
    first_date = dates.copy()
    if len(pos) < 2:  # no event, or one: nothing to order (a one-firm call's usual case)
        return dup, first_date
    cid = ctx.ev_code_id[pos]
    keys = [fidx, cid] + ([dates.astype("datetime64[Y]").astype(np.int64)] if once == "year" else [])
    order = stable_order(keys + [dates.astype(np.int64)])  # ties: input order
    start = np.ones(len(pos), dtype=bool)
    for k in keys:
        ks = k[order]
        start[1:] &= ks[1:] == ks[:-1]
    start = ~start
    start[0] = True
    first_at = np.flatnonzero(start)[np.cumsum(start) - 1]
    dup[order] = ~start
    first_date[order] = dates[order][first_at]
    return dup, first_date


def eligible_events(item: Item, ctx, out: RuleOutput):
    """Events of the year that trigger ``item`` and whose firms meet its requirements.

    Returns (positions, firm positions, dates, codes); exclusions are recorded in ``out``.
    """
    pos, fidx, dates, codes = selected_events(item, ctx, out)
    if len(pos):
        ok = apply_requirements(item, ctx, out, fidx, dates, codes)
        if not ok.all():
            k = np.flatnonzero(ok)  # read at positions, as in selected_events
            pos, fidx, dates, codes = pos[k], fidx[k], dates[k], codes[k]
    return pos, fidx, dates, codes


REQ_TEXT = explain.REQUIREMENT_TEXT


# ---- firm and event attributes at given positions only (a rule's candidate rows, not 1M-row columns)
def column(ctx, table: str, name: str):
    """The pandas array of column ``name`` of ``firms`` or ``events`` (as ``df[name].array``), looked up once per
    assessment, in the frame's own storage (no Series built: ~20-80 µs each on a wide frame)."""
    key = ("column", table, name)
    a = ctx.cache.get(key)
    if a is None:
        a = ctx.cache[key] = pandas_array(ctx.firms if table == "firms" else ctx.events, name)
    return a


def event_values(ctx, name: str, pos: np.ndarray, dtype, **na) -> np.ndarray:
    """Event column ``name`` at event positions ``pos`` as numpy ``dtype`` (``na_value=`` as ``to_numpy``).

    Whole numbers (Int64) with a value for missing cells and float columns read from their buffers at ``pos``
    (the same values as ``take(pos).to_numpy(...)``, without two pandas arrays per call), Arrow text by Arrow (None
    where missing, which every reader takes as missing, as pandas' NaN); anything else by pandas."""
    a = column(ctx, "events", name)
    want = np.dtype(dtype)
    if isinstance(a, pd.arrays.IntegerArray) and "na_value" in na and want in (np.int64, np.float64) and len(na) == 1:
        v = a._data[pos].astype(want)  # a copy (fancy indexing), never the column's own buffer
        m = a._mask[pos]
        if m.any():
            v[m] = na["na_value"]
        return v
    if isinstance(a, pd.arrays.NumpyExtensionArray) and a.dtype == np.float64 and want == np.float64 and not na:
        return a.to_numpy()[pos]
    if isinstance(a, pd.arrays.ArrowStringArray) and want.kind == "O" and not na:  # text: Python text, None where missing
        return a._pa_array.take(pos).to_numpy(zero_copy_only=False)
    return a.take(pos).to_numpy(dtype=dtype, **na)


#: industry group -> for each industry's number in INDUSTRIES, then for none (-1), whether it is in the group
_INDUSTRY_GROUPS = {"industrial": np.array([i in INDUSTRIAL for i in INDUSTRIES] + [False]),
                    "manufacturing": np.array([i == "manufacturing" for i in INDUSTRIES] + [False])}


def _industry_in(ctx, f: np.ndarray, key: str) -> np.ndarray:
    """Whether the firms at positions ``f`` are in industry group ``key``: their industry numbers (read once, by
    validation) looked up, no text compared."""
    return _INDUSTRY_GROUPS[key][ctx.industry_code[f]]


def industrial_at(ctx, f: np.ndarray) -> np.ndarray:
    """Statistical industrial firms (sections B, C, D) at firm positions ``f``."""
    return _industry_in(ctx, f, "industrial")


def manufacturing_at(ctx, f: np.ndarray) -> np.ndarray:
    """Manufacturing firms at firm positions ``f``."""
    return _industry_in(ctx, f, "manufacturing")


def established_at(ctx, f: np.ndarray) -> np.ndarray:
    """Dates of establishment (datetime64[D]) at firm positions ``f``."""
    if "established" in ctx.__dict__:
        return ctx.established[f]
    a = column(ctx, "firms", "established")
    if isinstance(a, pd.arrays.DatetimeArray) and a.tz is None:  # validated: read at ``f`` in its own buffer
        return a._ndarray[f].astype("datetime64[D]")
    return a.take(f).to_numpy(dtype="datetime64[D]")


def flag_at(ctx, name: str, f: np.ndarray):
    """(value, known) of an optional yes/no firm field at firm positions ``f`` (as ``ctx.flag``, on those rows):
    validated (boolean) read at ``f`` in its own buffers, no mask over every firm."""
    a = column(ctx, "firms", name)
    if not isinstance(a, pd.arrays.BooleanArray):
        val, known = ctx.flag(name)
        return val[f], known[f]
    known = ~a._mask[f]
    return a._data[f] & known, known


#: the requirements in the order they are checked (a row is refused for the first it fails)
_REQUIREMENTS = ("industrial", "manufacturing", "existing_firm", "independent_legal_person")


def industrial_required(item: Item, ctx) -> bool:
    """Whether ``item`` pays industrial firms only: its sentence says so, or it names no industry and the switch
    unnamed_industry reads it as meaning industrial firms."""
    r = item.requires
    unnamed = not (r.industrial or r.manufacturing) and _kind(item).events
    return bool(r.industrial or (unnamed and ctx.switch(item, "unnamed_industry") == "industrial"))


def requirement_masks(item: Item, ctx, fidx: np.ndarray, dates: Optional[np.ndarray] = None):
    """(ok, unknown, first) for rows of firms ``fidx`` against ``item.requires``: ``first`` is the number (in
    ``_REQUIREMENTS``) of the first requirement a row fails, -1 where none; :func:`requirement_reasons` gives its
    sentences, at the rows someone reads (no sentence array over every row checked)."""
    r = item.requires
    cut = _existing_firm_cut(item, ctx, len(fidx), dates) if r.existing_firm else None
    return rows_against_requirements(ctx, fidx, industrial_required(item, ctx), bool(r.manufacturing), cut,
                                     bool(r.independent_legal_person))


def _existing_firm_cut(item: Item, ctx, n: int, dates: Optional[np.ndarray]):
    """The date before which a firm must be established to count as existing (switch existing_firm_cut): 1 January
    of the event's year, or the event date; one date where every row has the same."""
    if ctx.switch(item, "existing_firm_cut") == "event_date":
        return np.asarray(dates if dates is not None else np.repeat(ctx.year_start, n), dtype="datetime64[D]")
    d = None if dates is None else np.asarray(dates, dtype="datetime64[D]")
    if d is None or (n and ctx.year_start <= d.min() and d.max() <= ctx.year_end):
        return ctx.year_start  # every date in the assessment year: its 1 January, no calendar conversion per row
    return d.astype("datetime64[Y]").astype("datetime64[D]")


def rows_against_requirements(ctx, fidx: np.ndarray, industrial, manufacturing, existing_cut, legal_person):
    """:func:`requirement_masks` of rows of firms ``fidx``: ``industrial``, ``manufacturing`` and ``legal_person``
    required of every row (a bool) or row by row (a mask: rows of several items, kzpolicy/rules/event_award.py);
    ``existing_cut``: firms must be established before it (None: not required). Checked in ``_REQUIREMENTS``' order."""
    n = len(fidx)
    first = np.full(n, -1, dtype=np.int8)
    unknown = None

    def mark(bad, key):
        first[bad & (first < 0)] = _REQUIREMENTS.index(key)

    if np.any(industrial):
        mark(industrial & ~industrial_at(ctx, fidx), "industrial")
    if np.any(manufacturing):
        mark(manufacturing & ~manufacturing_at(ctx, fidx), "manufacturing")
    if existing_cut is not None:
        mark(~(established_at(ctx, fidx) < existing_cut), "existing_firm")
    if np.any(legal_person):
        val, known = flag_at(ctx, "independent_legal_person", fidx)
        mark(legal_person & known & ~val, "independent_legal_person")
        unknown = legal_person & ~known & (first < 0)
    passed = first < 0
    if unknown is None:
        return passed, np.zeros(n, dtype=bool), first
    return passed & ~unknown, unknown, first


def requirement_reasons(item: Item, ctx, first: np.ndarray):
    """(zh, en) object arrays: the sentence of each row's first failed requirement (``first`` of
    :func:`requirement_masks`, none -1 here), with the note of the reading that sets the existing-firm cut."""
    key = ("requirement_reasons", item.id)
    table = ctx.cache.get(key)
    if table is None:
        zh = [REQ_TEXT[k][0] for k in _REQUIREMENTS]
        en = [REQ_TEXT[k][1] for k in _REQUIREMENTS]
        if item.requires.existing_firm:
            at = _REQUIREMENTS.index("existing_firm")
            zh[at] += ctx.switch_note(item, "existing_firm_cut")
            en[at] += ctx.switch_note(item, "existing_firm_cut", zh=False)
        table = ctx.cache[key] = (np.array(zh, dtype=object), np.array(en, dtype=object))
    return table[0][first], table[1][first]


def apply_requirements(item, ctx, out: RuleOutput, fidx, dates=None, codes=None, would_get=None):
    """Filter rows by requirements; record exclusions and unknowns. Returns the ok mask."""
    ok, unknown, first = requirement_masks(item, ctx, fidx, dates)
    relevant = np.ones(len(fidx), bool) if would_get is None else would_get
    bad = np.flatnonzero(~ok & ~unknown & relevant)  # read at positions, as in selected_events
    if len(bad):
        rz, re_ = requirement_reasons(item, ctx, first[bad])
        out.exclude(len(bad), "not_eligible", fidx=fidx[bad], item=item.id,
                    event_code=None if codes is None else codes[bad],
                    event_date=None if dates is None else dates[bad], reason_zh=rz, reason_en=re_)
    u = np.flatnonzero(unknown & relevant)
    if len(u):
        out.undecided(len(u), fidx=fidx[u], item=item.id,
                      event_code=None if codes is None else codes[u], event_date=None if dates is None else dates[u],
                      reason_zh=explain.LEGAL_PERSON_UNKNOWN[0], reason_en=explain.LEGAL_PERSON_UNKNOWN[1])
    return ok
