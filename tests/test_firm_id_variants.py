"""Firm ids that differ only by case or padding (found by the old-vs-new differential check).

Ids are compared exactly after stripping whitespace: ``ab1`` and ``AB1`` are two firms, `` ab1 ``
is ``ab1``. Many repeated ids are each named, in row order (without pyarrow pandera's failure
cases came out as rows 2, 5, 38, 37, …, 20, 39); both ways of matching event ids to firms
(a profile's few ids by Python's dict, more than ``facts._SMALL`` by sorted keys) give the same answer.
"""
from __future__ import annotations

import pandas as pd
import pytest

import kzpolicy
from kzpolicy import FactsError
from kzpolicy.facts import _SMALL

CASES = ["abcd1", "ABCD1", "Abcd1", "aBcD1"]


def _firms(ids):
    return pd.DataFrame({"firm_id": ids, "industry": "manufacturing", "established": "2015-04-01"})


def test_many_repeated_ids_named_in_row_order():
    ids = [f"F{i:03d}" for i in range(40)]
    ids[5] = ids[2]
    ids[30:40] = [" " + x + "\u3000" for x in ids[20:30]]  # the same ids once stripped
    with pytest.raises(FactsError) as e:
        kzpolicy.validate(_firms(ids))
    rows = [2, 5, *range(20, 40)]
    assert e.value.problems == [f"firms row {r}: field 'firm_id': value {ids[r].strip()!r} appears more than once; "
                                f"each must be unique" for r in rows]


@pytest.mark.parametrize("filler", [0, _SMALL + 1])
def test_ids_differing_by_case_are_distinct_firms(filler):
    ids = CASES + [f"X{i:06d}" for i in range(filler)]
    ev = pd.DataFrame({"firm_id": ["ABCD1", " aBcD1\t", "abcd1"], "date": "2023-08-15",
                       "code": ["above_scale.enter", "above_scale.enter", "srdi.specialized.municipal"]})
    a = kzpolicy.assess(_firms(ids), ev, year=2023, explain=False)
    got = sorted(zip(a.ledger["firm_id"], a.ledger["item"], a.ledger["amount_yuan"].tolist()))
    assert got == [("ABCD1", "art01.above_scale_enter", 200_000), ("aBcD1", "art01.above_scale_enter", 200_000),
                   ("abcd1", "art04.specialized_municipal", 100_000)], got
    with pytest.raises(FactsError) as e:
        kzpolicy.validate(_firms(ids), ev.assign(firm_id=["ABCD1", "abcD1", "abcd1"]))
    assert e.value.problems == ["events row 1 (firm abcD1, code above_scale.enter): field 'firm_id': "
                                "firm 'abcD1' is not in the firms table"]
