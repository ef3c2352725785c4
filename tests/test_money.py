"""Money: 万元 display is exact, rounding is half up and happens once (kzpolicy.money)."""
from fractions import Fraction

import numpy as np
import pytest

from kzpolicy.money import as_fraction, mul_round, sum_mul_round, wan, yi_or_wan, yuan_en


@pytest.mark.parametrize("yuan, text", [
    (200000, "20万元"),
    (12345, "1.2345万元"),
    (15000, "1.5万元"),
    (10001, "1.0001万元"),
    (1, "0.0001万元"),
    (0, "0万元"),
    (123456789, "12,345.6789万元"),
    (-50000, "-5万元"),
    (np.int64(3000000), "300万元"),
])
def test_wan_formats_exactly_without_rounding(yuan, text):
    assert wan(yuan) == text


def test_wan_round_trips_every_yuan_digit():
    for y in (1, 9, 99, 999, 9999, 10000, 99999, 2_000_001):
        text = wan(y).removesuffix("万元").replace(",", "")
        assert Fraction(text) * 10000 == y


def test_large_sums_in_yi():
    assert yi_or_wan(200_000_000) == "2亿元"
    assert yi_or_wan(5_000_000_000) == "50亿元"
    assert yi_or_wan(230_000_000) == "2.3亿元"
    assert yi_or_wan(200_000_001) == wan(200_000_001)  # not a whole 百万: stays exact in 万元
    assert yuan_en(3000000) == "3,000,000 yuan"


@pytest.mark.parametrize("amount, rate, expected", [
    (5, "0.1", 1),          # 0.5 yuan rounds up
    (15, "0.1", 2),         # 1.5 -> 2 (half up, not banker's rounding to even)
    (25, "0.1", 3),         # 2.5 -> 3 (banker's would give 2)
    (14, "0.1", 1),         # 1.4 -> 1
    (2_000_000, 0.05, 100_000),
    (2_000_010, 0.05, 100_001),   # 100000.5 -> 100001
    (2_000_009, 0.05, 100_000),   # 100000.45 -> 100000
    (0, 0.05, 0),
])
def test_mul_round_half_up(amount, rate, expected):
    assert int(mul_round(np.array([amount]), rate)[0]) == expected


def test_rate_taken_exactly_as_written():
    # 0.0001 as a float is not 1/10000; the package reads the decimal as written
    assert as_fraction(0.0001) == Fraction(1, 10000)
    assert as_fraction(0.05) == Fraction(1, 20)
    assert int(mul_round(np.array([5000]), 0.0001)[0]) == 1  # 0.5 -> 1, no float drift to 0.49999


def test_sum_mul_round_rounds_once():
    # 5 × 10% + 5 × 10% = 1.0: rounding each part first would give 1 + 1 = 2
    once = sum_mul_round([(np.array([5]), 0.1), (np.array([5]), 0.1)])
    per_part = mul_round(np.array([5]), 0.1) + mul_round(np.array([5]), 0.1)
    assert int(once[0]) == 1
    assert int(per_part[0]) == 2
    # 3% and 10% parts with halves: 17 × 3% + 5 × 10% = 0.51 + 0.5 = 1.01 -> 1
    assert int(sum_mul_round([(np.array([17]), 0.03), (np.array([5]), 0.1)])[0]) == 1
    # and a sum that lands on .5 exactly goes up: 50 × 3% + 5 × 10% = 1.5 + 0.5 = 2.0; 25 × 2% + 0 = 0.5 -> 1
    assert int(sum_mul_round([(np.array([25]), 0.02), (np.array([0]), 0.1)])[0]) == 1


def test_sum_mul_round_vectorised_and_exact_for_big_amounts():
    a = np.array([9_999_999, 123_456_789, 0, 1], dtype=np.int64)
    b = np.array([1, 7, 3, 5], dtype=np.int64)
    got = sum_mul_round([(a, 0.03), (b, 0.1)])
    want = [int((Fraction(int(x) * 3, 100) + Fraction(int(y), 10) + Fraction(1, 2)) // 1) for x, y in zip(a, b)]
    assert got.tolist() == want
