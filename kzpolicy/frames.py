"""One frame per output table, built once from the parts the rules and limits produced.

A part is a dict of columns (scalars broadcast, arrays, lists; a missing column is
None) and ``"_n"``, its number of rows. :func:`table_frame` gives exactly the frame
that building a DataFrame per part and ``pd.concat``-ing them gives (the same
dtypes: text as pandas' text dtype where a part's column is all text, object where
parts mix text and None, int and float parts as float, …), without building a
DataFrame per part: each part's column type is read from its values, parts of one
type are joined with numpy, and only columns whose parts differ in type are joined
by pandas (which then decides, as before).
"""
from __future__ import annotations

from typing import Dict, List

import numpy as np
import pandas as pd

_NONE, _STR = object(), object()  # a column of None only (object), of text only (pandas' text dtype)

_PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3


def text_dtype():
    """pandas' default text dtype, what ``dtype="str"`` names: in pandas 3 ``StringDtype(na_value=NaN)`` in the
    current string storage, built directly (resolving the name "str" costs ~20 µs a call, the dtype ~2 µs)."""
    return pd.StringDtype(na_value=np.nan) if _PANDAS_3 else pd.api.types.pandas_dtype("str")


def tolist(values) -> list:
    """``values.tolist()`` of a Series or pandas array (Python values; missing as the array's own missing value), read
    from the buffers for masked numbers and Arrow text (pandas goes through an object array: ~15 and ~70 µs a call
    for a few values); anything else as its own ``tolist`` gives it."""
    arr = values.array if isinstance(values, pd.Series) else values
    if isinstance(arr, (pd.arrays.IntegerArray, pd.arrays.BooleanArray, pd.arrays.FloatingArray)) and arr.ndim == 1:
        v = arr._data.tolist()
        for i in np.flatnonzero(arr._mask).tolist():
            v[i] = pd.NA
        return v
    if type(arr) is pd.arrays.ArrowStringArray and isinstance(arr.dtype, pd.StringDtype):
        v = arr._pa_array.to_pylist()
        if arr._pa_array.null_count:
            na = arr.dtype.na_value
            v = [na if x is None else x for x in v]
        return v
    return values.tolist()


def str_array(values):
    """``pd.array(values, dtype=text_dtype())`` for Python text only (None: missing) — a list or object array the caller
    knows holds nothing else, or an Arrow large_string (chunked) array: in pandas 3's Arrow storage handed to Arrow
    directly (pandas' conversion checks and copies every value again, ~12-15 µs a call more); else pandas converts."""
    dt = text_dtype()
    if _PANDAS_3 and dt.storage == "pyarrow":
        import pyarrow as pa
        t = pa.large_string()
        try:
            if not isinstance(values, (pa.Array, pa.ChunkedArray)):
                values = pa.array(values, type=t)
            if values.type == t:
                return pd.arrays.ArrowStringArray(values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values]),
                                                  dtype=dt)
        except (pa.ArrowException, TypeError, ValueError, UnicodeError):
            pass
    return pd.array(values if isinstance(values, list) else np.asarray(values, dtype=object)
                    if isinstance(values, np.ndarray) else values, dtype=dt)


def part(n: int, cols: Dict) -> Dict:
    """A part of ``n`` rows (what RuleOutput.exclude/near_miss/undecided record)."""
    cols["_n"] = n
    return cols


def _typed(v, n):
    """(type key, values) of one part's column, as a DataFrame built from it would type it."""
    if v is None:
        return _NONE, None
    if isinstance(v, str):
        return _STR, v
    if v.ndim == 0 if isinstance(v, np.ndarray) else not isinstance(v, list) and np.ndim(v) == 0:
        v = np.repeat(v, n)
    if isinstance(v, list) and pd.api.types.infer_dtype(v, skipna=False) == "string":
        return _STR, v  # a list of text only: text
    if _is_text_array(v):
        return _STR, v  # pandas' text dtype with no missing value (money.text_column): text, kept as it is
    if isinstance(v, np.ndarray):
        k = v.dtype.kind
        if k in "biuf":
            return v.dtype, v
        if k == "M" and np.datetime_data(v.dtype)[0] in ("D", "s"):
            return np.dtype("datetime64[s]"), v.astype("datetime64[s]")
        if k == "U":  # numpy text (np.char, np.where of texts): text, as Python str objects
            return _STR, v.astype(object)
        if k == "O" and len(v):
            if pd.api.types.infer_dtype(v, skipna=False) == "string":
                return _STR, v
            if v[0] is None and (v == None).all():  # noqa: E711  (None only, not NaN: stays object)
                return _NONE, None
    a = pd.Series(v, copy=False).array  # anything else: as pandas types it
    return a.dtype, a


def _is_text_array(v) -> bool:
    """Pandas' default text dtype ("str", in the current storage) with no missing value."""
    return (isinstance(v, pd.api.extensions.ExtensionArray) and isinstance(v.dtype, pd.StringDtype)
            and v.dtype == pd.StringDtype(na_value=np.nan) and not v.isna().any())


def _text_parts(typed, ns):
    """The text parts of one column joined as pandas' text dtype, built in Arrow: a text the same on every row
    of a part taken from a small table of the distinct ones, pandas text arrays as they are, lists and object
    arrays of text converted by Arrow (what ``pd.array(objects, dtype="str")`` gives, without pandas' per-value
    checks). None when Arrow cannot take a part (then the caller joins them as objects)."""
    import pyarrow as pa
    t = pa.large_string()
    uniq = list(dict.fromkeys(v for _, v in typed if isinstance(v, str)))
    table, at = pa.array(uniq, type=t), {u: i for i, u in enumerate(uniq)}
    chunks, run = [], []  # run: (text number, rows) of consecutive parts with one text each, taken in one go

    def flush():
        if run:
            codes = np.repeat(np.array([k for k, _ in run], dtype=np.int32), [m for _, m in run])
            chunks.append(table.take(pa.array(codes)))
            run.clear()
    try:
        for (_, v), m in zip(typed, ns):
            if isinstance(v, str):
                run.append((at[v], m))
                continue
            flush()
            if _is_text_array(v):
                a = v.__arrow_array__()
                chunks.extend(a.chunks if isinstance(a, pa.ChunkedArray) else [a])
            else:
                chunks.append(pa.array(np.asarray(v, dtype=object), type=t))
        flush()
        return str_array(pa.chunked_array([c if c.type == t else c.cast(t) for c in chunks], type=t))
    except (pa.ArrowException, TypeError, ValueError):
        return None


def _same(a, b) -> bool:
    if a is _NONE or a is _STR or b is _NONE or b is _STR:
        return a is b
    return a == b


def _pandas(key, vals, n):
    """A part's column as the pandas array a DataFrame of it holds."""
    if key is _NONE:
        return np.full(n, None, dtype=object)
    if key is _STR:
        return pd.array(np.full(n, vals, dtype=object) if isinstance(vals, str) else np.asarray(vals, dtype=object), dtype=text_dtype())
    return vals


class Columns(dict):
    """A table's columns (name -> 1-D numpy or pandas array of ``n`` values) on their way to one frame:
    award lines go from the kinds through the limits to the ledger as columns, never as a per-step frame.

    ``parts``: where the lines came from (:class:`LineParts`, award lines only), or None."""

    def __init__(self, data: Dict, n: int, parts: "LineParts" = None):
        super().__init__(data)
        self.n = n
        self.parts = parts

    def __setitem__(self, name, values):
        """A column written after the parts were joined: what the parts gave no longer tells where it has values."""
        super().__setitem__(name, values)
        if self.parts is not None:
            self.parts = self.parts.rewritten(name)

    def take(self, rows: np.ndarray) -> "Columns":
        """The rows at positions ``rows``, in that order."""
        return Columns({c: v[rows] for c, v in self.items()}, len(rows),
                       None if self.parts is None else self.parts.take(rows))

    def item_codes(self, factorize):
        """(number per line, the distinct item ids): read off the parts when each part gave one item id (a rule's
        award lines), not hashed again per line; else ``factorize`` (a ``pd.factorize`` of the same answer) of the
        item column."""
        p = self.parts
        if p is None or p.item_code is None:
            return factorize(np.asarray(self["item"], dtype=object))
        return p.item_code[p.line], p.items

    def given(self, name: str):
        """The lines (a boolean mask) whose part gave column ``name``: it is missing on every other line; None when
        any line may hold a value."""
        p = self.parts
        if p is None or name not in p.given:
            return None
        return p.given[name][p.line]


class LineParts:
    """Which part (a rule's call of RuleOutput.award) each award line came from, and what the parts gave.

    ``line``: the part's number per line (the smallest integer type); ``items``: the distinct item ids, with
    ``item_code`` the number of each part's one item id (None when some part gave no single id); ``given``: for each
    column some part did not give, whether each part gave it (by part number). Shared, never written into."""

    __slots__ = ("line", "items", "item_code", "given")

    def __init__(self, line: np.ndarray, items, item_code, given: Dict):
        self.line, self.items, self.item_code, self.given = line, items, item_code, given

    def take(self, rows: np.ndarray) -> "LineParts":
        return LineParts(self.line[rows], self.items, self.item_code, self.given)

    def rewritten(self, name: str) -> "LineParts":
        if name == "item":
            return LineParts(self.line, self.items, None, self.given)
        if name not in self.given:
            return self
        return LineParts(self.line, self.items, self.item_code, {c: g for c, g in self.given.items() if c != name})


_COLUMNS: dict = {}


#: up to this many rows :func:`frame_of` builds the frame consolidated (``_from_arrays``: same-dtype columns stacked
#: into 2-D blocks, as the constructor's small frames); above it unconsolidated, as the constructor leaves them
#: (stacking copies each column: ~23 B per firm-year more at the peak) — both unchecked (~20 µs a column saved)
_FROM_ARRAYS_UP_TO = 4096


def frame_of(data: Dict, n: int) -> pd.DataFrame:
    """A DataFrame of ``n`` rows (RangeIndex) holding exactly the given columns, in order, built in one go.

    Each value is already the column's own type: a 1-D numpy array (object: kept as objects, never re-typed as
    text or dates — wrap objects the constructor should type in ``pd.Series``; datetime64[D] as seconds, as the
    constructor does), a pandas array or dates, or a Series on 0..n-1 (its values, as the constructor takes them). The frame constructor checks and re-types every column, ~20 µs a column however few
    rows; this hands the arrays to pandas' own array constructor (``DataFrame._from_arrays``, what pandas' readers
    use; large frames to the block builder it calls, unconsolidated as the constructor leaves them) unchecked — the
    same frame and dtypes as ``pd.DataFrame(data)`` gives for such columns (tests/test_frames.py). Anything else
    (lists, scalars, other shapes): the frame constructor decides."""
    arrays = []
    for v in data.values():
        if isinstance(v, pd.Series):
            ix = v.index
            if not (isinstance(ix, pd.RangeIndex) and ix.start == 0 and ix.step == 1):  # the constructor aligns
                return pd.DataFrame(data, copy=False)
            v = v.array if not isinstance(v.dtype, np.dtype) else v.to_numpy(copy=False)
        if isinstance(v, (pd.DatetimeIndex, pd.arrays.DatetimeArray)) and v.tz is None:
            v = v.to_numpy()
        elif isinstance(v, pd.arrays.NumpyExtensionArray):
            v = v.to_numpy()
            if v.dtype == object:  # objects the constructor types (text -> str)
                return pd.DataFrame(data, copy=False)
        if isinstance(v, np.ndarray):
            if v.ndim != 1 or len(v) != n or v.dtype.kind not in "biufMO":
                return pd.DataFrame(data, copy=False)
            if v.dtype.kind == "M" and np.datetime_data(v.dtype)[0] not in ("s", "ms", "us", "ns"):
                v = v.astype("datetime64[s]")
        elif not isinstance(v, pd.api.extensions.ExtensionArray) or len(v) != n:
            return pd.DataFrame(data, copy=False)
        arrays.append(v)
    key = tuple(data)
    cols = _COLUMNS.get(key)
    if cols is None:
        cols = pd.Index(list(key))
        if len(_COLUMNS) < 64:
            _COLUMNS[key] = cols
    try:
        if n > _FROM_ARRAYS_UP_TO:  # unconsolidated, as the constructor leaves them (no copies), without its checks
            mgr = _arrays_to_mgr(arrays, cols, pd.RangeIndex(n), verify_integrity=False, consolidate=False)
            return pd.DataFrame._from_mgr(mgr, axes=mgr.axes)
        return pd.DataFrame._from_arrays(arrays, columns=cols, index=pd.RangeIndex(n), verify_integrity=False)
    except (AttributeError, TypeError):  # a pandas without them: the constructor
        return _constructed(key, arrays)


try:  # pandas' own builder of a frame's blocks from ready columns (what _from_arrays and the constructor call)
    from pandas.core.internals.construction import arrays_to_mgr as _arrays_to_mgr
except ImportError:  # pragma: no cover - another pandas: frame_of uses the constructor for large frames
    def _arrays_to_mgr(*args, **kwargs):
        raise TypeError("no arrays_to_mgr")


def _constructed(names, arrays) -> pd.DataFrame:
    """The frame constructor on ready columns, object arrays wrapped as object Series so they stay objects."""
    return pd.DataFrame({k: pd.Series(a, dtype=object, copy=False) if isinstance(a, np.ndarray) and a.dtype == object
                         else a for k, a in zip(names, arrays)}, copy=False)


_TEXTS: dict = {}
_CODES = frozenset({"item", "event_code", "reason", "condition"})  # columns of codes, not sentences


#: up to this many values :func:`factorize` hashes them in Python (a pandas/Arrow factorize costs 15-50 µs)
_FEW = 64


def factorize(values):
    """``pd.factorize(values)`` (codes in order of first appearance, -1 where missing; the distinct values): for a
    few values (one firm's lines) in a Python dict, with pandas' own test of what is missing; else pandas."""
    if len(values) > _FEW or (isinstance(values, np.ndarray) and values.dtype != object):
        return pd.factorize(values)
    at: dict = {}
    codes = []
    try:
        for v in (values.tolist() if isinstance(values, np.ndarray) else list(values)):
            codes.append(at.setdefault(v, len(at)) if isinstance(v, str) or not pd.isna(v) else -1)
    except (TypeError, ValueError):  # a value that does not hash, or a list-like one: as pandas says
        return pd.factorize(values)
    return np.array(codes, dtype=np.intp), list(at)


def stable_order(keys) -> np.ndarray:
    """The rows' stable order by integer ``keys`` (the first key first, then the next…; ties in input order), as
    ``np.lexsort(keys[::-1])`` gives it: the keys (each less its least value) packed into one int64 where they fit
    in 63 bits, with the row number last where it fits too (distinct keys: numpy's quicksort, ~2x a stable sort on
    keys in no order, gives the stable order), and one sort — several times faster than lexsort's pass per key."""
    ks = [np.asarray(k, dtype=np.int64) for k in keys]
    n = len(ks[0])
    if n > 1:
        lows = [int(k.min()) for k in ks]
        widths = [max((int(k.max()) - lo).bit_length(), 1) for k, lo in zip(ks, lows)]
        if sum(widths) <= 63:
            packed = ks[0] - lows[0]
            for k, lo, w in zip(ks[1:], lows[1:], widths[1:]):
                packed = (packed << w) | (k - lo)
            rows = (n - 1).bit_length()
            if sum(widths) + rows > 63:
                return np.argsort(packed, kind="stable")
            packed = (packed << rows) | np.arange(n, dtype=np.int64)
            # distinct keys: their sorted values are the order itself (the row number in the low bits); numpy sorts
            # int64 values ~3x faster than it argsorts them (SIMD sort, no index array moved along)
            ordered = np.sort(packed, kind="stable" if n >= _RUNS_FROM and _in_runs(packed) else None)
            ordered &= (1 << rows) - 1
            return ordered
    return np.lexsort(ks[::-1])


#: from this many keys :func:`stable_order` looks for runs (below it either sort costs less than looking)
_RUNS_FROM = 1024


def _in_runs(keys: np.ndarray) -> bool:
    """Whether ``keys`` come in a few long ascending runs (award lines: rule by rule, each rule's in firm order), where
    numpy's stable sort (a merge sort that finds the runs) beats its quicksort: ~n·H against ~n·log2(n), H the
    entropy of the run lengths; taken below a quarter of log2(n) (the same order: the keys are distinct)."""
    n = len(keys)
    down = keys[1:] < keys[:-1]
    if np.count_nonzero(down) * 4 > n:  # short runs: quicksort (counted first: no positions for keys in no order)
        return False
    ends = np.flatnonzero(down) + 1
    p = np.diff(np.concatenate(([0], ends, [n]))) / n
    return float(-(p * np.log2(p)).sum()) < np.log2(n) / 4


def column_array(df: pd.DataFrame, name: str):
    """The array holding column ``name`` of ``df`` (a pandas extension array, or numpy for numpy columns), without
    building a Series: ``df[name]`` costs ~20-80 µs on a wide frame however few its rows."""
    try:
        return df._get_column_array(df.columns.get_loc(name))
    except (AttributeError, TypeError):  # a pandas without it, or the name twice: as pandas gives it
        return df[name].array


def pandas_array(df: pd.DataFrame, name: str):
    """What ``df[name].array`` gives (a pandas array; a numpy column wrapped as ``NumpyExtensionArray``), looked up
    without building a Series (:func:`column_array`): a column assigned as plain numpy after validation is read as
    pandas reads it."""
    a = column_array(df, name)
    return pd.arrays.NumpyExtensionArray(a) if isinstance(a, np.ndarray) else a


def take(arr, rows: np.ndarray, allow_fill: bool = False):
    """``arr.take(rows, allow_fill=...)`` of a pandas array; rows 0..n-1 of all n values (one firm's rows, a one-line
    table) as a copy instead (a pandas array's copy shares Arrow's immutable buffers: ~0.4 µs instead of a ~25 µs
    take)."""
    n = len(rows)
    if n == len(arr) and n <= _FEW and (n == 0 or (rows == np.arange(n)).all()):
        return arr.copy()
    if type(arr) is pd.arrays.ArrowStringArray and isinstance(rows, np.ndarray) and rows.dtype.kind == "i" and n:
        # Arrow text by Arrow's own take (pandas checks the indices in Python first); -1 with allow_fill: missing
        import pyarrow as pa
        lo = int(rows.min())
        if lo >= 0 or (allow_fill and lo == -1):
            idx = pa.array(rows, mask=rows < 0) if lo < 0 else pa.array(rows)
            return type(arr)(arr._pa_array.take(idx), dtype=arr.dtype)
    return arr.take(rows, allow_fill=allow_fill)


def text_of(values, codes: np.ndarray, remember: bool = True):
    """A text column of a few distinct ``values`` (pandas' text dtype), one per code (-1: missing): taken, not
    re-checked per line.

    ``remember``: the small array of distinct texts (item ids, kinds, labels, reason codes: not sentences with a
    firm's figures) is kept between assessments."""
    key = (pd.get_option("mode.string_storage"), *values) if remember else None  # a firm's texts: no key hashed
    arr = _TEXTS.get(key) if remember else None
    if arr is None:
        vals = list(values)
        arr = str_array(vals) if all(isinstance(v, str) for v in vals) else pd.array(vals, dtype=text_dtype())
        if remember and len(_TEXTS) < 256:
            _TEXTS[key] = arr
    return take(arr, codes, allow_fill=True)  # code -1: missing (NaN)


def table_frame(parts: List[Dict], columns: List[str], dates=()) -> pd.DataFrame:
    """``pd.concat([DataFrame(part) for part in parts])`` with ``columns``, built column by column.

    ``dates``: columns the caller turns into dates (``pd.to_datetime``) — where their parts mix dates
    and None, joined as dates with NaT (what to_datetime makes of the objects concat would give).
    """
    data = table_columns(parts, columns, dates)
    if data is None:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    return frame_of(data, sum(p["_n"] for p in parts))


def table_columns(parts: List[Dict], columns: List[str], dates=()):
    """The columns of :func:`table_frame` (numpy arrays — object arrays are object columns, as :func:`frame_of`
    keeps them —, pandas arrays, or Series where pandas typed a mix), or None when there are no rows."""
    parts = [p for p in parts if p["_n"]]
    if not parts:
        return None
    ns = [p["_n"] for p in parts]
    n = sum(ns)
    data = {}
    for c in columns:
        typed = [_typed(p.get(c), k) for p, k in zip(parts, ns)]
        keys = [t[0] for t in typed]
        k0 = keys[0]
        same = all(_same(k, k0) for k in keys)
        text = not same and all(k is _STR or k is _NONE for k in keys)
        if same and k0 is _NONE:
            data[c] = np.full(n, None, dtype=object)
        elif same and k0 is _STR and all(isinstance(v, str) for _, v in typed):
            # one text per part (an item id, a reason code): the distinct texts, taken for every row
            uniq = list(dict.fromkeys(v for _, v in typed))
            at = {u: i for i, u in enumerate(uniq)}
            codes = np.repeat(np.array([at[v] for _, v in typed], dtype=np.intp), ns)
            data[c] = text_of(uniq, codes, remember=c in _CODES)
        elif same and k0 is _STR and (joined := _text_parts(typed, ns)) is not None:
            data[c] = joined  # text only: joined in Arrow (no Python string per row)
        elif (same and k0 is _STR) or text:
            obj = np.empty(n, dtype=object)  # None where a part has no text
            at = 0
            for (k, v), m in zip(typed, ns):
                if k is _STR:
                    obj[at:at + m] = v.to_numpy(dtype=object) if _is_text_array(v) else v
                at += m
            # text only: pandas' text dtype; text and None parts: objects (as concat joins them)
            data[c] = pd.array(obj, dtype=text_dtype()) if same else obj
        elif same and isinstance(k0, np.dtype):
            data[c] = np.concatenate([v for _, v in typed]) if len(typed) > 1 else np.array(typed[0][1])
        elif not same and all(isinstance(k, np.dtype) and k.kind in "if" for k in keys):
            data[c] = np.concatenate([np.asarray(v, dtype=np.float64) for _, v in typed])  # int and float: float
        elif c in dates and all(k is _NONE or k == np.dtype("datetime64[s]") for k in keys):
            a = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
            at = 0
            for (k, v), m in zip(typed, ns):
                if k is not _NONE:
                    a[at:at + m] = v
                at += m
            data[c] = a
        elif same:
            data[c] = pd.concat([pd.Series(v) for _, v in typed], ignore_index=True)
        else:  # other mixes: pandas decides the joined type, as concat of the part frames did
            data[c] = pd.concat([pd.Series(_pandas(k, v, m), copy=False) for (k, v), m in zip(typed, ns)],
                                ignore_index=True)  # a Series: an object result is not re-typed by the frame
    return data
