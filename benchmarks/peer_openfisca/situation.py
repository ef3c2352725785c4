"""Build an OpenFisca simulation from the same raw tables kzpolicy assesses.

``firms``, ``events`` and ``financials`` are the DataFrames a user passes to
``kzpolicy.assess`` (text firm ids, ISO date strings, floats with NaN). This is the
conversion an OpenFisca user writes: firm ids matched to positions, one array per
input variable and period, ``set_input``. Nothing is validated.
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


def simulation_from_tables(tbs, firms: pd.DataFrame, events: pd.DataFrame, financials: pd.DataFrame, year: int):
    n = len(firms)
    sim = SimulationBuilder().build_default_simulation(tbs, count=n)
    index = pd.Index(firms["firm_id"].to_numpy(dtype=object))
    Industry = tbs.variables["industry"].possible_values
    sim.set_input("industry", year, Industry.encode(firms["industry"].to_numpy(dtype=str)))
    sim.set_input("established", year, pd.to_datetime(firms["established"], format="%Y-%m-%d").to_numpy(dtype="datetime64[D]"))
    sim.set_input("independent_legal_person", year,
                  firms["independent_legal_person"].to_numpy(dtype=bool, na_value=False))
    # events: first date per firm of each one-off recognition; the year's equipment investment
    code = events["code"].to_numpy(dtype=object)
    for c, var in FIRST_DATES.items():
        ev = events[code == c]
        first = np.full(n, np.datetime64("1970-01-01"), dtype="datetime64[D]")
        if len(ev):
            d = pd.to_datetime(ev["date"], format="%Y-%m-%d").to_numpy(dtype="datetime64[D]")
            s = pd.Series(d).groupby(index.get_indexer(ev["firm_id"].to_numpy(dtype=object))).min()
            first[s.index.to_numpy()] = s.to_numpy(dtype="datetime64[D]")
        sim.set_input(var, year, first)
    ev = events[code == "equipment.investment"]
    d = pd.to_datetime(ev["date"], format="%Y-%m-%d").to_numpy(dtype="datetime64[D]")
    ev, d = ev[d.astype("datetime64[Y]").astype(int) + 1970 == year], d[d.astype("datetime64[Y]").astype(int) + 1970 == year]
    f = index.get_indexer(ev["firm_id"].to_numpy(dtype=object))
    if len(np.unique(f)) != len(f):
        raise ValueError("this OpenFisca encoding holds one equipment investment per firm and year")
    amount, progress = np.zeros(n, np.float32), np.zeros(n, np.float32)
    when = np.full(n, np.datetime64("1970-01-01"), dtype="datetime64[D]")
    amount[f] = ev["amount"].to_numpy(dtype=np.float64)
    progress[f] = ev["progress"].to_numpy(dtype=np.float64)
    when[f] = d
    sim.set_input("equipment_investment", year, amount)
    sim.set_input("equipment_investment_progress", year, progress)
    sim.set_input("equipment_investment_date", year, when)
    # financials: one revenue array per year (NaN where not declared)
    ff = index.get_indexer(financials["firm_id"].to_numpy(dtype=object))
    fy = financials["year"].to_numpy(dtype=np.int64)
    rev = financials["revenue"].to_numpy(dtype=np.float64)
    for y in np.unique(fy):
        m = fy == y
        arr = np.full(n, np.nan, dtype=np.float32)
        arr[ff[m]] = rev[m]
        sim.set_input("revenue", int(y), arr)
    return sim
