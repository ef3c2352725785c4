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
