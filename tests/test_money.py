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


# --------------------------------------------------------------------------- issue 9, class 1: no overflow, ever
from decimal import Decimal  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kzpolicy.money import MAX_COUNT, MAX_YUAN, MoneyError, checked_sum, mul_count  # noqa: E402


def _exact(amount: int, rate: Fraction) -> int:
    """Independent reference: the exact product, rounded half up, in Python integers."""
    return int((Fraction(amount) * rate + Fraction(1, 2)) // 1)


def test_a_computed_float_rate_pays_the_exact_amount_not_a_wrapped_one():
    # 0.05 * 1.1 is the float 0.05500000000000001: its exact fraction has a 16-digit numerator
    assert int(mul_round(np.array([3_000_000]), 0.05 * 1.1)[0]) == 165_000
    assert int(mul_round(np.array([3_000_000]), 1 / 3)[0]) == 1_000_000
    assert int(mul_round(np.array([3_000_000]), Fraction(1, 3))[0]) == 1_000_000
    assert int(mul_round(np.array([3_000_000]), "1/3")[0]) == 1_000_000
    assert int(mul_round(np.array([3_000_000]), Decimal("0.055"))[0]) == 165_000


def test_largest_amount_times_an_awkward_rate_is_exact():
    a = np.array([MAX_YUAN, MAX_YUAN - 1, 1, 0], dtype=np.int64)
    for rate in (0.05 * 1.1, 1 / 3, 0.0001 * 1.7, Fraction(2, 3), Fraction(99999, 100000)):
        got = mul_round(a, rate).tolist()
        assert got == [_exact(int(x), as_fraction(rate)) for x in a]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), True, "abc", "1/0", None, [0.05]])
def test_a_rate_that_cannot_be_computed_exactly_is_refused(bad):
    with pytest.raises(MoneyError):
        mul_round(np.array([100]), bad)


def test_an_amount_that_is_not_whole_yuan_is_refused():
    for bad in (np.array([1.5]), np.array([np.nan]), np.array([True]), np.array([1e300])):
        with pytest.raises(MoneyError):
            mul_round(bad, 0.05)


def test_a_result_beyond_int64_is_refused_not_wrapped():
    with pytest.raises(MoneyError):
        mul_round(np.array([2**62]), 3)
    with pytest.raises(MoneyError):
        mul_count(np.array([2**40]), np.array([2**30]))
    assert mul_count(np.array([MAX_YUAN]), np.array([MAX_COUNT])).tolist() == [MAX_YUAN * MAX_COUNT]
    assert checked_sum(np.array([2**62, 2**62, 2**62])) == 3 * 2**62  # a Python int, not wrapped


def test_sum_mul_round_with_large_numerators_falls_back_exactly():
    a, b = np.array([MAX_YUAN, 7]), np.array([MAX_YUAN, 3])
    got = sum_mul_round([(a, 0.03 * 1.1), (b, 1 / 3)])
    want = [int((Fraction(int(x)) * as_fraction(0.03 * 1.1) + Fraction(int(y)) * as_fraction(1 / 3) + Fraction(1, 2)) // 1)
            for x, y in zip(a, b)]
    assert got.tolist() == want


_rates = st.one_of(
    st.fractions(min_value=0, max_value=1, max_denominator=10**9),
    st.floats(min_value=0, max_value=1, allow_nan=False),
    st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, MAX_YUAN), min_size=1, max_size=20), _rates)
def test_mul_round_equals_exact_fraction_over_the_accepted_range(amounts, rate):
    got = mul_round(np.array(amounts, dtype=np.int64), rate).tolist()
    assert got == [_exact(a, as_fraction(rate)) for a in amounts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, MAX_YUAN), st.integers(0, MAX_YUAN)), min_size=1, max_size=10), _rates, _rates)
def test_sum_mul_round_equals_exact_fraction_over_the_accepted_range(rows, r1, r2):
    a = np.array([x for x, _ in rows], dtype=np.int64)
    b = np.array([y for _, y in rows], dtype=np.int64)
    got = sum_mul_round([(a, r1), (b, r2)]).tolist()
    f1, f2 = as_fraction(r1), as_fraction(r2)
    assert got == [int((x * f1 + y * f2 + Fraction(1, 2)) // 1) for x, y in rows]


def test_a_float_is_the_decimal_typed_or_the_simple_fraction_it_can_only_be():
    assert as_fraction(0.05) == Fraction(1, 20) and as_fraction(0.123456789) == Fraction(123456789, 10**9)
    assert as_fraction(1 / 3) == Fraction(1, 3) and as_fraction(1 / 6) == Fraction(1, 6) and as_fraction(2 / 7) == Fraction(2, 7)
    # computed floats that are no simple fraction keep the decimal they print as (exact, no guess)
    assert as_fraction(0.05 * 1.1) == Fraction("0.05500000000000001")
    assert as_fraction(0.1 + 0.2) == Fraction("0.30000000000000004")
    # 1/6 on 3 yuan is exactly 0.5: rounds half up to 1 (the float's own binary value would give 0)
    assert int(mul_round(np.array([3]), 1 / 6)[0]) == 1


def test_policy_fractions_are_kept_exact_or_refused():
    from kzpolicy.money import exact_float
    assert as_fraction(exact_float(Fraction(1, 3))) == Fraction(1, 3)
    assert exact_float(Decimal("0.055")) == 0.055
    with pytest.raises(MoneyError):
        exact_float(Fraction(1, 10**7 + 1))


def test_array_texts_are_the_scalar_texts():
    """wan_many / yi_or_wan_many / commas_many / join_text: character for character the scalar functions."""
    from kzpolicy.money import commas_many, join_text, text_by_value, wan_many, yi_or_wan_many
    rng = np.random.default_rng(12)
    vals = np.concatenate([
        np.array([0, 1, -1, 999, 1000, 9999, 10000, 10001, -10000, 12345, 99_999_999, 100_000_000, 100_000_001,
                  105_000_000, 150_000_000, 123_000_000, -200_000_000, 5_000_000_000, 10**12, -10**12]),
        rng.integers(-10**12, 10**12, 2000), rng.integers(0, 10**6, 2000) * 1_000_000])
    assert wan_many(vals).tolist() == [wan(v) for v in vals.tolist()]
    assert yi_or_wan_many(vals).tolist() == [yi_or_wan(v) for v in vals.tolist()]
    assert commas_many(vals).tolist() == [f"{v:,}" for v in vals.tolist()]
    floats = vals[:500].astype(float) + 0.75  # read as int() reads them: truncated toward zero
    assert wan_many(floats).tolist() == [wan(v) for v in floats.tolist()]
    assert join_text("a{", wan_many(vals[:3]), "}b", commas_many(vals[:3])).tolist() == \
        [f"a{{{wan(v)}}}b{v:,}" for v in vals[:3].tolist()]
    rates = np.array([0.05, 0.8, -0.0, 0.0, 0.05, 0.123])
    assert text_by_value("{:.0%}".format, rates).tolist() == [f"{r:.0%}" for r in rates]


def test_join_text_with_figures_is_the_scalar_text():
    """join_text(…, Wan/YiOrWan/Commas, …): one format per row, the same sentence as the scalar functions give,
    including 亿 figures of 1000亿 and more (written without separators, one by one)."""
    from kzpolicy.money import Commas, Wan, YiOrWan, join_text
    vals = np.array([0, -1, 12345, 150_000_000, 100_000_000_000, 123_400_000_000, 10**12, -300_000_000, 99_990_000])
    other = np.arange(len(vals)) * 10_001
    got = join_text("收入", YiOrWan(vals), "，差", Wan(other), " (", Commas(vals), "){x}", np.array(["a"] * len(vals), dtype=object))
    assert got.tolist() == [f"收入{yi_or_wan(v)}，差{wan(o)} ({v:,}){{x}}a" for v, o in zip(vals.tolist(), other.tolist())]


def test_text_column_is_join_text_as_pandas_text():
    """text_column: the same sentences as join_text (and the scalar functions), as pandas' text dtype; figures of
    any size (-2**63 included), texts that are not str written as str.format writes them, and no row at all."""
    import pandas as pd

    from kzpolicy.money import Commas, Wan, YiOrWan, join_text, text_column
    rng = np.random.default_rng(5)
    vals = np.concatenate([np.array([0, -1, 999, 1000, -1000, 10**18, -(10**18), 2**63 - 1, -(2**63), 123_400_000_000,
                                     100_000_000, -100_000_000, 99_999_999]),
                           rng.integers(-2**62, 2**62, 500), rng.integers(-10**7, 10**7, 500) * 1_000_000])
    texts = np.array([f"t{i}" for i in range(len(vals))], dtype=object)
    parts = ("收入", YiOrWan(vals), "，差", Wan(vals), " (", Commas(vals), "){x}", texts)
    got = text_column(*parts)
    want = [f"收入{yi_or_wan(v)}，差{wan(v)} ({v:,}){{x}}t{i}" for i, v in enumerate(vals.tolist())]
    assert got.dtype == "str" and got.tolist() == want
    assert join_text(*parts).tolist() == want and join_text(*parts).dtype == object
    assert text_column("a", np.array([1, None, "b"], dtype=object)).tolist() == ["a1", "aNone", "ab"]
    empty = text_column("a", Wan(np.array([], dtype=np.int64)), "b")
    assert len(empty) == 0 and empty.dtype == "str"
    pd.testing.assert_extension_array_equal(text_column(Commas(vals[:5])), pd.array([f"{v:,}" for v in vals[:5].tolist()], dtype="str"))


def test_text_column_few_rows_is_the_same_text():
    """Up to money._FEW_ROWS rows the sentences come from the scalar functions: the same texts as the Arrow pieces."""
    from kzpolicy.money import _FEW_ROWS, Commas, Wan, YiOrWan, join_text, text_column
    rng = np.random.default_rng(9)
    vals = np.concatenate([rng.integers(-10**13, 10**13, 200), rng.integers(-10**6, 10**6, 200) * 1_000_000,
                           np.array([0, -1, 10**15, -(2**63), 2**63 - 1])])
    texts = np.array([f"t{i}" if i % 7 else None for i in range(len(vals))], dtype=object)

    def parts(k):
        return ("a", YiOrWan(vals[k]), "b", Wan(vals[k]), "c", Commas(vals[k]), texts[k], "{}")
    many = text_column(*parts(slice(None))).tolist()
    for start in range(0, len(vals), _FEW_ROWS):
        k = slice(start, start + _FEW_ROWS)
        assert text_column(*parts(k)).tolist() == many[k] == join_text(*parts(k)).tolist()
