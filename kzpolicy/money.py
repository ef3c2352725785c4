"""Money: integer yuan inside, 万元 for display, one rounding rule, no overflow.

The rounding rule (the only one in the package): an amount that is a rate
times a sum of yuan is computed exactly as a fraction and rounded **once**, to
the whole yuan, **half up** (0.5 yuan rounds to 1 yuan). Display in 万元 divides
by 10,000 exactly, so it never rounds.

Exact by construction. Every input is bounded at the entry (:data:`MAX_YUAN`,
:data:`MAX_COUNT`, :data:`MAX_LOAN_DAYS`; see the README, "What bad input gets"),
and the products below check their own size: when ``amount × numerator`` could
leave int64 (a rate whose exact fraction has a large numerator, such as the float
``0.05 * 1.1`` = 0.05500000000000001), the product is computed with Python
integers instead, and a result that does not fit in int64 is refused
(:class:`MoneyError`), never wrapped around.

Rates: a float is read as the decimal it prints as (``repr``, the shortest
decimal that reads back as the same float — what the user typed when they typed
a decimal); a :class:`~fractions.Fraction`, an int, a :class:`~decimal.Decimal`
or a string such as ``"0.05"`` or ``"1/3"`` is read exactly. NaN, infinity,
booleans and anything else are refused.
"""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Union

import numpy as np

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000
_YI_CENT = YUAN_PER_YI // 100  # 亿元 are written to two decimals at most (0.01亿元)

#: largest amount of money (yuan) accepted anywhere: input amounts, revenue, R&D expense,
#: municipal rewards, bridge-loan principals, and the policy's own amounts (1万亿元)
MAX_YUAN = 10**12
#: largest count accepted (products, standards; a policy's number of places)
MAX_COUNT = 10**6
#: longest bridge loan accepted, in calendar days from start to end (ten years)
MAX_LOAN_DAYS = 3660
#: largest daily rate a policy may set (1% per working day)
MAX_DAILY_RATE = Fraction(1, 100)

_I64 = 2**63 - 1

Number = Union[int, float, str, Fraction, Decimal]


class MoneyError(ValueError):
    """A rate or amount that cannot be computed exactly (refused, never a wrong amount)."""


#: the largest denominator a float is recognised as (1/3, 1/6, 2/7…); see :func:`as_fraction`
MAX_DENOMINATOR = 10**6


@lru_cache(maxsize=4096)
def _float_fraction(v: float) -> Fraction:
    """The number a float stands for: the decimal it prints as, or a simple fraction.

    A float that prints with at most 12 decimal places (``0.05``, ``0.0001``,
    ``0.123456789``) is that decimal: what a person types. One that needs more was
    computed; if it is exactly the float of a fraction with a denominator
    up to :data:`MAX_DENOMINATOR` (``1/3`` is 0.3333333333333333, ``1/6``), it is that
    fraction; otherwise (``0.05 * 1.1`` = 0.05500000000000001) it is the decimal printed.
    Deterministic: no state, the same float always gives the same fraction.
    """
    d = Fraction(repr(v))
    if d.denominator <= 10**12:  # at most 12 decimal places: a decimal as typed
        return d
    c = Fraction(v).limit_denominator(MAX_DENOMINATOR)
    return c if float(c) == v else d


def exact_float(value) -> float:
    """A policy value as the float a :class:`~kzpolicy.policy.Param` stores, refused unless it reads back exactly.

    ``Fraction(1, 3)`` is stored as 0.3333333333333333, which :func:`as_fraction` reads
    back as 1/3; a fraction that would not read back (a denominator over 10^6 that is
    not a short decimal) is refused rather than changed.
    """
    f = as_fraction(value)
    x = float(f)
    if not math.isfinite(x) or _float_fraction(x) != f:
        raise MoneyError(f"{value!r} cannot be held exactly as a policy value; give a decimal, "
                         f"or a fraction with a denominator up to {MAX_DENOMINATOR:,}")
    return x


def as_fraction(value: Number) -> Fraction:
    """Exact fraction of a rate as written (0.05 -> 1/20, 0.0001 -> 1/10000, "1/3" -> 1/3).

    A float stands for the decimal it prints as, or for a simple fraction when it can
    only be one (see :func:`_float_fraction`). Refuses (``MoneyError``) booleans, NaN,
    infinity and values that are not numbers.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise MoneyError(f"a rate must be a number, got the true/false value {value!r}")
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (float, np.floating)):  # numpy floats too: repr gives the shortest exact decimal
        v = float(value)
        if not math.isfinite(v):
            raise MoneyError(f"a rate must be a finite number, got {v!r}")
        return _float_fraction(v)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError(f"a rate must be a finite number, got {value!r}")
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip().replace("_", "x"))  # no 1_000 digit grouping in a rate
        except (ValueError, ZeroDivisionError):
            raise MoneyError(f"a rate must be a number such as 0.05 or 1/3, got {value!r}") from None
    raise MoneyError(f"a rate must be a number such as 0.05 or 1/3, got {value!r} ({type(value).__name__})")


def _ints(amount_yuan) -> np.ndarray:
    """Amounts as an int64 array; floats only when they are whole (refused otherwise)."""
    a = np.asarray(amount_yuan)
    if a.dtype == np.int64:
        return a
    if a.dtype.kind in "iu":
        if a.size and a.dtype.kind == "u" and int(a.max()) > _I64:
            raise MoneyError("an amount does not fit in 64-bit integer yuan")
        return a.astype(np.int64)
    if a.dtype.kind == "b":
        raise MoneyError("an amount must be whole yuan, got true/false values")
    if a.dtype.kind == "f":
        if a.size and not (np.isfinite(a).all() and (np.trunc(a) == a).all() and np.abs(a).max() <= 2**53):
            raise MoneyError("an amount must be whole yuan (finite, integer, at most 2^53 as a float)")
        return a.astype(np.int64)
    if a.dtype == object:
        vals = a.ravel().tolist()
        if any(isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)) for x in vals):
            raise MoneyError("an amount must be whole yuan (integers)")
        if vals and max(abs(int(x)) for x in vals) > _I64:
            raise MoneyError("an amount does not fit in 64-bit integer yuan")
        return np.array([int(x) for x in vals], dtype=np.int64).reshape(a.shape)
    raise MoneyError(f"an amount must be whole yuan, got an array of {a.dtype}")


def _amax(a: np.ndarray) -> int:
    if not a.size:
        return 0
    return max(abs(int(a.max())), abs(int(a.min())))


def _back_to_int64(obj: np.ndarray, what: str) -> np.ndarray:
    if obj.size and max(abs(int(obj.max())), abs(int(obj.min()))) > _I64:
        raise MoneyError(f"{what} does not fit in 64-bit integer yuan; the inputs are beyond the documented bounds")
    return obj.astype(np.int64)


def mul_round(amount_yuan, rate: Number) -> np.ndarray:
    """``amount × rate`` rounded half up to the yuan, exactly (int64 in, int64 out).

    The int64 product is used when it provably fits; otherwise the same formula runs
    on Python integers. Never wraps around.
    """
    f = as_fraction(rate)
    a = _ints(amount_yuan)
    num, den = f.numerator, f.denominator
    if _amax(a) * abs(num) * 2 + 2 * den <= _I64:
        return (a * num * 2 + den) // (2 * den)
    exact = (a.astype(object) * (num * 2) + den) // (2 * den)
    return _back_to_int64(np.asarray(exact, dtype=object), "amount × rate")


def sum_mul_round(pairs) -> np.ndarray:
    """Σ amount_i × rate_i, rounded once, half up, to the yuan.

    ``pairs`` is a list of (int64 array, rate). Used where an award adds several
    rate-based parts (article 11: stock × 3% + increment × 10%) so that rounding
    happens once, not per part. Exact for any rates (Python-int fallback).
    """
    fracs = [as_fraction(r) for _, r in pairs]
    arrays = [_ints(a) for a, _ in pairs]
    den = 1
    for f in fracs:
        den = den * f.denominator // math.gcd(den, f.denominator)
    mults = [f.numerator * (den // f.denominator) for f in fracs]
    bound = sum(_amax(a) * abs(m) for a, m in zip(arrays, mults)) * 2 + 2 * den
    if bound <= _I64:
        total = None
        for a, m in zip(arrays, mults):
            part = a * m
            total = part if total is None else total + part
        return (total * 2 + den) // (2 * den)
    total = None
    for a, m in zip(arrays, mults):
        part = a.astype(object) * m
        total = part if total is None else total + part
    exact = (total * 2 + den) // (2 * den)
    return _back_to_int64(np.asarray(exact, dtype=object), "the sum of amount × rate")


def mul_count(amount_yuan, count) -> np.ndarray:
    """``amount × count`` (a per-unit award times a number of units), checked: int64 or refused."""
    a, c = _ints(amount_yuan), _ints(count)
    if _amax(a) * _amax(c) <= _I64:
        return a * c
    return _back_to_int64(np.asarray(a.astype(object) * c.astype(object), dtype=object), "amount × count")


def checked_sum(values) -> int:
    """Sum of integer yuan as a Python int, exact however large (no int64 wrap-around)."""
    a = _ints(values)
    if _amax(a) * max(a.size, 1) <= _I64:
        return int(a.sum())
    return sum(int(x) for x in a.ravel().tolist())


def wan(yuan: int) -> str:
    """Format integer yuan as 万元, exactly (no rounding): 200000 -> '20万元', 12345 -> '1.2345万元'."""
    yuan = int(yuan)
    sign = "-" if yuan < 0 else ""
    q, r = divmod(abs(yuan), YUAN_PER_WAN)
    if r == 0:
        return f"{sign}{q:,}万元"
    return f"{sign}{q:,}.{r:04d}".rstrip("0") + "万元"


def yi_or_wan(yuan: int) -> str:
    """Large sums read better in 亿元 when they are whole 亿 or have few decimals."""
    yuan = int(yuan)
    if abs(yuan) >= YUAN_PER_YI and yuan % _YI_CENT == 0:
        q, r = divmod(abs(yuan), YUAN_PER_YI)
        s = f"{q}" if r == 0 else f"{q}.{r // _YI_CENT:02d}".rstrip("0")
        return ("-" if yuan < 0 else "") + s + "亿元"
    return wan(yuan)


def yuan_en(yuan: int) -> str:
    """English display: '200,000 yuan'."""
    return f"{int(yuan):,} yuan"


def wan_series(values) -> np.ndarray:
    """Vectorised 万元 values as exact decimals (float is fine for display: yuan/1e4 has ≤4 decimals)."""
    return np.asarray(values, dtype=np.int64) / YUAN_PER_WAN


# --------------------------------------------------------------------------- the same texts, for arrays
# Near-miss and exclusion sentences carry figures on every row. :func:`text_column` writes one
# sentence per row from fixed text and figure columns — :class:`Wan` (:func:`wan`),
# :class:`YiOrWan` (:func:`yi_or_wan`), :class:`Commas` (``f"{x:,}"``) or an array of texts —
# as Arrow strings: each figure is cut into pieces (sign, groups of three digits with their
# separator, decimals, unit), each piece taken from a small table of its texts, and the pieces
# joined row by row by Arrow (no Python string per row or figure); character for character the
# scalar functions' text (tests/test_money.py). :func:`join_text` gives the same as Python strings.

#: the decimals of 万元 after the point, by the remainder in yuan: '', '.0001', …, '.9999' (as :func:`wan` writes them)
_WAN_DECIMALS = np.array([""] + [f".{r:04d}".rstrip("0") for r in range(1, YUAN_PER_WAN)], dtype=object)
#: the decimals of 亿元, by the remainder in millions of yuan (as :func:`yi_or_wan` writes them)
_YI_DECIMALS = np.array([""] + [f".{k:02d}".rstrip("0") for k in range(1, 100)], dtype=object)
_I64_MIN = -(2**63)


@lru_cache(maxsize=1)
def _pieces():
    """The small Arrow tables figures are taken from: digit groups ('0'…'999', then ',000'…',999', then ''),
    signs, decimals (万元's by remainder, then 亿元's), units."""
    import pyarrow as pa
    t = pa.large_string()
    return {"groups": pa.array([str(i) for i in range(1000)] + [f",{i:03d}" for i in range(1000)] + [""], type=t),
            "sign": pa.array(["", "-"], type=t), "dec": pa.array(list(_WAN_DECIMALS) + list(_YI_DECIMALS), type=t),
            "unit": pa.array(["万元", "亿元"], type=t)}


def _take(table: str, idx: np.ndarray):
    import pyarrow as pa
    return _pieces()[table].take(pa.array(idx))


def _sign(a: np.ndarray) -> list:
    neg = a < 0
    return [_take("sign", neg.astype(np.int8))] if neg.any() else []


_THOUSANDS = np.array([1000 ** k for k in range(1, 7)], dtype=np.int64)  # 1,000 … 10**18


def _digit_groups(b: np.ndarray) -> list:
    """``f"{b:,}"`` of non-negative int64 as Arrow pieces, most significant group first."""
    top = np.searchsorted(_THOUSANDS, b, side="right")  # the leading group's level (groups of three digits)
    out = []
    for level in range(int(top.max()) if len(b) else 0, -1, -1):
        g = (b // 1000 ** level) % 1000
        # the leading group as it is, the others after a separator with their zeros, none above the leading one
        out.append(_take("groups", np.where(top == level, g, np.where(top > level, 1000 + g, 2000))))
    return out


def _ints_list(values) -> np.ndarray:
    """Whole yuan as int64, as ``int()`` reads them (floats truncated toward zero)."""
    a = np.asarray(values)
    if a.dtype.kind == "f":
        a = np.trunc(a)
    return a.astype(np.int64)


class _Figures:
    """A column of figures in a sentence: its Arrow pieces, and ``fallback`` rows (or None) whose text
    :meth:`text` gives one by one."""

    fallback = None

    def __init__(self, values):
        self.values = _ints_list(values)


class Commas(_Figures):
    """``f"{int(x):,}"``."""

    def pieces(self):
        a = self.values
        return _sign(a) + _digit_groups(np.abs(a))

    def text(self, i):
        return f"{int(self.values[i]):,}"


class Wan(_Figures):
    """:func:`wan`."""

    def pieces(self):
        a = self.values
        q, r = np.divmod(np.abs(a), YUAN_PER_WAN)
        import pyarrow as pa
        return _sign(a) + _digit_groups(q) + [_take("dec", r), pa.scalar("万元", type=pa.large_string())]

    def text(self, i):
        return wan(self.values[i])


class YiOrWan(_Figures):
    """:func:`yi_or_wan`."""

    def pieces(self):
        a = self.values
        b = np.abs(a)
        q, dec = np.divmod(b, YUAN_PER_WAN)
        unit = np.zeros(len(a), dtype=np.int8)
        yi = (b >= YUAN_PER_YI) & (a % _YI_CENT == 0)
        if yi.any():
            qy, ry = np.divmod(b[yi], YUAN_PER_YI)
            q[yi], dec[yi], unit[yi] = qy, YUAN_PER_WAN + ry // _YI_CENT, 1
            self.fallback = np.flatnonzero(yi)[qy >= 1000]  # 亿 are written without separators: 1000亿 and up one by one
        return _sign(a) + _digit_groups(q) + [_take("dec", dec), _take("unit", unit)]

    def text(self, i):
        return yi_or_wan(self.values[i])


class _Texts(_Figures):
    def __init__(self, values):
        self.values = np.asarray(values, dtype=object)

    def pieces(self):
        import pyarrow as pa
        try:
            a = pa.array(self.values, type=pa.large_string())
        except (pa.ArrowException, TypeError, ValueError):
            a = None
        if a is None or a.null_count:  # not all text: each value as str.format writes it
            a = pa.array([format(v) for v in self.values.tolist()], type=pa.large_string())
        return [a]

    def text(self, i):
        return format(self.values[i])  # as the Arrow pieces write a value that is not text


#: up to this many rows, :func:`_joined` writes each sentence with the scalar functions (cheaper than ~20 Arrow calls)
_FEW_ROWS = 32


def _joined(parts):
    """The sentences of :func:`text_column` as an Arrow array, and the rows to write one by one (or None)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    cols = [p if isinstance(p, _Figures) else _Texts(p) for p in parts if not isinstance(p, str)]
    if not cols:
        raise ValueError("join_text needs at least one column part")
    if any(not isinstance(c, _Texts) and len(c.values) and c.values.min() == _I64_MIN for c in cols):
        # -2**63 has no positive int64: its figures one by one
        cols = [c if isinstance(c, _Texts) else _Texts([c.text(i) for i in range(len(c.values))]) for c in cols]
    it = iter(cols)
    whole = [p if isinstance(p, str) else next(it) for p in parts]

    def sentence(i):  # row i written by the scalar functions
        return "".join(p if isinstance(p, str) else p.text(i) for p in whole)

    if len(cols[0].values) <= _FEW_ROWS:  # a few rows (one firm): each sentence from the scalar functions, no Arrow call per piece
        return pa.array([sentence(i) for i in range(len(cols[0].values))], type=pa.large_string()), None
    pieces = []
    for p in whole:
        if isinstance(p, str):
            if p:
                pieces.append(pa.scalar(p, type=pa.large_string()))
        else:
            pieces.extend(p.pieces())
    if not any(isinstance(p, pa.Array) for p in pieces):  # no row
        return pa.array([], type=pa.large_string()), None
    out = pc.binary_join_element_wise(*pieces, pa.scalar("", type=pa.large_string()))
    rows = [c.fallback for c in cols if c.fallback is not None and len(c.fallback)]
    if not rows:
        return out, None
    return out, {i: sentence(i) for i in np.unique(np.concatenate(rows)).tolist()}


def text_column(*parts):
    """One text per row as pandas' text dtype: the parts in order, each a str (the same on every row), a figure
    column (:class:`Wan`, :class:`YiOrWan`, :class:`Commas`) or an array of texts (see above)."""
    from .frames import str_array  # pandas' text dtype from Arrow's text as it is (pd.array re-checks every value)
    out, fix = _joined(parts)
    if fix:
        obj = out.to_numpy(zero_copy_only=False, writable=True)
        for i, t in fix.items():
            obj[i] = t
        return str_array(obj)
    return str_array(out)


def join_text(*parts) -> np.ndarray:
    """:func:`text_column` as an object array of str (for sentences gathered into an object column)."""
    out, fix = _joined(parts)
    obj = out.to_numpy(zero_copy_only=False, writable=True)
    for i, t in (fix or {}).items():
        obj[i] = t
    return obj


def wan_many(values) -> np.ndarray:
    """:func:`wan` for every value."""
    return join_text(Wan(values))


def yi_or_wan_many(values) -> np.ndarray:
    """:func:`yi_or_wan` for every value."""
    return join_text(YiOrWan(values))


def commas_many(values) -> np.ndarray:
    """``f"{int(x):,}"`` for every value."""
    return join_text(Commas(values))


def text_by_value(fn, values) -> np.ndarray:
    """``fn(v)`` for every value, called once per distinct value (rates, progress: a few distinct values).

    Distinct by the exact value (floats by their bits: -0.0 and 0.0 apart); an object array of str.
    """
    a = np.asarray(values)
    key = a.view(np.int64) if a.dtype == np.float64 else a
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    texts = np.array([fn(v) for v in a[first].tolist()], dtype=object)
    return texts[inv.reshape(-1)]
