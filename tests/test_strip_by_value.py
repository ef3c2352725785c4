"""Text columns of 4,096+ rows where many values may end in a whitespace byte (Chinese texts whose last UTF-8 byte
is 0x80-0x8a, 0x85, 0xa0, ...) and few distinct texts are stripped per distinct text (09768df): the Facts must be
what ``str.strip()`` value by value gives, blanks and missing values as missing (found untested by the differential check)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kzpolicy

# Chinese characters whose UTF-8 form ends in a byte that also ends a whitespace character
TAILS = [ch for ch in map(chr, range(0x4E00, 0x4F00)) if ch.encode()[-1] in (0x80, 0x85, 0x8A, 0xA0, 0xA8, 0xAF)][:12]
PADS = ["", " ", "\u3000", "\xa0", "\u2003", "\t", "\u3000 \xa0"]


@pytest.mark.parametrize("with_padding", [True, False])
def test_many_candidates_few_texts_stripped_as_str_strip(with_padding):
    n = 5000
    rng = np.random.default_rng(3)
    base = [f"镇{t}{t}" for t in TAILS]
    town = [base[i] for i in rng.integers(0, len(base), n)]
    if with_padding:
        pad = rng.integers(0, len(PADS), (n, 2))
        town = [PADS[a] + t + PADS[b] for t, (a, b) in zip(town, pad)]
        for i in range(0, n, 97):
            town[i] = [None, "", "\u3000\u3000", np.nan][i % 4]
    firms = pd.DataFrame({"firm_id": [f"F{i:05d}" for i in range(n)], "industry": "manufacturing",
                          "established": "2015-04-01", "township": town, "name": town})
    for dt in (object, "str"):
        f = kzpolicy.validate(firms.astype({"township": dt, "name": dt})).firms
        want = [None if not isinstance(t, str) or not t.strip() else t.strip() for t in town]
        for col in ("township", "name"):
            got = f[col].to_numpy(dtype=object, na_value=None).tolist()
            assert got == want, (col, dt, [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w][:5])
