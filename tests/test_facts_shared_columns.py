"""Absent optional columns share one column per dtype (copy-on-write): writing one never changes another."""
import pandas as pd

from kzpolicy import get_policy, validate
from kzpolicy.context import Context


def _firms():
    return pd.DataFrame({"firm_id": ["A", "B", "C"], "industry": ["manufacturing"] * 3,
                         "established": ["2015-01-01"] * 3}, index=[5, 5, 7])


def test_absent_columns_are_independent_after_a_write():
    f = validate(_firms())
    assert f.firms["registered"].dtype == "boolean" and f.firms["name"].dtype == object
    f.firms.loc[0, "registered"] = True
    f.firms.loc[1, "name"] = "x"
    assert f.firms["registered"].tolist()[:2] == [True, pd.NA]
    assert f.firms["good_credit"].isna().all() and f.firms["tax_compliant"].isna().all()
    assert f.firms["name"].tolist() == [None, "x", None]
    assert f.firms["size_band"].tolist() == [None, None, None] and f.firms["sector"].tolist() == [None, None, None]
    assert validate(_firms()).firms["registered"].isna().all()  # a new validation starts empty again


def test_context_financial_values_are_read_only_and_per_year():
    fin = pd.DataFrame({"firm_id": ["B", "A", "C"], "year": [2022, 2022, 2021], "revenue": [5.0, None, 7.0]})
    f = validate(_firms(), financials=fin)
    pol = get_policy()
    ctx = Context(f, pol, 2023, pol.readings(None), 0.1)
    v = ctx.value("revenue", 2022)
    assert v.tolist()[1] == 5.0 and pd.isna(v[0]) and pd.isna(v[2]) and not v.flags.writeable
    assert list(ctx.series("revenue")) == [2021, 2022] and ctx.series("revenue")[2021][2] == 7.0
    assert pd.isna(ctx.value("revenue", 2019)).all()


def test_checks_after_conversion_read_the_converted_columns(monkeypatch):
    """The checks after conversion read each table's converted Series (_Collector.cols), not a pandas lookup per
    column: kept whenever the frame's columns are those Series (pandas 3 hands a column taken from the input on a
    view of the input's index, which ``is`` does not recognise)."""
    import kzpolicy.facts as F
    seen = {}
    real = F._normalise

    def spy(table, df, source, col, shared=None):
        out = real(table, df, source, col, shared)
        seen[table] = (dict(col.cols), out)
        return out
    monkeypatch.setattr(F, "_normalise", spy)
    ev = pd.DataFrame({"firm_id": ["A", "B"], "date": ["2023-03-01", "2023-04-01"], "code": ["above_scale.enter"] * 2})
    fin = pd.DataFrame({"firm_id": ["A", "B"], "year": [2022, 2022], "revenue": [5.0, 6.0]})
    validate(_firms().reset_index(drop=True), ev, fin)
    for table in ("firms", "events", "financials"):
        cols, frame = seen[table]
        assert set(cols) == set(frame.columns), table  # every column, read from the Series the frame holds
        for c, s in cols.items():
            pd.testing.assert_series_equal(s, frame[c], check_names=False)  # values, dtype and index
