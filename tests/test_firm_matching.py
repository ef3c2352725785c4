"""Firm-id matching by sorted integer keys gives exactly the hash table's answer (kzpolicy.facts._match_firms)."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kzpolicy import facts
from kzpolicy.facts import validate

@pytest.fixture(autouse=True)
def keys_for_small_tables(monkeypatch):
    """Matching by keys, tried on a few ids: below ``_SMALL`` values and firms Python's dict answers instead."""
    monkeypatch.setattr(facts, "KEYS_MIN_FIRMS", 0)
    monkeypatch.setattr(facts, "_SMALL", 0)
    monkeypatch.setattr(facts, "SORT_QUERIES_MIN", 0)  # ids in no order: sorted before they are searched


CASES = {
    "sorted short ids": (["F001", "F002", "F003"], ["F003", "F001", "F009", "F002", "F001"]),
    "unsorted": (["B", "A", "C2", "C"], ["C", "A", "C2", "D", "B", ""]),
    # numpy text drops trailing NULs: "F1\x00" and "F1" must not be taken for each other
    "trailing NUL": (["F1\x00", "F2"], ["F1", "F1\x00", "F2\x00", "F2"]),
    "NUL twin in firms (falls back)": (["F1\x00", "F1"], ["F1", "F1\x00"]),
    "longer than 8": (["91500234MA5UXXXX1X", "F2"], ["F2", "91500234MA5UXXXX1X", "x"]),
    "non-ASCII (falls back)": (["开州001", "F2"], ["F2", "开州001", "开州002"]),
    "exactly 8": (["ABCDEFGH", "ABCDEFG"], ["ABCDEFG", "ABCDEFGH", "ABCDEFGI"]),
    "non-text query (falls back)": (["1", "2"], np.array([1, "2"], dtype=object)),
}


@pytest.mark.parametrize("firms,rows", CASES.values(), ids=CASES.keys())
def test_same_as_get_indexer(firms, rows):
    ids = np.array(firms, dtype=object)
    arr = np.array(list(rows), dtype=object)
    want = pd.Index(ids).get_indexer(arr)
    got = facts._match_firms({"firm_index": pd.Index(ids)}, arr)
    assert got.tolist() == want.tolist()


def test_keys_only_for_text_without_nul_up_to_64_bytes():
    def keys(ids, width=None):
        return facts._id_keys(pa.array(ids, type=pa.large_string()), width)
    assert keys(["F1", "F10"])[0].dtype == np.uint64
    assert keys(["F1\x00"]) is None  # the zero padding would take it for "F1": the hash table decides
    assert keys(["A" * 65]) is None
    assert keys(["91500234MA5UXXXX1X"])[0].dtype == "S18"
    assert keys(["开州"])[0].dtype == np.uint64  # UTF-8 bytes: any text
    k, fits = keys(["A", "AB", "B", "a", "ABCDEFGHI"], 8)
    assert (np.diff(k[:4]) > 0).all() and fits.tolist() == [True] * 4 + [False]  # integers sort as the bytes do


def test_unknown_firm_still_reported_per_row():
    firms = pd.DataFrame({"firm_id": ["F2", "F1"], "industry": ["manufacturing"] * 2, "established": ["2010-01-01"] * 2,
                          "township": ["汉丰街道"] * 2, "independent_legal_person": [True, True]})
    fin = pd.DataFrame({"firm_id": ["F1", "F3", "F2", "F1\x00"], "year": [2022] * 4, "revenue": [1.0] * 4})
    with pytest.raises(Exception) as e:
        validate(firms, None, fin)
    text = str(e.value)
    assert "'F3'" in text and "'F1\\x00'" in text
    good = validate(firms, None, fin.iloc[[0, 2]])
    assert good.firm_positions("financials").tolist() == [1, 0]


LONG = {
    "credit codes": (["91500234MA5UXXXX1X", "91500234MA5UXXXX0X", "F2"], ["F2", "91500234MA5UXXXX1X", "91500234MA5UXXXX1", "x"]),
    "short firms, a long unknown row": (["F1", "F2"], ["F2", "F1", "F1234567890"]),
    "long firms, short rows": (["F1234567890", "F1"], ["F1", "F1234567890", "F12345678901", "F1234567890\x00"]),
    "long NUL twin": (["F1234567890\x00", "F1234567890"], ["F1234567890"]),
    "longer rows than any firm, no NUL": (["F1234567890", "F1"], ["F1", "F12345678901", "F1234567890", "ABCDEFGHIJKLMNOPQ"]),
}


@pytest.mark.parametrize("firms,rows", LONG.values(), ids=LONG.keys())
def test_long_ids_same_as_get_indexer(firms, rows):
    test_same_as_get_indexer(firms, rows)


def test_random_ids_same_as_get_indexer():
    rng = np.random.default_rng(7)
    alphabet = np.array(list("AB01\x00"), dtype=object)

    def make(k):
        return np.array(["".join(rng.choice(alphabet, rng.integers(1, 12))) for _ in range(k)], dtype=object)
    ids = pd.unique(make(300))
    rows = np.concatenate([ids[rng.integers(0, len(ids), 500)], make(200)])
    for firms in (ids, np.sort(ids)):
        want = pd.Index(firms).get_indexer(rows)
        assert facts._match_firms({"firm_index": pd.Index(firms)}, rows).tolist() == want.tolist()



def _runs():
    """Rows that are (or nearly are) runs of consecutive firm ids, as a year of a year-major export gives them;
    more than ``facts._SMALL`` of each, so that the keys (not Python's dict) answer."""
    ids = [f"F{k:03d}" for k in range(40)]
    shuffled = list(np.random.default_rng(3).permutation(ids))
    long = [f"91500234MA5U{k:04d}1X" for k in range(30)]
    return {
        "every firm in order": (ids, ids),
        "a middle run": (ids, ids[5:30]),
        "firms table not in id order": (shuffled, ids),
        "a middle run, firms not in id order": (shuffled, ids[7:33]),
        "one firm missing from the run": (ids, ids[:20] + ids[21:]),
        "a run ending past the last firm": (ids[:30], ids[10:35]),
        "a run then an unknown id": (ids, ids + ["F999"]),
        "a repeated id": (ids, ids[:10] + ids[9:]),
        "a longer id cut to a firm's key": ([f"ABCDEF{k:02d}" for k in range(30)],
                                            [f"ABCDEF{k:02d}" for k in range(29)] + ["ABCDEF29X"]),
        "long ids in order": (long, long[3:]),
        # an export sorted by year, then firm: one ascending run per year inside a block
        "years, each with every firm": (ids, ids * 2 + ids[5:25]),
        "years: every firm, then some, then every firm": (ids, ids + ids[::3] + ids),
        "years: a run with an unknown id, then every firm": (ids, ids[:12] + ["F0125"] + ids[12:] + ids),
        "years: a run past the last firm, then every firm": (ids[:30], ids[20:] + ids[10:35] + ids[:30]),
        "years, firms not in id order": (shuffled, ids + ids[4:]),
    }


RUNS = _runs()


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 18])
@pytest.mark.parametrize("firms,rows", RUNS.values(), ids=RUNS.keys())
def test_runs_of_consecutive_firms_same_as_get_indexer(monkeypatch, firms, rows, block):
    """A block of rows that is a run of consecutive firm ids takes its positions without a search: the same answer,
    whatever the block size (a run cut by blocks, a block that is a run but for one row)."""
    monkeypatch.setattr(facts, "MATCH_BLOCK", block)
    test_same_as_get_indexer(firms, rows)
    monkeypatch.setattr(facts, "MAX_RUNS", 1)  # more runs than are tried one by one: all searched, the same answer
    test_same_as_get_indexer(firms, rows)
    monkeypatch.setattr(facts, "MAX_RUNS", 64)
    # and through validation: the positions the engine reads
    fin = pd.DataFrame({"firm_id": rows, "year": [1990 + k for k in range(len(rows))], "revenue": [1.0] * len(rows)})
    f = pd.DataFrame({"firm_id": firms, "industry": ["manufacturing"] * len(firms), "established": ["1990-01-01"] * len(firms)})
    want = pd.Index(np.array(firms, dtype=object)).get_indexer(np.array(rows, dtype=object))
    if (want >= 0).all():
        assert validate(f, None, fin).firm_positions("financials").tolist() == want.tolist()
