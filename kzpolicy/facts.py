"""Firm facts: the input contract, its validation and its loaders.

Three tables (firms, events, financials) and an optional fourth (townships, for
article 21). Input may come as DataFrames, a single-firm YAML profile, a folder
of CSV files or an Excel workbook. Every value is checked; a bad value is an
error that names the table, the row (as the user sees it: CSV/Excel row number,
or ``events[2]`` in a profile), the field and what is allowed. Nothing is
dropped, zeroed or coerced silently.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas._libs import lib as _lib

from . import yamlio
from .frames import column_array, factorize, pandas_array
from .events import EVENT_CODES, EVENT_FIELDS
from .money import MAX_COUNT, MAX_LOAN_DAYS, MAX_YUAN

INDUSTRIES = ("manufacturing", "mining", "utilities", "other")
INDUSTRIAL = ("manufacturing", "mining", "utilities")
#: a clerk's own words for the industries (the statistical sections' names), read as the codes
INDUSTRY_ZH = {"制造业": "manufacturing", "采矿业": "mining", "电力、热力、燃气及水生产和供应业": "utilities", "其他": "other"}
MIN_DATE = pd.Timestamp("1949-10-01")
MAX_DATE = pd.Timestamp("2100-12-31")
MIN_YEAR, MAX_YEAR = 1949, 2100
#: largest whole number per integer field (``year`` has its own range)
INT_MAX = {"count": MAX_COUNT, "rank": MAX_COUNT}
YUAN_PER_WAN = 10_000


class FactsError(ValueError):
    """Input facts are invalid. ``problems`` lists one sentence per problem."""

    def __init__(self, problems: List[str]):
        self.problems = problems
        shown = problems[:25]
        more = f"\n… and {len(problems) - 25} more problems" if len(problems) > 25 else ""
        super().__init__("invalid input:\n  - " + "\n  - ".join(shown) + more)


@dataclass(frozen=True)
class Field:
    name: str
    type: str            # str | int | yuan | ratio | bool | date | category
    required: bool
    zh: str
    en: str
    choices: Sequence[str] = ()


FIRM_FIELDS = [
    Field("firm_id", "str", True, "企业编号", "Firm id (unique)"),
    Field("name", "str", False, "企业名称", "Firm name"),
    Field("industry", "category", True, "行业", "Industry", INDUSTRIES),
    Field("independent_legal_person", "bool", False, "独立法人", "Independent legal person"),
    Field("established", "date", True, "成立日期", "Date of establishment"),
    Field("township", "str", False, "乡镇（街道）", "Township or street"),
    Field("rd_reserve_system", "bool", False, "建立研发准备金制度", "Has an R&D reserve system"),
    Field("registered", "bool", False, "依法注册", "Lawfully registered"),
    Field("tax_compliant", "bool", False, "诚信纳税", "Pays taxes honestly"),
    Field("good_credit", "bool", False, "信用良好", "Good credit"),
    Field("pre_listing_pool", "bool", False, "拟上市储备企业", "In the pre-listing pool"),
    Field("individual_business", "bool", False, "个体工商户", "Individual business"),
    Field("new_agri_operator", "bool", False, "新型农业经营主体", "New-type agricultural operator"),
    Field("shuangbai_private", "bool", False, "“双百”大型民营企业", "Large private firm on the 双百 list"),
    Field("size_band", "str", False, "规模", "Size band"),
    Field("sector", "str", False, "细分行业", "Sector"),
]
EVENT_TABLE_FIELDS = [
    Field("firm_id", "str", True, "企业编号", "Firm id"),
    Field("date", "date", True, "日期", "Date of the event (recognition, listing, investment…)"),
    Field("code", "category", True, "事项代码", "Event code", tuple(EVENT_CODES)),
    Field("amount", "yuan", False, "投资额（元）", "Investment amount in yuan"),
    Field("progress", "ratio", False, "投资进度", "Investment progress, 0–1 (0.85 = 85%)"),
    Field("count", "int", False, "数量", "Number of products or standards"),
    Field("municipal_reward", "yuan", False, "市级奖补（元）", "Municipal reward in yuan (article 16)"),
    Field("principal", "yuan", False, "转贷本金（元）", "Bridge-loan principal in yuan"),
    Field("start", "date", False, "转贷开始日", "Bridge-loan start date"),
    Field("end", "date", False, "转贷结束日", "Bridge-loan end date"),
    Field("project", "str", False, "项目编号", "Investment project id (to detect double claims)"),
]
FINANCIAL_FIELDS = [
    Field("firm_id", "str", True, "企业编号", "Firm id"),
    Field("year", "int", True, "年度", "Calendar year"),
    Field("revenue", "yuan", False, "主营业务收入（元）", "Main-business revenue in yuan"),
    Field("rd_expense", "yuan", False, "研发费用（元）", "Declared R&D expense in yuan"),
]
TOWNSHIP_FIELDS = [
    Field("township", "str", True, "乡镇（街道）", "Township or street"),
    Field("year", "int", True, "年度", "Year of the selection"),
    Field("rank", "int", True, "名次", "Rank in the annual selection (1 = best)"),
]
TABLES: Dict[str, List[Field]] = {
    "firms": FIRM_FIELDS, "events": EVENT_TABLE_FIELDS,
    "financials": FINANCIAL_FIELDS, "townships": TOWNSHIP_FIELDS,
}
TABLE_ZH = {"firms": "企业", "events": "事项", "financials": "财务", "townships": "乡镇评选"}
_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}


# --------------------------------------------------------------------------- row labels
@dataclass
class Source:
    """How to name a row so that the user can find it."""

    kind: str = "frame"      # frame | csv | excel | yaml
    name: str = ""           # file or sheet name
    offset: int = 0          # added to the 0-based position
    columns: Dict[str, str] = field(default_factory=dict)  # excel: field name -> "D (投资额（元）)"
    file: str = ""           # excel: the workbook's file name (``name`` is the sheet)

    def label(self, table: str) -> str:
        """The table as the user sees it (file or sheet), for problems with a whole column."""
        if self.kind == "csv":
            return self.name
        if self.kind == "excel":
            return f"{self.file + ' ' if self.file else ''}sheet '{self.name}' ({table})"
        if self.kind == "yaml":
            return f"{self.name} {table}"
        return table

    def row(self, table: str, pos: int, index_label=None, fld: Optional[str] = None) -> str:
        if self.kind == "csv":
            # the index label is the row's place among the file's data rows (blank rows dropped keep their numbers)
            r = index_label if isinstance(index_label, (int, np.integer)) else pos
            return f"{self.name} row {int(r) + self.offset}"
        if self.kind == "excel":
            # the index label is the sheet's own data-row number (blank rows dropped keep their numbers)
            r = index_label if isinstance(index_label, (int, np.integer)) else pos
            col = f", column {self.columns[fld]}" if fld in self.columns else ""
            at = f"{self.file}, " if self.file else ""  # the workbook too, as a CSV row names its file
            return f"{at}sheet '{self.name}' row {int(r) + self.offset}{col}"
        if self.kind == "yaml":
            return f"{self.name} {table}[{pos}]" if table != "firms" else f"{self.name} firm"
        return f"{table} row {index_label if index_label is not None else pos}"


@dataclass
class Facts:
    """Validated input. Build with :func:`validate` or a loader, never by hand.

    Validation also keeps what the engine would otherwise derive in every assessment: each row's firm position
    (:meth:`firm_positions`: recomputed when a table is replaced), and, through :meth:`kept`, each firm's industry
    number, the events' code index and the financial rows by year (derived again when a column they were read from
    no longer holds the same array: a table replaced, a column assigned, a cell edited in place; never kept for
    text in numpy storage). Edits through pandas (assignment, ``.loc``/``.at``/``.iloc``, ``update``, in-place
    methods) are seen; a write past pandas into a column's own buffers (``facts.financials["revenue"].array[i] = …``,
    ``.to_numpy()[i] = …``) is not: after such a write, validate the tables again.
    """

    firms: pd.DataFrame
    events: pd.DataFrame
    financials: pd.DataFrame
    townships: pd.DataFrame
    sources: Dict[str, Source] = field(default_factory=dict)
    #: what the reader should know about how the input was read (e.g. "events.csv: read as GB18030 (GBK)")
    notes: List[str] = field(default_factory=list)
    #: table -> (frame, firms frame, row positions in ``firms``), filled by :func:`validate`
    _firm_pos: Dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)
    #: name -> (the arrays it was derived from, value, the columns held): see :meth:`kept`
    _kept: Dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self):
        return len(self.firms)

    def firm_positions(self, table: str) -> np.ndarray:
        """Row position in ``firms`` of each row's firm in ``table`` (events, financials).

        Validation already matched every firm id (to check that it exists); the
        positions are kept so that the engine does not hash a million ids again.
        Recomputed if a table was replaced after validation. Integers: int32 for
        financials when there are fewer than 2^31 firms (a third of the rows' memory
        at 3.4 financial rows per firm), int64 otherwise.
        """
        df = getattr(self, table)
        hit = self._firm_pos.get(table)
        if hit is not None and hit[0] is df and hit[1] is self.firms and len(hit[2]) == len(df):
            return hit[2]
        pos = _positions_of(self.firms["firm_id"], df["firm_id"]) if len(df) else np.zeros(0, dtype=np.intp)
        self._firm_pos[table] = (df, self.firms, pos)
        return pos

    def keep(self, name: str, columns: Sequence[tuple], value) -> None:
        """Keep ``value``, derived from ``columns``, for :meth:`kept` (validation derives these eagerly)."""
        keys, held = zip(*(_column_key(getattr(self, t), c, hold=True) for t, c in columns)) if columns else ((), ())
        if all(k is not None for k in keys):
            self._kept[name] = (keys, value, held)

    def kept(self, name: str, columns: Sequence[tuple], build):
        """What the engine reads of ``columns`` ((table, column) pairs), derived once by validation
        (:func:`keep_for_engine`) instead of in every assessment.

        Kept while each column holds the very array it was derived from (:func:`_column_key`): a table replaced, a
        column assigned or a cell edited in place (``.loc``/``.at``) after validation leaves a new array there, and
        ``build(self)`` derives the value again (then kept). A column in numpy storage (text as Python objects) is
        derived again for every assessment, never kept stale."""
        keys = tuple(_column_key(getattr(self, t), c)[0] for t, c in columns)
        hit = self._kept.get(name)
        if hit is not None and all(k is not None and k is h for k, h in zip(keys, hit[0])):
            return hit[1]
        value = build(self)
        self.keep(name, columns, value)
        return value

    def industry_codes(self) -> np.ndarray:
        """Each firm's industry as its number in :data:`INDUSTRIES` (-1: missing or not one of them; read-only)."""
        return self.kept("industry", [("firms", "industry")], lambda f: _read_only(choice_codes(f.firms["industry"], INDUSTRIES)))

    def firm_ids_ascending(self) -> Optional[bool]:
        """Whether the firms' ids stand in increasing order (then a firm's position sorts as its id does); None: not
        known (ids not held in Arrow)."""
        return self.kept("ids_ascending", [("firms", "firm_id")], lambda f: _ids_ascending(f.firms))

    def event_index(self) -> "EventIndex":
        """The events' codes as the engine reads them (:class:`EventIndex`)."""
        return self.kept("events", [("events", "code")], lambda f: EventIndex.of(f.events))

    def financial_years(self) -> Optional["FinancialYears"]:
        """The financial rows by year (:class:`FinancialYears`), or None when they do not come year by year."""
        return self.kept("financial_years", FINANCIAL_YEARS_COLUMNS, FinancialYears.of)


def _column_key(df: pd.DataFrame, column: str, hold: bool = False):
    """(key, held): what a value kept from ``column`` of ``df`` is keyed on, and what the Facts hold for it.

    An Arrow array (never changes: an edit or an assignment leaves a new one), held by the key itself; or the
    column's own masked array (Int64, boolean: validated numbers) with the column held as a Series: a copy-on-write
    reference, so pandas copies the column on an edit of the frame (``.loc``/``.at``/``.iloc``/``update``) instead
    of writing into the array the value was derived from. (A write into the buffer, ``s.array[i] = v``, goes past
    pandas.) (None, None) otherwise: a numpy column has no array of its own to key on."""
    arr = column_array(df, column)
    if isinstance(arr, pd.arrays.ArrowExtensionArray):
        return arr._pa_array, None
    if isinstance(arr, (pd.arrays.IntegerArray, pd.arrays.BooleanArray, pd.arrays.FloatingArray)):
        return arr, (df[column] if hold else None)  # the Series only to keep (a lookup: ~40-80 us a column)
    return None, None


def ascending(ids) -> bool:
    """Whether text ids (a pandas or Arrow array) stand in strictly increasing order; Arrow text compared in Arrow
    (by UTF-8 bytes: the order of code points, as Python's ``<``)."""
    if len(ids) < 2:
        return True
    a = ids if isinstance(ids, (pa.Array, pa.ChunkedArray)) else getattr(ids, "_pa_array", None)
    if a is not None and (pa.types.is_string(a.type) or pa.types.is_large_string(a.type)):
        return bool(pc.all(pc.less(a[:-1], a[1:])).as_py())
    ix = pd.Index(ids)
    return bool(ix.is_monotonic_increasing and ix.is_unique)


def _ids_ascending(firms: pd.DataFrame) -> Optional[bool]:
    arr = column_array(firms, "firm_id")
    return ascending(arr._pa_array) if isinstance(arr, pd.arrays.ArrowExtensionArray) else None


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False  # shared by every assessment
    return a


# --------------------------------------------------------------------------- what validation keeps for the engine
def choice_codes(s: pd.Series, choices: Sequence[str]) -> np.ndarray:
    """Each value's number in ``choices`` (int8 below 127 choices; -1: missing or not one of them), compared as
    stored: Arrow text in Arrow (no Python text per row), anything else value by value (text only: ``1`` is not
    ``"1"``, as ``==`` on the column says)."""
    try:
        a = _arrow_text(s)
    except UnicodeEncodeError:  # a lone surrogate: no Arrow string holds it (and it is no choice)
        a = None
    if a is not None:
        return _choice_numbers(pc.index_in(a, value_set=pa.array(list(choices), pa.large_string())), len(choices))
    at = {c: i for i, c in enumerate(choices)}
    return np.array([at.get(v, -1) if isinstance(v, str) else -1 for v in s.tolist()], dtype=_choice_dtype(len(choices)))


def _choice_dtype(n: int):
    """The integer type of a choice's number among ``n`` choices (-1 for none)."""
    return np.int8 if n < 127 else np.int16


def _choice_numbers(found: pa.Array, n: int) -> np.ndarray:
    """``pc.index_in``'s answer as numbers among ``n`` choices, -1 where none (missing or not one of them)."""
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(_choice_dtype(n))


@dataclass(frozen=True)
class EventIndex:
    """The events' codes as the engine reads them, derived once from the code column (by validation: kept on the Facts).

    ``code``: each event's code as its number in ``codes`` (-1: missing); ``codes``: the distinct codes (``at``: code
    -> number); ``by_code[starts[k]:starts[k + 1]]``: the positions of the events of ``codes[k]``, in input order;
    ``present``: the codes with at least one event (an item whose codes have none is answered by set lookups).
    The arrays are shared by every assessment: read-only."""

    code: np.ndarray
    codes: List[str]
    at: Dict[str, int]
    by_code: np.ndarray
    starts: np.ndarray
    present: frozenset

    @classmethod
    def of(cls, events: pd.DataFrame, code: Optional[np.ndarray] = None) -> "EventIndex":
        """From the events table; ``code``: each event's number in :data:`EVENT_CODES` (validation's own reading),
        else the codes as stored are numbered in order of first appearance."""
        if code is not None:
            codes, at = _EVENT_CODE_LIST, _EVENT_CODE_AT
        else:
            code, uniq = factorize(events["code"].array)  # Arrow text: no Python text per row
            codes = list(uniq)
            at = {c: k for k, c in enumerate(codes)}
        code = np.asarray(code).astype(np.int8 if len(codes) < 127 else np.int32, copy=False)
        by_code = np.argsort(code, kind="stable").astype(np.int64, copy=False)  # a missing code (-1) first, unused
        starts = np.searchsorted(code[by_code], np.arange(len(codes) + 1))
        present = frozenset(codes[k] for k in np.flatnonzero(np.diff(starts)).tolist())
        return cls(_read_only(code), codes, at, _read_only(by_code), _read_only(starts), present)

    def positions(self, code: str) -> Optional[np.ndarray]:
        """The positions of the events with ``code`` (input order; read-only), or None when there is none."""
        k = self.at.get(code)
        if k is None or self.starts[k] == self.starts[k + 1]:
            return None
        return self.by_code[self.starts[k]:self.starts[k + 1]]


#: the event codes in their order, and each one's number (validation's reading of a code column; shared, never written)
_EVENT_CODE_LIST = list(EVENT_CODES)
_EVENT_CODE_AT = {c: k for k, c in enumerate(_EVENT_CODE_LIST)}


def keep_for_engine(facts: Facts, codes: Optional[Dict[str, Dict[str, np.ndarray]]] = None,
                    ids_ascending: Optional[bool] = None) -> Facts:
    """Derive what the engine reads of the tables (:meth:`Facts.industry_codes`, :meth:`Facts.event_index`,
    :meth:`Facts.firm_ids_ascending`, :meth:`Facts.financial_years`) now, in validation, rather than in every
    assessment. What validation read already: ``codes``, {table: {field: numbers in the field's choices}} (a choice
    column as given), and ``ids_ascending`` (its sorted keys of the firm ids); the rest is read here."""
    codes = codes or {}
    facts.keep("ids_ascending", [("firms", "firm_id")], _ids_ascending(facts.firms) if ids_ascending is None else ids_ascending)
    ind = codes.get("firms", {}).get("industry")
    facts.keep("industry", [("firms", "industry")],
               _read_only(ind if ind is not None else choice_codes(facts.firms["industry"], INDUSTRIES)))
    facts.keep("events", [("events", "code")], EventIndex.of(facts.events, codes.get("events", {}).get("code")))
    facts.keep("financial_years", FINANCIAL_YEARS_COLUMNS, FinancialYears.of(facts))
    return facts


@dataclass(frozen=True)
class FinancialYears:
    """The financial rows seen year by year, when the table already comes so: each year's rows one run, its firms
    in the order of the firms table (a year-major export, as ``benchmarks/bench_engine.population``).

    Lets a rule read one year's rows, and a few firms' rows of other years, without a pass over every row
    (article 3, ``rules/milestone.py``: its reading ~52 -> ~12 ms at 1M firms, under load), at no copy or permutation of the rows: per year
    one bit per firm (it has a row) with a count per 64 firms, and per firm its years with revenue on record.
    Derived by validation (:func:`keep_for_engine`: counted there), kept by :meth:`Facts.financial_years`.
    """

    #: the years in the order their runs come; ``lo[i]:hi[i]`` are the rows of ``years[i]``, firm positions ascending
    years: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    #: the first year on record (any row)
    first: int
    #: per firm: bit ``year - first`` set when that year's revenue is on record (an unsigned integer as wide as the span)
    revenue_years: np.ndarray
    #: per run i: bit ``p % 64`` of word ``p // 64`` set when firm p has a row (``present[i]``), and the rows of
    #: the run's firms before word w (``before[i, w]``): a firm's row is found by counting bits, not searched
    present: np.ndarray
    before: np.ndarray
    #: per run: it has a row for every firm (as many rows as firms, from the first): firm p's row is its p-th
    full: np.ndarray

    def rows(self, year: int) -> slice:
        """The rows of ``year`` (an empty slice when none)."""
        i = np.flatnonzero(self.years == year)
        return slice(int(self.lo[i[0]]), int(self.hi[i[0]])) if len(i) else slice(0, 0)

    @staticmethod
    def places(firms: np.ndarray) -> tuple:
        """(word, the word's bits below the firm) of each of ``firms`` in a run's bits, for :meth:`rows_of`: the same
        in every run (found once when several runs are read)."""
        return firms >> 6, (np.uint64(1) << (firms & 63).astype(np.uint64)) - np.uint64(1)

    def rows_of(self, i: int, firms: np.ndarray, places: Optional[tuple] = None) -> np.ndarray:
        """The rows in run ``i`` of ``firms`` (positions, ascending or not; ``places``: their :meth:`places`): the
        run's firms before each, counted in its bits. A firm without a row there gets the next firm's row (or the
        run's end): read only where it has one."""
        if self.full[i]:
            return self.lo[i] + firms
        w, below = self.places(firms) if places is None else places
        return self.lo[i] + self.before[i].take(w) + np.bitwise_count(self.present[i].take(w) & below)

    @staticmethod
    def of(facts: "Facts") -> Optional["FinancialYears"]:
        """The financial rows of ``facts`` by year, or None when they do not come year by year with firms
        ascending, or span more than ``YEARS_MAX_SPAN`` years."""
        return _financial_years(facts.financials, facts.firm_positions("financials"), len(facts.firms))

    def bit(self, year: int):
        """``year``'s bit in :attr:`revenue_years`, of its type (0 outside the span)."""
        k = int(year) - self.first
        return self.revenue_years.dtype.type(1 << k if 0 <= k < self.revenue_years.dtype.itemsize * 8 else 0)


#: widest span of years :class:`FinancialYears` holds (one bit per year in a firm's integer); wider: no index
YEARS_MAX_SPAN = 64
#: the columns :class:`FinancialYears` is derived from (the rows' years, revenue and firms; the firms' order)
FINANCIAL_YEARS_COLUMNS = [("financials", "firm_id"), ("financials", "year"), ("financials", "revenue"), ("firms", "firm_id")]


def _financial_years(fin: pd.DataFrame, pos: np.ndarray, n_firms: int) -> Optional[FinancialYears]:
    """:meth:`FinancialYears.of` validated financials (``pos``: each row's firm position). Block by block:
    temporaries a block long, and a flag per firm (~25 ms at 3.4M rows)."""
    year, revenue = pandas_array(fin, "year"), pandas_array(fin, "revenue")  # no Series built (~20-80 µs each)
    if (not len(fin) or not isinstance(year, pd.arrays.IntegerArray) or year._mask.any()
            or not isinstance(revenue, pd.arrays.IntegerArray)):
        return None
    y, n = year._data, len(fin)
    starts = [0]
    for a in range(0, n - 1, BLOCK):  # where the year changes; more runs than the span allows: not year by year
        b = min(a + BLOCK, n - 1)
        starts += (np.flatnonzero(y[a + 1:b + 1] != y[a:b]) + (a + 1)).tolist()
        if len(starts) > YEARS_MAX_SPAN:
            return None
    lo = np.array(starts, dtype=np.int64)
    hi = np.append(lo[1:], n)
    years = y[lo]
    first, span = int(years.min()), int(years.max() - years.min()) + 1
    if span > YEARS_MAX_SPAN or len(np.unique(years)) != len(years):
        return None
    for a0, b0 in zip(lo, hi):  # firms strictly ascending within each year (firm and year are unique)
        for a in range(a0, b0 - 1, BLOCK):
            b = min(a + BLOCK, b0 - 1)
            if not (pos[a + 1:b + 1] > pos[a:b]).all():
                return None
    bits = np.zeros(n_firms, dtype=next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if span <= 8 * np.dtype(t).itemsize))
    nwords = -(-n_firms // 64)
    present = np.zeros((len(years), nwords), dtype=np.uint64)
    before = np.zeros((len(years), nwords), dtype=np.int32 if n_firms < 2 ** 31 else np.int64)
    flags = np.zeros(nwords * 64, bool)  # a year's firms: with a row, then with revenue on record
    na = revenue._mask
    for i, (yr, a0, b0) in enumerate(zip(years, lo, hi)):
        for a in range(a0, b0, BLOCK):
            flags[pos[a:min(a + BLOCK, b0)].astype(np.intp)] = True  # native indices: a scatter ~2x faster than by int32
        present[i] = np.packbits(flags, bitorder="little").view(np.uint64)
        np.cumsum(np.bitwise_count(present[i, :-1]), out=before[i, 1:])
        for a in range(a0, b0, BLOCK):  # the few rows without revenue
            k = np.flatnonzero(na[a:min(a + BLOCK, b0)])
            flags[pos[a:a + BLOCK].take(k)] = False
        np.bitwise_or(bits, bits.dtype.type(1 << int(yr - first)), out=bits, where=flags[:n_firms])
        flags[:] = False
    full = (hi - lo == n_firms) & (pos[np.minimum(lo, n - 1)] == 0)  # ascending from firm 0, one row per firm
    return FinancialYears(*map(_read_only, (years, lo, hi)), first, *map(_read_only, (bits, present, before, full)))  # shared


def _positions_of(ids: pd.Series, values: pd.Series) -> np.ndarray:
    """Position of each of ``values`` in the unique ``ids`` (-1: absent), as ``Index.get_indexer`` answers.

    Text held as Arrow strings (or convertible to them) is matched by ``pyarrow.compute.index_in``
    on its bytes, with no Python object per row (a generated population's 0.55M financial rows:
    0.19 -> 0.025 s); anything else (non-text or missing ids) keeps pandas' hash table. From
    ``KEYS_MIN_FIRMS`` distinct text ids on, validation's matcher (:func:`_match_firms`: the ids' bytes as
    sorted keys; 1M firms' 3.4M financial rows 0.57 -> 0.09 s), which gives the hash table's answer too.
    """
    if len(ids) >= KEYS_MIN_FIRMS:
        a = _arrow_text(ids)
        shared = {"firm_ids": a}
        if a is not None and not a.null_count and _firm_keys(shared) is not None:  # distinct ids with keys
            return _match_firms(shared, values).astype(np.intp, copy=False)
    try:
        def arrow(s):
            a = getattr(s.array, "_pa_array", None)
            return a if a is not None else pa.array(s.to_numpy(dtype=object), type=pa.large_string())
        found = pc.index_in(arrow(values), value_set=arrow(ids))
        return pc.fill_null(found, -1).to_numpy().astype(np.intp)
    except (pa.ArrowException, TypeError, ValueError):
        return pd.Index(ids.to_numpy(dtype=object)).get_indexer(values.to_numpy(dtype=object))


# --------------------------------------------------------------------------- normalisation
_EMPTY: Dict[int, pd.DataFrame] = {}


def _default_index(df: pd.DataFrame) -> bool:
    """Whether ``df`` is on the row numbers 0..n-1 (unnamed): what ``reset_index(drop=True)`` gives."""
    ix = df.index
    return isinstance(ix, pd.RangeIndex) and ix.start == 0 and ix.step == 1 and ix.name is None


def _empty(fields: List[Field]) -> pd.DataFrame:
    """A table with no rows and the fields' dtypes (built once per table, then copied)."""
    if id(fields) not in _EMPTY:
        _EMPTY[id(fields)] = pd.DataFrame({f.name: pd.Series([], dtype=_dtype(f)) for f in fields})
    return _EMPTY[id(fields)].copy()


def _dtype(f: Field):
    return {"str": "object", "category": "object", "int": "Int64", "yuan": "Int64",
            "ratio": "float64", "bool": "boolean", "date": "datetime64[ns]"}[f.type]


class _Collector:
    def __init__(self, table: str, df: pd.DataFrame, source: Source):
        self.table, self.df, self.source = table, df, source
        self.problems: List[str] = []
        self.bad: Dict[str, np.ndarray] = {}
        self.empty: Dict[str, np.ndarray] = {}  # field -> empty cells, where conversion already knows them
        self.codes: Dict[str, np.ndarray] = {}  # choice field -> each value's number in its choices, where read as given
        # field -> the converted column the normalised table was built from (its own Series: a pandas column lookup
        # costs ~50-90 us, and the checks after conversion read ~40 columns per validation, at any size)
        self.cols: Dict[str, pd.Series] = {}

    def column(self, df: pd.DataFrame, name: str) -> pd.Series:
        """Column ``name`` of the normalised table ``df``: the converted Series it was built from, else ``df[name]``."""
        c = self.cols.get(name) if df is self.df else None
        return c if c is not None else df[name]

    def where(self, pos: int, fld: Optional[str] = None) -> str:
        label = self.source.row(self.table, pos, self.df.index[pos], fld)
        extra = []
        if "firm_id" in self.df.columns and self.table != "firms":
            v = self.df["firm_id"].iloc[pos]
            if isinstance(v, str):
                extra.append(f"firm {v}")
        if self.table == "events" and "code" in self.df.columns:
            v = self.df["code"].iloc[pos]
            if isinstance(v, str):
                extra.append(f"code {v}")
        return label + (f" ({', '.join(extra)})" if extra else "")

    def add(self, mask, fld: str, msg, values=None, limit: int = 25):
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():  # nothing to report (the usual case): no new mask of all rows
            return
        self.bad[fld] = self.bad[fld] | mask if fld in self.bad else mask.copy()
        pos = np.flatnonzero(mask)
        for p in pos[:limit]:
            v = _fmt(values.iloc[p]) if values is not None else None
            text = msg(v) if callable(msg) else msg
            self.problems.append(f"{self.where(p, fld)}: field '{fld}': {text}")
        if len(pos) > limit:
            self.problems.append(f"{self.table}: field '{fld}': {len(pos) - limit} more rows with the same problem")


def _normalise(table: str, df: pd.DataFrame, source: Source, col: _Collector, shared: Optional[dict] = None) -> pd.DataFrame:
    fields = TABLES[table]
    names = {f.name for f in fields}
    heads = _headers(table)
    # one field under two headers (firm_id and 企业编号, or 投资额（元） and 投资额（万元）): refused, never one silently
    target: Dict[str, list] = {}
    for c in df.columns:
        if isinstance(c, str) and c in heads:
            target.setdefault(heads[c][0], []).append(c)
    for name, cs in target.items():
        if len(cs) > 1:
            col.problems.append(f"{source.label(table)}: field '{name}' is given twice, under the headers {cs}; keep one column")
    if any(len(cs) > 1 for cs in target.values()):
        return df
    wan = {heads[c][0] for c in df.columns if isinstance(c, str) and c in heads and heads[c][1] != 1}
    renames = {c: heads[c][0] for c in df.columns if isinstance(c, str) and c in heads and heads[c][0] != c}
    if renames:
        df = df.rename(columns=renames)
    unknown = [c for c in df.columns if c not in names]
    if unknown:
        col.problems.append(
            f"{source.label(table)}: unknown column(s) {unknown}; allowed columns are {[f.name for f in fields]} "
            f"(or their Chinese headers). Misspelt columns are rejected, not ignored."
        )
    out, clean, missing = {}, set(), {}
    n = len(df)
    for f in fields:
        if f.name not in df.columns:
            if f.required:
                col.problems.append(f"{source.label(table)}: missing required column '{f.name}' ({f.zh}: {f.en})")
            kind = _dtype(f)  # the table's absent optional columns of one dtype share one column (copy-on-write)
            if kind not in missing:
                v = _missing_column(f, n)
                missing[kind] = pd.Series(v, index=df.index, dtype=v.dtype, copy=False)  # the dtype given: nothing inferred
            out[f.name] = missing[kind]
            continue
        s = df[f.name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)  # a pandas category column holds the values themselves (text, numbers…): read those
        try:
            a = _arrow_text(s) if f.type in ("str", "category", "date") or s.dtype == _TEXT else None
        except UnicodeEncodeError:  # a lone surrogate: no Arrow string holds it
            a = None
        bad = _surrogates(s) if a is None else None
        if bad is not None:
            col.add(bad, f.name, lambda v: f"{v!r} holds a lone surrogate (\\ud800–\\udfff), which is not a character and "
                    f"cannot be saved as text; correct the text (it often comes from decoding a file with the wrong encoding)", s)
            s = s.astype(object).where(~bad, None)
            a = _arrow_text(s) if f.type in ("str", "category", "date") or s.dtype == _TEXT else None
        known = _known_firm_ids(table, f, s, a, shared)
        if known is not None:
            clean.add(f.name)
        out[f.name] = known if known is not None else _convert(f, s, col, YUAN_PER_WAN if f.name in wan else 1, a)
    res = pd.DataFrame(out, index=df.index, copy=False)  # the converted columns are new already
    # the frame's columns are these: each on the frame's own index (``Index.is_``: the same index, or a view of it, as
    # pandas 3 gives a column taken from ``df``; an index merely equal would have been aligned, not taken)
    if res.index.is_(df.index) and all(v.index.is_(df.index) for v in out.values()):
        col.cols = out
    for f in fields:
        if f.required and f.name in df.columns and f.name not in clean:  # known firm ids are never empty
            empty = col.empty[f.name] if f.name in col.empty else np.asarray(out[f.name].array.isna(), dtype=bool)
            if f.name in col.bad:  # reported once, not twice
                empty = empty & ~col.bad[f.name]
            col.add(empty, f.name, f"is required ({f.zh}: {f.en}) but empty")
    return res


@functools.lru_cache(maxsize=None)
def _headers(table: str) -> Dict[str, tuple]:
    """Header -> (field, scale): the field name, its Chinese header, and for money the same header in 万元.

    ``投资额（元）`` is yuan; ``投资额（万元）``, ``投资额(万元)`` and ``amount_wan`` are 万元 (× 10,000, exactly).
    """
    out: Dict[str, tuple] = {}
    for f in TABLES[table]:
        out[f.name] = (f.name, 1)
        out[f.zh] = (f.name, 1)
        if f.type == "yuan":
            out[f.zh.replace("（", "(").replace("）", ")")] = (f.name, 1)
            base = f.zh.split("（")[0]
            for h in (f"{base}（万元）", f"{base}(万元)", f"{f.name}_wan"):
                out[h] = (f.name, YUAN_PER_WAN)
    return out


def _missing_column(f: Field, n: int, index=None):
    """An all-empty column of the field's dtype (for an optional column the input does not have), as an array.

    :func:`_normalise` gives one such column, as a Series, to all of a table's absent columns of a dtype:
    pandas' copy-on-write copies it for a column the moment someone writes to that column, so sharing
    is invisible (eight absent yes/no firm fields and three absent text ones: ~30 bytes per firm less)."""
    if f.type in ("str", "category"):
        return np.empty(n, dtype=object)  # None
    if f.type in ("int", "yuan"):
        return pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, bool))
    if f.type == "bool":
        return pd.arrays.BooleanArray(np.zeros(n, bool), np.ones(n, bool))
    if f.type == "ratio":
        return np.full(n, np.nan)
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")


def _fmt(v):
    """Show a user's value as they wrote it (3.0 -> 3; numpy scalars as plain values)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and np.isfinite(v) and v.is_integer():
        return int(v)
    return v


_TEXT = pd.Series(["text"]).dtype  # the dtype pandas gives a column of str values


def _python_text(make, *args, **kw):
    """``make(*args)`` (a DataFrame built from Python values), text held as Python str where UTF-8 cannot hold it.

    A lone surrogate (``"\\ud800"``, e.g. from a file name decoded with ``surrogateescape``)
    is not a character and an Arrow string cannot hold it; the frame is built with
    Python string storage instead, so that validation can name the value (:func:`_surrogates`).
    """
    try:
        return make(*args, **kw)
    except UnicodeEncodeError:
        with pd.option_context("mode.string_storage", "python"):
            return make(*args, **kw)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogates(s: pd.Series) -> Optional[np.ndarray]:
    """Cells holding a lone surrogate (``"x\\ud800y"``): text that no file can hold as UTF-8; None when there are none.

    Only Python text can hold one (object, category or Python-storage str columns;
    an Arrow string cannot): refused naming the cell, so nothing downstream (the
    engine's frames, the outputs) meets text it cannot store.
    """
    if not (s.dtype == object or isinstance(s.dtype, pd.CategoricalDtype) or getattr(s.dtype, "storage", None) == "python"):
        return None
    arr = s.to_numpy(dtype=object)
    try:
        "".join([x for x in arr if isinstance(x, str)]).encode("utf-8")
        return None
    except UnicodeEncodeError:
        return np.fromiter((isinstance(x, str) and _SURROGATE.search(x) is not None for x in arr), bool, len(arr))


# --------------------------------------------------------------------------- text as Arrow strings
# Validation reads text (firm ids, dates, codes, names) as Arrow strings: pandas 3 keeps str columns so
# (pyarrow is a dependency), a user's object column is converted once. Blanks, ids and ISO dates are then
# found on the UTF-8 bytes with numpy, without a Python object per cell; any value these fast paths do not
# settle exactly sends the column down the row-by-row path, which words the errors as before.

#: up to this many values a column is read value by value in Python (fewer calls than the vectorised path)
_SMALL = 16
#: what Python's ``str.strip()`` removes (the characters for which ``str.isspace()`` is true)
_WS = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_WS_FIRST = np.zeros(256, bool)  # first and last UTF-8 bytes of those characters: a value that neither
_WS_LAST = np.zeros(256, bool)   # starts nor ends with one of these bytes has nothing to strip
for _c in _WS:
    _WS_FIRST[_c.encode()[0]] = _WS_LAST[_c.encode()[-1]] = True
del _c


def _arrow_text(s) -> Optional[pa.Array]:
    """A text column as one Arrow ``large_string`` array (missing values as nulls); None if a value is not text."""
    if isinstance(s, pd.Series):
        if isinstance(s.dtype, pd.CategoricalDtype) or not pd.api.types.is_string_dtype(s.dtype):
            return None
        if s.dtype != object:  # pandas' str / string dtypes (Arrow or Python storage)
            a = s.array.__arrow_array__()
            if isinstance(a, pa.ChunkedArray):
                a = a.chunk(0) if a.num_chunks == 1 else a.combine_chunks()
            return a if a.type == pa.large_string() else a.cast(pa.large_string())
        s = s.values  # the object array itself (to_numpy copies it)
    if not _lib.is_string_array(s, skipna=True):  # bytes, numbers… (or no text at all): the row-by-row path
        return None
    try:
        return pa.array(s, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, UnicodeEncodeError, TypeError, ValueError):
        return None


def _buffers(a: pa.Array):
    """(offsets, bytes) of a ``large_string`` array as numpy views: value i is ``data[off[i]:off[i + 1]]``."""
    b = a.buffers()
    off = np.frombuffer(b[1], np.int64)[a.offset:a.offset + len(a) + 1] if b[1] is not None else np.zeros(len(a) + 1, np.int64)
    data = np.frombuffer(b[2], np.uint8) if b[2] is not None else np.zeros(0, np.uint8)
    return off, data


def _nulls(a: pa.Array) -> np.ndarray:
    return a.is_null().to_numpy(zero_copy_only=False) if a.null_count else np.zeros(len(a), bool)


#: from this many values on, a column with many values to strip is stripped per distinct text when at most a
#: quarter of its texts are distinct
BY_VALUE_MIN = 4096


def _strip_arrow(a: pa.Array):
    """(null-or-blank mask, the texts stripped with blanks as nulls, whether nothing changed), as ``str.strip()`` does.

    Only values whose first or last byte can belong to a whitespace character are trimmed (by pyarrow, with
    exactly Python's whitespace characters); the rest are kept as they are.
    """
    null = _nulls(a)
    n = len(a)
    if not n:
        return null, a, True
    if n <= _SMALL:  # a few values (a profile, a small table): Python's own strip, value by value
        vals = a.to_pylist()
        out = [None if v is None or not v.strip() else v.strip() for v in vals]
        if out == vals:
            return null, a, True
        return np.array([v is None for v in out]), pa.array(out, type=pa.large_string()), False
    off, data = _buffers(a)
    if len(data):
        cand = np.empty(n, bool)
        for b in range(0, n, BLOCK):  # empty, or first or last byte possibly whitespace (block by block: small temporaries)
            o = off[b:b + BLOCK + 1]
            c = (o[1:] == o[:-1]) | _WS_FIRST[data.take(o[:-1], mode="clip")] | _WS_LAST[data.take(o[1:] - 1, mode="clip")]
            np.greater(c, null[b:b + BLOCK], out=cand[b:b + BLOCK])  # and not null
    else:
        cand = ~null  # every value is empty
    at = np.flatnonzero(cand)
    if not len(at):
        return null, a, True
    if n >= BY_VALUE_MIN and len(at) > n // 8:  # many candidates (e.g. Chinese names: their last bytes can be
        enc = pc.dictionary_encode(a)                  # a space's): a column of few distinct texts is stripped per text
        if len(enc.dictionary) <= n // 4:
            dnull, dout, dsame = _strip_arrow(enc.dictionary)
            if dsame:
                return null, a, True
            return np.append(dnull, True)[pc.fill_null(enc.indices, len(dnull)).to_numpy()], dout.take(enc.indices), False
    trimmed = pc.utf8_trim(a.take(pa.array(at)), _WS)
    toff, _ = _buffers(trimmed)
    tl = np.diff(toff)
    blank = tl == 0
    changed = (tl != off[at + 1] - off[at]) & ~blank
    if not blank.any() and not changed.any():
        return null, a, True
    out = a
    if changed.any():
        mask = np.zeros(n, bool)
        mask[at[changed]] = True
        out = pc.replace_with_mask(out, pa.array(mask), trimmed.filter(pa.array(changed)))
    if blank.any():
        null = null.copy()
        null[at[blank]] = True
        out = pc.if_else(pa.array(~null), out, pa.scalar(None, pa.large_string()))
    return null, out, False


def _text_column(a: pa.Array, index) -> pd.Series:
    """Arrow text as the column pandas infers from the same Python values (str; object when every value is missing)."""
    if a.null_count == len(a):
        return pd.Series(np.empty(len(a), dtype=object), index=index, copy=False)  # None, as pandas keeps an all-None column
    if getattr(_TEXT, "storage", None) == "pyarrow":
        return pd.Series(pd.array(a, dtype=_TEXT), index=index)
    return pd.Series(a.to_numpy(zero_copy_only=False), index=index, copy=False)


_DAY0, _DAY1 = (int(np.datetime64(d.date(), "D").astype(np.int64)) for d in (MIN_DATE, MAX_DATE))


def _iso_dates(a: pa.Array, null: np.ndarray) -> Optional[np.ndarray]:
    """datetime64[ns] of texts that are all YYYY-MM-DD dates of the calendar within range (NaT where missing); else None.

    Arrow's cast to ``date32`` reads exactly ten ASCII characters, digits and two dashes, of a day of the calendar
    (2023-02-29 and 2023-4-01 refused): anything else (other forms, impossible or out-of-range dates) is None, and
    the row-by-row path reads or names it. 100k firms' dates 2.7 -> 1.1 ms against numpy on the bytes.
    """
    if not (~null).any():
        return None
    if len(a) <= _SMALL:
        return _iso_dates_small(a.to_pylist())
    try:
        d = pc.cast(a, pa.date32())
    except (pa.ArrowInvalid, OverflowError):  # OverflowError: year 0 (0000-01-01)
        return None
    days = d.cast(pa.int32())
    days = (pc.fill_null(days, _DAY0) if d.null_count else days).to_numpy()
    if days.min() < _DAY0 or days.max() > _DAY1:
        return None
    ns = days.astype(np.int64) * np.int64(86_400_000_000_000)
    if d.null_count:
        ns[null] = np.iinfo(np.int64).min  # NaT
    return ns.view("datetime64[ns]")


def _iso_dates_small(vals: list) -> Optional[np.ndarray]:
    """:func:`_iso_dates` for a few values, value by value (same rules)."""
    out = []
    for v in vals:
        if v is None:
            out.append(None)
            continue
        if not (len(v) == 10 and v.isascii() and v[4] == "-" and v[7] == "-" and (v[:4] + v[5:7] + v[8:]).isdigit()):
            return None
        try:
            d = dt.date(int(v[:4]), int(v[5:7]), int(v[8:]))
        except ValueError:
            return None
        if not MIN_DATE.date() <= d <= MAX_DATE.date():
            return None
        out.append(d)
    return np.array([np.datetime64(d, "D") if d is not None else np.datetime64("NaT") for d in out], dtype="datetime64[D]").astype("datetime64[ns]")


def _id_keys(a: pa.Array, width: Optional[int] = None):
    """Text ids (no missing values) as keys equal exactly when the texts are: their UTF-8 bytes, right-padded with zeros.

    Returns (keys, fits): ids of up to 8 bytes as integers (uint64), up to 64 bytes (e.g. 18-character
    credit codes) as fixed-width bytes; ``width`` packs to that many bytes (the firms' width) and ``fits``
    says which ids are not longer. None when an id holds a NUL character (the padding would take "F1\\x00"
    for "F1": the hash table decides) or the ids are longer than 64 bytes.
    """
    n = len(a)
    off, data = _buffers(a)
    body = data[off[0]:off[-1]] if n else data[:0]
    if len(body) and not body.min():  # a NUL byte (a reduction: no mask of the bytes)
        return None
    w0 = int(off[1] - off[0]) if n else 0
    # ids of one length (generated or coded ids, the usual case): seen block by block on the offsets, with no
    # array of every id's length (80 MB at 10M firms); otherwise the lengths, as before
    equal = bool(n) and int(off[-1] - off[0]) == n * w0 and all(
        (np.diff(off[b:b + BLOCK + 1]) == w0).all() for b in range(0, n, BLOCK))
    length = None if equal else np.diff(off)
    w = w0 if equal else (int(length.max()) if n else 0)
    if width is None:
        if w > 64:
            return None
        width = 8 if w <= 8 else w
    fits = np.full(n, w <= width) if equal else length <= width
    if equal and w <= width:  # equal lengths: one reshape of the bytes
        b = body.reshape(n, w) if w == width else np.zeros((n, width), np.uint8)
        if w != width:
            b[:, :w] = body.reshape(n, w)
    else:
        if length is None:  # one length, longer than ``width``: none fits
            length = np.diff(off)
        b = np.zeros((n, width), np.uint8)
        start = off[:-1]
        for k in range(min(w, width)):
            m = (length > k) & fits
            b[m, k] = data[start[m] + k]
    if width == 8:
        return np.ascontiguousarray(b).view(">u8").ravel().astype(np.uint64), fits
    return np.ascontiguousarray(b).view(f"S{width}").ravel(), fits


def _text_fast(s: pd.Series):
    """Vectorised reading of a text column: (null-or-blank mask, stripped values with None for null).

    Only when every non-missing value is a ``str`` (the usual case: CSV text, pandas
    str columns); returns None otherwise, and the caller takes the row-by-row path,
    which words the errors. Same results as ``_isnull`` and ``str.strip``.
    """
    if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
        return None
    arr = s.to_numpy(dtype=object)
    if len(arr) > 20000 and len(pd.unique(arr[:5000])) < 4500:  # a sample shows many repeats
        return _text_few_values(arr)
    na = s.isna().to_numpy()
    at = np.flatnonzero(~na) if na.any() else None
    vals = arr[at] if at is not None else arr
    if len(vals) and not _lib.is_string_array(vals, skipna=False):
        return None
    null = na.copy()
    changed = False
    if len(vals):
        if max(map(len, vals)) <= 256:
            u = vals.astype(str)
            l0, l1 = np.strings.str_len(u), np.strings.str_len(np.strings.strip(u))
        else:  # long texts: no fixed-width copy
            l0 = np.fromiter(map(len, vals), np.int64, len(vals))
            l1 = np.fromiter((len(x.strip()) for x in vals), np.int64, len(vals))
        blank = l1 == 0
        ch = np.flatnonzero((l1 != l0) & ~blank)
        if at is None:
            at = np.arange(len(arr))
        if blank.any() or len(ch):
            arr, changed = arr.copy(), True
            null[at[blank]] = True
            if len(ch):
                arr[at[ch]] = [x.strip() for x in vals[ch]]
    if null.any():
        if not changed:
            arr = arr.copy()
        arr[null] = None
    return null, arr, None, not changed and not null.any()


def _text_few_values(arr: np.ndarray):
    """:func:`_text_fast` for a column with few distinct values (industry, township, dates): work per value."""
    codes, uniq = pd.factorize(arr)  # missing values get -1
    uniq = np.asarray(uniq, dtype=object)
    if len(uniq) and not _lib.is_string_array(uniq, skipna=False):
        return None
    stripped = np.array([x.strip() for x in uniq] + [None], dtype=object)
    blank = np.array([x == "" for x in stripped[:-1]] + [True], dtype=bool)
    stripped[blank] = None
    at = np.where(codes >= 0, codes, len(uniq))
    null = blank[at]
    same = not null.any() and all(len(a) == len(b) for a, b in zip(uniq, stripped[:-1]))
    return null, (arr if same else stripped[at]), (at, stripped), same


def _dates_fast(s: pd.Series, text) -> Optional[pd.Series]:
    """Vectorised YYYY-MM-DD parsing when every text is such a date within range; None otherwise."""
    null, arr, few = text[0], text[1], text[2]
    if few is not None:  # parse each distinct text once
        at, stripped = few
        vals = stripped[:-1][[x is not None for x in stripped[:-1]]] if len(stripped) > 1 else stripped[:0]
    else:
        vals = arr[~null]
    if not len(vals):
        return None
    u = vals.astype(str)
    if u.dtype.itemsize != 40:  # every value has 10 characters
        return None
    c = u.view(np.uint32).reshape(len(u), 10)
    digits = c[:, [0, 1, 2, 3, 5, 6, 8, 9]]
    if not (((digits >= 48) & (digits <= 57)).all() and (c[:, [4, 7]] == 45).all()):
        return None
    try:
        d = u.astype("datetime64[D]")
    except ValueError:  # e.g. 2023-02-30: the row-by-row path says which row
        return None
    if (d < np.datetime64(MIN_DATE.date())).any() or (d > np.datetime64(MAX_DATE.date())).any():
        return None
    if few is not None:
        per = np.full(len(stripped), np.datetime64("NaT"), dtype="datetime64[ns]")
        per[np.flatnonzero([x is not None for x in stripped])] = d
        return pd.Series(per[at], index=s.index, copy=False)
    full = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[ns]")
    full[~null] = d
    return pd.Series(full, index=s.index, copy=False)


def _isnull(s: pd.Series) -> np.ndarray:
    v = np.asarray(s.array.isna(), dtype=bool)  # Series.isna's values (one pandas call less)
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):  # pandas 3 reads CSV text as dtype str
        v = v | s.map(lambda x: isinstance(x, str) and x.strip() == "").to_numpy(dtype=bool)
    return v


def _known_firm_ids(table: str, f: Field, s: pd.Series, a: Optional[pa.Array], shared: Optional[dict]) -> Optional[pd.Series]:
    """Events' and financials' firm ids when every one is exactly a validated firm id (the usual case).

    Such a value is text, not blank and has no surrounding spaces (the firms table's
    ids were checked for that), so one lookup both converts the column and matches
    it to firms; the positions are kept for the engine. None: take the full path.
    """
    if not shared or not _firms_checked(shared) or f.name != "firm_id" or table not in ("events", "financials"):
        return None
    if a is None or a.null_count:
        return None
    pos = _match_firms(shared, a)
    if (pos < 0).any():
        return None
    shared[f"pos_{table}"] = pos
    return s if len(s) and s.dtype == _TEXT else _text_column(a, s.index)


def _firms_checked(shared: dict) -> bool:
    """Whether the firms' ids are known to be distinct text (kept in ``shared`` by :func:`_unique_fast`)."""
    return "firm_ids" in shared or "firm_index" in shared


def _firm_count(shared: dict) -> int:
    return len(shared["firm_ids"]) if "firm_ids" in shared else len(shared["firm_index"])


def _firm_index(shared: dict) -> pd.Index:
    """The firms' ids as a pandas Index of Python text (the hash table, for ids that get no keys)."""
    if "firm_index" not in shared:
        shared["firm_index"] = pd.Index(shared["firm_ids"].to_numpy(zero_copy_only=False), dtype=object)
    return shared["firm_index"]


def _firm_keys(shared: dict):
    """(sorted keys, their order or None, key width) of the firms' ids, built once per validation; None: the hash table."""
    if "firm_keys" in shared:
        return shared["firm_keys"]
    ids = shared.get("firm_ids")
    if ids is None:
        ids = _arrow_text(shared["firm_index"].to_numpy(dtype=object))
    keys = None
    if ids is not None and not ids.null_count and len(ids) >= KEYS_MIN_FIRMS:
        k = _id_keys(ids)
        if k is not None:
            k = k[0]
            order = None if bool((k[1:] > k[:-1]).all()) else np.argsort(k, kind="stable")
            sk = k if order is None else k[order]
            if order is None or bool((sk[1:] > sk[:-1]).all()):  # distinct
                keys = (sk, order, 8 if sk.dtype.kind == "u" else sk.dtype.itemsize)
    shared["firm_keys"] = keys
    return keys


#: from this many firms on, ids are matched by keys: at every size measured they beat pandas' hash table, which
#: needs a Python object per id (validation of bench_engine's population, Arrow text: 300 firms 5.5 -> 4.7 ms,
#: 3,000 6.9 -> 5.3 ms, 30,000 29.9 -> 13.3 ms; text as Python objects 20,000 28.2 -> 17.6 ms). A profile's few
#: ids (``_SMALL``) take Python's dict, ids the keys cannot hold the hash table.
KEYS_MIN_FIRMS = 1


#: from this many ids on, ids in no order are sorted before they are searched (cache-friendly at millions of firms)
SORT_QUERIES_MIN = 4096


def _match_firms(shared: dict, values) -> np.ndarray:
    """Position in the firms table of each firm id in ``values`` (-1: not a firm): ``Index.get_indexer``, faster.

    Ids are matched as integer or byte keys of their UTF-8 bytes (:func:`_id_keys`) on the
    sorted firm ids, with ``searchsorted``; where an id holds a NUL character, is not text, or
    the firms are few, the hash table answers, so the result is always exactly the hash table's.
    """
    if len(values) <= _SMALL and _firm_count(shared) <= _SMALL:  # a profile: Python's own dict of the few firm ids
        ids = (shared["firm_ids"].to_pylist() if "firm_ids" in shared else list(shared["firm_index"]))
        first = {}
        for i, v in enumerate(ids):
            first.setdefault(v, i)
        vals = values.to_pylist() if isinstance(values, pa.Array) else list(values)
        return np.array([first.get(v, -1) if isinstance(v, str) else _firm_index(shared).get_indexer([v])[0] for v in vals], dtype=np.intp)
    keys = _firm_keys(shared)
    if isinstance(values, pa.Array):
        a = values
    else:
        a = _arrow_text(values if isinstance(values, pd.Series) else np.asarray(values, dtype=object)) if keys is not None else None
    if keys is None or a is None or a.null_count:
        return _by_hash_table(shared, values, a)
    sk, order, width = keys
    # int32 below 2^31 firms: half the memory of the positions the Facts keep for the engine (3.4M financial rows at 1M firms)
    out = np.empty(len(a), np.int32 if len(sk) < 2**31 else np.intp)
    for b in range(0, len(a), MATCH_BLOCK):  # block by block: the keys and searches of one block at a time
        q = _id_keys(a.slice(b, MATCH_BLOCK), width)
        if q is None:  # an id the keys cannot hold (NUL): the hash table answers for all
            return _by_hash_table(shared, values, a)
        qk, fits = q
        if len(qk) <= SORT_QUERIES_MIN:
            out[b:b + len(qk)] = _searched(sk, order, qk, fits)
            continue
        down = qk[1:] < qk[:-1]
        k = int(np.count_nonzero(down))
        if k > len(qk) // 16:
            # ids in no order (events): searched in sorted order, so that the searches walk the keys once
            # instead of missing the cache on every row of a large firms table
            out[b:b + len(qk)] = _searched(sk, order, qk, fits, sort=True)
            continue
        if k > MAX_RUNS:  # mostly ascending, in too many runs to try each
            out[b:b + len(qk)] = _searched(sk, order, qk, fits)
            continue
        # ids in a few ascending runs (an export sorted by year, then firm: one run per year, wherever the block's
        # edges fall): a run of consecutive firm ids (a year with every firm) is matched with no search at all
        cuts = [0, *(np.flatnonzero(down) + 1).tolist(), len(qk)]
        for lo_q, hi_q in zip(cuts[:-1], cuts[1:]):
            run, m = qk[lo_q:hi_q], hi_q - lo_q
            if m > SORT_QUERIES_MIN and fits[lo_q:hi_q].all():
                lo = int(np.searchsorted(sk, run[0]))
                if lo + m <= len(sk) and np.array_equal(sk[lo:lo + m], run):
                    out[b + lo_q:b + hi_q] = np.arange(lo, lo + m) if order is None else order[lo:lo + m]
                    continue
            out[b + lo_q:b + hi_q] = _searched(sk, order, run, fits[lo_q:hi_q])
    return out


#: at most this many ascending runs of ids in a block are tried one by one for a run of consecutive firm ids
MAX_RUNS = 64


def _searched(sk: np.ndarray, order: Optional[np.ndarray], qk: np.ndarray, fits: np.ndarray, sort: bool = False) -> np.ndarray:
    """Position in the firms table of each key ``qk`` (-1: not a firm) by binary search of the sorted keys ``sk``;
    ``sort``: the keys searched in sorted order (a cache-friendly walk of ``sk`` for keys in no order)."""
    if sort:
        o = np.argsort(qk, kind="stable")
        p = np.empty(len(qk), np.intp)
        p[o] = np.searchsorted(sk, qk[o])
    else:
        p = np.searchsorted(sk, qk)
    np.minimum(p, len(sk) - 1, out=p)
    hit = (sk[p] == qk) & fits
    pos = p if order is None else order[p]
    pos[~hit] = -1
    return pos


#: ids matched per block (keys, searches and hits of this many rows at a time, ~2 MB each): a financials table of
#: tens of millions of rows without temporaries of all its rows (the same positions as matching all at once)
MATCH_BLOCK = 1 << 18


def _by_hash_table(shared: dict, values, a: Optional[pa.Array]) -> np.ndarray:
    """:func:`_match_firms` by pandas' hash table of the firm ids (``Index.get_indexer``)."""
    arr = (a.to_numpy(zero_copy_only=False) if isinstance(values, pa.Array)
           else values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object))
    # as an object Index: an array would be typed first (text -> str, then back to objects to compare: ~6x the lookup)
    return _firm_index(shared).get_indexer(pd.Index(arr, dtype=object, copy=False))


def _int_max(f: Field) -> int:
    return MAX_YUAN if f.type == "yuan" else INT_MAX.get(f.name, MAX_COUNT)


def _masked(s: pd.Series, dtype: str) -> pd.Series:
    """``s.astype(dtype)``: a numpy integer or bool column as Int64 or boolean (any other column: pandas' astype).

    Up to ``_SMALL`` values the masked array is built over a copy of the values (pandas' astype is ~200,000
    instructions a column, a twentieth of a profile's validation); more, pandas' astype over the input's buffer
    (copy-on-write keeps the Facts as validated)."""
    if len(s) > _SMALL or not isinstance(s.dtype, np.dtype):
        return s.astype(dtype)
    make, kind = (pd.arrays.IntegerArray, np.int64) if dtype == "Int64" else (pd.arrays.BooleanArray, np.bool_)
    return pd.Series(make(s.to_numpy(dtype=kind, copy=True), np.zeros(len(s), bool)), index=s.index, name=s.name, copy=False)


def _clean_numbers(f: Field, s: pd.Series, scale: int = 1) -> Optional[pd.Series]:
    """A numeric column in which every value is empty or allowed, converted in a few passes.

    The usual case for large tables; any value that would be reported (negative,
    fractional, too large, out of range) sends the column down the full path,
    which names the rows. Same result as the full path for clean data.
    """
    if scale != 1 or pd.api.types.is_bool_dtype(s.dtype) or isinstance(s.dtype, pd.BooleanDtype):
        return None
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iu" and f.type != "ratio":
        # plain integers (a year column): bounds checked on them, and pandas' Int64 over the same buffer (no copy;
        # copy-on-write keeps the Facts as validated if the caller changes the input afterwards)
        x = s.to_numpy()
        lo, hi = (MIN_YEAR, MAX_YEAR) if f.name == "year" else (0, _int_max(f))
        if len(x) and not (int(x.min()) >= lo and int(x.max()) <= hi):
            return None
        return _masked(s, "Int64")
    # numpy floats are read in place (NaN is their empty cell already); other dtypes converted
    v = s.to_numpy() if s.dtype == np.float64 else s.to_numpy(dtype="float64", na_value=np.nan)
    empty = np.isnan(v)
    lo, hi = (0, 1) if f.type == "ratio" else (MIN_YEAR, MAX_YEAR) if f.name == "year" else (0, _int_max(f))
    for a in range(0, len(v), BLOCK):  # empty, or within bounds (and whole): checked block by block
        x = v[a:a + BLOCK]
        ok = (x >= lo) & (x <= hi)
        if f.type != "ratio":
            ok &= np.trunc(x) == x
        if not (ok | empty[a:a + BLOCK]).all():
            return None
    if f.type == "ratio":
        return pd.Series(v, index=s.index, dtype="float64")
    if pd.api.types.is_integer_dtype(s.dtype):  # pandas' own conversion (Int64: over the input's buffer, copy-on-write)
        return _masked(s, "Int64")
    ints = np.zeros(len(v), np.int64)  # written once, without a float temporary of the rows
    for a in range(0, len(v), BLOCK):
        np.copyto(ints[a:a + BLOCK], v[a:a + BLOCK], casting="unsafe", where=~empty[a:a + BLOCK])
    return pd.Series(pd.arrays.IntegerArray(ints, empty), index=s.index, copy=False)  # the arrays are new: no copy


#: rows per block where a long column is checked or converted piece by piece: each step's temporaries are
#: then a block long (reused by the allocator, in cache) instead of fresh pages from the system for every
#: step over all rows (glibc maps arrays above 32 MiB anew each time: the kernel's share at 10M firm-years)
BLOCK = 1 << 16


# a number as a person writes it: digits, optionally grouped by commas in threes, a decimal part, an exponent
_NUMBER_RE = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[+-]?\.[0-9]+"  # ASCII digits only
_LEADING_ZERO_RE = r"[+-]?0[0-9]"


def _parse_number_text(s: pd.Series, null: np.ndarray, st: Optional[pa.Array] = None):
    """Numbers from a column of text and Python values (CSV, profile, object columns).

    Returns (float values, mask of values that are not numbers as written, mask of
    integers written with a leading zero). Text must be a plain number: commas only
    as thousands separators in groups of three (``3,000,000``; not ``3000000,5`` or
    ``300000,0``); no ``nan``/``inf``/``true``. Booleans and other types are refused.
    """
    n = len(s)
    if st is not None:
        return _parse_number_arrow(st, null)
    arr = s.to_numpy(dtype=object)
    if s.dtype != object and pd.api.types.is_string_dtype(s.dtype):  # pandas' str dtype (CSV): every value is text
        is_str = ~s.isna().to_numpy()
    else:
        is_str = np.fromiter((isinstance(x, str) for x in arr), bool, n) if n else np.zeros(0, bool)
    out = np.full(n, np.nan)
    bad = np.zeros(n, bool)
    lead = np.zeros(n, bool)
    at = np.flatnonzero(is_str & ~null)
    if len(at):
        vals = arr[at]
        plain = _plain_numbers(vals)  # digits, a sign, one decimal point: checked on the characters, vectorised
        if plain is not None:
            ok_p, lead_p, num_p = plain
            out[at[ok_p]] = num_p
            lead[at[ok_p]] = lead_p
            rest = np.flatnonzero(~ok_p)  # commas, exponents, and everything that is not a number
        else:
            rest = np.arange(len(at))
        if len(rest):
            t = pd.Series(vals[rest], dtype=object).str.strip()
            ok = t.str.fullmatch(_NUMBER_RE).to_numpy(dtype=bool)
            lead[at[rest]] = ok & t.str.match(_LEADING_ZERO_RE).to_numpy(dtype=bool)
            out[at[rest[ok]]] = pd.to_numeric(t[ok].str.replace(",", "", regex=False), errors="coerce").to_numpy(dtype="float64")
            bad[at[rest[~ok]]] = True
    inexact = np.zeros(n, bool)
    if len(at):  # texts with more digits than a float holds (the long ones only)
        long_ = at[np.strings.str_len(arr[at].astype(str)) > _EXACT_CHARS]
        long_ = long_[~bad[long_]]
        inexact[long_] = _inexact_texts(list(arr[long_]), out[long_])
    other = np.flatnonzero(~is_str & ~null)
    for p in other:  # Python values (profile, object columns): few, and each needs its type checked
        x = arr[p]
        if isinstance(x, Decimal):  # exact as given: kept only where the float is the same number
            if not x.is_finite():
                out[p] = float(x)  # NaN and infinity are reported as such
            elif x == x.to_integral_value():
                out[p] = float(x) if abs(x) <= 2**62 else (float("inf") if x > 0 else -float("inf"))
            else:
                out[p] = float(x)
                # a fraction whose float is another number (Decimal('0.79999999999999999999') is not 0.8)
                # or rounds to a whole number (Decimal('3000000.0000000001')) is never read as that number
                inexact[p] = yamlio.inexact(x, out[p])  # (a fraction whose float is whole differs from it too)
        elif isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
            bad[p] = True
        elif isinstance(x, (int, np.integer)) and abs(int(x)) > 2**62:
            out[p] = float("inf") if x > 0 else -float("inf")  # reported as too large, never wrapped
        else:
            out[p] = float(x)
    return out, bad, lead, inexact


_PLAIN_RE = r"^[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)$"  # what _plain_numbers accepts

#: a number text of at most this many characters holds at most 15 significant digits, which a float keeps exactly
_EXACT_CHARS = 15


def _inexact_texts(texts, values: np.ndarray) -> np.ndarray:
    """Which of the number ``texts`` their floats ``values`` are not: a decimal written with more digits than a float
    holds (``1999999.9999999999`` would be read as 2,000,000, ``0.79999999999999999999`` as 0.8) is refused, never read
    as the neighbouring number, as a ``Decimal`` is. Compared exactly, as decimals (``3000000.0000000000`` is exact);
    the callers pass only texts longer than :data:`_EXACT_CHARS` (the rest are exact)."""
    out = np.zeros(len(values), bool)
    for i, (t, v) in enumerate(zip(texts, values)):
        if t is not None and np.isfinite(v):
            out[i] = yamlio.inexact(t.strip().replace(",", ""), v)
    return out


def _inexact_arrow(st: pa.Array, values: np.ndarray, skip: np.ndarray, at: Optional[np.ndarray] = None) -> np.ndarray:
    """:func:`_inexact_texts` of Arrow number texts (``skip``: missing or not numbers), only the long ones read
    (``at``: their positions, when known)."""
    if at is None:
        off, _ = _buffers(st)
        at = np.flatnonzero((np.diff(off) > _EXACT_CHARS) & ~skip)
    out = np.zeros(len(st), bool)
    if len(at):
        out[at] = _inexact_texts(st.take(pa.array(at)).to_pylist(), values[at])
    return out


def _parse_number_arrow(st: pa.Array, null: np.ndarray):
    """:func:`_parse_number_text` for Arrow text (stripped, blanks as nulls): plain numbers parsed by pyarrow.

    Plain decimal numbers of up to 40 characters are found by a regular expression and cast by pyarrow
    (correctly rounded, as Python's float); the others (commas, exponents, words) take the Python path.
    """
    n = len(st)
    fast = _plain_numbers_arrow(st, null)
    if fast is not None:
        return fast[0], np.zeros(n, bool), fast[1], _inexact_arrow(st, fast[0], null, fast[2])
    out = np.full(n, np.nan)
    lead = np.zeros(n, bool)
    off, _ = _buffers(st)
    plain = pc.fill_null(pc.match_substring_regex(st, _PLAIN_RE), False).to_numpy(zero_copy_only=False)
    plain &= ~null & (np.diff(off) <= 40)  # a plain number is ASCII: 40 bytes are 40 characters
    at = np.flatnonzero(plain)
    if len(at):
        vals = st if len(at) == n else st.take(pa.array(at))
        out[at] = pc.cast(vals, pa.float64()).to_numpy(zero_copy_only=False)
        lead[at] = pc.match_substring_regex(vals, r"^[+-]?0[0-9]").to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~plain & ~null)
    bad = np.zeros(n, bool)
    if len(rest):  # commas, exponents, and everything that is not a number: as on the Python path
        t = pd.Series(st.take(pa.array(rest)).to_numpy(zero_copy_only=False), dtype=object)
        ok = t.str.fullmatch(_NUMBER_RE).to_numpy(dtype=bool)
        lead[rest] = ok & t.str.match(_LEADING_ZERO_RE).to_numpy(dtype=bool)
        out[rest[ok]] = pd.to_numeric(t[ok].str.replace(",", "", regex=False), errors="coerce").to_numpy(dtype="float64")
        bad[rest[~ok]] = True
    return out, bad, lead, _inexact_arrow(st, out, null | bad)


_NUMBER_BYTE = np.zeros(256, bool)
_NUMBER_BYTE[np.frombuffer(b"0123456789.+-", np.uint8)] = True


def _plain_numbers_arrow(st: pa.Array, null: np.ndarray):
    """(floats, leading-zero mask, positions of texts longer than :data:`_EXACT_CHARS`) when every text is a plain
    number (the usual CSV column), else None.

    Checked on the bytes: only digits, '.', '+', '-'; no value ends with '.' or is longer than 40;
    then pyarrow's cast, which refuses every other arrangement of those characters ("1.2.3", "1-2", ".").
    """
    off, data = _buffers(st)
    valid = ~null
    if not valid.any():
        return None
    lo, hi = off[:-1][valid], off[1:][valid]
    body = data[off[0]:off[-1]]
    if not _NUMBER_BYTE[body].all() or int((hi - lo).max()) > 40 or (data[hi - 1] == 46).any():
        return None
    try:
        v = pc.cast(st, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    first = data[lo]
    signed = (first == 43) | (first == 45)
    at = lo + signed  # the first character after an optional sign
    nxt = np.where(at + 1 < hi, data[np.minimum(at + 1, len(data) - 1)], 0)
    lead = np.zeros(len(st), bool)
    lead[valid] = (data[np.minimum(at, len(data) - 1)] == 48) & (nxt >= 48) & (nxt <= 57)
    return np.where(null, np.nan, v), lead, np.flatnonzero(valid)[(hi - lo) > _EXACT_CHARS]


def _plain_numbers(vals: np.ndarray):
    """Texts that are plain decimal numbers (``3000000``, ``-0.85``, ``.5``), found on their characters.

    Returns (plain mask, leading-zero mask of the plain ones, their float values), or
    None when the texts are too long for a fixed-width copy. Surrounding spaces are
    allowed. Anything else (commas, exponents, letters) is left to the regular expression.
    """
    u = np.strings.strip(vals.astype(str))
    width = u.dtype.itemsize // 4
    if width == 0 or width > 40:
        return None
    c = u.view(np.uint32).reshape(len(u), width)
    digit = (c >= 48) & (c <= 57)
    dot = c == 46
    pad = c == 0
    sign0 = (c[:, 0] == 45) | (c[:, 0] == 43)
    allowed = digit | dot | pad
    allowed[:, 0] |= sign0
    nxt = np.zeros_like(digit)
    nxt[:, :-1] = digit[:, 1:]
    ok = allowed.all(1) & (dot.sum(1) <= 1) & digit.any(1) & ~(dot & ~nxt).any(1) & ~pad[:, 0]
    start = sign0.astype(np.intp)  # the first digit after an optional sign
    rows = np.arange(len(u))
    first = c[rows, np.minimum(start, width - 1)]
    second = np.where(start + 1 < width, c[rows, np.minimum(start + 1, width - 1)], 0)
    lead = (first == 48) & (second >= 48) & (second <= 57)
    return ok, lead[ok], u[ok].astype(np.float64) if ok.any() else np.zeros(0)


def _numbers(f: Field, s: pd.Series, col: _Collector, null: np.ndarray, scale: int = 1, st: Optional[pa.Array] = None) -> pd.Series:
    """The number fields (int, yuan, ratio): every value checked, bounds included; names the rows."""
    unit_zh = "万元" if scale != 1 else ""
    if pd.api.types.is_bool_dtype(s.dtype) or isinstance(s.dtype, pd.BooleanDtype):
        col.add(~null, f.name, "must be a number, got a true/false value", s)
        return pd.Series(pd.array([None] * len(s), dtype=_dtype(f)), index=s.index)
    if pd.api.types.is_numeric_dtype(s.dtype):
        clean = _clean_numbers(f, s, scale)
        if clean is not None:
            return clean
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        text_bad = np.zeros(len(s), bool)
        nan = np.zeros(len(s), bool)  # NaN in a numeric column is pandas' empty cell
    else:
        v, text_bad, lead, inexact = _parse_number_text(s, null, st)
        wrong_type = np.zeros(len(s), bool)  # not text at all (a list, a dict...): say its type, not the commas
        at_bad = np.flatnonzero(text_bad)
        if len(at_bad):
            wrong_type[at_bad] = [not isinstance(x, str) for x in s.iloc[at_bad].to_numpy(dtype=object)]
        hint = ("a share between 0 and 1: 0.85 for 85%" if f.type == "ratio"
                else "digits; commas only between groups of three, e.g. 3,000,000")
        col.add(text_bad & ~wrong_type, f.name, lambda x: f"must be a number, got {x!r} ({hint})", s)
        col.add(wrong_type, f.name, lambda x: f"must be a number, got {x!r} of type {type(x).__name__} (give an int, float or Decimal)", s)
        unit = ("万元 with at most four decimals" if scale != 1 else "whole yuan" if f.type == "yuan"
                else "a share between 0 and 1" if f.type == "ratio" else "a whole number")
        col.add(inexact, f.name, lambda x: f"is {x!r}, which has more digits than can be held exactly; must be {unit}", s)
        text_bad = text_bad | inexact
        col.add(lead & ~text_bad, f.name, lambda x: f"{x!r} starts with a zero; write the number without a leading zero (it is never read as octal)", s)
        text_bad = text_bad | lead
        nan = np.isnan(v) & ~text_bad & ~null
        col.add(nan, f.name, "is NaN (not a number); leave the cell empty if the value is unknown", s)
    finite = np.isfinite(v)
    inf = np.isinf(v)
    col.add(inf & ~text_bad, f.name, lambda x: f"is {x}; a number must be finite (inf is not a value)", s)
    neg = finite & (v < 0)
    col.add(neg, f.name, lambda x: f"is negative ({x}); amounts, counts and progress are never negative", s)
    if f.type == "ratio":
        over = finite & (v > 1)
        col.add(over, f.name, lambda x: f"is {x}, over 100%; write progress as a share between 0 and 1 (0.85 for 85%)", s)
        bad = text_bad | neg | over | inf | nan
        return pd.Series(np.where(finite & ~bad, v, np.nan), index=s.index, dtype="float64", copy=False)
    if scale != 1:  # a column headed in 万元: at most four decimals, converted exactly
        w = np.where(finite, v, 0) * scale
        r = np.round(w)
        frac = finite & ~neg & (r / scale != np.where(finite, v, 0))
        col.add(frac, f.name, lambda x: f"is {x}万元, more than four decimals; 1 yuan is 0.0001万元", s)
        v = np.where(finite, r, v)
    else:
        frac = finite & (np.trunc(np.where(finite, v, 0)) != v)
        unit = "whole yuan" if f.type == "yuan" else "a whole number"
        col.add(frac & ~neg, f.name, lambda x: f"is {x}; must be {unit}", s)
    if f.name == "year":
        big = finite & ((v < MIN_YEAR) | (v > MAX_YEAR))
        col.add(big & ~neg, f.name, lambda x: f"year {x} is out of range ({MIN_YEAR}–{MAX_YEAR})", s)
    else:
        top = _int_max(f)
        big = finite & (v > top)
        what = f"{top:,} yuan (10^12, 1万亿元)" if f.type == "yuan" else f"{top:,}"
        col.add(big, f.name, lambda x: f"is {x}{unit_zh}, implausibly large (the largest accepted is {what})", s)
    bad = text_bad | neg | frac | big | inf | nan
    keep = finite & ~bad
    ints = np.where(keep, v, 0).astype(np.int64)
    # exact path for integer dtypes (floats are exact within the bounds, but keep the integers as given)
    if scale == 1 and pd.api.types.is_integer_dtype(s.dtype) and not isinstance(s.dtype, pd.BooleanDtype):
        ints = np.where(keep, s.to_numpy(dtype="int64", na_value=0), 0)
    return pd.Series(pd.arrays.IntegerArray(ints, ~keep), index=s.index, copy=False)


def _codes_from_text(out: pd.Series, f: Field, null):
    """Event codes written as the template's drop-down text (中文名（code）) or as the Chinese label: read as the code."""
    from .events import code_from_text
    bad = pd.unique(out[~(out.isin(list(f.choices)).to_numpy() | null)])
    fix = {v: code_from_text(v) for v in bad if isinstance(v, str)}
    fix = {k: v for k, v in fix.items() if v != k}
    if fix:
        out = out.astype(object).replace(fix)
    return out, out.isin(list(f.choices)).to_numpy() | null


def _category(f: Field, out: pd.Series, null: np.ndarray, col: _Collector) -> pd.Series:
    """A choice field: one of the codes, or (industry) the clerk's own Chinese word for it."""
    if f.name == "industry":
        zh = out.isin(list(INDUSTRY_ZH)).to_numpy()
        if zh.any():
            out = out.where(~zh, out.map(INDUSTRY_ZH))
    ok = out.isin(list(f.choices)).to_numpy() | null
    if f.name == "code" and not ok.all():  # the template's 中文名（code）, or the Chinese label alone
        out, ok = _codes_from_text(out, f, null)
    if f.name == "code":
        col.add(~ok, f.name, lambda v: f"unknown event code {v!r}; see `kzpolicy events` for the list (e.g. above_scale.enter, equipment.investment)", out)
    elif f.name == "industry":
        col.add(~ok, f.name, lambda v: f"{v!r} is not allowed; choose one of {list(f.choices)} "
                f"(or in Chinese {list(INDUSTRY_ZH)})", out)
    else:
        col.add(~ok, f.name, lambda v: f"{v!r} is not allowed; choose one of {list(f.choices)}", out)
    if not ok.all():
        out = out.where(ok, None)
    return out


_DATE_RES = [re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
             re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")]
_DATE_FORMS = "YYYY-MM-DD, YYYY/M/D or YYYY年M月D日"


def _date_of(x):
    """One value of a date column: a date, None (empty), or the text of the problem."""
    if x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and np.isnan(x)):
        return None
    if isinstance(x, (dt.datetime, pd.Timestamp)):
        if x.tzinfo is not None:
            return f"has a time zone ({x.isoformat()}); give the calendar date only (YYYY-MM-DD)"
        x = x.date()
    elif isinstance(x, str):
        t = x.strip()
        if not t:
            return None
        m = next((m for m in (r.fullmatch(t) for r in _DATE_RES) if m), None)
        if m is None:
            return f"must be a date written {_DATE_FORMS}, got {x!r}"
        try:
            x = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return f"{x!r} is not a date of the calendar (e.g. 2023-02-30 does not exist); write {_DATE_FORMS}"
    elif isinstance(x, dt.date):
        pass
    else:
        return f"must be a date written {_DATE_FORMS}, got {x!r} ({type(x).__name__})"
    if not (MIN_DATE.date() <= x <= MAX_DATE.date()):
        return f"date {x.isoformat()} is out of range (1949-10-01 to 2100-12-31)"
    return x


def _bools_arrow(f: Field, s: pd.Series, a: pa.Array, col: _Collector) -> pd.Series:
    """A true/false column written as text (a CSV file): each distinct text read once (:func:`_bool_of`)."""
    enc = pc.dictionary_encode(a)
    conv = [_bool_of(x) for x in enc.dictionary.to_pylist()] + [None]
    at = pc.fill_null(enc.indices, len(conv) - 1).to_numpy(zero_copy_only=False)
    ubad = np.array([x == "BAD" for x in conv], dtype=bool)
    bad = ubad[at]
    col.add(bad, f.name, lambda v: f"must be true/false (是/否), got {v!r}", s)
    value = np.array([x is True for x in conv], dtype=bool)[at]
    empty = np.array([x is None or x == "BAD" for x in conv], dtype=bool)[at]
    return pd.Series(pd.arrays.BooleanArray(value, empty), index=s.index, copy=False)


def _bool_of(x):
    """One value of a true/false column: True, False, None (empty) or "BAD"."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)) and x in (0, 1):
        return bool(x)
    if isinstance(x, str):
        t = x.strip().lower()
        if t == "":
            return None
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
    return "BAD"


def _convert_arrow(f: Field, s: pd.Series, a: pa.Array, col: _Collector) -> Optional[pd.Series]:
    """A text, choice or date column read from its Arrow strings; None: the row-by-row path (which words any error)."""
    null, st, same = _strip_arrow(a)
    if f.type == "date":
        d = _iso_dates(st, null)
        if d is None:
            return None
        col.empty[f.name] = null
        return pd.Series(d, index=s.index, copy=False)
    col.empty[f.name] = null  # the empty cells of the converted column (a rejected value is reported already)
    # the dtype pandas infers, as on the row-by-row path (an unchanged text column is used as it is)
    # (an all-empty column is object None, as pandas keeps a column of None)
    out = s if same and len(s) and s.dtype == _TEXT and not null.all() else _text_column(st, s.index)
    if f.type == "category":
        found = pc.index_in(st, value_set=pa.array(list(f.choices), pa.large_string()))
        ok = found.is_valid().to_numpy(zero_copy_only=False) | null
        if not ok.all():  # the clerk's Chinese words, the template's 中文名（code）, or errors
            return _category(f, out, null, col)
        # the numbers the engine reads (keep_for_engine), for the cost of the check
        col.codes[f.name] = _choice_numbers(found, len(f.choices))
    return out


def _convert(f: Field, s: pd.Series, col: _Collector, scale: int = 1, a: Optional[pa.Array] = None) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)  # a pandas category column holds the values themselves (text, numbers…): read those
    if a is not None and f.type in ("int", "yuan", "ratio"):  # numbers written as text (a CSV file)
        null, st, _ = _strip_arrow(a)
        return _numbers(f, s, col, null, scale, st)
    if a is not None and f.type == "bool":
        return _bools_arrow(f, s, a, col)
    if a is not None:
        fast = _convert_arrow(f, s, a, col)
        if fast is not None:
            return fast
    text = _text_fast(s)
    null = text[0] if text is not None else _isnull(s)
    if text is not None and f.type in ("str", "category", "date"):
        col.empty[f.name] = null  # the empty cells of the converted column (a rejected value is reported already)
    if f.type in ("str", "category") and text is not None:
        # the dtype pandas infers, as on the row-by-row path (an unchanged text column is used as it is)
        out = s if text[3] and len(s) and s.dtype == _TEXT else pd.Series(text[1], index=s.index)
        return _category(f, out, null, col) if f.type == "category" else out
    if f.type == "date" and text is not None:
        fast = _dates_fast(s, text)
        if fast is not None:
            return fast
    if f.type in ("str", "category"):
        is_str = s.map(lambda x: isinstance(x, str)).to_numpy(dtype=bool) if s.dtype == object or str(s.dtype).startswith("str") else np.zeros(len(s), bool)
        bad = ~null & ~is_str
        col.add(bad, f.name, lambda v: f"must be text, got {v!r} ({type(v).__name__}); write it as text (e.g. '{v}')", s)
        out = s.astype(object).where(~null & ~bad, None)
        out = out.map(lambda x: x.strip() if isinstance(x, str) else x) if len(out) else out
        return _category(f, out, out.isna().to_numpy(), col) if f.type == "category" else out
    if f.type in ("int", "yuan", "ratio"):
        return _numbers(f, s, col, null, scale)
    if f.type == "bool":
        if pd.api.types.is_bool_dtype(s.dtype):  # numpy bool: over the input's own buffer (copy-on-write keeps the Facts as validated)
            return _masked(s, "boolean")
        conv = s.map(_bool_of)
        bad = (conv == "BAD").to_numpy()
        col.add(bad, f.name, lambda v: f"must be true/false (是/否), got {v!r}", s)
        return pd.Series(pd.array([None if (b or x is None) else x for x, b in zip(conv, bad)], dtype="boolean"), index=s.index)
    if f.type == "date":
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            col.add(~s.isna().to_numpy(), f.name, lambda v: f"has a time zone ({v}); give the calendar date only (YYYY-MM-DD)", s)
            return pd.Series(np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]"), index=s.index, copy=False)
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            # compared in the column's own unit first: a year after 2262 does not fit in nanoseconds
            oor = (~s.isna().to_numpy()) & ((s < MIN_DATE).to_numpy() | (s > MAX_DATE).to_numpy())
            col.add(oor, f.name, lambda v: f"date {v} is out of range (1949-10-01 to 2100-12-31)", s)
            return (s.where(~oor, pd.NaT) if oor.any() else s).astype("datetime64[ns]")
        # each distinct value read once (a column of dates has few), then spread back to the rows
        try:
            codes, uniq = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
        except TypeError:  # an unhashable value (a list in a profile): value by value
            codes, uniq = np.arange(len(s)), s.to_numpy(dtype=object)
        conv = [_date_of(x) for x in uniq] + [None]
        ubad = np.array([isinstance(x, str) for x in conv], dtype=bool)
        uval = np.array([np.datetime64(x, "D") if isinstance(x, dt.date) else np.datetime64("NaT") for x in conv],
                        dtype="datetime64[D]")
        at = np.where(codes >= 0, codes, len(conv) - 1)
        bad = ubad[at]
        if bad.any():
            it = iter([conv[k] for k in at[bad]])
            col.add(bad, f.name, lambda v: next(it))
        return pd.Series(uval[at].astype("datetime64[ns]"), index=s.index, copy=False)
    raise AssertionError(f.type)


# --------------------------------------------------------------------------- schemas (pandera)
#: what pandera checks, as data (both the pandera schemas and the fast path below are built from it):
#: table -> ({column: (dtype or None, check or None)}, columns that must be unique together)
_RULES = {
    "firms": ({"firm_id": (None, "unique"), "industry": (None, ("isin", INDUSTRIES)), "established": ("datetime64[ns]", None)}, None),
    "events": ({"count": ("Int64", ("ge", 1)), "amount": ("Int64", ("ge", 0)), "municipal_reward": ("Int64", ("ge", 0)),
                "principal": ("Int64", ("gt", 0)), "progress": ("float64", ("in_range", 0, 1))}, None),
    "financials": ({"year": ("Int64", None)}, ["firm_id", "year"]),
    "townships": ({"rank": ("Int64", ("ge", 1))}, ["year", "rank"]),
}


def _schemas(unique: bool = True):
    import pandera.pandas as pa  # imported only when a table needs pandera (see _rules_hold)

    def column(dtype, check):
        if check == "unique":
            return pa.Column(dtype, nullable=True, unique=True, report_duplicates="all")
        checks = [] if check is None else [getattr(pa.Check, check[0])(*([list(check[1])] if check[0] == "isin" else check[1:]))]
        return pa.Column(dtype, checks, nullable=True)

    out = {}
    for table, (cols, together) in _RULES.items():
        # without the uniqueness rule (already shown to hold) firm_id has nothing left to check
        cols = {c: column(*spec) for c, spec in cols.items() if unique or spec[1] != "unique"}
        keep_together = together if (unique or table == "townships") else None
        out[table] = pa.DataFrameSchema(cols, unique=keep_together, report_duplicates="all", strict=False)
    return out


def _rules_hold(table: str, df: pd.DataFrame, shared: Optional[dict], cols: Optional[Dict[str, pd.Series]] = None,
                found: Sequence[str] = ()) -> bool:
    """True when every rule pandera would check on ``table`` provably holds (checked here with numpy).

    Then pandera is not run (nor imported: it costs a one-firm command about 0.3 s).
    False means "not shown": pandera runs the full check and words every error, so the
    messages are pandera's as before. tests/test_facts_schema_fast.py checks that the two agree.
    ``found``: columns of ``df`` whose every value conversion already found among the field's choices.
    """
    rules, together = _RULES[table]
    # ``cols``: the table's columns as _normalise built it (_Collector.cols), read without a pandas lookup each
    got = (lambda c: cols.get(c)) if cols else (lambda c: df[c] if c in df.columns else None)
    for c, (dtype, check) in rules.items():
        s = got(c)
        if s is None:
            return False
        if dtype is not None and str(s.dtype) != dtype:
            return False
        if check is None or check == "unique":
            continue
        if check[0] == "isin":
            if c in found and set(next(f.choices for f in TABLES[table] if f.name == c)) <= set(check[1]):
                continue  # conversion found every value among the field's choices (_Collector.codes): no second look
            if not (np.asarray(s.array.isin(list(check[1])), dtype=bool) | np.asarray(s.array.isna(), dtype=bool)).all():
                return False
            continue
        if dtype == "float64":
            v = s.to_numpy(dtype="float64")
            v = v[~np.isnan(v)]  # checks skip empty cells
        else:
            v = s.array.to_numpy(dtype="int64", na_value=0)[~s.array.isna()]
        if not len(v):
            continue
        lo, hi = v.min(), v.max()
        if not {"ge": lo >= check[1], "gt": lo > check[1], "in_range": check[1] <= lo and hi <= check[-1]}[check[0]]:
            return False
    uniq = "firm_id" in rules and rules["firm_id"][1] == "unique"
    if (uniq or together) and len(df):
        if table in ("firms", "financials"):
            return shared is not None and _unique_fast(table, df, shared, cols)
        return not df.duplicated(list(together), keep=False).any()
    return True


_SCHEMAS = None
_NOUNIQUE: Dict[str, object] = {}


def _schema_without_unique(table: str):
    """The table's schema without its uniqueness rules (already shown to hold)."""
    if not _NOUNIQUE:
        _NOUNIQUE.update(_schemas(unique=False))
    return _NOUNIQUE[table]


_CHECK_TEXT = {
    "field_uniqueness": "appears more than once; each must be unique",
    "multiple_fields_uniqueness": "the combination appears more than once; each must be unique",
    "greater_than_or_equal_to(1)": "must be at least 1",
    "greater_than(0)": "must be more than 0",
}


def _unique_fast(table: str, df: pd.DataFrame, shared: dict, cols: Optional[Dict[str, pd.Series]] = None) -> bool:
    """True when the table's uniqueness rule provably holds (checked with integer keys).

    The firm-id index built here is reused to match events and financials to firms.
    False means "not shown": pandera then runs the full check and words any error.
    """
    got = (lambda c: cols[c]) if cols else (lambda c: df[c])
    if table == "firms":
        a = _arrow_text(got("firm_id"))
        if a is None or a.null_count:
            return False  # missing or non-text ids: pandera words them
        for k in ("firm_ids", "firm_index", "firm_keys"):
            shared.pop(k, None)
        shared["firm_ids"] = a
        if _firm_keys(shared) is not None or _firm_index(shared).is_unique:  # distinct keys, or else the hash table
            return True
        for k in ("firm_ids", "firm_index", "firm_keys"):
            shared.pop(k, None)
        return False
    if table == "financials" and _firms_checked(shared) and len(df):
        pos = shared.get("pos_financials")
        if pos is None or len(pos) != len(df):
            pos = _match_firms(shared, got("firm_id"))
            shared["pos_financials"] = pos
        year = got("year")
        if (pos < 0).any() or year.array.isna().any():
            return False
        lo_hi = [(int(x.min()), int(x.max())) for x in (year.array[a:a + BLOCK].to_numpy(dtype=np.int64)
                                                          for a in range(0, len(year), BLOCK))]
        y0, y1 = min(lo for lo, _ in lo_hi), max(hi for _, hi in lo_hi)  # by blocks: pandas' min copies the column
        span = y1 - y0 + 1

        def keys(a, b):  # firm position × span + year − first year, for rows a..b
            k = pos[a:b].astype(np.int64)
            k *= span
            k += year.array[a:b].to_numpy(dtype=np.int64)
            k -= y0
            return k
        if _firm_count(shared) * span <= 64_000_000:  # one flag per firm and year: distinct iff as many flags set as rows
            seen = np.zeros(_firm_count(shared) * span, bool)
            for a in range(0, len(pos), BLOCK):  # block by block: no temporary of all the rows
                seen[keys(a, a + BLOCK)] = True
            return int(np.count_nonzero(seen)) == len(pos)
        key = np.sort(keys(0, len(pos)))
        return bool((np.diff(key) != 0).all())
    return False


def _pandera(table: str, df: pd.DataFrame, col: _Collector, shared: Optional[dict] = None):
    global _SCHEMAS
    own = df is col.df  # the frame conversion built: its converted columns and the choices it found
    if _rules_hold(table, df, shared, col.cols if own else None, col.codes if own else ()):
        return
    import pandera.pandas as pa

    if _SCHEMAS is None:
        _SCHEMAS = _schemas()
    schema = _SCHEMAS[table]
    if shared is not None and table in ("firms", "financials") and _unique_fast(table, df, shared):
        schema = _schema_without_unique(table)
    checked = set(schema.columns) | set(schema.unique or [])
    try:
        schema.validate(df[[c for c in df.columns if c in checked]], lazy=True)  # only the columns it checks
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        combo_rows = set()  # a repeated combination (firm_id + year) is one problem per row, not one per column
        for _, r in fc.head(50).iterrows():  # error path only: at most 50 messages
            fld = r["column"] if isinstance(r["column"], str) else "/".join(_SCHEMAS[table].unique or [])
            check = str(r["check"])
            if check == "multiple_fields_uniqueness" and r["index"] is not None and r["index"] in df.index:
                if r["index"] in combo_rows:
                    continue
                combo_rows.add(r["index"])
                keys = list(_SCHEMAS[table].unique or [])
                pos = df.index.get_loc(r["index"])
                pos = int(np.arange(len(df))[pos][0]) if isinstance(pos, (slice, np.ndarray)) else int(pos)
                vals = ", ".join(f"{k} {_fmt(df[k].iloc[pos])!r}" for k in keys)
                col.problems.append(f"{col.where(pos, keys[-1])}: {vals} appears more than once; "
                                    f"give each combination of {' and '.join(keys)} one row")
                continue
            text = _CHECK_TEXT.get(check, f"fails check {check}")
            idx = r["index"]
            if idx is None or (isinstance(idx, float) and np.isnan(idx)):
                col.problems.append(f"{table}: field '{fld}': {text} (value {r['failure_case']!r})")
                continue
            pos = df.index.get_loc(idx)
            if isinstance(pos, (slice, np.ndarray)):
                pos = np.arange(len(df))[pos][0]
            col.problems.append(f"{col.where(int(pos), fld)}: field '{fld}': value {r['failure_case']!r} {text}")


# --------------------------------------------------------------------------- event rules
def _event_fields(ev: pd.DataFrame, col: _Collector):
    get = functools.partial(col.column, ev)  # the converted columns, without a pandas lookup each
    codes = get("code")
    inv, uniq = factorize(codes.array)  # the few distinct codes, not every row (Arrow text: no Python text per row)
    table = _code_fields(tuple(uniq))
    at = np.where(inv >= 0, inv, len(uniq))  # a missing code: the tables' last entry (False)

    def per_code(key):
        return table[key][at]
    known = per_code("known")
    for fld in EVENT_FIELDS:
        given = ~np.asarray(get(fld).array.isna(), dtype=bool)
        needed, allowed = per_code(("needs", fld)), per_code(("allows", fld))
        col.add(needed & ~given, fld, lambda c, fld=fld: _need_text(c, fld), codes)
        col.add(known & given & ~allowed, fld, lambda c: f"is not used by event {c}; remove it (fields for {c}: {list(EVENT_CODES[c].needs + EVENT_CODES[c].allows) or 'none'})", codes)
    # the same investment entered twice (a row pasted twice) would be paid twice: without a project id to tell two
    # projects apart, identical investment rows are refused, never silently paid (or silently merged)
    invest = per_code(("needs", "amount")) & np.asarray(get("project").array.isna(), dtype=bool)
    if invest.sum() > 1 and _rows_repeat(*_copy_keys(get, invest, inv)):
        keys = ["firm_id", "date", "code"] + [f for f in EVENT_FIELDS if f in ev.columns]
        twice = np.zeros(len(ev), dtype=bool)
        twice[np.flatnonzero(invest)[ev.loc[invest, keys].duplicated(keep=False).to_numpy()]] = True  # NaN equals NaN
        col.add(twice, "project", "the same investment (firm, date, code, amount, progress) is entered more than once; "
                "if these are separate projects give each its own 项目编号 (project), otherwise delete the copy")
    s, e = get("start").to_numpy(dtype="datetime64[ns]"), get("end").to_numpy(dtype="datetime64[ns]")
    both = ~np.isnat(s) & ~np.isnat(e)
    col.add(both & (e <= s), "end", "must be after 'start'")
    span = np.where(both, (e - s).astype("timedelta64[D]").astype(np.int64), 0)
    col.add(span > MAX_LOAN_DAYS, "end", f"the bridge loan would run more than {MAX_LOAN_DAYS} days (ten years) after 'start'; check both dates")


@functools.lru_cache(maxsize=256)
def _code_fields(uniq: tuple) -> dict:
    """For distinct event codes ``uniq`` (then a missing code, last): whether each is a known code, and per event field
    whether the code needs it and whether it may have it (needs or allows) — bool tables read at each event's code."""
    def table(test):
        return _read_only(np.array([c in EVENT_CODES and test(EVENT_CODES[c]) for c in uniq] + [False], dtype=bool))
    out = {"known": table(lambda e: True)}
    for fld in EVENT_FIELDS:
        out["needs", fld] = table(lambda e, fld=fld: fld in e.needs)
        out["allows", fld] = table(lambda e, fld=fld: fld in e.needs or fld in e.allows)
    return out


def _copy_keys(get, rows: np.ndarray, inv: np.ndarray) -> tuple:
    """Date, code, amount and progress of the investment rows ``rows``, as numbers, a missing value as one more number:
    two rows pandas' ``duplicated`` finds identical (a missing value equal to a missing value) are equal on all four.
    (Date and code alone repeat in every large population: a few hundred investments share a year's days, and the
    full check cost ~5 ms a call at any size.) ``get``: column name -> the events' column."""
    none = np.iinfo(np.int64).min  # not a validated amount (never negative)
    progress = get("progress").to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    return (get("date").to_numpy(dtype="datetime64[ns]").view(np.int64)[rows], inv[rows],
            get("amount").array[rows].to_numpy(dtype=np.int64, na_value=none), np.where(np.isnan(progress), -1.0, progress))


def _rows_repeat(*keys: np.ndarray) -> bool:
    """Whether some row of the key columns occurs twice (sorting, no hash table): rows that cannot be copies skip the
    full check. -0.0 and 0.0 are one key here, as for pandas."""
    o = np.lexsort(keys[::-1])
    same = np.ones(max(len(o) - 1, 0), dtype=bool)
    for k in keys:
        k = k[o]
        same &= k[1:] == k[:-1]
    return bool(same.any())


def _after_establishment(date: pd.Series, established: pd.Series, pos: np.ndarray, col: _Collector):
    """An event dated before its firm was established contradicts the firm's facts: refused, not paid.

    ``date``: the events' date column; ``established``: the firms'; ``pos``: each event's firm."""
    est = established.to_numpy(dtype="datetime64[ns]")[pos]
    d = date.to_numpy(dtype="datetime64[ns]")
    early = ~np.isnat(est) & ~np.isnat(d) & (d < est)
    if early.any():
        at = iter(np.flatnonzero(early))
        col.add(early, "date", lambda v: (lambda p: f"{str(d[p])[:10]} is before the firm's date of establishment "
                                          f"({str(est[p])[:10]}); an event cannot precede the firm: check both dates")(next(at)))


def _years_of(dates: np.ndarray, nat: int) -> np.ndarray:
    """The calendar year (int16) of each of ``dates`` (datetime64[ns]; ``nat`` where NaT): looked up by day in a table
    of the days of MIN_YEAR..MAX_YEAR (numpy's conversion to years works out the calendar per date: ~0.1 s a million
    dates, the lookup ~0.013 s); a date outside those years by numpy's conversion."""
    table = _YEAR_OF_DAY.get("table")
    if table is None:
        days = np.arange(f"{MIN_YEAR}-01-01", f"{MAX_YEAR + 1}-01-01", dtype="datetime64[D]")
        table = _YEAR_OF_DAY["table"] = _read_only((days.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int16))
    isnat = np.isnat(dates)
    k = dates.view(np.int64) // 86_400_000_000_000 - _YEAR_OF_DAY.setdefault("day0", int(np.datetime64(f"{MIN_YEAR}-01-01", "D").astype(np.int64)))
    outside = ~isnat & ((k < 0) | (k >= len(table)))
    out = table.take(np.where(isnat | outside, 0, k))
    out[isnat] = nat
    if outside.any():
        out[outside] = dates[outside].astype("datetime64[Y]").astype(np.int64) + 1970
    return out


#: the year of each day from 1 January MIN_YEAR to 31 December MAX_YEAR (:func:`_years_of`), built on first use
_YEAR_OF_DAY: Dict = {}


def _year_after_establishment(year: pd.Series, established: pd.Series, pos: np.ndarray, col: _Collector):
    """Revenue or R&D for a year before the firm's year of establishment contradicts the firm's facts.

    ``year``: the financials' year column; ``established``: the firms'; ``pos``: each row's firm."""
    est = established.to_numpy(dtype="datetime64[ns]")
    # the year of establishment per firm (NaT: a year no row is before), then read at each row's firm; block by
    # block into int16 (validated dates are years 1949-2100): no firm-long int64 temporaries (4 x 80 MB at 10M)
    est_year = np.empty(len(est), dtype=np.int16)
    for a in range(0, len(est), BLOCK):
        est_year[a:a + BLOCK] = _years_of(est[a:a + BLOCK], np.iinfo(np.int16).min)
    year = year.array

    def early_in(a, b):
        y = year[a:b].to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).max)  # an empty year is never early
        return y < est_year[pos[a:b]]
    if any(early_in(a, a + BLOCK).any() for a in range(0, len(pos), BLOCK)):  # block by block: small temporaries
        early = early_in(0, len(pos))
        y = year.to_numpy(dtype=np.int64, na_value=np.iinfo(np.int64).max)
        at = iter(np.flatnonzero(early))
        col.add(early, "year", lambda v: (lambda p: f"{int(y[p])} is before the firm's year of establishment "
                                          f"({str(est[pos[p]])[:10]}); a firm has no accounts before it exists: check both")(next(at)))


def _need_text(code, fld):
    hints = {
        "amount": "the investment amount in yuan",
        "progress": "investment progress between 0 and 1 (0.85 = 85%)",
        "municipal_reward": "the municipal reward in yuan; article 16 pays a share of it and it is never guessed",
        "principal": "the bridge-loan principal in yuan",
        "start": "the date the bridge loan starts (YYYY-MM-DD)",
        "end": "the date the bridge loan is repaid (YYYY-MM-DD)",
    }
    return f"event {code} needs '{fld}': {hints.get(fld, fld)}"


# --------------------------------------------------------------------------- entry point
def validate(firms, events=None, financials=None, townships=None, sources: Optional[Dict[str, Source]] = None) -> Facts:
    """Check and normalise the input tables; raise :class:`FactsError` listing every problem."""
    sources = dict(sources or {})
    given = {"firms": firms, "events": events, "financials": financials, "townships": townships}
    out, problems, codes, conv = {}, [], {}, {}
    shared: dict = {}
    for table, df in given.items():
        src = sources.setdefault(table, Source())
        if df is None:
            out[table] = _empty(TABLES[table])
            continue
        if not isinstance(df, pd.DataFrame):
            raise FactsError([f"{table}: expected a table (pandas DataFrame), got {type(df).__name__}"])
        col = _Collector(table, df, src)
        norm = _normalise(table, df, src, col, shared)
        col.df = norm
        if not col.problems:
            _pandera(table, norm, col, shared)
        if table == "events" and not col.problems:
            _event_fields(norm, col)
        if table == "townships" and not col.problems:  # one rank per township and year (article 21 pays per rank)
            dup = norm.duplicated(["township", "year"], keep=False).to_numpy()
            col.add(dup, "township", lambda v: f"{v!r} appears more than once in the same year; a township has one rank per year", norm["township"])
        problems += col.problems
        out[table], codes[table], conv[table] = norm, col.codes, col
    positions = {}

    def get(table, name):  # a column of a normalised table: the converted Series it was built from, else the frame's
        return conv[table].column(out[table], name) if table in conv else out[table][name]
    if not problems:
        if not _firms_checked(shared):
            shared = {"firm_index": pd.Index(out["firms"]["firm_id"].to_numpy(dtype=object), dtype=object)}
        unique = "firm_ids" in shared or shared["firm_index"].is_unique
        for table in ("events", "financials"):
            df = out[table]
            if len(df):
                pos = shared.get(f"pos_{table}")
                if pos is None:
                    pos = _match_firms(shared, df["firm_id"]) if unique else None
                unknown = pos < 0 if pos is not None else ~df["firm_id"].isin(out["firms"]["firm_id"]).to_numpy()
                if table == "events" and pos is not None:  # the engine's event frames carry them as int64 (few rows)
                    pos = pos.astype(np.int64, copy=False)
                positions[table] = pos
                c = _Collector(table, df, sources[table])
                near = _near_ids(out["firms"]["firm_id"]) if unknown.any() else {}
                c.add(unknown, "firm_id", lambda v, near=near: f"firm {v!r} is not in the firms table{_did_you_mean(v, near)}",
                      get(table, "firm_id"))
                if table == "events" and pos is not None and not unknown.any():
                    _after_establishment(get("events", "date"), get("firms", "established"), pos, c)
                if table == "financials" and pos is not None and not unknown.any():
                    _year_after_establishment(get("financials", "year"), get("firms", "established"), pos, c)
                problems += c.problems
    if problems:
        raise FactsError(problems)
    facts = Facts(*(out[t] if _default_index(out[t]) else out[t].reset_index(drop=True)
                    for t in ("firms", "events", "financials", "townships")), sources)
    for table, pos in positions.items():
        if pos is not None:
            facts._firm_pos[table] = (getattr(facts, table), facts.firms, pos)
    keys = shared.get("firm_keys")  # the firm ids' sorted keys, if validation built them (order None: ids ascending)
    return keep_for_engine(facts, codes, None if keys is None else keys[1] is None)


def _near_ids(ids: pd.Series) -> dict:
    """The firms' ids by a looser key (case and full-width letters folded, spaces removed), for a hint when a row's id
    is not a firm's; a key two firms share is no hint."""
    out: dict = {}
    for v in ids.dropna().tolist():
        if isinstance(v, str):
            k = _loose_id(v)
            out[k] = None if k in out and out[k] != v else v
    return out


def _loose_id(v: str) -> str:
    return unicodedata.normalize("NFKC", v).casefold().replace(" ", "")


def _did_you_mean(v, near: dict) -> str:
    """' (did you mean 'F001'? ids are matched exactly)' where ``v`` differs from one firm's id only by case, width or
    spaces; else ''."""
    m = near.get(_loose_id(v)) if isinstance(v, str) else None
    return f" (did you mean {m!r}? ids are matched exactly, letter case included)" if m else ""


def as_facts(firms, events=None, financials=None, townships=None) -> Facts:
    """Accept a :class:`Facts` as is, or validate tables."""
    if isinstance(firms, Facts):
        return firms
    return validate(firms, events, financials, townships)


# --------------------------------------------------------------------------- loaders
def load_profile(path: Union[str, Path]) -> Facts:
    """One firm from a YAML profile (see README: firm, financials, events)."""
    path = Path(path)
    try:
        data = yamlio.load(path)  # the package's one safe YAML loader
    except yamlio.YamlError as e:
        raise FactsError([str(e)]) from None
    return profile_to_facts(data, name=path.name)


def _not_finite(value) -> bool:
    return isinstance(value, (float, np.floating)) and not np.isfinite(value)


def profile_to_facts(data, name: str = "profile") -> Facts:
    """One firm from a profile mapping (as :func:`load_profile` reads it from YAML).

    Contradictions are refused, never resolved silently: ``id`` and a different
    ``firm_id``; a financial year whose own ``year`` differs from its key; an event
    naming another firm; ``events`` that is not a list (``{}``, ``false``).
    NaN and infinity are refused wherever they are written (leave a value out if unknown).
    """
    if not isinstance(data, dict):
        raise FactsError([f"{name}: a profile is a mapping with keys 'firm', 'financials' and 'events'"])
    extra = set(data) - {"firm", "financials", "events"}
    if extra:
        raise FactsError([f"{name}: unknown key(s) {sorted(map(str, extra))}; a profile has 'firm', 'financials', 'events'"])
    firm = data.get("firm")
    if not isinstance(firm, dict):
        raise FactsError([f"{name}: 'firm' must be a mapping with at least id, industry and established"])
    problems = []
    firm = dict(firm)
    if "id" in firm:
        fid0 = firm.pop("id")
        if "firm_id" in firm and firm["firm_id"] != fid0:
            problems.append(f"{name} firm: 'id' is {fid0!r} but 'firm_id' is {firm['firm_id']!r}; give one of them")
        firm["firm_id"] = fid0
    fid = firm.get("firm_id")
    for k, v in firm.items():
        if _not_finite(v):
            problems.append(f"{name} firm: field '{k}': is {v}; NaN and infinity are not values (leave the field out if unknown)")
    fin_rows = []
    fin = data.get("financials")
    if fin is None:
        fin = {}
    if not isinstance(fin, dict):
        raise FactsError([f"{name}: 'financials' maps a year to {{revenue: …, rd_expense: …}}, got {type(fin).__name__}"])
    for i, (year, vals) in enumerate(fin.items()):
        if not isinstance(vals, dict):
            raise FactsError([f"{name}: financials[{year}] must be a mapping like {{revenue: 150000000, rd_expense: 3000000}}"])
        vals = dict(vals)
        if "year" in vals:
            own = vals.pop("year")
            if str(own).strip() != str(year).strip() or isinstance(own, bool):
                problems.append(f"{name} financials[{i}]: field 'year': the row is filed under {year!r} but says year {own!r}; "
                                f"the key is the year: remove 'year' or make them agree")
        if "firm_id" in vals and vals.pop("firm_id") != fid:
            problems.append(f"{name} financials[{i}]: field 'firm_id': a profile describes one firm ({fid!r}); remove 'firm_id' here")
        for k, v in vals.items():
            if _not_finite(v):
                problems.append(f"{name} financials[{i}]: field '{k}': is {v}; NaN and infinity are not values "
                                f"(leave the field out if unknown)")
        fin_rows.append({"firm_id": fid, "year": year, **vals})
    ev = data.get("events")
    if ev is None:
        ev = []
    if not isinstance(ev, list) or not all(isinstance(e, dict) for e in ev):
        got = f"got {type(ev).__name__} {ev!r}"[:80] if not isinstance(ev, list) else "an entry is not a mapping"
        raise FactsError([f"{name}: 'events' must be a list of mappings like {{date: 2023-08-15, code: above_scale.enter}} "
                          f"(or left out for none); {got}"])
    rows = []
    for i, e in enumerate(ev):
        e = dict(e)
        if "firm_id" in e and e.pop("firm_id") != fid:
            problems.append(f"{name} events[{i}]: field 'firm_id': a profile describes one firm ({fid!r}); remove 'firm_id' here")
        for k, v in e.items():
            if _not_finite(v):
                problems.append(f"{name} events[{i}]: field '{k}': is {v}; NaN and infinity are not values "
                                f"(leave the field out if unknown)")
        rows.append({"firm_id": fid, **e})
    if problems:
        raise FactsError(problems)
    firms = _python_text(pd.DataFrame, [firm])
    events = _python_text(pd.DataFrame, rows) if rows else None
    financials = _python_text(pd.DataFrame, fin_rows) if fin_rows else None
    src = {t: Source("yaml", name) for t in TABLES}
    return validate(firms, events, financials, None, src)


def load_tables(path: Union[str, Path]) -> Facts:
    """Firms, events, financials (and townships) from an .xlsx workbook or a folder of CSV files."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _load_excel(path)
    if path.is_dir():
        return _load_csv_dir(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return load_profile(path)
    if not path.exists():  # the name mistyped, or a folder not made yet: say so first
        raise FactsError([f"{path}: no such file or folder / 找不到该文件或文件夹; give an .xlsx workbook, a folder with "
                          f"firms.csv/events.csv/financials.csv, or a .yaml profile"])
    raise FactsError([f"{path}: give an .xlsx workbook, a folder with firms.csv/events.csv/financials.csv, or a .yaml profile"])


def _sheet_name(t):
    return [t, TABLE_ZH[t]]


def _excel_columns(table: str, headers) -> Dict[str, str]:
    """Field name -> "D (投资额（元）)": the column letter and header the user sees."""
    from openpyxl.utils import get_column_letter
    heads = _headers(table)
    return {heads.get(h, (h,))[0]: f"{get_column_letter(i + 1)} ({h})" for i, h in enumerate(headers) if isinstance(h, str)}


#: sheets a workbook may have besides the tables: the template's instructions, which are not data
IGNORED_SHEETS = ("说明", "instructions")
#: file names a CSV folder may have (a table in English or Chinese; the extension in any case)
CSV_NAMES = {t: (f"{t}.csv", f"{TABLE_ZH[t]}.csv") for t in TABLES}
_EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!")


def _suggest(name: str, choices) -> str:
    """' Did you mean 'events.csv'?' for a near miss (case, spaces, a trailing number, a typo); '' otherwise."""
    import difflib
    key = name.strip().casefold()
    stem = re.sub(r"[\s\d_\-]+$", "", key.removesuffix(".csv")) + (".csv" if key.endswith(".csv") else "")
    low = {c.casefold(): c for c in choices}
    hit = low.get(key) or low.get(stem)
    if hit is None:
        close = difflib.get_close_matches(key, list(low), n=1, cutoff=0.6)
        hit = low[close[0]] if close else None
    return f" Did you mean '{hit}'?" if hit else ""


def _sheets_to_tables(path: Path, names: List[str]) -> Dict[str, str]:
    """Table -> sheet name, or a FactsError naming every sheet that would not be read."""
    problems, chosen = [], {}
    expected = [n for t in TABLES for n in _sheet_name(t)]
    for t in TABLES:
        hits = [n for n in names if n in _sheet_name(t)]
        if len(hits) > 1:
            problems.append(f"{path}: sheets {hits} are both the {t} table ({TABLE_ZH[t]}); keep one sheet, "
                            f"nothing is merged or ignored")
        elif hits:
            chosen[t] = hits[0]
    for n in names:
        if n in expected or n in IGNORED_SHEETS:
            continue
        problems.append(f"{path}: sheet '{n}' is not read: a sheet is named one of {expected} "
                        f"(or {IGNORED_SHEETS[0]} for notes).{_suggest(n, expected)}")
    if not problems and "firms" not in chosen:
        problems.append(f"{path}: no sheet 'firms' (企业); sheets found: {names}")
    if problems:
        raise FactsError(problems)
    return chosen


def _open_workbook(path: Path):
    import zipfile
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    if not path.exists():
        raise FactsError([f"{path}: file not found"])
    if path.is_dir():
        raise FactsError([f"{path}: is a folder; a workbook is an .xlsx file"])
    if path.stat().st_size == 0:
        raise FactsError([f"{path}: the file is empty (0 bytes); it is not an Excel workbook"])
    if not zipfile.is_zipfile(path):
        raise FactsError([f"{path}: not an Excel .xlsx workbook (an .xlsx file is a zip archive; this one is not, "
                          f"or it is truncated). Save it again from Excel as .xlsx"])
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError, ValueError, TypeError) as e:
        raise FactsError([f"{path}: cannot be read as an Excel workbook ({type(e).__name__}: {str(e)[:120]}); "
                          f"it may be damaged or truncated — save it again from Excel as .xlsx"]) from None


def _formula_cells(path: Path, sheet: str) -> set:
    """(row, column) of the cells of ``sheet`` that hold a formula (read only when a value is missing)."""
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        out = set()
        for row in wb[sheet].iter_rows():
            for c in row:
                if getattr(c, "data_type", None) == "f" or (isinstance(c.value, str) and c.value.startswith("=")):
                    out.add((c.row, c.column))  # openpyxl numbers rows and columns from 1
        return out
    finally:
        wb.close()


def _read_sheet(ws, name: str, formulas: set, problems: List[str], file: str = "") -> pd.DataFrame:
    """One sheet as a DataFrame of cell values, indexed so that index + 2 is the Excel row.

    An error cell (#DIV/0!, #N/A…) and a formula without a saved value (``formulas``
    holds the sheet's formula cells) are problems naming the sheet, row and column —
    never read as empty.
    """
    import warnings

    ws.reset_dimensions()  # read every row, whatever size the file claims
    with warnings.catch_warnings(record=True) as said:  # openpyxl's own warnings: read here, said in the user's words
        warnings.simplefilter("always")
        return _read_rows(ws, name, formulas, problems, said, file)


#: openpyxl's warning for a number in a cell formatted as a date that is no date (the cell becomes an error cell)
_NOT_A_DATE = re.compile(r"Cell (\w+) is marked as a date but the serial value (\S+) is outside the limits for dates")


def _read_rows(ws, name, formulas, problems, said, file: str) -> pd.DataFrame:
    """:func:`_read_sheet`'s reading of the rows (``said``: the warnings openpyxl gives while it reads them; ``file``:
    the workbook's name, said in each problem as a row's Source says it)."""
    from openpyxl.utils import get_column_letter
    sheet = f"{file}, sheet '{name}'" if file else f"sheet '{name}'"
    rows = ws.iter_rows(values_only=False)
    try:
        head = next(rows)
    except StopIteration:
        return pd.DataFrame()
    headers = [c.value for c in head]
    while headers and headers[-1] is None:
        headers.pop()
    ncol = len(headers)
    data, index = [], []
    stray: Dict[int, tuple] = {}  # column number -> (first row, value) of cells right of the last header
    r = getattr(head[0], "row", None) or 1 if head else 1
    for row in rows:
        r = next((c.row for c in row if getattr(c, "row", None)), r + 1)
        vals = [None] * ncol
        for c in row[ncol:]:  # a value right of the last header would be dropped unseen: refused instead
            v = c.value
            if v is not None and not (isinstance(v, str) and not v.strip()):
                stray.setdefault(c.column, (r, v))
        for j, c in enumerate(row[:ncol]):
            v = c.value
            if getattr(c, "data_type", None) == "e":
                at = f"{sheet} row {r}, column {get_column_letter(j + 1)} ({headers[j]})"
                serial = next((m.group(2) for w in said if (m := _NOT_A_DATE.search(str(w.message)))
                               and m.group(1) == f"{get_column_letter(j + 1)}{r}"), None)
                if serial is not None:  # a number in a cell formatted as a date: not an error the user sees in Excel
                    problems.append(f"{at}: the cell is formatted as a date but holds the number {serial}, which is no "
                                    f"date; if it is a number, give the cell a number format (常规 or 数值), otherwise "
                                    f"type the date (YYYY-MM-DD)")
                else:
                    problems.append(f"{at}: the cell shows the error {v}; fix the formula or type the value")
                v = None
            elif v is None and (r, j + 1) in formulas:
                problems.append(f"{sheet} row {r}, column {get_column_letter(j + 1)} ({headers[j]}): the cell has a "
                                f"formula but no saved value (the file was written by a program that does not calculate); "
                                f"open it in Excel and save it, or type the value")
            vals[j] = v
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in vals):
            continue  # blank rows are not data; the index keeps Excel row numbers
        data.append(vals)
        index.append(r - 2)
    for c, (r0, v) in sorted(stray.items()):
        problems.append(f"{sheet} column {get_column_letter(c)}: row {r0} holds {_fmt(v)!r} but the column has no "
                        f"header in row 1, so it would not be read; give it one of the sheet's headers, or clear it")
    cols = [h if h is not None else f"(column {get_column_letter(j + 1)}: no header)" for j, h in enumerate(headers)]
    return pd.DataFrame(data, columns=cols, index=pd.Index(index, dtype=np.int64), dtype=object)


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (a cheap scan of the zip's sheet XML)."""
    import zipfile
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/") and n.endswith(".xml"):
                with z.open(n) as fh:
                    tail = b""
                    while True:
                        chunk = fh.read(1 << 20)
                        if not chunk:
                            break
                        if b"<f>" in tail + chunk or b"<f " in tail + chunk or b"<f/>" in tail + chunk:
                            return True
                        tail = chunk[-4:]
    return False


def _load_excel(path: Path) -> Facts:
    path = Path(path)
    wb = _open_workbook(path)
    try:
        chosen = _sheets_to_tables(path, list(wb.sheetnames))
        has_f = _has_formulas(path)
        frames, sources, problems = {}, {}, []
        for t, name in chosen.items():
            try:
                formulas = _formula_cells(path, name) if has_f else set()
                mine: List[str] = []
                df = _read_sheet(wb[name], name, formulas, mine, file=path.name)
                heads = _headers(t)
                if len(df) and not any(c in heads for c in df.columns) and any(
                        isinstance(v, str) and v.strip() in heads for v in df.iloc[0]):
                    # the headers were moved down (a title above them): one clear problem, not one per column
                    mine = [f"{path.name}: sheet '{name}': the headers are in row {int(df.index[0]) + 2}, not in row 1; "
                            f"row 1 must hold the headers ({', '.join(list(heads)[:3])}…): delete the rows above them"]
                problems.extend(mine)
            except (KeyError, ValueError, OSError, EOFError, TypeError) as e:  # a damaged sheet inside a valid zip
                raise FactsError([f"{path}: sheet '{name}' cannot be read ({type(e).__name__}: {str(e)[:120]}); "
                                  f"the file may be damaged — save it again from Excel"]) from None
            frames[t] = df
            sources[t] = Source("excel", name, offset=2, columns=_excel_columns(t, df.columns), file=path.name)
    finally:
        wb.close()
    if problems:
        raise FactsError(problems)
    return validate(frames.get("firms"), frames.get("events"), frames.get("financials"), frames.get("townships"), sources)


# --------------------------------------------------------------------------- CSV folder
def _decode(path: Path, raw: bytes) -> tuple:
    """(text, encoding): UTF-8 (with or without BOM), UTF-16 (with a BOM, or detectably without), GB18030/GBK.

    Anything else is refused naming the file: nothing is guessed from bytes that no
    encoding above reads.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif len(raw) >= 4 and raw[1:2] == b"\x00" and raw[3:4] == b"\x00" and raw[0:1] != b"\x00":
        enc = "utf-16-le"
    elif len(raw) >= 4 and raw[0:1] == b"\x00" and raw[2:3] == b"\x00" and raw[1:2] != b"\x00":
        enc = "utf-16-be"
    else:
        enc = None
    if enc is not None:
        try:
            return raw.decode(enc), {"utf-8-sig": "UTF-8 (with BOM)", "utf-16": "UTF-16"}.get(enc, enc.upper())
        except UnicodeDecodeError as e:
            raise FactsError([f"{path}: starts like {enc} text but is not valid {enc} (byte {e.start}); "
                              f"save it as CSV UTF-8"]) from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as e:
        raise FactsError([f"{path}: the text is neither UTF-8, UTF-16 nor GBK/GB18030 (byte {e.start} cannot be read); "
                          f"save it from Excel as 'CSV UTF-8'"]) from None
    if not re.search(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]", text):  # GB18030 decodes many byte strings: insist on Chinese
        raise FactsError([f"{path}: the text is not UTF-8 and reads as GBK/GB18030 without a single Chinese character; "
                          f"its encoding cannot be told: save it from Excel as 'CSV UTF-8'"])
    return text, "GB18030 (GBK)"


def _read_csv(f: Path, notes: List[str]) -> pd.DataFrame:
    import io
    raw = f.read_bytes()
    if not raw.strip():
        raise FactsError([f"{f}: the file is empty; a table starts with a header row ({', '.join(x.name for x in TABLES[_table_of(f)][:3])}, …)"])
    text, enc = _decode(f, raw)
    if enc not in ("UTF-8", "UTF-8 (with BOM)"):
        notes.append(f"{f.name}: read as {enc} / 按 {enc} 编码读取")
    if "\x00" in text:
        raise FactsError([f"{f}: contains NUL characters after decoding as {enc}; this is not a text table"])
    # blank rows (an empty line, or one of commas or spaces, as a spreadsheet saves an empty row) are read as rows
    # and dropped below with their numbers kept, so that every later row is named by its row in the file
    blanks = text[:1] not in ("\r", "\n") and any(h in text for h in _BLANK_ROW_HINTS)
    raw_df = None if blanks else _csv_arrow(text)
    try:
        # header=None: the header row fixes the width, so a row with more cells than headers is an error
        # (with header=0 pandas would silently take the extra leading cells as an index and shift the row)
        if raw_df is None:
            raw_df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None,
                                 skip_blank_lines=not blanks)
    except pd.errors.EmptyDataError:
        raise FactsError([f"{f}: the file has no header row; a table starts with a header row"]) from None
    except pd.errors.ParserError as e:
        m = re.search(r"line (\d+)", str(e))
        where = f" row {m.group(1)}" if m else ""
        raise FactsError([f"{f}{where}: cannot be read as CSV ({str(e).strip()[:160]}); check the commas and quotes on that row"]) from None
    headers = [h.strip() if isinstance(h, str) else h for h in raw_df.iloc[0].tolist()]
    if len(headers) == 1 and isinstance(headers[0], str):
        sep = next((c for c in (";", "\t", "，", "|") if c in headers[0]), None)
        if sep is not None:  # one header holding them all: the file is separated by another character
            raise FactsError([f"{f}: the header row is one cell separated by {sep!r} ({headers[0][:40]!r}…); a CSV here "
                              f"is separated by commas (,): save it again as “CSV UTF-8 (逗号分隔)”"])
    df = raw_df.iloc[1:]
    df.columns = headers
    if "'" in text:  # our CSV writers protect = + - @ text with one apostrophe ('=1+1): read it back as written
        from .outputs import unprotect_csv_text
        df = df.apply(unprotect_csv_text)
    df = df.reset_index(drop=True)
    if blanks:  # rows with nothing in any cell: dropped, the others keep their positions (Source.row names them)
        empty = pd.concat([c.isna() | c.astype(str).str.strip().eq("") for _, c in df.items()], axis=1).all(axis=1)
        if empty.any():
            df = df[~empty.to_numpy()]
    return df


#: text that may hold a blank row (an empty line, a line of commas or spaces): only then are rows checked for it
_BLANK_ROW_HINTS = ("\n\n", "\n\r\n", "\n,", "\n ", "\n\t")


def _csv_arrow(text: str) -> Optional[pd.DataFrame]:
    """The CSV text as pandas' C parser reads it (``dtype=str, keep_default_na=False, header=None``), parsed by pyarrow.

    Every cell text (Arrow strings), empty cells as "". None where pyarrow refuses the file (a row
    of another width…), where it has quotes or lone carriage returns, or a single column (pyarrow keeps a line of spaces as a
    row, pandas skips it): pandas' parser then reads it and names the faulty line, as before.
    """
    import pyarrow.csv as pacsv
    if '"' in text:  # quoting: pandas' rules (a quote inside a cell, a quote left open) differ from pyarrow's in corners
        return None
    if "\r" in text and text.count("\r") != text.count("\r\n"):  # old Mac line ends: pandas' own rules
        return None
    try:
        t = pacsv.read_csv(
            pa.py_buffer(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                             newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.large_string() for i in range(_CSV_MAX_COLUMNS)},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[]))
    except (pa.ArrowException, ValueError):
        return None
    if t.num_columns < 2 or t.num_columns > _CSV_MAX_COLUMNS or any(c.type != pa.large_string() for c in t.columns):
        return None
    cols = [c.combine_chunks() for c in t.columns]
    return pd.DataFrame({i: pd.array(c, dtype=_TEXT) for i, c in enumerate(cols)})


_CSV_MAX_COLUMNS = 256


def _table_of(f: Path) -> str:
    for t, names in CSV_NAMES.items():
        if f.name in names:
            return t
    return "firms"


def _load_csv_dir(path: Path) -> Facts:
    frames, sources, notes, problems = {}, {}, [], []
    expected = [n for names in CSV_NAMES.values() for n in names]
    files = sorted(p for p in path.iterdir() if not p.name.startswith((".", "~$")))
    found: Dict[str, List[Path]] = {}
    for f in files:
        t = next((t for t, names in CSV_NAMES.items() if f.name in names), None)
        if t is None or not f.is_file():
            problems.append(f"{path}: '{f.name}' is not read: the folder holds {expected[0::2]} "
                            f"(or the Chinese names {expected[1::2]}), exactly so named.{_suggest(f.name, expected)}")
            continue
        found.setdefault(t, []).append(f)
    for t, fs in found.items():
        if len(fs) > 1:
            problems.append(f"{path}: {[f.name for f in fs]} are both the {t} table; keep one file")
    if not problems and "firms" not in found:
        problems.append(f"{path}: no firms.csv (企业.csv) in this folder; files found: {[f.name for f in files]}")
    if problems:
        raise FactsError(problems)
    for t, fs in found.items():
        frames[t] = _read_csv(fs[0], notes)
        sources[t] = Source("csv", fs[0].name, offset=2)
    facts = validate(frames.get("firms"), frames.get("events"), frames.get("financials"), frames.get("townships"), sources)
    facts.notes.extend(notes)
    return facts
