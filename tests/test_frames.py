"""kzpolicy.frames.frame_of: the frame pandas' constructor gives for the same columns (values, dtypes, blocks)."""
import numpy as np
import pandas as pd
import pytest

from kzpolicy.frames import frame_of, stable_order


def _columns(n):
    rng = np.random.default_rng(n)
    obj = np.array([None if i % 3 == 0 else f"t{i}" for i in range(n)], dtype=object)
    return {
        "i64": rng.integers(0, 9, n), "i32": rng.integers(0, 9, n).astype(np.int32), "f": rng.random(n),
        "b": rng.random(n) > 0.5, "u8": rng.integers(0, 9, n).astype(np.uint8),
        "day": np.arange(n).astype("datetime64[D]"), "sec": np.arange(n).astype("datetime64[s]"),
        "ns": np.arange(n).astype("datetime64[ns]"),
        "Int64": pd.array([None if i % 2 else i for i in range(n)], dtype="Int64"),
        "str": pd.array([f"s{i}" for i in range(n)], dtype="str"),
        "boolean": pd.array([None if i % 2 else True for i in range(n)], dtype="boolean"),
        "cat": pd.Categorical([f"c{i % 2}" for i in range(n)]),
        "dates": pd.to_datetime(np.arange(n).astype("datetime64[D]")),
        "series_int": pd.Series(rng.integers(0, 9, n)),
        "series_text": pd.Series([f"x{i}" for i in range(n)]),
    }, obj


@pytest.mark.parametrize("n", [0, 1, 3, 50, 5000])
def test_same_frame_as_constructor(n):
    cols, obj = _columns(n)
    data = {**cols, "objects": obj, "none": np.full(n, None, dtype=object)}
    expect = pd.DataFrame({k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype == object else v
                           for k, v in data.items()})
    got = frame_of(data, n)
    pd.testing.assert_frame_equal(got, expect, check_exact=True)
    assert list(got.dtypes) == list(expect.dtypes)
    if n > 4096:  # large frames: the constructor itself, unconsolidated (no copy of the arrays)
        assert got._mgr.nblocks == len(data) and np.shares_memory(got["i64"].to_numpy(), cols["i64"])
    else:
        assert sorted(str(b.dtype) for b in got._mgr.blocks) == sorted(str(b.dtype) for b in expect._mgr.blocks)
    assert got.index.equals(pd.RangeIndex(n)) and got.columns.dtype == expect.columns.dtype
    assert got["objects"].dtype == object  # objects stay objects, never re-typed as text


def test_other_values_left_to_the_constructor():
    n = 3
    with pytest.raises(ValueError, match="1-dimensional"):
        frame_of({"a": np.zeros((3, 1))}, n)
    for data in ({"a": [1, 2, 3]}, {"a": np.array(["x", "y", "z"])},
                 {"a": pd.Series([1, 2, 3], index=[5, 6, 7]), "b": np.arange(3)},
                 {"a": pd.array(np.array(["x", "y", "z"], dtype=object), dtype=object)},
                 {"a": np.arange(3).astype("timedelta64[s]")}):
        pd.testing.assert_frame_equal(frame_of(dict(data), n), pd.DataFrame(data), check_exact=True)


def test_take_of_all_rows_in_order_is_an_independent_copy():
    from kzpolicy.frames import take, text_of
    a = pd.array(["F1", "F2"], dtype="str")
    b = take(a, np.array([0, 1]))
    assert b is not a and b.dtype == a.dtype and list(b) == ["F1", "F2"]
    b[0] = "X"  # writing into the copy leaves the original (and text_of's remembered arrays) as they were
    assert list(a) == ["F1", "F2"]
    assert list(take(a, np.array([1, 0]))) == ["F2", "F1"]
    t = text_of(["p", "q"], np.array([0, 1]))
    t[1] = "Z"
    assert list(text_of(["p", "q"], np.array([0, 1]))) == ["p", "q"]


@pytest.mark.parametrize("n", [1, 5, 100])
def test_explain_column_lists_are_what_a_frame_gives(n):
    from kzpolicy.explain import _Lists
    d = np.arange(n).astype("datetime64[D]").astype("datetime64[s]")
    d[0] = np.datetime64("NaT")
    cols = {"d": d, "i": np.arange(n), "I": pd.array([None] + list(range(1, n)), dtype="Int64"),
            "s": pd.array(["x"] * n, dtype="str"), "o": np.array([None] * n, dtype=object)}
    got, expect = _Lists(cols), _Lists(frame_of(cols, n))
    for c in cols:
        assert got[c] == expect[c] or (c == "d" and got[c][1:] == expect[c][1:] and got[c][0] is expect[c][0] is pd.NaT)
        assert [type(v) for v in got[c]] == [type(v) for v in expect[c]]
        assert [getattr(v, "unit", None) for v in got[c]] == [getattr(v, "unit", None) for v in expect[c]]


@pytest.mark.parametrize("values", [
    np.array(["a", None, "b", "a", np.nan], dtype=object), pd.array(["x", "y", None, "x"], dtype="str"),
    np.array([1, 1.0, True, 2], dtype=object), np.array([pd.NaT, pd.NA, "q", None], dtype=object),
    np.array([], dtype=object), pd.array(["a"], dtype="string"), np.array([[1], "a"], dtype=object),
    np.array(["k%d" % (i % 7) for i in range(100)], dtype=object)])
def test_factorize_is_pandas_factorize(values):
    from kzpolicy.frames import factorize
    try:
        c1, u1 = pd.factorize(values)
    except TypeError as e:
        with pytest.raises(TypeError, match=str(e)):
            factorize(values)
        return
    c2, u2 = factorize(values)
    assert c1.tolist() == c2.tolist() and c1.dtype == c2.dtype and list(u1) == list(u2)
    assert [type(u) for u in u1] == [type(u) for u in u2]


@pytest.mark.parametrize("values", [
    pd.array([1, None, 3], dtype="Int64"), pd.array([2, 3], dtype="Int64"), pd.array([True, None], dtype="boolean"),
    pd.array([1.5, None], dtype="Float64"), pd.array(["x", None, "y"], dtype="str"), pd.array(["x"], dtype="str"),
    pd.array(["x", None], dtype=pd.StringDtype("pyarrow")), pd.Series(["a", None], dtype=object),
    pd.Series(np.arange(3)), pd.Series(pd.to_datetime(["2023-01-01", None])), np.array([1, 2]),
])
def test_tolist_is_pandas_tolist(values):
    """frames.tolist reads masked numbers and Arrow text from their buffers: the same values, types and missing values."""
    from kzpolicy.frames import tolist
    got, expect = tolist(values), values.tolist()
    assert len(got) == len(expect)
    for g, e in zip(got, expect):
        assert type(g) is type(e)
        assert g is e or g == e or (isinstance(g, float) and np.isnan(g) and np.isnan(e))


def test_str_array_is_pd_array_of_text():
    """frames.str_array gives pd.array(values, dtype="str") for text (and None), lists or object arrays or Arrow."""
    import pyarrow as pa

    from kzpolicy.frames import str_array
    for vals in (["a", "b"], ["a", None], np.array(["x", "y"], dtype=object), ["多字节", ""], []):
        got, expect = str_array(vals), pd.array(np.asarray(vals, dtype=object), dtype="str")
        assert got.dtype == expect.dtype and got.equals(expect) and list(got.isna()) == list(expect.isna())
    got = str_array(pa.chunked_array([pa.array(["p", None], type=pa.large_string())]))
    assert got.equals(pd.array(["p", None], dtype="str"))
    assert str_array([1, 2]).equals(pd.array([1, 2], dtype="str"))  # not text: pandas converts, as before


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 1000, 70_000])
def test_stable_order_is_lexsort(n):
    """Packed keys (with the row number where it fits, else a stable sort), or lexsort: always lexsort's order."""
    rng = np.random.default_rng(n)
    shapes = [[rng.integers(0, 3, n), rng.integers(-5, 5, n)],  # many ties: the row number decides
              [rng.integers(0, 2**30, n), rng.integers(0, 2**25, n)],  # 55 bits: no room for the row number
              [rng.integers(-2**40, 2**40, n), rng.integers(0, 2**30, n)],  # too wide to pack: lexsort
              [rng.integers(0, 1_000_000, n), rng.integers(1, 25, n), rng.integers(0, 40, n), rng.integers(0, 400, n)],
              [np.full(n, np.iinfo(np.int64).min), rng.integers(0, 9, n)]]
    # award lines: a few runs, each in firm order with ties (the merge sort's case)
    runs = np.sort(rng.integers(0, n + 1, 4)).tolist() + [n]
    firm = np.concatenate([np.sort(rng.integers(0, max(n // 3, 1), b - a)) for a, b in zip([0] + runs[:-1], runs)])
    shapes.append([firm, np.repeat(rng.integers(0, 2, 5), np.diff([0] + runs))])  # one item (article) per run
    for keys in shapes:
        assert stable_order(keys).tolist() == np.lexsort(keys[::-1]).tolist()


def test_runs_decide_the_sort():
    """Keys in a few long ascending runs take the merge sort, keys in no order the quicksort (the same order)."""
    from kzpolicy.frames import _in_runs
    rng = np.random.default_rng(0)
    a = np.arange(10_000, dtype=np.int64)
    assert _in_runs(np.concatenate([a[5000:], a[:5000]]))
    assert _in_runs(np.concatenate([a[100:], a[50:100], a[:50]]))
    assert not _in_runs(rng.permutation(a))


@pytest.mark.parametrize("storage", ["str", "string[pyarrow]", "string[python]", object])
def test_take_is_pandas_take(storage):
    """Arrow text taken by Arrow: the array pandas' take gives (missing values, -1 with allow_fill, every storage)."""
    from kzpolicy.frames import take
    arr = pd.array(["a", None, "企业", "", "b"] * 3, dtype=storage)
    rng = np.random.default_rng(1)
    for rows in (rng.integers(0, 15, 40), np.array([3]), np.arange(15)[::-1], np.array([], dtype=np.int64)):
        for fill in (False, True):
            got, expect = take(arr, rows, allow_fill=fill), arr.take(rows, allow_fill=fill)
            assert type(got) is type(expect) and got.dtype == expect.dtype
            pd.testing.assert_extension_array_equal(got, expect)
    rows = np.array([0, -1, 4, -1])
    pd.testing.assert_extension_array_equal(take(arr, rows, allow_fill=True), arr.take(rows, allow_fill=True))
    with pytest.raises(IndexError):
        take(arr, np.array([15]))


def test_item_codes_from_the_parts_or_hashed():
    """Columns.item_codes: the parts' item numbers where award_frame recorded them, else the factorize given, on the
    item column — the same answer either way."""
    from kzpolicy.frames import Columns, factorize
    from kzpolicy.rules.common import RuleOutput, award_frame
    out = RuleOutput()
    out.award(2, fidx=np.array([0, 1]), item="b", amount_yuan=np.array([1, 2]))
    out.award(1, fidx=np.array([0]), item="a", amount_yuan=np.array([3]))
    aw = award_frame(out.awards)
    code, uniq = aw.item_codes(factorize)
    plain = Columns(dict(aw), aw.n)  # no parts: hashed
    code2, uniq2 = plain.item_codes(factorize)
    assert [uniq[c] for c in code] == [uniq2[c] for c in code2] == ["b", "b", "a"]


def test_ledger_text_columns_of_a_firms_own_texts():
    """engine._text without remembering (projects): text only -> the text dtype (missing as NaN); nothing given ->
    objects None; numbers among them -> objects, as the frame constructor types them."""
    from kzpolicy.engine import _text
    order = np.array([2, 0, 1])
    got = _text(np.array(["b", None, "a"], dtype=object), order)
    assert got.dtype == pd.StringDtype(na_value=np.nan) and list(pd.Series(got).fillna("-")) == ["a", "b", "-"]
    got = _text(np.array(["b", float("nan"), "a"], dtype=object), order, given=np.array([True, False, True]))
    assert list(pd.Series(got).fillna("-")) == ["a", "b", "-"]
    none = _text(np.array([None, None, None], dtype=object), order)
    assert none.dtype == object and list(none) == [None, None, None]
    mixed = _text(np.array(["b", 7, None], dtype=object), order)
    assert mixed.dtype == object and list(mixed) == [None, "b", 7]
