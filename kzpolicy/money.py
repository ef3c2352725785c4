"""Money: integer yuan inside, 万元 for display, one rounding rule.

The rounding rule (the only one in the package): an amount that is a rate
times a sum of yuan is computed exactly as a fraction and rounded **once**, to
the whole yuan, **half up** (0.5 yuan rounds to 1 yuan). Display in 万元 divides
by 10,000 exactly, so it never rounds.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Union

import numpy as np

YUAN_PER_WAN = 10_000

Number = Union[int, float, str, Fraction]


def as_fraction(value: Number) -> Fraction:
    """Exact fraction of a rate as written in the policy (0.05 -> 1/20, 0.0001 -> 1/10000)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):  # numpy floats too: repr gives the shortest exact decimal
        return Fraction(repr(float(value)))
    return Fraction(value)


def mul_round(amount_yuan, rate: Number) -> np.ndarray:
    """``amount × rate`` rounded half up to the yuan, on int64 arrays (amount ≥ 0)."""
    f = as_fraction(rate)
    a = np.asarray(amount_yuan, dtype=np.int64)
    num, den = f.numerator, f.denominator
    return (a * num * 2 + den) // (2 * den)


def sum_mul_round(pairs) -> np.ndarray:
    """Σ amount_i × rate_i, rounded once, half up, to the yuan.

    ``pairs`` is a list of (int64 array, rate). Used where an award adds several
    rate-based parts (article 11: stock × 3% + increment × 10%) so that rounding
    happens once, not per part.
    """
    fracs = [as_fraction(r) for _, r in pairs]
    den = 1
    for f in fracs:
        den = den * f.denominator // _gcd(den, f.denominator)
    total = None
    for (a, _), f in zip(pairs, fracs):
        part = np.asarray(a, dtype=np.int64) * (f.numerator * (den // f.denominator))
        total = part if total is None else total + part
    return (total * 2 + den) // (2 * den)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


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
    if abs(yuan) >= 100_000_000 and yuan % 1_000_000 == 0:
        q, r = divmod(abs(yuan), 100_000_000)
        s = f"{q}" if r == 0 else f"{q}.{r // 1_000_000:02d}".rstrip("0")
        return ("-" if yuan < 0 else "") + s + "亿元"
    return wan(yuan)


def yuan_en(yuan: int) -> str:
    """English display: '200,000 yuan'."""
    return f"{int(yuan):,} yuan"


def wan_series(values) -> np.ndarray:
    """Vectorised 万元 values as exact decimals (float is fine for display: yuan/1e4 has ≤4 decimals)."""
    return np.asarray(values, dtype=np.int64) / YUAN_PER_WAN
