"""Text columns of any pandas dtype give the same assessment as Python-object text.

Users pass object columns (pandas 2, hand-built lists), pandas' default ``str``
(Arrow strings with pyarrow), ``string[python]``, ``ArrowDtype`` strings or
categoricals (also categorical firm ids sharing one set of categories across the
tables). Validation and the engine take fast paths per storage; every output
frame (values, dtypes, column and row order), the JSON contract and the errors
must not depend on which one the input used.
"""
import json

import pandas as pd
import pyarrow as pa
import pytest

from kzpolicy import FactsError, assess, validate

TEXT = {"firms": ["firm_id", "industry", "established", "township", "name"],
        "events": ["firm_id", "date", "code", "project", "start", "end"],
        "financials": ["firm_id"]}
FRAMES = ["ledger", "near_misses", "undetermined", "excluded", "fees", "township_awards"]


@pytest.fixture(scope="module")
def tables(bench_engine):
    firms, events, fin = bench_engine.population(2_000, seed=11, text="object")
    firms["name"] = pd.Series([None if i % 3 else f"企业{i}有限公司" for i in range(len(firms))], dtype=object)
    firms.loc[::7, "township"] = None
    return firms, events, fin


def _as(tables, dtype):
    out = []
    for df, t in zip(tables, TEXT):
        df = df.copy()
        for c in TEXT[t]:
            if c in df:
                df[c] = df[c].astype(object).astype(dtype)
        out.append(df)
    return out


def _shared_category_ids(tables):
    cats = pd.unique(pd.concat([df["firm_id"].astype(object) for df in tables]).dropna())
    out = [df.copy() for df in tables]
    for df in out:
        df["firm_id"] = pd.Categorical(df["firm_id"].astype(object), categories=cats)
    return out


def _mixed(tables):
    f, e, fi = _as(tables[:1], "str")[0], _as([tables[0], tables[1]], "category")[1], tables[2].copy()
    fi["firm_id"] = fi["firm_id"].astype(pd.ArrowDtype(pa.string()))
    return [f, e, fi]


VARIANTS = {
    "str": lambda t: _as(t, "str"),
    "string_python": lambda t: _as(t, pd.StringDtype("python")),
    "string_pyarrow": lambda t: _as(t, pd.StringDtype("pyarrow")),
    "arrow_string": lambda t: _as(t, pd.ArrowDtype(pa.string())),
    "arrow_large_string": lambda t: _as(t, pd.ArrowDtype(pa.large_string())),
    "category": lambda t: _as(t, "category"),
    "shared_category_ids": _shared_category_ids,
    "mixed_per_table": _mixed,
}


def _outputs(firms, events, fin):
    a = assess(validate(firms, events, fin), year=2023)
    return {name: getattr(a, name) for name in FRAMES}, json.dumps(a.to_dict(), ensure_ascii=False)


@pytest.fixture(scope="module")
def expected(tables):
    return _outputs(*tables)


def test_the_population_exercises_the_outputs(expected):
    frames, _ = expected
    assert len(frames["ledger"]) > 50 and len(frames["near_misses"]) and len(frames["excluded"]) and len(frames["fees"])


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_same_outputs_whatever_the_text_dtype(tables, expected, variant):
    frames, js = _outputs(*VARIANTS[variant](tables))
    for name, want in expected[0].items():
        pd.testing.assert_frame_equal(frames[name], want, check_exact=True, obj=f"{variant}: {name}")
    assert js == expected[1]


def _unknown_firms(t):
    f, e, fi = (df.copy() for df in t)
    return f, pd.concat([e, e.iloc[[0, 1]].assign(firm_id=["GHOST", "未知企业"])], ignore_index=True), fi


def _bad_rows(t):
    f, e, fi = (df.copy() for df in t)
    fi = fi.astype({"firm_id": object})
    fi.loc[3, "firm_id"] = "   "
    f = f.astype({"industry": object, "firm_id": object})
    f.loc[5, "industry"] = "MANUFACTURING"
    f.loc[9, "firm_id"] = f.loc[8, "firm_id"]
    return f, e, fi


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("bad", [_unknown_firms, _bad_rows], ids=["unknown_firms", "bad_rows"])
def test_same_errors_whatever_the_text_dtype(tables, variant, bad):
    """Unknown firms; a blank id, a repeated id and an industry not in the list: the same problems, word for word."""
    def problems(t):
        with pytest.raises(FactsError) as e:
            validate(*t)
        return e.value.problems

    want = problems(bad(tables))
    assert len(want) >= 2
    assert problems(VARIANTS[variant](bad(tables))) == want


def test_category_with_unused_levels_and_missing_values(tables, expected):
    firms, events, fin = (df.copy() for df in tables)
    firms["firm_id"] = pd.Categorical(firms["firm_id"], categories=list(firms["firm_id"]) + ["UNUSED", "未用"])
    firms["township"] = pd.Categorical(firms["township"])
    firms["industry"] = pd.Categorical(firms["industry"], categories=["other", "utilities", "mining", "manufacturing", "x"])
    events["code"] = pd.Categorical(events["code"], categories=sorted(set(events["code"])) + ["listing.main"])
    frames, js = _outputs(firms, events, fin)
    for name, want in expected[0].items():
        pd.testing.assert_frame_equal(frames[name], want, check_exact=True, obj=name)
    assert js == expected[1]
