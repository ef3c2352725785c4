"""A synthetic Kaizhou firm population, calibrated to public counts and seeded.

合成开州工业企业总体：按公开数字校准（工业法人单位2,234个、制造业2,068个、规上企业
“突破170家”、2023年新增规上12家……），其余一切均为带名称、带说明的假设参数
（``kzpolicy/data/population_assumptions.yaml``，``assumption: true``）。

Why: the fiscal cost of the policy depends on how many firms do what each year, and
Kaizhou publishes only a few counts. The population turns those counts (and explicit
assumptions for everything else) into firms, events and financials that the one
engine (:func:`kzpolicy.assess`) can assess, so that every yuan of the estimate comes
from the policy data and every firm from a documented assumption.

``generate(seed, years, assumptions, runs)`` returns validated :class:`~kzpolicy.facts.Facts`.
With ``runs > 1`` it generates several independent populations at once (Monte Carlo),
the run folded into the firm id (``R0003-KZ0001``); township ranks (article 21) are
then those of run 0, because the townships table has one rank per township and year.
Policy figures used here (the number of top-ten places, the lowest article-3
threshold) are read from the policy, never typed.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import yamlio
from .facts import TABLES, Facts, Source, _dtype, keep_for_engine, validate
from .policy import get_policy

DATA = Path(__file__).parent / "data"
ASSUMPTIONS_FILE = DATA / "population_assumptions.yaml"
CALIBRATION_FILE = DATA / "calibration.yaml"

BANDS = ("large", "medium", "small", "micro")
BAND_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
ASSUMPTION_NOTE = "含假设参数（合成总体） / uses assumptions (synthetic population)"


# --------------------------------------------------------------------------- parameters
def load_calibration(path: Union[str, Path, None] = None) -> Dict[str, dict]:
    """The public calibration targets (value, unit, source, excerpt, quality)."""
    return yamlio.load(Path(path or CALIBRATION_FILE))


def load_assumptions(assumptions: Union[str, Path, dict, None] = None) -> dict:
    """The assumption tree; ``assumptions`` may be a YAML path, a full tree, or overrides.

    Overrides are ``{"revenue.growth_mean": 0.08, "events.lianghua.A.per_year": {"value": 6}}``:
    a dotted path to an entry (its ``value`` is replaced) or to a key inside an event spec.
    An unknown path is an error (a misspelt assumption must not vanish).
    """
    base = yamlio.load(ASSUMPTIONS_FILE)
    if assumptions is None:
        return base
    if isinstance(assumptions, (str, Path)):
        return yamlio.load(Path(assumptions))
    if not isinstance(assumptions, dict):
        raise TypeError("assumptions must be a YAML path, a dict of overrides, or None")
    if set(assumptions) <= set(base) and all(isinstance(v, dict) for v in assumptions.values()) and "events" in assumptions:
        return copy.deepcopy(assumptions)  # a full tree
    out = copy.deepcopy(base)
    for path, value in assumptions.items():
        _set_path(out, path, value)
    return out


def _set_path(tree: dict, path: str, value):
    if path.startswith("events."):
        rest = path[len("events."):]
        for code in sorted(tree["events"], key=len, reverse=True):
            if rest.startswith(code + "."):
                key = rest[len(code) + 1:]
                spec = tree["events"][code]
                if key not in spec:
                    raise KeyError(f"assumption {path!r}: event {code} has no key {key!r} (has {sorted(spec)})")
                spec[key] = value
                return
        raise KeyError(f"assumption {path!r}: no such event spec; known: {sorted(tree['events'])}")
    section, _, name = path.partition(".")
    if section not in tree or name not in tree[section]:
        raise KeyError(f"unknown assumption {path!r}; known: {sorted(assumption_names(tree))}")
    tree[section][name]["value"] = value


def assumption_names(tree: Optional[dict] = None) -> List[str]:
    """Dotted names of every entry labelled ``assumption: true``."""
    tree = tree if tree is not None else load_assumptions()
    out = []
    for section, entries in tree.items():
        for name, e in entries.items():
            if isinstance(e, dict) and e.get("assumption"):
                out.append(f"{section}.{name}")
    return out


def value(tree: dict, path: str):
    section, _, name = path.partition(".")
    return tree[section][name]["value"]


def kaizhou_share(tree: dict, cal: dict) -> float:
    """Kaizhou's share of Chongqing, used to scale municipal counts: GDP share (an assumption)."""
    return cal["kaizhou_gdp_2023"]["value"] / value(tree, "kaizhou_share.chongqing_gdp_2023")


def expected_per_year(code: str, tree: dict, cal: dict) -> float:
    """Expected number of Kaizhou firms with event ``code`` in a year, with its derivation."""
    spec = tree["events"][code]["per_year"]
    if "value" in spec:
        return float(spec["value"])
    x = float(cal[spec["calibration"]]["value"])
    if spec.get("times_share"):
        x *= kaizhou_share(tree, cal)
    return x / float(spec.get("divide_by", 1))


def derivations(tree: Optional[dict] = None, cal: Optional[dict] = None) -> pd.DataFrame:
    """One row per simulated event: expected count per year and how it is derived."""
    tree = tree or load_assumptions()
    cal = cal or load_calibration()
    rows = []
    for code, e in tree["events"].items():
        spec = e["per_year"]
        if "value" in spec:
            how = "assumption"
        else:
            parts = [f"{cal[spec['calibration']]['value']} ({spec['calibration']})"]
            if spec.get("times_share"):
                parts.append(f"× Kaizhou GDP share {kaizhou_share(tree, cal):.4f}")
            if spec.get("divide_by", 1) != 1:
                parts.append(f"÷ {spec['divide_by']}")
            how = " ".join(parts)
        rows.append({"event_code": code, "per_year": round(expected_per_year(code, tree, cal), 3),
                     "derivation": how, "assumption": bool(e.get("assumption")), "why": e.get("why", "")})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- helpers
def _rank_within(run: np.ndarray, key: np.ndarray, n: int) -> np.ndarray:
    """Rank (0 = smallest key) of each element within its run; runs are contiguous blocks of ``n``."""
    k = key.reshape(-1, n)
    order = np.argsort(k, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(n), k.shape), axis=1)
    return rank.reshape(-1)


def _top_k_within(run: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores within each run (``run`` sorted ascending)."""
    order = np.lexsort((-score, run))
    r = run[order]
    first = np.searchsorted(r, r, side="left")
    return order[(np.arange(len(r)) - first) < k]


def _policy_places(pol, code: str, year: int) -> int:
    from .rules.common import param_at_year_end
    items = [pol.item(i) for i in pol.event_index.get(code, [])]
    places = [param_at_year_end(it.param("places"), year) for it in items if "places" in it.parameters]
    places = [p for p in places if p is not None]
    if not places:
        raise ValueError(f"the policy gives no number of places for {code} in {year}")
    return int(max(places))


def _lowest_milestone(pol, year: int) -> float:
    from .rules.common import param_at_year_end
    vals = [param_at_year_end(it.param("threshold"), year) for it in pol.items() if it.kind == "revenue_milestone"]
    vals = [v for v in vals if v is not None]
    return float(min(vals)) if vals else np.inf


def _empty_col(f, n: int) -> pd.Series:
    """A column of ``n`` missing values of field ``f``'s validated dtype."""
    dt = _dtype(f)
    if dt == "object":
        return pd.Series(np.full(n, None, dtype=object))
    if dt == "datetime64[ns]":
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    if dt == "float64":
        return pd.Series(np.full(n, np.nan))
    if dt == "Int64":
        return pd.Series(pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, bool)))
    return pd.Series(pd.arrays.BooleanArray(np.zeros(n, bool), np.ones(n, bool)))


def _table(table: str, n: int, **cols) -> pd.DataFrame:
    """The table with the given columns, every other field missing (only those built)."""
    fields = {f.name: f for f in TABLES[table]}
    for k in cols:
        if k not in fields:
            raise KeyError(f"{table} has no field {k}")
    data = {k: (pd.Series(cols[k]) if not isinstance(cols[k], pd.Series) else cols[k].reset_index(drop=True))
            if k in cols else _empty_col(f, n) for k, f in fields.items()}
    return pd.DataFrame(data, columns=list(fields), copy=False)  # the columns are fresh: no copy of them


#: pandas' text dtype for a column of Python strings (with pyarrow: Arrow-backed ``str``)
_TEXT = pd.Series(["x"]).dtype
_ARROW_TEXT = isinstance(_TEXT, pd.StringDtype) and _TEXT.storage == "pyarrow"


def _text(values: pa.Array):
    """A text column from Arrow strings (nulls: missing), as pandas makes it from the same Python strings.

    The generator builds text from a few unique strings and each row's position among them
    (``pa.array(uniques).take(codes)``): no Python object per row, and no conversion of
    objects to Arrow when the frame is made. Pandas keeps a column with no string as Python
    objects (None), so such a column stays that way; so does everything without Arrow-backed text.
    """
    if _ARROW_TEXT and values.null_count < len(values):
        return pd.array(values.cast(pa.large_string()), dtype=_TEXT)
    return values.to_numpy(zero_copy_only=False)


def _coded(uniques, codes: np.ndarray) -> pa.Array:
    """Arrow strings ``uniques[codes]`` (a code < 0: missing)."""
    codes = np.asarray(codes, dtype=np.int64)
    idx = pa.array(codes, mask=codes < 0) if (codes < 0).any() else pa.array(codes)
    return pa.array(list(uniques), type=pa.large_string()).take(idx)


def _int_na(values: np.ndarray) -> pd.arrays.IntegerArray:
    """float array (NaN = missing) -> nullable Int64, rounding to the yuan."""
    mask = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(mask, 0, np.round(values)).astype(np.int64), mask)


@dataclass
class _Events:
    parts: List[dict]

    def add(self, fidx, dates, code, **extra):
        if len(fidx):
            self.parts.append({"fidx": np.asarray(fidx, np.int64), "date": np.asarray(dates, "datetime64[D]"),
                               "code": code, **extra})


# --------------------------------------------------------------------------- generation
def generate(seed: int = 0, years: Tuple[int, int] = (2023, 2025), assumptions=None, *, runs: int = 1,
             validate_facts: Optional[bool] = None, policy=None) -> Facts:
    """Generate the synthetic population (``runs`` independent copies) as validated Facts.

    Same ``seed`` (and assumptions, runs) → identical frames. ``validate_facts`` defaults
    to True for up to 50,000 firms; larger Monte Carlo populations are built directly in
    the validated form (a test checks that :func:`kzpolicy.facts.validate` accepts them
    and returns the same frames).
    """
    A = load_assumptions(assumptions)
    C = load_calibration()
    pol = get_policy(policy)
    y0, y1 = int(years[0]), int(years[1])
    if y0 > y1 or y0 < 2023:
        raise ValueError(f"years must run from 2023 or later, low to high; got {years}")
    rng = np.random.default_rng(seed)
    R = int(runs)
    N = int(C["industrial_units_2023"]["value"])
    n_mfg = int(C["manufacturing_units_2023"]["value"])
    M = R * N
    run = np.repeat(np.arange(R, dtype=np.int64), N)
    base_year = 2022  # the year before the simulated period: the population's starting state

    # industries (fixed positions within a run; ids carry no meaning)
    n_mining = int(round(value(A, "population.mining_share_of_non_manufacturing") * (N - n_mfg)))
    ind_names = ("manufacturing", "mining", "utilities")
    industry = np.tile(np.repeat(np.arange(3), [n_mfg, n_mining, N - n_mfg - n_mining]), R)  # codes into ind_names

    # establishment
    est_from = int(value(A, "population.established_from"))
    last_est = 2023  # the census counts units at the end of 2023; no entries or exits afterwards (assumption)
    est_year = rng.integers(est_from, last_est + 1, size=M)
    est_day = rng.integers(0, 365, size=M)
    established = (est_year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + est_day

    # above-scale stock at the end of the base year
    floor = float(value(A, "revenue.above_scale_floor"))
    new_2023 = int(C["new_above_scale_2023"]["value"])
    if value(A, "population.above_scale_exits_per_year") != 0:
        raise ValueError("population.above_scale_exits_per_year: exits from the above-scale register are not modelled; keep it 0")
    n_above = int(value(A, "population.above_scale_end_2023")) - new_2023
    key = rng.random(M) + (est_year > base_year) * 2.0  # firms not yet established cannot be above scale
    above = _rank_within(run, key, N) < n_above

    # revenue: base year, then a log random walk forwards and backwards
    alpha = float(value(A, "revenue.above_scale_pareto_alpha"))
    lo = np.log(float(value(A, "revenue.below_scale_min")))
    rev_base = np.where(above, floor * (1.0 + rng.pareto(alpha, size=M)), np.exp(rng.uniform(lo, np.log(floor), size=M)))
    rev_base = np.where(~above, np.minimum(rev_base, floor - 1), rev_base)
    y_first, y_last = est_from, y1
    Y = np.arange(y_first, y_last + 1)
    nY = len(Y)
    mu, sd = float(value(A, "revenue.growth_mean")), float(value(A, "revenue.growth_sd"))
    rev = np.empty((nY, M))  # year-major: one contiguous row per year
    b = base_year - y_first
    rev[b] = rev_base
    for j in range(b - 1, -1, -1):
        rev[j] = rev[j + 1] / np.exp(rng.normal(mu, sd, size=M))
    for j in range(b + 1, nY):
        rev[j] = rev[j - 1] * np.exp(rng.normal(mu, sd, size=M))
    # below-scale firms stayed below the floor before the base year (no exits)
    np.minimum(rev[:b + 1], floor - 1, out=rev[:b + 1], where=~above[None, :])

    # entries into the above-scale register (升规): 2023 exactly as published, later years Poisson
    lam_after = float(value(A, "population.new_above_scale_per_year_after_2023"))
    is_above = above.copy()
    enter_year = np.zeros(M, dtype=np.int64)
    for y in range(base_year + 1, y_last + 1):
        j = y - y_first
        k = np.full(R, new_2023) if y == 2023 else rng.poisson(lam_after, size=R)
        cand = ~is_above & (est_year < y)
        score = np.where(cand, -(np.log(rev[j]) + rng.gumbel(size=M)), np.inf)
        chosen = (_rank_within(run, score, N) < k[run]) & cand
        lift = floor * (1.0 + rng.uniform(0.0, 0.3, size=M))
        rev[j] = np.where(chosen, np.maximum(rev[j], lift), rev[j])
        is_above |= chosen
        enter_year[chosen] = y
        # above-scale firms stay above; the rest stay below the floor
        rev[j] = np.where(is_above, np.maximum(rev[j], floor), np.minimum(rev[j], floor - 1))
    np.round(rev, out=rev)

    # size band from base-year revenue
    large_floor, small_floor = float(value(A, "revenue.large_floor")), float(value(A, "revenue.small_floor"))
    band_i = np.where(rev_base >= large_floor, 0, np.where(rev_base >= floor, 1, np.where(rev_base >= small_floor, 2, 3)))  # BANDS

    # sectors
    sector = np.full(M, -1, dtype=np.int64)  # codes into sector_names
    sector_names = []
    for k, ind in enumerate(ind_names):
        m = industry == k
        shares = value(A, f"sectors.{ind}")
        names = list(shares)
        p = np.array([shares[s] for s in names], float)
        sector[m] = len(sector_names) + rng.choice(len(names), size=int(m.sum()), p=p / p.sum())
        sector_names += names

    # townships (synthetic names)
    T = int(value(A, "townships.count"))
    tnames = np.array([f"乡镇{i:02d}" for i in range(1, T + 1)], dtype=object)
    w = 1.0 / np.arange(1, T + 1) ** float(value(A, "townships.concentration"))
    town = rng.choice(T, size=M, p=w / w.sum())

    # R&D
    share_rd = value(A, "rd.share_with_rd")
    has_rd = rng.random(M) < np.array([share_rd[b_] for b_ in BANDS])[band_i]
    intensity = float(value(A, "rd.intensity_median")) * np.exp(float(value(A, "rd.intensity_sigma")) * rng.standard_normal(M))
    ysd = float(value(A, "rd.yearly_sigma"))
    reserve = has_rd & (rng.random(M) < float(value(A, "rd.reserve_system_share")))

    # which years are on record
    short_from = int(value(A, "revenue.short_history_from"))
    exists = Y[:, None] >= est_year[None, :]
    lowest = _lowest_milestone(pol, y0)
    relevant = np.where(exists, rev, 0).max(axis=0) >= lowest  # ever at an article-3 threshold: "first" needs history
    del exists
    full = rng.random(M) < float(value(A, "revenue.full_history_share"))
    first_rec = np.where(relevant & full, est_year, np.maximum(est_year, short_from))
    on_record = Y[:, None] >= first_rec[None, :]
    yj, fi = np.nonzero(on_record)
    del on_record
    o = np.argsort(fi, kind="stable")  # rows by firm, then year
    yj, fi = yj[o], fi[o]
    fin_rev = rev[yj, fi]
    rd_noise = np.exp(ysd * rng.standard_normal(len(fi)))
    fin_rd = np.where(has_rd[fi], np.round(fin_rev * intensity[fi] * rd_noise), 0.0)
    fin_rd = np.where(Y[yj] >= short_from, fin_rd, np.nan)  # R&D records are generated from short_history_from

    # ---- events
    ev = _Events([])
    for y in range(y0, y1 + 1):
        ystart = np.datetime64(f"{y}-01-01", "D")
        ndays = int((np.datetime64(f"{y + 1}-01-01", "D") - ystart).astype(int))
        f = np.flatnonzero(enter_year == y)  # 升规 entries of the year
        ev.add(f, np.maximum(ystart + rng.integers(0, ndays, size=len(f)), established[f]), "above_scale.enter")
    for code, spec in A["events"].items():
        lam = expected_per_year(code, A, C)
        wts = np.array([float(spec["weights"].get(b_, 0)) for b_ in BANDS])[band_i]
        if spec.get("industries"):
            wts = wts * np.isin(industry, [k for k, ind in enumerate(ind_names) if ind in spec["industries"]])
        cand = np.flatnonzero(wts > 0)  # only firms that can have the event are drawn
        wc, rc, ec = wts[cand], run[cand], est_year[cand]
        held = np.zeros(len(cand), bool)
        # a clause with its own earlier window (article 4: "2022年以来") gets events from that year too,
        # so that readings about when such events are paid can show their cost
        first = min((pol.item(i).first_date.year for i in pol.event_index.get(code, [])), default=y0)
        for y in range(max(min(first, y0), base_year), y1 + 1):
            j = y - y_first
            ystart = np.datetime64(f"{y}-01-01", "D")
            ndays = int((np.datetime64(f"{y + 1}-01-01", "D") - ystart).astype(int))
            wy = wc * (ec <= y) * (~held if spec.get("once") else 1)
            tot = np.bincount(rc, weights=wy, minlength=R)
            p = np.minimum(1.0, lam * wy / np.where(tot > 0, tot, 1)[rc])
            hit = rng.random(len(cand)) < p
            if spec.get("once"):
                held |= hit
            f = cand[hit]
            dates = np.maximum(ystart + rng.integers(0, ndays, size=len(f)), established[f])
            extra = {}
            if spec.get("amount"):
                last = rev[j - 1, f] if j >= 1 else rev[j, f]
                last = np.where(np.isnan(last) | (est_year[f] >= y), rev[j, f], last)
                ratio = float(value(A, "investment.amount_share_median")) * np.exp(
                    float(value(A, "investment.amount_share_sigma")) * rng.standard_normal(len(f)))
                extra["amount"] = np.round(last * ratio)
                prog = rng.uniform(float(value(A, "investment.progress_low")), float(value(A, "investment.progress_high")), size=len(f))
                extra["progress"] = np.round(np.minimum(prog, 1.0), 2)
                extra["project"] = np.array([f"P{y}-{code.split('.')[0][:5]}-{i}" for i in range(len(f))], dtype=object)
            if "count" in spec:
                extra["count"] = 1 + rng.poisson(float(spec["count"]), size=len(f))
            ev.add(f, dates, code, **extra)
            if code == "equipment.investment" and len(f):
                twin = rng.random(len(f)) < float(value(A, "investment.green_same_project_share"))
                ev.add(f[twin], dates[twin], "green_equipment.investment", amount=extra["amount"][twin],
                       progress=extra["progress"][twin], project=extra["project"][twin])

    # article 2 rankings: illustrative scores (interpretation art02-ranking), places from the policy
    noise_sd = float(value(A, "rankings.noise_sd"))
    rank_md = str(value(A, "rankings.date"))
    prev = y0 - 1 - y_first  # the year before the first simulated one: rankings read last year's R&D
    keep = (yj >= prev) & (yj <= y1 - 1 - y_first)
    rd_last = np.full((y1 - y0 + 1, M), np.nan)
    rd_last[yj[keep] - prev, fi[keep]] = fin_rd[keep]
    for name in ("composite", "innovation", "growth"):
        spec = value(A, f"rankings.{name}")
        code = spec["event"]
        for y in range(y0, y1 + 1):
            j = y - y_first
            places = _policy_places(pol, code, y)
            elig = (is_above_at(enter_year, above, y - 1)) & (est_year <= y - 1)
            if spec["score"] == "growth_last_year":
                elig &= est_year <= y - 2
            f = np.flatnonzero(elig)
            if spec["score"] == "revenue_last_year":
                sc = np.log(np.maximum(rev[j - 1, f], 1))
            elif spec["score"] == "rd_last_year":
                sc = np.log(np.maximum(np.nan_to_num(rd_last[y - y0, f]), 1))
            elif spec["score"] == "growth_last_year":
                sc = np.log(np.maximum(rev[j - 1, f], 1)) - np.log(np.maximum(rev[j - 2, f], 1))
            else:
                raise ValueError(f"rankings.{name}: unknown score {spec['score']!r}")
            sc = sc + noise_sd * rng.standard_normal(len(f))
            f = f[_top_k_within(run[f], sc, places)]
            ev.add(np.sort(f), np.full(len(f), np.datetime64(f"{y}-{rank_md}", "D")), code)

    # ---- tables (text as Arrow strings from few unique strings and positions)
    if R == 1:
        ids = pa.array([f"KZ{i:04d}" for i in range(1, N + 1)], type=pa.large_string())
    else:
        prefixes = pa.array([f"R{r:04d}-" for r in range(R)], type=pa.large_string())
        base_ids = pa.array([f"KZ{i:04d}" for i in range(1, N + 1)], type=pa.large_string())
        ids = pc.binary_join_element_wise(prefixes.take(run), base_ids.take(np.tile(np.arange(N), R)), pa.scalar("", pa.large_string()))
    firms = _table("firms", M, firm_id=_text(ids), industry=_text(_coded(ind_names, industry)),
                   independent_legal_person=pd.array(np.ones(M, bool), dtype="boolean"),
                   established=established.astype("datetime64[ns]"), township=_text(_coded(tnames, town)),
                   rd_reserve_system=pd.array(reserve, dtype="boolean"), size_band=_text(_coded(BANDS, band_i)),
                   sector=_text(_coded(sector_names, sector)))
    parts = ev.parts
    if parts:
        fidx = np.concatenate([p["fidx"] for p in parts])
        n_ev = len(fidx)
        amount = np.concatenate([p.get("amount", np.full(len(p["fidx"]), np.nan)) for p in parts]).astype(float)
        progress = np.concatenate([p.get("progress", np.full(len(p["fidx"]), np.nan)) for p in parts]).astype(float)
        count = np.concatenate([p.get("count", np.full(len(p["fidx"]), np.nan)) for p in parts]).astype(float)
        project = np.concatenate([p.get("project", np.full(len(p["fidx"]), None, dtype=object)) for p in parts])
        code_names = sorted({p["code"] for p in parts})  # code order = text order (rows sorted by code text)
        code_of = {c: i for i, c in enumerate(code_names)}
        codes = np.concatenate([np.full(len(p["fidx"]), code_of[p["code"]], dtype=np.int64) for p in parts])
        dates = np.concatenate([p["date"] for p in parts])
        order = np.lexsort((codes, dates, fidx))
        fidx, dates, codes = fidx[order], dates[order], codes[order]
        project = pa.array(project[order], type=pa.large_string(), from_pandas=True)
        events = _table("events", n_ev, firm_id=_text(ids.take(fidx)), date=dates.astype("datetime64[ns]"),
                        code=_text(_coded(code_names, codes)), amount=_int_na(amount[order]), progress=progress[order],
                        count=_int_na(count[order]), project=_text(project))
    else:
        events = _table("events", 0)
    financials = _table("financials", len(fi), firm_id=_text(ids.take(fi)), year=pd.array(Y[yj].astype(np.int64), dtype="Int64"),
                        revenue=_int_na(fin_rev), rd_expense=_int_na(fin_rd))
    townships = _township_ranks(rng, tnames, town[:N], enter_year[:N], is_above[:N], (y0, y1))
    if validate_facts is None:
        validate_facts = M <= 50_000
    if validate_facts:
        return validate(firms, events, financials, townships)
    facts = Facts(firms, events, financials, townships, {t: Source() for t in TABLES})
    # each row's firm is known here: kept as validation keeps it, so the engine does not match the ids again
    facts._firm_pos["financials"] = (financials, firms, fi.astype(np.intp))
    if parts:
        facts._firm_pos["events"] = (events, firms, fidx.astype(np.intp))
    return keep_for_engine(facts)


def is_above_at(enter_year: np.ndarray, above_base: np.ndarray, year: int) -> np.ndarray:
    """Above scale at the end of ``year`` (base-year stock plus entries up to that year)."""
    return above_base | ((enter_year > 0) & (enter_year <= year))


def _township_ranks(rng, tnames, town, enter_year, is_above, years) -> pd.DataFrame:
    """Illustrative annual township ranks (article 21): new above-scale firms and firm counts with noise."""
    rows = []
    T = len(tnames)
    for y in range(years[0], years[1] + 1):
        new = np.bincount(town, weights=(enter_year == y).astype(float), minlength=T)
        stock = np.bincount(town, weights=is_above.astype(float), minlength=T)
        score = new * 2 + np.log1p(stock) + rng.standard_normal(T)
        rank = np.empty(T, dtype=np.int64)
        rank[np.argsort(-score, kind="stable")] = np.arange(1, T + 1)
        rows.append(pd.DataFrame({"township": tnames, "year": y, "rank": rank}))
    df = pd.concat(rows, ignore_index=True).sort_values(["year", "rank"]).reset_index(drop=True)
    return _table("townships", len(df), township=df["township"].to_numpy(dtype=object),
                  year=pd.array(df["year"].to_numpy(np.int64), dtype="Int64"), rank=pd.array(df["rank"].to_numpy(np.int64), dtype="Int64"))


# --------------------------------------------------------------------------- calibration check
def above_scale_counts(facts: Facts, assumptions=None) -> pd.DataFrame:
    """Above-scale firms by year (revenue at or over the floor) and 升规 events, per year."""
    A = load_assumptions(assumptions)
    floor = value(A, "revenue.above_scale_floor")
    fin = facts.financials
    g = fin.assign(above=(fin["revenue"] >= floor).fillna(False)).groupby("year")["above"].sum()
    ev = facts.events
    new = ev[ev["code"] == "above_scale.enter"]["date"].dt.year.value_counts()
    years = sorted(set(int(y) for y in ev["date"].dt.year.unique()) | {2022})
    return pd.DataFrame({"year": years, "above_scale_firms": [int(g.get(y, 0)) for y in years],
                         "new_above_scale": [int(new.get(y, 0)) for y in years]})


def calibration_report(facts: Facts, assumptions=None, year: int = 2023) -> pd.DataFrame:
    """Generated population against each public target used (one run)."""
    C = load_calibration()
    A = load_assumptions(assumptions)
    firms = facts.firms
    ab = above_scale_counts(facts, A).set_index("year")
    rows = [
        ("industrial_units_2023", len(firms), "=="),
        ("manufacturing_units_2023", int((firms["industry"] == "manufacturing").sum()), "=="),
        ("above_scale_end_2023", int(ab.loc[year, "above_scale_firms"]) if year in ab.index else np.nan, ">"),
        ("new_above_scale_2023", int(ab.loc[year, "new_above_scale"]) if year in ab.index else np.nan, "=="),
    ]
    out = []
    for key, got, op in rows:
        t = C[key]
        ok = got == t["value"] if op == "==" else got > t["value"]
        out.append({"target": key, "zh": t["zh"], "public_value": t["value"], "test": op, "generated": got,
                    "met": bool(ok), "source": t["source"], "quality": t["quality"]})
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- export
def export(facts: Facts, path: Union[str, Path]) -> Path:
    """Write facts as the input tables (a folder of CSV files, or an .xlsx workbook with one sheet per table).

    The files read back with :func:`kzpolicy.facts.load_tables` (and ``kzpolicy simulate FILE``)
    into the same facts: this is how the synthetic population becomes an example input.
    """
    from .outputs import check_output, write_csv, write_xlsx_frames
    path = Path(path)
    frames = {t: getattr(facts, t) for t in TABLES if len(getattr(facts, t))}
    if path.suffix.lower() == ".xlsx":
        return write_xlsx_frames(check_output(path, what="export"), frames)  # text never a formula; atomic
    if path.suffix.lower() in (".csv", ".xls", ".xlsm", ".xlsb", ".ods"):
        raise ValueError(f"export {path}: give an .xlsx file, or a folder for CSV files (one file per table)")
    path.mkdir(parents=True, exist_ok=True)
    for t, df in frames.items():
        out = df.copy()
        for c in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[c]):
                out[c] = out[c].dt.strftime("%Y-%m-%d")
        write_csv(out, check_output(path / f"{t}.csv", suffixes=(".csv",), what="export"), encoding="utf-8")
    return path
