"""Firm positions kept by validation (so the engine does not hash firm ids twice) stay correct."""
import numpy as np
import pandas as pd

from kzpolicy import assess, validate


def tables():
    firms = pd.DataFrame({"firm_id": ["B", "A", "C"], "industry": ["manufacturing"] * 3,
                          "established": ["2010-01-01", "2011-01-01", "2012-01-01"]})
    events = pd.DataFrame({"firm_id": ["C", "A", "B", "A"], "date": ["2023-08-01"] * 4,
                           "code": ["above_scale.enter", "above_scale.enter", "smart_factory.municipal", "smart_factory.municipal"]})
    fin = pd.DataFrame({"firm_id": ["A", "C", "A"], "year": [2021, 2022, 2022], "rd_expense": [1_000_000, 2_000_000, 1_500_000]})
    return firms, events, fin


def test_positions_point_at_the_right_firms():
    f = validate(*tables())
    ids = f.firms["firm_id"].to_numpy(dtype=object)
    assert list(ids[f.firm_positions("events")]) == list(f.events["firm_id"])
    assert list(ids[f.firm_positions("financials")]) == list(f.financials["firm_id"])


def test_positions_recomputed_when_a_table_is_replaced_after_validation():
    f = validate(*tables())
    before = assess(f, year=2023).ledger[["firm_id", "item", "amount_yuan"]]
    f.events = f.events.iloc[::-1].reset_index(drop=True)
    f.firms = f.firms.iloc[[2, 0, 1]].reset_index(drop=True)
    ids = f.firms["firm_id"].to_numpy(dtype=object)
    assert list(ids[f.firm_positions("events")]) == list(f.events["firm_id"])
    after = assess(f, year=2023).ledger[["firm_id", "item", "amount_yuan"]]
    pd.testing.assert_frame_equal(before, after)


def test_ledger_sorted_by_firm_id_whatever_the_input_order():
    a = assess(validate(*tables()), year=2023)
    assert list(a.ledger["firm_id"]) == sorted(a.ledger["firm_id"])
    assert np.all(np.diff(a.ledger["article"].to_numpy()[a.ledger["firm_id"].to_numpy() == "A"]) >= 0)


def test_positions_recomputed_match_pandas_hash_table_for_every_kind_of_id():
    """The recomputation (generated populations, replaced tables) answers as Index.get_indexer does."""
    from kzpolicy.facts import _positions_of

    firm_ids = ["F1", "F2", "开州1", "F1\x00", "a" * 70, " F3"]
    values = ["F2", "F1\x00", "F9", "开州1", "a" * 70, "F1", " F3", "F3"]
    expect = pd.Index(pd.Series(firm_ids, dtype=object)).get_indexer(pd.Series(values, dtype=object))
    for dtype in (object, "str", "string[python]", "string[pyarrow]"):
        got = _positions_of(pd.Series(firm_ids, dtype=dtype), pd.Series(values, dtype=dtype))
        assert got.tolist() == expect.tolist(), dtype
        assert got.dtype == np.intp
    # ids that are not text keep the hash table's answer (pandas matches 1 and 1.0 alike)
    ints = pd.Series([1, 2, 3], dtype=object)
    assert _positions_of(ints, pd.Series([3, 1.0, 7], dtype=object)).tolist() == [2, 0, -1]
