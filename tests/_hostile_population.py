"""A seeded population that is hard on anything that splits or defers the assessment (blocks of firms, tables built
on first read): firm ids whose text order is far from their position, rows of firms interleaved, earlier-year events
that feed the limits (once per firm, one per project, total per firm), one project claimed under articles 5 and 9,
exchange listings over several years, repeated events, a code no item has, each top-ten list filled to exactly its
places (or one over), and the townships' ranks. Built from benchmarks/bench_engine.population (the ``bench_engine``
fixture) so it needs nothing else.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

RANKED = ["ranking.top10.composite", "ranking.top10.innovation", "ranking.top10.growth"]
INVESTMENT = ["equipment.investment", "green_equipment.investment"]


def _ids(n, rng):
    out, seen = [], set()
    shapes = ["F{}", "f{}", "企业{}", "{}", "Z{}-x", "a{}", "F0{}", "91500234MA{:07d}X"]
    while len(out) < n:
        v = shapes[int(rng.integers(len(shapes)))].format(int(rng.integers(0, 10 ** int(rng.integers(1, 7)))))
        if v not in seen:
            seen.add(v)
            out.append(v)
    return np.array(out, dtype=object)


def _years_back(dates, k):
    d = pd.to_datetime(pd.Series(dates, dtype=object))
    return [(x - pd.DateOffset(years=int(y))).date().isoformat() for x, y in zip(d, k)]


def hostile_population(bench_engine, n, seed, *, places=10, townships=True):
    """(firms, events, financials, townships) of ``n`` firms; ``places=11``: one firm too many on each top-ten list."""
    rng = np.random.default_rng(seed + 7919)
    firms, _, fin = bench_engine.population(n, seed=seed, text="object")
    events = bench_engine.population(8 * n, seed=seed, text="object")[1]  # the events of 8n firms, given to n firms
    ids = _ids(n, rng)
    old = firms["firm_id"].to_numpy(dtype=object)
    firms = firms.assign(firm_id=ids)
    fin = fin.assign(firm_id=ids[pd.Index(old).get_indexer(fin["firm_id"])])
    num = events["firm_id"].astype(object).str.slice(1).astype(int).to_numpy() % n
    e = events.assign(firm_id=ids[num])
    e = e[~e["code"].isin(RANKED)]
    rows = []
    for j, code in enumerate(RANKED):  # each list: `places` firms spread over the population
        pick = rng.choice(n, places, replace=False)
        rows += [{"firm_id": ids[p], "date": f"2023-{int(rng.integers(6, 13)):02d}-15", "code": code}
                 for p in (np.sort(pick) if j == 0 else pick)]
    early = e[rng.random(len(e)) < 0.3]
    early = early.assign(date=_years_back(early["date"], rng.integers(1, 3, len(early))))
    inv = e[e["code"] == "equipment.investment"].head(max(1, len(e) // 50))
    inv = inv.assign(project=[f"P-{i % 3}" for i in range(len(inv))])
    green = inv.assign(code="green_equipment.investment")
    inv_before = inv.assign(date=_years_back(inv["date"], np.ones(len(inv))))
    listings = [{"firm_id": x, "date": f"{y}-0{int(rng.integers(1, 10))}-10", "code": c,
                 "municipal_reward": float(int(rng.integers(1, 40)) * 100_000)}
                for x in ids[rng.choice(n, max(3, n // 100), replace=False)]
                for y, c in ((2022, "listing.main"), (2023, "listing.star"), (2023, "listing.bse"), (2024, "listing.chinext"))]
    unknown = pd.DataFrame({"firm_id": ids[rng.choice(n, max(2, n // 100), replace=False)], "date": "2023-08-08",
                            "code": "listing.neeq.innovation"})
    e = pd.concat([e, pd.DataFrame(rows), early, inv, green, inv_before, pd.DataFrame(listings), unknown], ignore_index=True)
    est = pd.to_datetime(e["firm_id"].map(dict(zip(firms["firm_id"], firms["established"]))))
    e = e[~(pd.to_datetime(e["date"]) < est)]  # an event before its firm was established is refused
    key = pd.Series(list(zip(*[e[c].astype(object).map(repr) for c in ("firm_id", "date", "code", "amount", "progress", "project")])),
                    index=e.index)
    e = e[~(e["code"].isin(INVESTMENT) & key.duplicated())]  # the same investment twice is refused
    e = pd.concat([e, e[(rng.random(len(e)) < 0.05) & ~e["code"].isin(INVESTMENT)]], ignore_index=True)  # repeats
    e = e.iloc[rng.permutation(len(e))].reset_index(drop=True)  # firms' rows interleaved
    firms = firms.iloc[rng.permutation(n)].reset_index(drop=True)
    fin = fin.iloc[rng.permutation(len(fin))].reset_index(drop=True)
    tw = None
    if townships:
        names = sorted(pd.unique(firms["township"].dropna().astype(object)).tolist())
        tw = pd.DataFrame([{"township": names[p], "year": y, "rank": i + 1}
                           for y in (2023, 2024) for i, p in enumerate(rng.permutation(len(names)))])
    return firms, e, fin, tw
