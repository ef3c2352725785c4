"""What the tests comparing whole results share: the result's tables, and one equality for them."""
from __future__ import annotations

import numpy as np
import pandas as pd

#: every table of an Assessment (as benchmarks/bench_engine.TABLES)
TABLES = ("ledger", "near_misses", "undetermined", "excluded", "fees", "township_awards")


def tables_of(a) -> dict:
    """{table name: DataFrame} of the Assessment ``a``."""
    return {t: getattr(a, t) for t in TABLES}


def assert_same_tables(a: dict, b: dict, what: str = "") -> None:
    """Every table of ``a`` exactly equal to ``b``'s: values, dtypes, index, row order, Int64 data under the mask."""
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], check_exact=True, obj=f"{what}: {t}")
        for c in a[t].columns:
            x, y = a[t][c].array, b[t][c].array
            if isinstance(x, pd.arrays.IntegerArray):
                assert np.array_equal(x._data, y._data) and np.array_equal(x._mask, y._mask), (what, t, c)
