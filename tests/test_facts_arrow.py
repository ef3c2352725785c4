"""Validation reads text as Arrow strings: the byte-level fast paths give exactly what Python's text rules give."""
import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from kzpolicy import facts

WS = [chr(c) for c in range(0x3001) if chr(c).isspace()]


def test_the_whitespace_list_is_pythons():
    assert sorted(facts._WS) == WS
    assert not any(chr(c).isspace() for c in range(0x3001, 0x110000) if not 0xD800 <= c <= 0xDFFF)


TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(WS[:12] + ["a", "开", "道", "\u200b", "F", "1", "\x00"]), max_size=6))


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=8))
def test_strip_is_str_strip(values):
    for small in (16, 0):  # value by value, and on the bytes
        _strip_check(values, small)


def _strip_check(values, small):
    a = pa.array(values, type=pa.large_string())
    facts._SMALL, keep = small, facts._SMALL
    try:
        null, out, same = facts._strip_arrow(a)
    finally:
        facts._SMALL = keep
    want = [None if v is None or not v.strip() else v.strip() for v in values]
    assert out.to_pylist() == want
    assert null.tolist() == [w is None for w in want]
    assert same == (want == values)


DATES = st.one_of(st.none(), st.dates(dt.date(1940, 1, 1), dt.date(2110, 12, 31)).map(str),
                  st.sampled_from(["2023-02-29", "2024-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "2023-4-01",
                                   "2023/04/01", "２０２３-04-01", "1949-09-30", "1949-10-01", "2100-12-31", "2101-01-01",
                                   "0000-01-01", "2023-01-0a"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(DATES, min_size=1, max_size=6))
def test_iso_dates_agree_with_the_row_by_row_reading(values):
    for small in (16, 0):
        _dates_check(values, small)


def _dates_check(values, small):
    a = pa.array(values, type=pa.large_string())
    facts._SMALL, keep = small, facts._SMALL
    try:
        got = facts._iso_dates(a, np.array([v is None for v in values]))
    finally:
        facts._SMALL = keep
    read = [facts._date_of(v) for v in values]
    if all(isinstance(r, dt.date) or r is None for r in read) and any(r is not None for r in read) \
            and all(v is None or v.isascii() and len(v) == 10 and v[4] == "-" and v[7] == "-" for v in values):
        assert got is not None
        assert [None if np.isnat(g) else g.astype("datetime64[D]").item() for g in got] == read
    else:
        assert got is None  # the row-by-row path reads or names it


def test_object_and_arrow_columns_validate_alike():
    firms = {"firm_id": ["F2", " F1 ", "F3"], "industry": ["manufacturing", " other", "mining"],
             "established": ["2015-04-01", " 2016-01-02", None], "township": ["汉丰街道 ", "\u3000", None],
             "name": [None, None, None]}
    fin = {"firm_id": ["F1", "F2", "F3"], "year": [2022, 2022, 2022], "revenue": [1.0, 2.0, None]}
    arrow = facts.validate(pd.DataFrame(firms).fillna({"established": "2015-01-01"}), None, pd.DataFrame(fin))
    obj = facts.validate(pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in firms.items()}).fillna({"established": "2015-01-01"}),
                         None, pd.DataFrame(fin).astype({"firm_id": object}))
    for t in ("firms", "financials"):
        pd.testing.assert_frame_equal(getattr(arrow, t), getattr(obj, t))
    assert arrow.firms["firm_id"].tolist() == ["F2", "F1", "F3"] and arrow.firms["township"].isna().tolist() == [False, True, True]
    assert arrow.firm_positions("financials").tolist() == [1, 0, 2]


def test_small_and_large_columns_read_alike(monkeypatch):
    """A few values are read value by value (facts._SMALL), more on the bytes: the same answers."""
    vals = [" a", "b\u3000", None, "", "开 ", "\x1c", "2023-02-28", "2023-02-29", " 2024-02-29"]
    a = pa.array(vals, type=pa.large_string())
    small = facts._strip_arrow(a)
    monkeypatch.setattr(facts, "_SMALL", 0)
    big = facts._strip_arrow(a)
    assert small[0].tolist() == big[0].tolist() and small[1].to_pylist() == big[1].to_pylist() and small[2] == big[2]
    for dates in (["2023-02-28", None, "2024-02-29"], ["2023-02-29"], ["1949-10-01", "2100-12-31"], ["1949-09-30"], ["2023-1-01"]):
        d = pa.array(dates, type=pa.large_string())
        null = np.array([x is None for x in dates])
        monkeypatch.setattr(facts, "_SMALL", 16)
        s = facts._iso_dates(d, null)
        monkeypatch.setattr(facts, "_SMALL", 0)
        b = facts._iso_dates(d, null)
        assert (s is None and b is None) or (s.astype("int64") == b.astype("int64")).all(), dates


NUMBER_TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("0123456789.+-,e ") + ["x", "\u3000", "１"]), min_size=0, max_size=8),
                        st.integers(0, 10**13).map(str), st.floats(0, 1e6, allow_nan=False).map(str))


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBER_TEXT, min_size=1, max_size=20))
def test_numbers_from_arrow_text_read_as_from_python_text(values):
    obj = pd.Series(values, dtype=object)
    null = np.array([v is None or not v.strip() for v in values])
    want = facts._parse_number_text(obj, null)
    null_a, st_a, _ = facts._strip_arrow(pa.array(values, type=pa.large_string()))
    got = facts._parse_number_arrow(st_a, null_a)
    assert null_a.tolist() == null.tolist()
    for w, g, name in zip(want, got, ("values", "bad", "lead", "inexact")):
        assert np.array_equal(w, g, equal_nan=True), (name, values, w, g)


CSV_TEXT = st.text(alphabet=st.sampled_from(list("ab,\"\n \r\t") + ["开", "\u3000", "\x0c"]), max_size=40).map(lambda t: "h1,h2\n" + t)


@settings(max_examples=400, deadline=None)
@given(CSV_TEXT)
def test_csv_read_by_pyarrow_only_where_it_reads_as_pandas(text):
    import io
    got = facts._csv_arrow(text)
    if got is None:
        return  # pandas' parser reads it (and names a faulty line)
    want = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None)
    assert got.astype(object).values.tolist() == want.astype(object).values.tolist(), text


def test_an_all_empty_text_column_is_object_none_whatever_its_input_dtype():
    for dtype in ("str", object):
        firms = pd.DataFrame({"firm_id": ["F1", "F2"], "industry": "other", "established": "2015-04-01",
                              "township": pd.Series([np.nan, np.nan], dtype=dtype)})
        got = facts.validate(firms).firms["township"]
        assert got.dtype == object and got.tolist() == [None, None], dtype


def test_integer_columns_kept_as_validated_when_the_input_changes_later():
    """A plain integer year column becomes Int64 over the input's own buffer (no copy): copy-on-write must keep
    the validated Facts as they were when the caller edits the input afterwards."""
    fin = pd.DataFrame({"firm_id": ["A", "A"], "year": np.array([2021, 2022], dtype=np.int64), "revenue": [1.0, 2.0]})
    firms = pd.DataFrame({"firm_id": ["A"], "industry": ["other"], "established": ["2010-01-01"], "township": ["t"]})
    f = facts.validate(firms, financials=fin)
    fin.loc[0, "year"] = 2000
    fin.iloc[1, 1] = 1990
    assert f.financials["year"].dtype == "Int64"
    assert f.financials["year"].tolist() == [2021, 2022]
    assert fin["year"].tolist() == [2000, 1990]
