"""The assessment context: validated facts arranged as arrays for vectorised rules.

Built once per assessment. Firms get a position (0..n-1); events and financials
refer to firms by that position, so rules join with plain numpy indexing.
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Dict, Optional

import numpy as np
import pandas as pd

from . import kinds
from .facts import BLOCK, Facts, ascending
from .frames import column_array, pandas_array, take
from .policy import Item, Limit, Policy

_UNSET = object()


class Context:
    def __init__(self, facts: Facts, policy: Policy, year: int, readings: Dict[str, str], near_miss_margin: float):
        self.facts, self.policy, self.year = facts, policy, int(year)
        self.readings = readings
        self.margin = float(near_miss_margin)
        self.cache: Dict = {}
        #: the items this context's run assesses, in order (set by the engine's run; a kind that decides several of
        #: its items in one pass, kzpolicy/rules/event_award.py, decides these)
        self.items = tuple(policy.items())
        # switch values and windows depend on the policy and the readings only: shared by every assessment with them
        self._rkey = tuple(readings.items())
        self._switches: Dict = policy.derived(("switches", self._rkey), dict)
        self._fin_values: Dict = {}
        self.firms = facts.firms
        self.n = len(self.firms)
        self.year_start = np.datetime64(f"{self.year}-01-01", "D")
        self.year_end = np.datetime64(f"{self.year}-12-31", "D")
        ev = facts.events
        self.events = ev
        self.ev_fidx = facts.firm_positions("events") if len(ev) else np.zeros(0, np.int64)
        self._ev = facts.event_index()  # the codes as validation read them (shared by every assessment: read-only)

    # ---- switches (set by the registered readings; rules never see an interpretation id)
    def switch(self, owner, name: str):
        """Value of switch ``name`` for an item or limit: set by the interpretation the owner names
        (or a policy-wide one), else the switch's declared default. The loader proved the value is
        one the switch declares; asking for a switch the owner's kind does not declare is an error."""
        key = (owner.id, name)
        v = self._switches.get(key, _UNSET)
        if v is _UNSET:
            iid = self.policy.switch_source(owner.id, name)
            if iid is not None:
                v = self.policy.interpretations[iid].readings[self.readings[iid]].value
            else:
                v = _declared(owner, name).default
            self._switches[key] = v
        return v

    def derived(self, key: tuple, make):
        """:meth:`kzpolicy.policy.Policy.derived` under this context's readings: what a rule derives from the policy
        and the readings alone (never from the data), made once and shared by every assessment with them."""
        return self.policy.derived((*key, self._rkey), make)

    def switch_note(self, owner, name: str, zh: bool = True) -> str:
        """'（见解释：<question>）' / ' (see the interpretation: <question>)' for the interpretation that sets
        the switch, or '' — the reader's question, not the registry id."""
        return self.policy.derived(("switch_note", owner.id, name, zh), lambda: _switch_note(self.policy, owner, name, zh))

    # ---- events
    @property
    def _codes(self):
        """(number per event, the distinct codes): see :class:`kzpolicy.facts.EventIndex`."""
        return self._ev.code, self._ev.codes

    @cached_property
    def ev_code(self) -> np.ndarray:
        """Every event's code as Python text, one object per distinct code (not one text object per event); rules
        read them at their events' positions (:meth:`events_at`)."""
        text = self._code_text
        return self.events["code"].to_numpy(dtype=object) if text is None else text[self._ev.code]

    @cached_property
    def _code_text(self) -> Optional[np.ndarray]:
        """The distinct codes as an object array by number, or None when some code is missing or not text."""
        codes, uniq = self._codes
        if not len(codes) or (codes < 0).any() or not all(isinstance(u, str) for u in uniq):
            return None
        return np.array(uniq, dtype=object)

    @cached_property
    def ev_date(self) -> np.ndarray:
        """Every event's date (datetime64[D]); rules read them at their events' positions (:meth:`events_at`)."""
        return self.events["date"].to_numpy(dtype="datetime64[D]")

    def events_at(self, pos: np.ndarray):
        """(firm positions, dates, codes) of the events at positions ``pos``, read at those rows only (a rule's events,
        not every event's date and code)."""
        if not len(pos):  # no event (most items of a small population): the same empty arrays, nothing read
            return self._no_events
        text = self._code_text
        codes = self.ev_code[pos] if text is None else text[self._ev.code[pos]]
        if "ev_date" in self.__dict__:
            dates = self.ev_date[pos]
        else:
            d = self._date_column
            dates = d[pos].astype("datetime64[D]") if d.dtype.kind == "M" else self.ev_date[pos]
        return self.ev_fidx[pos], dates, codes

    @cached_property
    def _no_events(self):
        """:meth:`events_at` of no position: empty arrays of its dtypes (shared; nothing can be written into them)."""
        return self.ev_fidx[:0], np.zeros(0, dtype="datetime64[D]"), np.zeros(0, dtype=object)

    @cached_property
    def _date_column(self) -> np.ndarray:
        """The events' date column as numpy, looked up once per assessment (validated: datetime64[ns], read in place,
        no copy); :meth:`events_at` reads it at a rule's positions."""
        return np.asarray(column_array(self.events, "date"))

    @property
    def event_index(self):
        """The events' codes as validation numbered them (:class:`kzpolicy.facts.EventIndex`; read-only)."""
        return self._ev

    @property
    def ev_code_id(self) -> np.ndarray:
        """Event code as a small integer per event (same code, same number)."""
        return self._ev.code

    @cached_property
    def firm_ids(self) -> np.ndarray:
        """Firm ids as Python objects (all firms: prefer :meth:`firm_rank` or taking from ``firms`` at some rows)."""
        return self.firms["firm_id"].to_numpy(dtype=object)

    def firm_rank(self, fidx: np.ndarray) -> np.ndarray:
        """For rows of firms ``fidx``: a number that sorts as the firm's id does (for ordering output by firm id
        without comparing strings row by row). Only the firms present are looked at, in their id column's own
        storage (Arrow text compares by UTF-8 bytes, which is the order of code points, as Python's ``<``); the firms'
        positions themselves where validation found the ids in increasing order (the usual firms table)."""
        if self.facts.firm_ids_ascending():
            return np.asarray(fidx, dtype=np.int64)
        present = np.zeros(self.n, dtype=bool)
        present[fidx] = True
        u = np.flatnonzero(present)
        ids = take(pandas_array(self.firms, "firm_id"), u)
        # each present firm's number, over all firms: int32 below 2^31 firms (half the fresh pages of int64: 40 MB at 10M)
        at = np.empty(self.n, dtype=np.int32 if self.n < 2**31 else np.int64)
        at[u] = np.arange(len(u))
        if not ascending(ids):
            rank = np.empty(len(u), dtype=np.int64)
            rank[ids.argsort(kind="stable")] = np.arange(len(u))
            return rank[at[fidx]]
        return at[fidx].astype(np.int64)

    def positions(self, codes) -> np.ndarray:
        """Row positions of the events with any of ``codes`` (all years), in input order."""
        present = self._ev.present
        parts = [self._ev.positions(c) for c in codes if c in present]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        if len(parts) == 1:  # one code's positions are already ascending (a stable sort): a copy, no sort
            return parts[0].copy()
        return np.sort(np.concatenate(parts))

    def window_start(self, item: Item) -> np.datetime64:
        """First date from which the item's events count.

        A window the item's own sentence sets (``since``, e.g. article 4's "2022年以来") applies
        to that item only; otherwise its first value's date (the effective date, article 24),
        which the switch ``window_open`` may move to 1 January of that year.
        """
        return self.policy.derived(("window", self._rkey, item.id), lambda: self._window_start(item))

    def _window_start(self, item: Item) -> np.datetime64:
        own = item.since.date if item.since is not None else None
        if own is None and self.switch(item, "window_scope") == "article":
            # a registered reading may extend a window another sentence of the same article sets
            others = [i.since.date for i in self.policy.article(item.article).items.values() if i.since is not None]
            own = min(others) if others else None
        if own is not None:
            start = own
        else:
            start = item.first_date
            eff = self.policy.meta.effective
            if eff is not None and start == eff and self.switch(item, "window_open") == "year_start":
                start = dt.date(start.year, 1, 1)
        return np.datetime64(start, "D")

    # ---- firm attributes (arrays by firm position)
    @cached_property
    def industry_code(self) -> np.ndarray:
        """Each firm's industry as its number in :data:`kzpolicy.facts.INDUSTRIES` (-1: none), as validation read it."""
        return self.facts.industry_codes()

    def flag(self, name: str):
        """(value, known) boolean arrays for an optional yes/no firm field."""
        s = self.firms[name]
        known = ~s.isna().to_numpy()
        val = s.fillna(False).to_numpy(dtype=bool)
        return val, known

    @cached_property
    def established(self) -> np.ndarray:
        return np.asarray(column_array(self.firms, "established"), dtype="datetime64[D]")

    # ---- financials: one array over firms per (column, year), built when a rule first asks for it
    @cached_property
    def _fin(self):
        """(firm position, year) of each financial row and the first and last year, read where they are:
        no copy of the rows (validated years are Int64 over an integer buffer, never missing)."""
        fin = self.facts.financials
        if not len(fin):
            return None
        years = _int_values(fin["year"])
        return self.facts.firm_positions("financials"), years, int(years.min()), int(years.max())

    def financial_rows(self):
        """(firm position, year) of each financial row, as read once for the Context (shared: do not write);
        empty arrays when there are no financials."""
        if self._fin is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return self._fin[0], self._fin[1]

    def _values(self, column: str, year: int, ix=None, i: Optional[int] = None) -> np.ndarray:
        """``column`` for ``year`` as a float array over firms (NaN where missing), from that year's rows only.

        Block by block over the rows (no temporary as long as the table, so no fresh pages from the system
        for each column and year); a table ordered by year has the year's rows in one slice, which ``ix``
        (:class:`~kzpolicy.facts.FinancialYears`, rows year by year: ``i`` the year's run) names without a pass
        over every row's year."""
        arr = pandas_array(self.facts.financials, column)  # no Series built (~20-80 µs each)
        if isinstance(arr, pd.arrays.IntegerArray):
            data, mask = arr._data, (arr._mask if arr._mask.any() else None)
        else:
            data, mask = arr.to_numpy(dtype="float64", na_value=np.nan), None
        run = slice(int(ix.lo[i]), int(ix.hi[i])) if ix is not None else None
        if run is not None and ix.full[i]:  # a row for every firm, in firm order: row run.start + k is firm k (no scatter)
            out = np.empty(self.n)
            for a in range(0, self.n, BLOCK):
                s, o = slice(run.start + a, run.start + min(a + BLOCK, self.n)), out[a:a + BLOCK]
                np.copyto(o, data[s], casting="unsafe")  # exact below 2^53 yuan
                if mask is not None:
                    np.copyto(o, np.nan, where=mask[s])
            out.flags.writeable = False
            return out
        out = np.full(self.n, np.nan)
        fidx = self.facts.firm_positions("financials") if run is not None else self._fin[0]

        def put(rows):  # rows: a slice or positions of this year's rows; exact below 2^53 yuan, missing stays NaN
            v = data[rows] if mask is None else np.where(mask[rows], np.nan, data[rows])
            out[fidx[rows].astype(np.intp)] = v  # native indices: a scatter ~2x faster than by int32
        if run is not None:  # the year's run of rows, without a pass over the years of every row
            for a in range(run.start, run.stop, BLOCK):
                put(slice(a, min(a + BLOCK, run.stop)))
            out.flags.writeable = False
            return out
        years = self._fin[1]
        n = len(years)
        first, last, count = n, -1, 0
        for a in range(0, n, BLOCK):
            hit = np.flatnonzero(years[a:a + BLOCK] == year)
            if len(hit):
                first, last, count = min(first, a + hit[0]), a + hit[-1], count + len(hit)
        if count and last - first + 1 == count:  # one run of rows
            for a in range(first, last + 1, BLOCK):
                put(slice(a, min(a + BLOCK, last + 1)))
        elif count:
            for a in range(first, last + 1, BLOCK):
                hit = np.flatnonzero(years[a:min(a + BLOCK, last + 1)] == year)
                if len(hit):
                    put(hit + a)
        out.flags.writeable = False  # shared by every rule that asks
        return out

    def series(self, column: str) -> Dict[int, np.ndarray]:
        """{year: float array over firms (NaN where missing)} for every year from the first to the last on record."""
        if self._fin is None:
            return {}
        _, _, y0, y1 = self._fin
        return {y: self.value(column, y) for y in range(y0, y1 + 1)}

    def release(self) -> None:
        """Drop what the rules computed over all firms (financial arrays, cached columns): the engine's
        steps after the rules need none of it, and at a million firm-years it is ~50 bytes per firm."""
        self.__dict__.pop("_fin", None)
        self._fin_values.clear()
        self.cache.clear()

    def value(self, column: str, year: int) -> np.ndarray:
        """``column`` in ``year`` over firms (float, NaN where missing), built once per column and year asked for
        (a firm × year matrix of every column would hold years no rule reads: ~8 bytes per firm and year)."""
        key = (column, int(year))
        v = self._fin_values.get(key)
        if v is None:
            ix = self.facts.financial_years()  # rows that come year by year (kept by validation): each year's run known
            run = None
            if ix is not None:
                at = np.flatnonzero(ix.years == year)
                if not len(at):
                    return np.full(self.n, np.nan)
                run = int(at[0])
            else:
                fin = self._fin
                if fin is None or not fin[2] <= year <= fin[3]:
                    return np.full(self.n, np.nan)
            v = self._fin_values[key] = self._values(column, year, ix, run)
        return v


def _int_values(s: pd.Series) -> np.ndarray:
    """The integers of a column without missing values, over its own buffer when it has one (Int64, int64)."""
    arr = s.array
    if isinstance(arr, pd.arrays.IntegerArray) and not arr._mask.any():
        return arr._data
    return s.to_numpy(dtype=np.int64)


def _switch_note(policy: Policy, owner, name: str, zh: bool) -> str:
    iid = policy.switch_source(owner.id, name)
    if iid is None:
        return ""
    q = policy.interpretations[iid].question
    return f"（见解释：{q.zh}）" if zh else f" (see the interpretation: {q.en})"


def _declared(owner, name: str):
    """The :class:`~kzpolicy.kinds.Switch` declaration of ``name`` for an item (its kind, or common) or a limit."""
    if isinstance(owner, Limit):
        from .limits import LIMIT_KINDS
        sw = LIMIT_KINDS[owner.kind].switches.get(name)
    else:
        sw = kinds.get(owner.kind).switches.get(name) or kinds.COMMON_SWITCHES.get(name)
    if sw is None:
        raise KeyError(f"{owner.id}: switch {name!r} is not declared by its kind {owner.kind!r}")
    return sw
