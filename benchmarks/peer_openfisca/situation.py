"""Build an OpenFisca simulation from the same raw tables kzpolicy assesses.

``firms``, ``events`` and ``financials`` are the DataFrames a user passes to
``kzpolicy.assess`` (text firm ids, ISO date strings, floats with NaN). This is the
conversion an OpenFisca user writes: firm ids matched to positions, one array per
input variable and period, ``set_input``. Nothing is validated.

It is written as tight as the same libraries allow, so that the peer is not slowed by
its glue: ids are matched by pyarrow's hash table (``pyarrow.compute.index_in``, one
table of the firm ids for events and financials) and ISO dates parsed by an Arrow cast;
text held as Python objects (pandas 2) is converted to Arrow first, which is still 3×
faster than pandas' hash table on objects (pyarrow is a kzpolicy dependency, so both
sides have it; without it, ``Index.get_indexer`` and ``pd.to_datetime``). Each column is
converted once, on the whole table, and rows are selected on the arrays.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from openfisca_core.simulations import SimulationBuilder

#: award variables, {variable: the kzpolicy item ids it stands for}
AWARD_VARIABLES = {
    "art01_above_scale_award": ["art01.above_scale_enter"],
    "art03_revenue_milestone_award": [f"art03.milestone_{t}" for t in ("50yi", "30yi", "20yi", "10yi", "5yi", "2yi")],
    "art05_smart_factory_award": ["art05.smart_factory_municipal"],
    "art05_digital_workshop_award": ["art05.digital_workshop_municipal"],
    "art05_equipment_subsidy": ["art05.equipment_subsidy"],
}
#: event code -> input variable holding the firm's first date of it
FIRST_DATES = {
    "above_scale.enter": "above_scale_entry_date",
    "smart_factory.municipal": "smart_factory_municipal_date",
    "digital_workshop.municipal": "digital_workshop_municipal_date",
}
NEVER = np.datetime64("1970-01-01", "D")


def _arrow(s: pd.Series):
    """The text column as a pyarrow array (Arrow strings as they are, Python text objects converted), or None.

    None where pyarrow is not installed or the column is not all text; the pandas calls are used then.
    """
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return pa.array(s.array)
    try:
        return pa.array(s.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def positions(ids: pd.Series, *keys: pd.Series) -> list:
    """Position of each key among the firm ids (-1 where absent), for each series of keys; one hash table of the ids."""
    a = _arrow(ids)
    arrays = [_arrow(k) for k in keys]
    if a is not None and all(k is not None for k in arrays):
        import pyarrow as pa
        import pyarrow.compute as pc

        chunks = [c for k in arrays for c in (k.chunks if isinstance(k, pa.ChunkedArray) else [k])]
        pos = pc.index_in(pa.chunked_array(chunks, type=a.type), value_set=a).fill_null(-1).to_numpy()
    else:
        index = pd.Index(ids.to_numpy(dtype=object))
        pos = index.get_indexer(np.concatenate([k.to_numpy(dtype=object) for k in keys]))
    return np.split(pos.astype(np.int64, copy=False), np.cumsum([len(k) for k in keys])[:-1])


def dates(s: pd.Series) -> np.ndarray:
    """ISO date text as datetime64[D]."""
    a = _arrow(s)
    if a is not None:
        import pyarrow as pa

        return a.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return pd.to_datetime(s, format="%Y-%m-%d").to_numpy(dtype="datetime64[D]")


def simulation_from_tables(tbs, firms: pd.DataFrame, events: pd.DataFrame, financials: pd.DataFrame, year: int):
    n = len(firms)
    sim = SimulationBuilder().build_default_simulation(tbs, count=n)
    Industry = tbs.variables["industry"].possible_values
    codes, names = pd.factorize(firms["industry"])
    index = np.array([Industry[str(v)].index for v in names] + [Industry.other.index], dtype=np.int16)
    sim.set_input("industry", year, Industry.encode(index[codes]))  # a missing industry (code -1): other
    sim.set_input("established", year, dates(firms["established"]))
    sim.set_input("independent_legal_person", year,
                  firms["independent_legal_person"].to_numpy(dtype=bool, na_value=False))
    # events: first date per firm of each one-off recognition; the year's equipment investment
    code = events["code"].to_numpy(dtype=object)
    want = {c: code == c for c in (*FIRST_DATES, "equipment.investment")}
    rows = np.flatnonzero(np.logical_or.reduce(list(want.values())))
    f_all = np.full(len(events), -1, dtype=np.int64)
    d_all = np.full(len(events), NEVER, dtype="datetime64[D]")
    f_all[rows], ff = positions(firms["firm_id"], events["firm_id"].iloc[rows], financials["firm_id"])
    d_all[rows] = dates(events["date"].iloc[rows])
    for c, var in FIRST_DATES.items():
        m = np.flatnonzero(want[c])
        first = np.full(n, np.datetime64("2262-01-01", "D"), dtype="datetime64[D]")
        np.minimum.at(first, f_all[m], d_all[m])
        first[first == np.datetime64("2262-01-01", "D")] = NEVER
        sim.set_input(var, year, first)
    m = np.flatnonzero(want["equipment.investment"])
    m = m[d_all[m].astype("datetime64[Y]").astype(int) + 1970 == year]
    f = f_all[m]
    if len(np.unique(f)) != len(f):
        raise ValueError("this OpenFisca encoding holds one equipment investment per firm and year")
    amount, progress = np.zeros(n, np.float32), np.zeros(n, np.float32)
    when = np.full(n, NEVER, dtype="datetime64[D]")
    amount[f] = events["amount"].to_numpy(dtype=np.float64)[m]
    progress[f] = events["progress"].to_numpy(dtype=np.float64)[m]
    when[f] = d_all[m]
    sim.set_input("equipment_investment", year, amount)
    sim.set_input("equipment_investment_progress", year, progress)
    sim.set_input("equipment_investment_date", year, when)
    # financials: one revenue array per year (NaN where not declared)
    fy = financials["year"].to_numpy(dtype=np.int64)
    rev = financials["revenue"].to_numpy(dtype=np.float64)
    lo = int(fy.min()) if len(fy) else year
    for y in np.flatnonzero(np.bincount(fy - lo)) + lo:  # the years present (np.unique would hash 3.4M rows)
        m = fy == y
        arr = np.full(n, np.nan, dtype=np.float32)
        arr[ff[m]] = rev[m]
        sim.set_input("revenue", int(y), arr)
    return sim
