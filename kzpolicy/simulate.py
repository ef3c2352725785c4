"""Fiscal impact: run the one engine over a firm population, year by year.

财政影响测算：对企业总体逐年运行同一引擎（``kzpolicy.assess``），汇总按条款、章节、年度的
奖补支出，按规模、行业、乡镇的分布，资金集中度，蒙特卡洛不确定区间，以及情景
（参数调整或解释口径切换）带来的差异与受益者变化。

Why: a researcher asks "what does it cost, who gets it, and what if…". Every amount
comes from the policy data through :func:`kzpolicy.assess`; scenario values live in
``scenarios/*.yaml`` or a dict. Results made from the synthetic population carry the
label :data:`kzpolicy.population.ASSUMPTION_NOTE` in a ``basis`` column.
Budget lines (articles 6 and 22) are reported separately from awards to firms, and
township working funds (article 21) separately again.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

import numpy as np
import pandas as pd

from . import yamlio
from .yamlio import excerpt
from .engine import assess, budget_lines
from .facts import Facts, _positions_of
from .policy import Policy, get_policy
from .population import _TEXT, ASSUMPTION_NOTE, BANDS, generate, load_calibration
from . import kinds

INPUT_NOTE = "输入数据 / input data"
NOT_GIVEN = "（未填 not given）"
PERCENTILES = (5, 50, 95)


#: the latest year a simulation runs to (dates are accepted to 2100-12-31), and the longest span
MAX_SIM_YEAR = 2100
MAX_SIM_YEARS = 30


def _years(years) -> List[int]:
    if isinstance(years, int):
        return [years]
    if isinstance(years, str):
        a, _, b = years.strip().partition("-")
        if not (a.isdigit() and (b.isdigit() or not b)) or int(b or a) < int(a):
            raise ValueError(f"years must look like 2023-2025 (or one year, 2024), low to high; got {years!r}")
        if int(b or a) > MAX_SIM_YEAR or int(b or a) - int(a) + 1 > MAX_SIM_YEARS:
            raise ValueError(f"years {years!r}: a simulation runs at most {MAX_SIM_YEARS} years, up to {MAX_SIM_YEAR} "
                             f"/ 年度范围过大")
        return list(range(int(a), int(b or a) + 1))
    y = list(years)
    return list(range(int(y[0]), int(y[-1]) + 1)) if len(y) == 2 else [int(v) for v in y]


def _policy(policy, parameters) -> Policy:
    pol = get_policy(policy)
    return pol.with_parameters(parameters) if parameters else pol


def _chapter_names(pol: Policy) -> Dict[int, Tuple[str, str]]:
    return {c.chapter: (c.zh, c.en) for c in pol.meta.chapters}


# --------------------------------------------------------------------------- one population
@dataclass
class Simulation:
    """Awards of every firm in every simulated year, with the firms' attributes."""

    years: List[int]
    policy: Policy
    readings: Dict[str, str]
    ledger: pd.DataFrame            # run, firm_id, year, article, chapter, item, amount_yuan, size_band, sector, township
    firms: pd.DataFrame             # run, firm_id, size_band, sector, township, industry
    township_awards: pd.DataFrame   # year, township, rank, article, item, amount_yuan
    budget: pd.DataFrame            # kzpolicy.budget_lines: articles 6 and 22
    undetermined: pd.DataFrame      # year, article, item, cases
    basis: str = INPUT_NOTE
    runs: int = 1

    # ---- cost
    def _label(self, df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        df["basis"] = self.basis
        return df

    def cost_by_article(self) -> pd.DataFrame:
        """Awards to firms per article and year (mean over runs), yuan; plus a total column."""
        pol = self.policy
        g = self.ledger.groupby(["article", "year"])["amount_yuan"].sum().unstack("year")
        g = g.reindex(columns=self.years).fillna(0).astype(np.int64)
        arts = sorted(set(g.index) | {a.article for a in pol.articles.values()
                                      if any(i.recipient == "firm" and kinds.get(i.kind).awards for i in a.items.values())})
        g = g.reindex(arts).fillna(0).astype(np.int64)
        if self.runs > 1:
            g = (g / self.runs).round().astype(np.int64)
        g["total"] = g[self.years].sum(axis=1)
        g.columns = [str(c) for c in g.columns]
        out = g.reset_index()
        out.insert(1, "chapter", out["article"].map(lambda n: pol.article(n).chapter))
        out.insert(2, "title_zh", out["article"].map(lambda n: pol.article(n).title.zh))
        out.insert(3, "title_en", out["article"].map(lambda n: pol.article(n).title.en))
        return self._label(out)

    def cost_by_chapter(self) -> pd.DataFrame:
        a = self.cost_by_article()
        cols = [str(y) for y in self.years] + ["total"]
        g = a.groupby("chapter")[cols].sum().reset_index()
        names = _chapter_names(self.policy)
        g.insert(1, "chapter_zh", g["chapter"].map(lambda c: names.get(c, ("", ""))[0]))
        g.insert(2, "chapter_en", g["chapter"].map(lambda c: names.get(c, ("", ""))[1]))
        return self._label(g)

    def cost_by_year(self) -> pd.DataFrame:
        """Per year: awards to firms, township working funds (art 21), budget lines (arts 6, 22), total."""
        firm = self.ledger.groupby("year")["amount_yuan"].sum().reindex(self.years).fillna(0) / self.runs
        town = self.township_awards.groupby("year")["amount_yuan"].sum().reindex(self.years).fillna(0)
        bud = self.budget.groupby("year")["amount_yuan"].sum().reindex(self.years).fillna(0)
        out = pd.DataFrame({"year": self.years, "firm_awards_yuan": firm.round().astype(np.int64).to_numpy(),
                            "township_funds_yuan": town.astype(np.int64).to_numpy(),
                            "budget_lines_yuan": bud.astype(np.int64).to_numpy()})
        out["total_yuan"] = out[["firm_awards_yuan", "township_funds_yuan", "budget_lines_yuan"]].sum(axis=1)
        return self._label(out)

    # ---- who benefits
    def firm_totals(self) -> pd.DataFrame:
        """Every firm (recipient or not) with its total over the simulated years."""
        tot = self.ledger.groupby("firm_id")["amount_yuan"].sum()
        f = self.firms.copy()
        f["amount_yuan"] = f["firm_id"].map(tot).fillna(0).astype(np.int64)
        return f

    def distribution(self, by: str = "size_band") -> pd.DataFrame:
        """Firms, recipients and money by size band, sector or township (all simulated years)."""
        f = self.firm_totals()
        f[by] = f[by].fillna(NOT_GIVEN)  # firms without the field are shown, not dropped
        g = f.groupby(by, sort=True)
        out = pd.DataFrame({"firms": g.size(), "recipients": g["amount_yuan"].apply(lambda s: int((s > 0).sum())),
                            "amount_yuan": g["amount_yuan"].sum()})
        if by == "size_band":
            out = out.reindex([b for b in (*BANDS, NOT_GIVEN) if b in out.index])
        out = out.reset_index()
        if self.runs > 1:
            for c in ("firms", "recipients", "amount_yuan"):
                out[c] = (out[c] / self.runs).round().astype(np.int64)
        total = out["amount_yuan"].sum()
        out["share"] = out["amount_yuan"] / total if total else np.nan
        out["per_recipient_yuan"] = np.where(out["recipients"] > 0, out["amount_yuan"] / out["recipients"].where(out["recipients"] > 0, 1), np.nan).round()
        return self._label(out)

    def concentration(self) -> pd.DataFrame:
        """Share of money to the top 10% of recipient firms, and the Gini among recipients and among all firms."""
        f = self.firm_totals()
        rows = []
        for run, sub in f.groupby("run"):
            amt = np.sort(sub["amount_yuan"].to_numpy())[::-1]
            rec = amt[amt > 0]
            k = max(1, int(np.ceil(len(rec) * 0.1))) if len(rec) else 0
            rows.append({"run": run, "recipients": len(rec), "top10pct_firms": k,
                         "top10pct_share": rec[:k].sum() / rec.sum() if len(rec) else np.nan,
                         "gini_recipients": gini(rec), "gini_all_firms": gini(amt)})
        out = pd.DataFrame(rows)
        if self.runs > 1:
            out = out.drop(columns="run").median().to_frame().T
        return self._label(out.drop(columns="run", errors="ignore"))

    def lorenz(self) -> pd.DataFrame:
        """Lorenz curve over recipient firms (run 0): cumulative share of firms vs of money."""
        f = self.firm_totals()
        amt = np.sort(f.loc[(f["run"] == 0) & (f["amount_yuan"] > 0), "amount_yuan"].to_numpy())
        if not len(amt):
            return pd.DataFrame({"firm_share": [0.0], "money_share": [0.0]})
        cum = np.concatenate([[0], np.cumsum(amt)]) / amt.sum()
        return pd.DataFrame({"firm_share": np.arange(len(amt) + 1) / len(amt), "money_share": cum})

    def undetermined_summary(self) -> pd.DataFrame:
        """Cases the engine could not decide (missing history or figures): not counted as cost, not as 0 either."""
        return self._label(self.undetermined)

    def coverage(self, facts: Facts) -> pd.DataFrame:
        """Firm-award items with no triggering event in the input years: their cost is not estimated (NA)."""
        ev = facts.events
        in_years = ev[ev["date"].dt.year.isin(self.years)]["code"].value_counts()
        rows = []
        for it in self.policy.items():
            if it.recipient != "firm" or not it.events or not kinds.get(it.kind).awards:
                continue
            n = int(sum(in_years.get(c, 0) for c in it.events))
            if n == 0:
                rows.append({"article": it.article, "item": it.id, "label_zh": it.label.zh, "label_en": it.label.en,
                             "events_in_input": 0, "cost": "NA（未模拟 / not simulated）"})
        return self._label(pd.DataFrame(rows, columns=["article", "item", "label_zh", "label_en", "events_in_input", "cost"]))


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative amounts (NaN for an empty set or all zero)."""
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return float("nan")
    return float((2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum())) - (n + 1) / n)


def simulate(facts: Facts, years=(2023, 2025), *, policy=None, parameters: Optional[dict] = None,
             readings: Optional[Dict[str, str]] = None, synthetic: bool = False, progress: bool = False,
             run_size: Optional[int] = None) -> Simulation:
    """Assess ``facts`` for every year in ``years`` (explain=False) and collect the results.

    ``run_size`` marks a Monte Carlo population built by :func:`kzpolicy.population.generate`
    with ``runs > 1``: firm i belongs to run ``i // run_size``.
    """
    pol = _policy(policy, parameters)
    ys = _years(years)
    firms = facts.firms
    n = len(firms)
    run = np.arange(n) // run_size if run_size else np.zeros(n, dtype=np.int64)
    fr = pd.DataFrame({"run": run, **{c: _text_values(firms[c]) for c in ("firm_id", "size_band", "sector", "township", "industry")}})
    ledgers, towns, undet = [], [], []
    it = ys
    if progress:
        from tqdm.auto import tqdm
        it = tqdm(ys, desc="simulate", unit="year")
    rd = None
    for y in it:
        # stacked Monte Carlo runs each fill the top tens on their own (population._top_k_within),
        # so the places check applies per run, not to the stacked input
        a = assess(facts, year=y, policy=pol, readings=readings, explain=False, check_places=not run_size)
        rd = a.readings
        led = a.ledger[["firm_id", "year", "article", "item", "event_code", "amount_yuan"]]
        ledgers.append(led)
        if len(a.township_awards):
            t = a.township_awards[["year", "township", "rank", "item", "amount_yuan"]].copy()
            towns.append(t)
        if len(a.undetermined):
            u = a.undetermined.groupby(["article", "item"]).size().rename("cases").reset_index()
            u.insert(0, "year", y)
            undet.append(u)
    led = pd.concat(ledgers, ignore_index=True) if ledgers else pd.DataFrame(columns=["firm_id", "year", "article", "item", "event_code", "amount_yuan"])
    pos = _positions_of(fr["firm_id"], led["firm_id"])
    led["run"] = fr["run"].to_numpy()[pos]
    for c in ("size_band", "sector", "township"):
        led[c] = _text_values(fr[c], pos)
    led["chapter"] = led["article"].map({a.article: a.chapter for a in pol.articles.values()})
    led["amount_yuan"] = led["amount_yuan"].astype(np.int64)
    led = led[["run", "firm_id", "year", "article", "chapter", "item", "event_code", "amount_yuan", "size_band", "sector", "township"]]
    tw = pd.concat(towns, ignore_index=True) if towns else pd.DataFrame(columns=["year", "township", "rank", "item", "amount_yuan"])
    if len(tw):
        tw["article"] = tw["item"].map(lambda i: pol.item(i).article)
        tw["amount_yuan"] = tw["amount_yuan"].astype(np.int64)
    ud = pd.concat(undet, ignore_index=True) if undet else pd.DataFrame(columns=["year", "article", "item", "cases"])
    if run_size and len(ud):
        ud["cases"] = (ud["cases"] / (n // run_size)).round(1)
    return Simulation(years=ys, policy=pol, readings=rd or pol.readings(readings), ledger=led, firms=fr,
                      township_awards=tw, budget=budget_lines(pol, ys, readings=readings), undetermined=ud,
                      basis=ASSUMPTION_NOTE if synthetic else INPUT_NOTE, runs=(n // run_size) if run_size else 1)


def _text_values(col: pd.Series, pos: Optional[np.ndarray] = None):
    """``col``'s values (at ``pos``) for a new frame column, as its Python objects would make it.

    A column of pandas' text dtype is taken as it is (no Python object per row, no conversion
    back to Arrow strings); anything else, or text with no value (which pandas keeps as
    objects), goes through Python objects as before.
    """
    if col.dtype == _TEXT and col.count():
        vals = col.array if pos is None else col.array.take(pos)
        if pos is None or (len(vals) and not vals.isna().all()):
            return vals
    vals = col.to_numpy(dtype=object)
    return vals if pos is None else vals[pos]


def simulate_synthetic(seed: int = 0, years=(2023, 2025), *, assumptions=None, **kw) -> Simulation:
    """Generate the synthetic population (one run) and simulate it."""
    ys = _years(years)
    facts = generate(seed=seed, years=(ys[0], ys[-1]), assumptions=assumptions, policy=kw.get("policy"))
    return simulate(facts, ys, synthetic=True, **kw)


# --------------------------------------------------------------------------- Monte Carlo
@dataclass
class MonteCarlo:
    """Per-run totals by year and article; percentiles give the uncertainty bands."""

    totals: pd.DataFrame        # run, year, article, amount_yuan (firm awards; every run × year × article)
    township: pd.DataFrame      # year, amount_yuan (identical in every run)
    budget: pd.DataFrame
    runs: int
    seed: int
    years: List[int]
    basis: str = ASSUMPTION_NOTE
    #: what the populations were made and assessed with (monte_carlo_delta checks a reused baseline against it)
    made_with: Optional[dict] = field(default=None, repr=False, compare=False)

    def run_totals(self) -> pd.DataFrame:
        """Firm awards per run and year (plus 'total' over the years)."""
        g = self.totals.groupby(["run", "year"])["amount_yuan"].sum().unstack("year")
        g = g.reindex(index=range(self.runs), columns=self.years).fillna(0)  # a run without awards counts as 0 awarded
        g["total"] = g.sum(axis=1)
        return g

    def bands(self, by: str = "year") -> pd.DataFrame:
        """Percentiles 5/50/95 of firm awards over runs, by year (with a total row) or by article (whole period)."""
        if by == "year":
            g = self.run_totals()
        elif by == "article":
            g = self.totals.groupby(["run", "article"])["amount_yuan"].sum().unstack("article").fillna(0)
            g = g.reindex(range(self.runs)).fillna(0)
        else:
            raise ValueError("by must be 'year' or 'article'")
        q = np.percentile(g.to_numpy(dtype=float), PERCENTILES, axis=0)
        out = pd.DataFrame({by: list(g.columns), **{f"p{p}_yuan": np.round(q[i]).astype(np.int64) for i, p in enumerate(PERCENTILES)},
                            "mean_yuan": np.round(g.mean(axis=0).to_numpy()).astype(np.int64)})
        out["runs"] = self.runs
        out["scope"] = "企业奖补（不含乡镇经费与预算专项） / firm awards (township funds and budget lines are fixed, shown apart)"
        out["basis"] = self.basis
        return out


def monte_carlo(runs: int = 200, seed: int = 0, years=(2023, 2025), *, policy=None, parameters: Optional[dict] = None,
                readings: Optional[Dict[str, str]] = None, assumptions=None, chunk_runs: int = 250,
                progress: bool = False) -> MonteCarlo:
    """``runs`` independent synthetic populations, assessed together (one big population per chunk).

    The runs of a chunk are one population with the run folded into the firm id, so the
    engine runs once per year and chunk; chunks bound the memory. Seeds: chunk c uses
    ``seed * 100003 + c`` (reproducible; the same (seed, runs, chunk_runs) gives the same result).
    """
    ys = _years(years)
    pol = _policy(policy, parameters)
    C = load_calibration()
    N = int(C["industrial_units_2023"]["value"])
    parts, town, r0 = [], None, 0
    chunks = []
    left = int(runs)
    while left > 0:
        chunks.append(min(chunk_runs, left))
        left -= chunks[-1]
    it = enumerate(chunks)
    if progress:
        from tqdm.auto import tqdm
        it = tqdm(list(it), desc="Monte Carlo", unit="chunk")
    for c, r in it:
        facts = generate(seed=seed * 100003 + c, years=(ys[0], ys[-1]), assumptions=assumptions, runs=r, policy=pol)
        sim = simulate(facts, ys, policy=pol, readings=readings, synthetic=True, run_size=N)
        t = sim.ledger.groupby(["run", "year", "article"])["amount_yuan"].sum().reset_index()
        t["run"] += r0
        parts.append(t)
        if town is None:
            town = sim.township_awards.groupby("year")["amount_yuan"].sum().reindex(ys).fillna(0).astype(np.int64).reset_index()
        r0 += r
        del facts, sim
    totals = pd.concat(parts, ignore_index=True)
    made_with = dict(policy=pol, readings=dict(readings or {}), assumptions=assumptions, chunk_runs=int(chunk_runs))
    return MonteCarlo(totals=totals, township=town, budget=budget_lines(pol, ys, readings=readings), runs=int(runs), seed=seed, years=ys,
                      made_with=made_with)


# --------------------------------------------------------------------------- scenarios
_SCENARIO_KEYS = {"name", "description", "parameters", "readings"}


class ScenarioError(ValueError, KeyError):
    """A scenario the policy refuses (unknown parameter or reading, bad value); the message names the file.

    A ``ValueError`` like every input error (and a ``KeyError`` for callers that caught the unknown name)."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


def _scenario_number(where, key, v, date=None):
    at = f"parameters.{key}" + (f".{date}" if date else "")
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"{where}: {at}: must be a number (or null for 'not set'), got {excerpt(v)}")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"{where}: {at}: must be a finite number, got {v}")
    return v


def _scenario_value(where, key, v):
    """A scenario parameter change as written: a number (every dated value) or {date: number} (added dated values)."""
    if not isinstance(key, str) or key.count(".") < 2:  # item id (artNN.slug) + parameter name
        raise ValueError(f"{where}: parameters: {excerpt(key)} is not a parameter path; write item.parameter, e.g. "
                         "art05.equipment_subsidy.rate (see `kzpolicy show N` for the names)")
    if not isinstance(v, dict):
        return _scenario_number(where, key, v)
    if not v:
        raise ValueError(f"{where}: parameters.{key}: an empty mapping; give {{2024-01-01: value}} or a number")
    out = {}
    for d, x in v.items():
        if isinstance(d, dt.datetime) or not isinstance(d, (dt.date, str)):
            raise ValueError(f"{where}: parameters.{key}: the key {excerpt(d)} is not a date; write it as YYYY-MM-DD, "
                             "e.g. {2024-01-01: 0.08}")
        if isinstance(d, str):
            try:
                d = dt.date.fromisoformat(d.strip())
            except ValueError:
                raise ValueError(f"{where}: parameters.{key}: the key {excerpt(d)} is not a date; write it as "
                                 "YYYY-MM-DD, e.g. {2024-01-01: 0.08}") from None
        out[d] = _scenario_number(where, key, x, d.isoformat())
    return out


@dataclass
class Scenario:
    """A named change: policy parameters and/or interpretation readings."""

    name: str
    description: str = ""
    parameters: Dict[str, object] = field(default_factory=dict)
    readings: Dict[str, str] = field(default_factory=dict)
    path: Optional[str] = None

    @classmethod
    def load(cls, source: Union[str, Path, dict, "Scenario"]) -> "Scenario":
        """From a ``scenarios/*.yaml`` file, a dict with the same keys, or a Scenario."""
        if isinstance(source, Scenario):
            return source
        path = None
        if isinstance(source, (str, Path)):
            path = Path(source)
            data = yamlio.load(path)  # YamlError (a ValueError) names the file and line
        else:
            data = source
        where = str(path) if path else "scenario"
        if not isinstance(data, dict):
            raise ValueError(f"{where}: a scenario is a mapping with keys {sorted(_SCENARIO_KEYS)}")
        extra = set(data) - _SCENARIO_KEYS
        if extra:
            raise ValueError(f"{where}: unknown key(s) {sorted(extra)}; allowed: {sorted(_SCENARIO_KEYS)}")
        if "name" not in data:
            raise ValueError(f"{where}: 'name' is required")
        params = data.get("parameters")
        rds = data.get("readings")
        params = {} if params is None else params
        rds = {} if rds is None else rds
        if not isinstance(params, dict) or not isinstance(rds, dict):
            raise ValueError(f"{where}: 'parameters' and 'readings' are mappings, e.g. "
                             "parameters: {art05.equipment_subsidy.rate: 0.08}; readings: {publication-date: from_year_start}")
        if not isinstance(data["name"], str) or not data["name"].strip():
            raise ValueError(f"{where}: 'name' must be a short text, got {excerpt(data['name'])}")
        clean = {key: _scenario_value(where, key, v) for key, v in params.items()}
        for k, v in rds.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise ValueError(f"{where}: readings.{excerpt(k)[1:-1]}: an interpretation id maps to a reading "
                                 f"(text), e.g. publication-date: from_year_start; got {excerpt(v)}")
        return cls(name=data["name"], description=str(data.get("description") or ""), parameters=clean,
                   readings=dict(rds), path=str(path) if path else None)

    def policy(self, base=None) -> Policy:
        """The policy with this scenario's parameter changes; a change the policy refuses names the scenario file."""
        try:
            pol = _policy(base, self.parameters)
            pol.readings(self.readings)  # an unknown interpretation or reading names this file too
            return pol
        except (KeyError, ValueError) as e:
            msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
            raise ScenarioError(f"{self.path or 'scenario ' + repr(self.name)}: {msg}") from None


@dataclass
class Comparison:
    """A baseline and a scenario simulated on the same firms."""

    scenario: Scenario
    base: Simulation
    alt: Simulation

    def cost_delta(self) -> pd.DataFrame:
        """Per article: baseline, scenario and difference over the simulated years (yuan)."""
        b = self.base.cost_by_article().set_index("article")["total"]
        a = self.alt.cost_by_article().set_index("article")["total"]
        idx = sorted(set(b.index) | set(a.index))
        out = pd.DataFrame({"base_yuan": b.reindex(idx).fillna(0).astype(np.int64),
                            "scenario_yuan": a.reindex(idx).fillna(0).astype(np.int64)})
        out["delta_yuan"] = out["scenario_yuan"] - out["base_yuan"]
        out = out.rename_axis("article").reset_index()
        out["basis"] = self.base.basis
        return out

    def year_delta(self) -> pd.DataFrame:
        b = self.base.cost_by_year().set_index("year")
        a = self.alt.cost_by_year().set_index("year")
        out = pd.DataFrame({"base_yuan": b["total_yuan"], "scenario_yuan": a["total_yuan"]})
        out["delta_yuan"] = out["scenario_yuan"] - out["base_yuan"]
        out = out.reset_index()
        out["basis"] = self.base.basis
        return out

    def firm_delta(self) -> pd.DataFrame:
        b = self.base.firm_totals()
        a = self.alt.firm_totals().set_index("firm_id")["amount_yuan"]
        b = b.rename(columns={"amount_yuan": "base_yuan"})
        b["scenario_yuan"] = b["firm_id"].map(a).fillna(0).astype(np.int64)
        b["delta_yuan"] = b["scenario_yuan"] - b["base_yuan"]
        return b

    def winners_losers(self, by: str = "size_band") -> pd.DataFrame:
        """Firms gaining or losing, and by how much, by size band (or sector, township)."""
        d = self.firm_delta()
        d[by] = d[by].fillna(NOT_GIVEN)
        g = d.groupby(by, sort=True)
        out = pd.DataFrame({
            "firms_gaining": g["delta_yuan"].apply(lambda s: int((s > 0).sum())),
            "firms_losing": g["delta_yuan"].apply(lambda s: int((s < 0).sum())),
            "gain_yuan": g["delta_yuan"].apply(lambda s: int(s[s > 0].sum())),
            "loss_yuan": g["delta_yuan"].apply(lambda s: int(s[s < 0].sum())),
            "net_yuan": g["delta_yuan"].sum().astype(np.int64),
        })
        if by == "size_band":
            out = out.reindex([b_ for b_ in (*BANDS, NOT_GIVEN) if b_ in out.index])
        out = out.reset_index()
        out["basis"] = self.base.basis
        return out


def compare(facts: Facts, scenario, years=(2023, 2025), *, policy=None, readings: Optional[Dict[str, str]] = None,
            synthetic: bool = False, base: Optional[Simulation] = None) -> Comparison:
    """Simulate the baseline and the scenario on the same facts; ``base`` reuses a baseline run."""
    sc = Scenario.load(scenario)
    base_sim = base or simulate(facts, years, policy=policy, readings=readings, synthetic=synthetic)
    rd = {**(readings or {}), **sc.readings}
    alt = simulate(facts, years, policy=sc.policy(policy), readings=rd, synthetic=synthetic)
    return Comparison(sc, base_sim, alt)


def interpretation_effects(facts: Facts, years=(2023, 2025), *, policy=None, synthetic: bool = False,
                           base: Optional[Simulation] = None) -> pd.DataFrame:
    """Each registered interpretation switched one at a time: cost of every alternative reading vs the defaults.

    ``delta_yuan`` is the change in awards to firms; ``budget_delta_yuan`` the change in the fixed
    budget lines (articles 6 and 22), which some readings move (budget-first-year)."""
    pol = get_policy(policy)
    base_sim = base or simulate(facts, years, policy=pol, synthetic=synthetic)
    base_total = int(base_sim.cost_by_article()["total"].sum())
    base_art = base_sim.cost_by_article().set_index("article")["total"]
    ys = base_sim.years
    base_budget = int(budget_lines(pol, ys).amount_yuan.sum())
    rows = []
    for iid, interp in pol.interpretations.items():
        for key, text in interp.readings.items():
            if key == interp.default:
                continue
            alt = simulate(facts, years, policy=pol, readings={iid: key}, synthetic=synthetic)
            art = alt.cost_by_article().set_index("article")["total"]
            d = art.reindex(base_art.index).fillna(0) - base_art
            changed = [int(a) for a in d.index[d != 0]]
            total = int(art.sum())
            bud = int(budget_lines(pol, ys, readings={iid: key}).amount_yuan.sum())
            rows.append({"interpretation": iid, "articles": ", ".join(str(a) for a in interp.articles),
                         "default": interp.default, "reading": key, "reading_zh": text.zh, "reading_en": text.en,
                         "base_yuan": base_total, "reading_yuan": total, "delta_yuan": total - base_total,
                         "delta_pct": (total - base_total) / base_total if base_total else np.nan,
                         "articles_changed": ", ".join(str(a) for a in changed) or "—",
                         "budget_delta_yuan": bud - base_budget})
        if len(interp.readings) == 1:
            rows.append({"interpretation": iid, "articles": ", ".join(str(a) for a in interp.articles),
                         "default": interp.default, "reading": "—", "reading_zh": "（仅一种口径）", "reading_en": "(one reading only)",
                         "base_yuan": base_total, "reading_yuan": base_total, "delta_yuan": 0, "delta_pct": 0.0,
                         "articles_changed": "—", "budget_delta_yuan": 0})
    out = pd.DataFrame(rows)
    out["basis"] = base_sim.basis
    return out


def scenario_files(folder: Union[str, Path] = "scenarios") -> List[Path]:
    return sorted(Path(folder).glob("*.yaml"))


# --------------------------------------------------------------------------- output files
def result_tables(sim: Simulation, facts: Optional[Facts] = None) -> Dict[str, pd.DataFrame]:
    """The result tables by name (sheet names), each with its ``basis`` label."""
    out = {
        "by_article": sim.cost_by_article(),
        "by_chapter": sim.cost_by_chapter(),
        "by_year": sim.cost_by_year(),
        "budget_lines": sim.budget,  # policy figures only (its 'basis' column says full year or pro rata)
        "township_funds": sim._label(sim.township_awards),
        "by_size_band": sim.distribution("size_band"),
        "by_sector": sim.distribution("sector"),
        "by_township": sim.distribution("township"),
        "concentration": sim.concentration(),
        "undetermined": sim.undetermined_summary(),
        "ledger": sim._label(sim.ledger.drop(columns="run")),
    }
    if facts is not None:
        out["not_simulated"] = sim.coverage(facts)
    return out


RESULT_SUFFIXES = (".xlsx", ".csv")


def result_files(path: Union[str, Path], facts: bool = True) -> List[Path]:
    """The files :func:`write_results` creates for ``path`` (for checking them before a long run)."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return [path]
    from .outputs import output_files
    names = ["by_article", "by_chapter", "by_year", "budget_lines", "township_funds", "by_size_band", "by_sector",
             "by_township", "concentration", "undetermined", "ledger"] + (["not_simulated"] if facts else [])
    return output_files(path, names, "by_article")


def write_results(sim: Simulation, path: Union[str, Path], facts: Optional[Facts] = None) -> List[Path]:
    """Write the result tables: one .xlsx workbook (a sheet per table) or CSV files (RESULT.csv = by_article,
    RESULT_<table>.csv for the others). Amounts are integer yuan; returns the files written.

    Safe (:mod:`kzpolicy.outputs`): text that a spreadsheet would run (= + - @) is stored as text, control
    characters are escaped, and each file is written to a temporary file and renamed into place."""
    from .outputs import check_output, output_files, write_csv, write_xlsx_frames
    path = check_output(path, suffixes=RESULT_SUFFIXES)
    tabs = result_tables(sim, facts)
    if path.suffix.lower() == ".xlsx":
        return [write_xlsx_frames(path, tabs)]
    files = output_files(path, list(tabs), "by_article")
    for f, df in zip(files, tabs.values()):
        write_csv(df, f, encoding="utf-8-sig")
    return files


def listing_upper_bound(policy=None, year: int = 2025) -> pd.DataFrame:
    """Article 16 exchange listings are not simulated (the municipal reward is unknown); this gives a ceiling.

    If every firm reported in listing tutoring (a calibration fact) listed, the district reward
    could not exceed firms × the item's cap (总额不超过…). The actual amount is a share of the
    municipal reward, which is an input that is never guessed (interpretation art16-municipal-reward).
    """
    from .rules.common import param_at_year_end
    from .rules.listing import KIND as LISTING
    pol = get_policy(policy)
    cal = load_calibration()["listing_tutoring_2023"]
    rows = []
    for it in pol.items():
        if it.kind != LISTING.name:
            continue
        cap = param_at_year_end(it.param("cap"), year)
        share = param_at_year_end(it.param("share"), year)
        rows.append({"article": it.article, "item": it.id, "firms_in_tutoring": int(cal["value"]),
                     "share_of_municipal_reward": share, "cap_yuan": None if cap is None else int(cap),
                     "upper_bound_yuan": None if cap is None else int(cap) * int(cal["value"]),
                     "source": cal["source"],
                     "note": "上限：假设辅导期企业全部上市；实际金额取决于未知的市级奖补 / ceiling if every firm in tutoring lists; "
                             "the actual reward depends on the unknown municipal reward"})
    return pd.DataFrame(rows)


def monte_carlo_delta(scenario, runs: int = 200, seed: int = 0, years=(2023, 2025), *, policy=None,
                      readings: Optional[Dict[str, str]] = None, assumptions=None, chunk_runs: int = 250,
                      base: Optional[MonteCarlo] = None) -> pd.DataFrame:
    """Uncertainty of a scenario's effect: baseline and scenario on the same ``runs`` populations (paired seeds).

    Returns percentiles 5/50/95 of (scenario − baseline) firm awards over the runs, by year and in total.
    ``base`` reuses a baseline :func:`monte_carlo` made with the same arguments (as ``compare``'s
    ``base`` does): the result is the same, one Monte Carlo sooner. A ``base`` made with other runs,
    seed, years, policy, readings, assumptions or chunks is refused, never paired with the wrong populations.
    """
    sc = Scenario.load(scenario)
    kw = dict(runs=runs, seed=seed, years=years, assumptions=assumptions, chunk_runs=chunk_runs)
    if base is None:
        base_mc = monte_carlo(policy=policy, readings=readings, **kw)
    else:
        made = base.made_with or {}
        want = dict(readings=dict(readings or {}), assumptions=assumptions, chunk_runs=int(chunk_runs))
        bad = [k for k, ok in [("runs", base.runs == int(runs)), ("seed", base.seed == seed), ("years", base.years == _years(years)),
                               ("policy", made.get("policy") is get_policy(policy))] if not ok]
        bad += [k for k, v in want.items() if k not in made or made[k] != v]
        if bad:
            raise ValueError(f"monte_carlo_delta: base was made with another {', '.join(bad)} than this call "
                             f"(base: runs={base.runs}, seed={base.seed}, years={base.years}); make it with the same "
                             "arguments, or leave base out")
        base_mc = base
    base = base_mc.run_totals()
    alt = monte_carlo(policy=sc.policy(policy), readings={**(readings or {}), **sc.readings}, **kw).run_totals()
    d = alt - base
    q = np.percentile(d.to_numpy(dtype=float), PERCENTILES, axis=0)
    out = pd.DataFrame({"year": list(d.columns), **{f"p{p}_delta_yuan": np.round(q[i]).astype(np.int64) for i, p in enumerate(PERCENTILES)},
                        "mean_delta_yuan": np.round(d.mean(axis=0).to_numpy()).astype(np.int64)})
    out.insert(0, "scenario", sc.name)
    out["runs"] = int(runs)
    out["basis"] = ASSUMPTION_NOTE
    return out
