"""Engine benchmark: a million firm-years, validation, a hand-written numpy baseline, one firm, memory.

Run ``python benchmarks/bench_engine.py`` (``make bench``); it prints a Markdown table
and writes ``benchmarks/results.md``. ``--n`` changes the population size,
``--repeat`` the number of timed runs (the best is reported; the machine is shared).

What is measured:

(a) engine only: ``assess(facts, year=2023, explain=False)`` on validated Facts;
(b) validation + engine: ``assess(firms, events, financials, …)`` from raw DataFrames
    (ISO date strings, float columns with NaN, as a user's pandas code or a CSV gives them);
(c) a minimal numpy computation of the same award amounts (same items, same readings,
    no explanations, near-misses, exclusion reasons or ledger frame) — the floor a
    vectorised engine is measured against; its per-item totals must equal the engine's;
(d) one firm through the Python API with explanations (median of many runs);
(e) peak memory (tracemalloc peak of Python/numpy allocations during (b), and the
    process's maximum resident set size).

The synthetic population is seeded and only loosely realistic (most firms have no
event; a few per cent have a recognition; ~1.5 % invest; some listings and bridge
loans; 3–4 years of financials ending the year before). It is a load test, not the
calibrated population used for fiscal estimates.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from kzpolicy import assess, get_policy, profile_to_facts, validate  # noqa: E402
from kzpolicy.money import as_fraction, mul_round, sum_mul_round  # noqa: E402
from kzpolicy.rules.working_day_fee import working_days  # noqa: E402

YEAR = 2023
TOWNSHIPS = ["汉丰街道", "文峰街道", "云枫街道", "镇东街道", "丰乐街道", "白鹤街道", "赵家街道", "大德镇", "镇安镇", "厚坝镇",
             "金峰镇", "白桥镇", "温泉镇", "郭家镇", "岳溪镇", "南门镇", "长沙镇", "竹溪镇", "临江镇", "中和镇"]

# event code -> share of firms with that event in the assessment year (most firms: none)
RECOGNITIONS = {
    "above_scale.enter": 0.008, "srdi.specialized.municipal": 0.004, "sme.innovative.municipal": 0.006,
    "srdi.little_giant.national": 0.0005, "srdi.specialized.municipal.review": 0.002, "smart_factory.municipal": 0.001,
    "digital_workshop.municipal": 0.002, "digital_pilot.municipal": 0.001, "lianghua.A": 0.002, "lianghua.AA": 0.001,
    "lianghua.AAA": 0.0004, "green_factory.municipal": 0.001, "green_factory.national": 0.0002,
    "energy_leader.municipal": 0.0005, "water_saving.municipal": 0.0008, "water_saving.district": 0.001,
    "tech_center.municipal": 0.001, "tech_center.municipal.review": 0.001, "sme_rd_center.municipal": 0.001,
    "new_product.municipal": 0.003, "standard.local": 0.0005, "standard.industry": 0.0003, "standard.national": 0.0002,
    "trademark.well_known": 0.0002, "trademark.geographical_indication": 0.0003,
    "listing.neeq": 0.0002, "listing.cq_equity": 0.0005, "listing.cq_equity.first_trade": 0.0003,
}
COUNTED = {"new_product.municipal", "standard.local", "standard.industry", "standard.national"}


# --------------------------------------------------------------------------- synthetic population
def population(n: int, seed: int = 20230530):
    """Raw input tables (firms, events, financials) for ``n`` firms, as a user would pass them."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("F", np.char.zfill(np.arange(n).astype(str), 7)).astype(object)
    industry = rng.choice(np.array(["manufacturing", "mining", "utilities", "other"], dtype=object), n, p=[0.7, 0.05, 0.05, 0.2])
    est = np.datetime64("1995-01-01") + rng.integers(0, (np.datetime64("2023-12-31") - np.datetime64("1995-01-01")).astype(int), n)
    firms = pd.DataFrame({
        "firm_id": ids, "industry": industry,
        "established": np.datetime_as_string(est).astype(object),
        "township": np.array(TOWNSHIPS, dtype=object)[rng.integers(0, len(TOWNSHIPS), n)],
        "independent_legal_person": rng.random(n) < 0.96,
    })
    ev = []
    # ranked selections (article 2's top tens) have a fixed number of places, read from the policy
    ranked = {c: int(it.param("places").at(f"{YEAR}-12-31")) for it in get_policy().items()
              if it.kind == "event_award" and "places" in it.parameters for c in it.events}
    day = lambda k, lo="2023-01-01", hi="2023-12-31": (np.datetime64(lo) + rng.integers(0, (np.datetime64(hi) - np.datetime64(lo)).astype(int) + 1, k))
    for code, share in RECOGNITIONS.items():
        k = rng.binomial(n, share)
        f = rng.choice(n, k, replace=False)
        d = day(k)
        # a fifth were already recorded the year before (so the once-per-firm rule has work to do)
        prior = rng.random(k) < 0.2
        rows = {"firm_id": ids[f], "date": d, "code": code}
        if code in COUNTED:
            rows["count"] = np.where(rng.random(k) < 0.7, 1, rng.integers(2, 5, k)).astype(float)
        ev.append(pd.DataFrame(rows))
        if prior.any():
            ev.append(pd.DataFrame({"firm_id": ids[f[prior]], "date": day(int(prior.sum()), "2022-01-01", "2022-12-31"), "code": code,
                                    **({"count": 1.0} if code in COUNTED else {})}))
    for code, places in ranked.items():
        k = min(places, n) * 4 // 5  # most places filled by firms in the population
        ev.append(pd.DataFrame({"firm_id": ids[rng.choice(n, k, replace=False)], "date": day(k), "code": code}))
    for code, share in (("equipment.investment", 0.012), ("green_equipment.investment", 0.004)):
        k = rng.binomial(n, share)
        f = rng.choice(n, k, replace=False)
        amount = np.round(np.exp(rng.normal(np.log(2_500_000), 0.6, k)))
        progress = np.round(rng.uniform(0.6, 1.0, k), 2)
        proj = np.where(rng.random(k) < 0.3, np.char.add("P", f.astype(str)).astype(object), None)
        ev.append(pd.DataFrame({"firm_id": ids[f], "date": day(k), "code": code, "amount": amount, "progress": progress, "project": proj}))
    for code in ("listing.main", "listing.star", "listing.bse"):
        k = rng.binomial(n, 0.00003)
        f = rng.choice(n, k, replace=False)
        ev.append(pd.DataFrame({"firm_id": ids[f], "date": day(k), "code": code,
                                "municipal_reward": rng.choice([2_000_000, 4_000_000, 8_000_000], k).astype(float)}))
    k = rng.binomial(n, 0.005)
    f = rng.choice(n, k, replace=False)
    start = day(k, "2023-01-01", "2023-11-30")
    ev.append(pd.DataFrame({"firm_id": ids[f], "date": start, "code": "bridge_loan",
                            "principal": (rng.integers(5, 300, k) * 100_000).astype(float),
                            "start": np.datetime_as_string(start).astype(object),
                            "end": np.datetime_as_string(start + rng.integers(5, 30, k)).astype(object)}))
    events = pd.concat(ev, ignore_index=True)
    events["date"] = np.datetime_as_string(events["date"].to_numpy(dtype="datetime64[D]")).astype(object)
    events = events.sample(frac=1.0, random_state=1).reset_index(drop=True)
    # financials: 3 or 4 years ending the year before, from the year of establishment on
    nyears = np.where(rng.random(n) < 0.5, 3, 4)
    est_year = est.astype("datetime64[Y]").astype(int) + 1970
    base = np.exp(rng.normal(np.log(20_000_000), 1.3, n))
    fy, ff, fr, fd = [], [], [], []
    has_rd = rng.random(n) < 0.3
    for back in range(4):
        y = YEAR - 1 - back
        m = (back < nyears) & (est_year <= y)
        idx = np.flatnonzero(m)
        rev = np.round(base[idx] * (1 + rng.normal(0.08, 0.1, len(idx))) ** (-back))
        rev[rng.random(len(idx)) < 0.01] = np.nan  # a few missing figures
        rd = np.where(has_rd[idx], np.round(rev * rng.uniform(0.01, 0.05, len(idx))), np.nan)
        fy.append(np.full(len(idx), y)), ff.append(ids[idx]), fr.append(rev), fd.append(rd)
    financials = pd.DataFrame({"firm_id": np.concatenate(ff), "year": np.concatenate(fy), "revenue": np.concatenate(fr),
                               "rd_expense": np.concatenate(fd)})
    return firms, events, financials


# --------------------------------------------------------------------------- baseline
def baseline(facts, policy, year: int = YEAR):
    """Award amounts per item with plain numpy on the validated tables (default readings).

    The same items and the same rules as the engine, written directly: no ledger
    frame, no explanations, near-misses or exclusion reasons. Returns {item id:
    total yuan} and the total of bridge-loan fees. Parameters come from the policy.
    """
    firms, ev, fin = facts.firms, facts.events, facts.financials
    n = len(firms)
    ids = firms["firm_id"].to_numpy(dtype=object)
    fidx_all = facts.firm_positions("events")  # matched once, by validation (as the engine uses them)
    date = ev["date"].to_numpy(dtype="datetime64[D]")
    code_cat = pd.Categorical(ev["code"])
    codes = code_cat.codes
    cats = {c: i for i, c in enumerate(code_cat.categories)}
    ind = firms["industry"].to_numpy(dtype=object)
    industrial = ind != "other"
    manuf = ind == "manufacturing"
    est = firms["established"].to_numpy(dtype="datetime64[D]")
    ilp = firms["independent_legal_person"].to_numpy(dtype=bool, na_value=False)
    y0, y1 = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
    at = np.datetime64(f"{year}-12-31")
    totals = {}

    def val(it, name, when=at):
        return it.param(name).at(str(when))

    def pick(it):
        """Event rows for the item: in the year, in the window, first of their kind per firm (or year)."""
        cs = [cats[c] for c in it.events if c in cats]
        m = np.isin(codes, cs)
        pos = np.flatnonzero(m)
        if it.once in ("firm", "year") and len(pos):
            key = fidx_all[pos].astype(np.int64) * 256 + codes[pos]
            if it.once == "year":
                key = key * 4096 + date[pos].astype("datetime64[Y]").astype(np.int64)
            o = np.lexsort((pos, date[pos], key))
            first = np.ones(len(o), bool)
            first[1:] = key[o][1:] != key[o][:-1]
            pos = pos[o[first]]
        d = date[pos]
        return pos[(d >= y0) & (d <= y1) & (d >= np.datetime64(it.first_date))]

    groups = {}
    for it in policy.items():
        k = it.kind
        if k == "event_award":
            pos = pick(it)
            f = fidx_all[pos]
            if it.requires.industrial:
                pos, f = pos[industrial[f]], f[industrial[f]]
            amt = np.int64(val(it, "amount"))
            if it.per == "count":
                q = ev["count"].to_numpy(dtype="float64", na_value=np.nan)[pos]
                totals[it.id] = int((amt * np.where(np.isnan(q), 1, q).astype(np.int64)).sum())
            else:
                totals[it.id] = int(amt) * len(pos)
        elif k == "ladder_award":
            pos = pick(it)
            f = fidx_all[pos]
            rungs = [r for r in policy.items() if r.group == it.group and r.kind == "ladder_award" and r.rank > it.rank]
            hi = np.isin(codes, [cats[c] for r in rungs for c in r.events if c in cats])
            first_hi = np.full(n, np.datetime64("NaT"), "datetime64[D]")
            if hi.any():
                s = pd.Series(date[hi]).groupby(fidx_all[hi]).min()
                first_hi[s.index.to_numpy()] = s.to_numpy(dtype="datetime64[D]")
            stale = ~np.isnat(first_hi[f]) & (first_hi[f] < date[pos])
            totals[it.id] = int(val(it, "amount")) * int((~stale).sum())
        elif k == "investment_subsidy":
            pos = pick(it)
            f = fidx_all[pos]
            amount = ev["amount"].to_numpy(dtype="int64", na_value=0)[pos]
            prog = ev["progress"].to_numpy(dtype="float64")[pos]
            ok = (amount >= val(it, "floor")) & (prog >= val(it, "min_progress"))
            if it.requires.existing_firm:
                ok &= est[f] < date[pos].astype("datetime64[Y]").astype("datetime64[D]")
            if it.requires.industrial:
                ok &= industrial[f]
            sub = mul_round(amount, val(it, "rate"))
            groups[it.id] = (f[ok], ev["project"].to_numpy(dtype=object)[pos][ok], sub[ok])
        elif k == "listing_share":
            pos = pick(it)
            reward = ev["municipal_reward"].to_numpy(dtype="int64", na_value=0)[pos]
            totals[it.id] = int(np.minimum(mul_round(reward, val(it, "share")), int(val(it, "cap"))).sum())
        elif k == "working_day_fee":
            pos = pick(it)
            p = ev["principal"].to_numpy(dtype="int64", na_value=0)[pos]
            days = working_days(ev["start"].to_numpy(dtype="datetime64[D]")[pos], ev["end"].to_numpy(dtype="datetime64[D]")[pos])
            totals["fees"] = int(mul_round(p * days, val(it, "daily_rate")).sum())
    # article 5 and 9: one project is subsidised once, under article 5
    inv = [i for i in groups]
    f5, p5, s5 = groups[inv[0]]
    totals[inv[0]] = int(s5.sum())
    if len(inv) > 1:
        f9, p9, s9 = groups[inv[1]]
        has = pd.notna(p9)
        claimed = set(zip(f5[pd.notna(p5)].tolist(), p5[pd.notna(p5)].tolist()))
        dup = np.array([has[i] and (f9[i], p9[i]) in claimed for i in range(len(f9))], dtype=bool) if claimed else np.zeros(len(f9), bool)
        totals[inv[1]] = int(s9[~dup].sum())
    # financial matrix: firm x year
    ffi = facts.firm_positions("financials")
    fy = fin["year"].to_numpy(dtype=np.int64)
    lo = int(fy.min())
    span = year - lo + 1
    rev = np.full((span, n), np.nan)
    rd = np.full((span, n), np.nan)
    keep = fy <= year
    rev[fy[keep] - lo, ffi[keep]] = fin["revenue"].to_numpy(dtype="float64", na_value=np.nan)[keep]
    rd[fy[keep] - lo, ffi[keep]] = fin["rd_expense"].to_numpy(dtype="float64", na_value=np.nan)[keep]
    # article 3: first crossing of Y-1 revenue, complete history since establishment, highest tier only
    last = rev[year - 1 - lo]
    prev_max = np.fmax.reduce(rev[: year - 1 - lo], axis=0) if year - 1 - lo > 0 else np.full(n, np.nan)
    est_y = est.astype("datetime64[Y]").astype(int) + 1970
    complete = est_y >= min(lo, year - 1)
    for yy in range(lo, year - 1):
        complete &= ~((est_y <= yy) & np.isnan(rev[yy - lo]))
    tiers = sorted((it for it in policy.items() if it.kind == "revenue_milestone"), key=lambda it: -val(it, "threshold"))
    paid = np.zeros(n, bool)
    for it in tiers:
        t = val(it, "threshold")
        win = (last > t) & ~(prev_max > t) & manuf & ilp & complete & ~paid
        paid |= win
        totals[it.id] = int(val(it, "amount")) * int(win.sum())
    # article 11: stock and increment of R&D declared for Y-1 against Y-2, below the ceiling
    it = next(i for i in policy.items() if i.kind == "rd_subsidy")
    cur, prv = rd[year - 1 - lo], rd[year - 2 - lo]
    m = (cur > 0) & (cur < val(it, "ceiling")) & ~np.isnan(prv)
    c, p = cur[m].astype(np.int64), prv[m].astype(np.int64)
    totals[it.id] = int(sum_mul_round([(np.minimum(c, p), val(it, "stock_rate")), (np.maximum(c - p, 0), val(it, "increment_rate"))]).sum())
    return totals


# --------------------------------------------------------------------------- timing
class Timing(float):
    """Best wall-clock seconds of several runs, carrying the CPU seconds of that run (``.cpu``)."""

    def __new__(cls, wall, cpu):
        t = super().__new__(cls, wall)
        t.cpu = cpu
        return t


def best_of(fn, repeat):
    """Best of ``repeat`` runs: wall time, and the process CPU time of the same run.

    On a shared machine the wall time includes waiting for a core; CPU time (this
    process only, single-threaded code) does not. Both are reported.
    """
    best, out = None, None
    for _ in range(repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        w, cp = time.perf_counter() - t, time.process_time() - c
        if best is None or w < best[0]:
            best = (w, cp)
    return Timing(*best), out


def fmt_t(t: "Timing", unit: str = "s") -> str:
    k = 1000 if unit == "ms" else 1
    return f"{t * k:.{1 if unit == 'ms' else 2}f} {unit} ({t.cpu * k:.{1 if unit == 'ms' else 2}f} {unit})"


def single_firm_profile():
    pol = get_policy()
    floor = pol.param("art05.equipment_subsidy.floor").at("2023-06-01")
    return {
        "firm": {"id": "F001", "name": "示例机械有限公司", "industry": "manufacturing", "established": "2015-04-01",
                 "independent_legal_person": True},
        "financials": {2021: {"revenue": 150_000_000, "rd_expense": 3_000_000}, 2022: {"revenue": 230_000_000, "rd_expense": 4_000_000}},
        "events": [{"date": "2023-08-15", "code": "above_scale.enter"}, {"date": "2023-03-01", "code": "srdi.specialized.municipal"},
                   {"date": "2023-09-01", "code": "equipment.investment", "amount": floor + 1_000_000, "progress": 0.85},
                   {"date": "2023-09-02", "code": "equipment.investment", "amount": floor - 200_000, "progress": 0.85},
                   {"date": "2023-10-10", "code": "listing.star", "municipal_reward": 4_000_000},
                   {"date": "2023-07-10", "code": "standard.national", "count": 2},
                   {"date": "2023-07-10", "code": "bridge_loan", "principal": 10_000_000, "start": "2023-09-25", "end": "2023-10-09"}],
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="number of firms (firm-years for one assessment year)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (best reported)")
    ap.add_argument("--single-runs", type=int, default=50)
    ap.add_argument("--out", default=str(ROOT / "results.md"), help="Markdown file to write ('' to skip)")
    args = ap.parse_args(argv)

    pol = get_policy()
    load0 = os.getloadavg()
    # (d) first, as a person assessing one firm would: without a million-firm population in memory
    assess(profile_to_facts(single_firm_profile()), year=YEAR)  # warm caches (calendar, schemas)
    prof = single_firm_profile()
    one, one_val = [], []
    for _ in range(args.single_runs):
        t, c = time.perf_counter(), time.process_time()
        f1 = profile_to_facts(prof)
        t1, c1 = time.perf_counter(), time.process_time()
        assess(f1, year=YEAR, explain=True)
        t2, c2 = time.perf_counter(), time.process_time()
        one.append((t2 - t1, c2 - c1))
        one_val.append((t2 - t, c2 - c))
    med = lambda xs: Timing(statistics.median(x[0] for x in xs), statistics.median(x[1] for x in xs))
    t_one, t_one_val = med(one), med(one_val)

    t = time.perf_counter()
    firms, events, financials = population(args.n)
    t_gen = time.perf_counter() - t
    print(f"generated {len(firms):,} firms, {len(events):,} events, {len(financials):,} financial rows in {t_gen:.1f} s", file=sys.stderr)
    assess(validate(firms.head(1000), events[events.firm_id.isin(firms.firm_id.head(1000))],
                    financials[financials.firm_id.isin(firms.firm_id.head(1000))]), year=YEAR)  # warm caches (calendar, schemas)

    t_val, facts = best_of(lambda: validate(firms, events, financials), args.repeat)
    t_eng, a = best_of(lambda: assess(facts, year=YEAR, explain=False), args.repeat)
    t_full, _ = best_of(lambda: assess(firms, events, financials, year=YEAR, explain=False), args.repeat)
    t_base, base = best_of(lambda: baseline(facts, pol), args.repeat)

    # the floor under validation: matching every event's and financial row's firm id to a firm
    # (one hash lookup per row; validation does it once and the engine reuses the positions)
    ids = firms["firm_id"].to_numpy(dtype=object)
    t_match, _ = best_of(lambda: pd.Index(ids).get_indexer(financials["firm_id"].to_numpy(dtype=object)), args.repeat)

    # the baseline must compute the same awards, or the ratio means nothing
    eng = a.ledger.groupby("item")["amount_yuan"].sum().to_dict()
    eng["fees"] = int(a.fees["fee_yuan"].sum()) if len(a.fees) else 0
    diff = {k: (eng.get(k, 0), v) for k, v in base.items() if eng.get(k, 0) != v}
    diff.update({k: (v, base.get(k, 0)) for k, v in eng.items() if k not in base and v})
    if diff:
        print(f"BASELINE DIFFERS FROM ENGINE: {diff}", file=sys.stderr)


    gc.collect()
    tracemalloc.start()
    assess(firms, events, financials, year=YEAR, explain=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux

    met = lambda t, lim: (t <= lim, t.cpu <= lim)
    rows = [
        ("(a) engine only: `assess(facts, year=2023, explain=False)`", fmt_t(t_eng), "≤ 1 s", met(t_eng, 1)),
        ("(b) validation + engine from raw DataFrames", fmt_t(t_full), "≤ 2 s", met(t_full, 2)),
        ("&nbsp;&nbsp;of which validation (`validate(...)`)", fmt_t(t_val), "", None),
        (f"&nbsp;&nbsp;floor inside validation: matching {len(financials):,} financial rows' firm ids to firms (`Index.get_indexer`)",
         fmt_t(t_match), "", None),
        ("(c) hand-written numpy baseline, same awards", fmt_t(t_base), "", None),
        ("(c) ratio engine / baseline", f"{t_eng / t_base:.1f}× ({t_eng.cpu / t_base.cpu:.1f}×)", "≤ 5×",
         (t_eng / t_base <= 5, t_eng.cpu / t_base.cpu <= 5)),
        ("(d) one firm, `assess(..., explain=True)`, median of %d" % args.single_runs, fmt_t(t_one, "ms"), "≤ 20 ms", met(t_one, 0.02)),
        ("&nbsp;&nbsp;one firm incl. `profile_to_facts` validation", fmt_t(t_one_val, "ms"), "", None),
        ("(e) peak traced memory during (b) (tracemalloc)", f"{peak / 2**20:,.0f} MiB", "", None),
        ("(e) max resident set size of the process", f"{rss:,.0f} MiB", "", None),
    ]
    ok = lambda v: "" if v is None else "/".join("yes" if x else "**no**" for x in v)
    table = ["| measurement | wall (CPU) | target | met: wall/CPU |", "|---|---:|---:|:-:|"]
    table += [f"| {m} | {r} | {t} | {ok(v)} |" for m, r, t, v in rows]
    facts_line = (f"Population: {len(firms):,} firms (firm-years for {YEAR}), {len(events):,} events, "
                  f"{len(financials):,} financial rows; ledger {len(a.ledger):,} awards, total {a.total_yuan:,} yuan; "
                  f"{len(a.near_misses):,} near-misses, {len(a.undetermined):,} undetermined, {len(a.excluded):,} excluded, "
                  f"{len(a.fees):,} fees. Baseline per-item totals {'equal the engine’s' if not diff else 'DIFFER: ' + str(diff)}.")
    machine = (f"Machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
               f"pandas {pd.__version__}, numpy {np.__version__}. Best of {args.repeat} runs (wall clock), with the CPU "
               f"time of this process in that run in brackets. Load average at start {load0[0]:.1f}, at end "
               f"{os.getloadavg()[0]:.1f} (other work on the machine inflates the wall clock, not the CPU time).")
    rest = t_full.cpu - t_eng.cpu - t_match.cpu
    notes = [
        "Where the time goes (CPU seconds of the runs above):",
        "",
        f"- **Matching firm ids** ({t_match.cpu:.2f} s): every event and financial row names its firm by a text id. "
        f"Validation must check that each one exists, which is one hash lookup per row ({len(financials) + len(events):,} rows "
        "against a table of "
        f"{len(firms):,} ids); it does this once and keeps the positions in `Facts`, so the engine never repeats it. "
        f"This is the floor of (b): pandas' object hash table costs {t_match.cpu / len(financials) * 1e6:.2f} µs a lookup "
        "here (the line above), and no vectorised operation avoids touching every id.",
        f"- **The engine** ({t_eng.cpu:.2f} s): besides the amounts, it builds every near-miss message, exclusion "
        "reason and undetermined case (part of the result even with `explain=False`), and a ledger frame with "
        "labels; the baseline computes amounts only.",
        f"- **The rest of validation** ({max(rest, 0):.2f} s): type, blank, range and code checks on "
        f"{len(firms):,} × {len(firms.columns)} firm cells and {len(financials):,} × {len(financials.columns)} financial "
        "cells, pandera's schema checks and the uniqueness of firm ids and (firm, year) pairs. Columns are checked "
        "whole (text columns with few distinct values once per value); a row-by-row pass runs only on a column that "
        "has something to report, so error messages are unchanged.",
    ]
    if t_full.cpu > 2:
        notes.append(f"- (b) misses 2 s by {t_full.cpu - 2:.2f} s: matching plus the engine alone take "
                     f"{t_match.cpu + t_eng.cpu:.2f} s, which leaves {2 - t_match.cpu - t_eng.cpu:.2f} s for the checks above.")
    md = ("\n".join(table) + "\n\n" + facts_line + "\n\n" + machine + "\n\n" + "\n".join(notes) + "\n")
    print(md)
    if args.out:
        Path(args.out).write_text(_results_page(md), encoding="utf-8")
    return 0 if not diff else 1


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _results_page(md: str) -> str:
    return ("# Engine benchmark\n\n"
            "Written by `python benchmarks/bench_engine.py` (`make bench`); see that file's docstring for what each line measures.\n\n"
            + md)


if __name__ == "__main__":
    sys.exit(main())
