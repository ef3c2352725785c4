"""The engine: facts + policy + year -> an award ledger (and what was missed, and why).

One vectorised implementation for one firm or a million: a single firm is a
population of one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from types import SimpleNamespace
from typing import Dict, Optional

import numpy as np
import pandas as pd

from . import explain as _explain
from . import kinds
from . import limits as _limits
from .context import Context
from .events import EVENT_CODES
from .facts import Facts, FactsError, as_facts
from .frames import pandas_array as _pandas_array
from .frames import frame_of, part, stable_order, table_columns
from .frames import str_array as _str_array
from .frames import factorize as _pd_factorize
from .frames import take as _take
from .frames import text_of as _text_of
from .frames import tolist as _tolist
from .money import checked_sum, mul_round, wan
from .policy import Policy, get_policy
from .rules import rule
from .rules.common import EXCL_COLUMNS, NEAR_COLUMNS, UNDET_COLUMNS, Later, RuleOutput, award_fields, award_frame

#: how close counts as a near-miss (a presentation setting, not a policy amount): within 20% of the requirement
NEAR_MISS_MARGIN = 0.2

#: the ledger: these core columns, then every kind's declared fields (kzpolicy/kinds.py) and the limit fields
#: (kzpolicy/limits.py) — the same columns whatever kinds a result holds, so notebooks see a stable frame
LEDGER_CORE = ["firm_id", "year", "article", "item", "kind", "label_zh", "label_en", "event_code", "event_date",
               "amount_yuan", "basis_yuan", "cap_applied", "project"]


def ledger_columns():
    return LEDGER_CORE + list(award_fields())


@dataclass
class Assessment:
    """The result of :func:`assess`. ``ledger`` has one line per award."""

    year: int
    policy: Policy
    readings: Dict[str, str]
    ledger: pd.DataFrame
    near_misses: pd.DataFrame
    undetermined: pd.DataFrame
    excluded: pd.DataFrame
    fees: pd.DataFrame
    township_awards: pd.DataFrame

    @property
    def total_yuan(self) -> int:
        return checked_sum(self.ledger["amount_yuan"].to_numpy(dtype=np.int64)) if len(self.ledger) else 0  # exact, never wrapped

    def by_article(self) -> pd.DataFrame:
        """Awards and amount per article."""
        g = self.ledger.groupby("article", sort=True)
        return pd.DataFrame({"awards": g.size(), "amount_yuan": g["amount_yuan"].sum()}).reset_index()

    def by_firm(self) -> pd.DataFrame:
        g = self.ledger.groupby("firm_id", sort=True)
        return pd.DataFrame({"awards": g.size(), "amount_yuan": g["amount_yuan"].sum()}).reset_index()

    def to_dict(self) -> dict:
        """The documented JSON contract: {"awards": [...], "total_yuan": N, ...}."""
        def rec(df, cols):
            out = []
            for r in df[cols].to_dict("records"):
                out.append({k: _jsonable(v) for k, v in r.items()})
            return out
        aw_cols = ["firm_id", "year", "article", "item", "label_zh", "label_en", "event_code", "event_date",
                   "amount_yuan", "explanation_zh", "explanation_en"]
        led = self.ledger if "explanation_zh" in self.ledger else _explain.explain(self.ledger, self.policy, self.year)
        fees = self.fees
        if len(fees) and "explanation_zh" not in fees:  # assessed with explain=False: the sentences, as explain=True writes them
            texts = [_explain.fee_text(r, self.policy.item(r["item"])) for r in fees.to_dict("records")]
            fees = fees.assign(explanation_zh=[t[0] for t in texts], explanation_en=[t[1] for t in texts])
        return {
            "policy": self.policy.id,
            "year": self.year,
            "awards": rec(led, aw_cols),
            "total_yuan": self.total_yuan,
            "near_misses": [_money_gap(r, self.policy) for r in rec(self.near_misses, ["firm_id", "article", "item", "condition", "missing",
                                                                              "worth_yuan", "message_zh", "message_en"])],
            "undetermined": rec(self.undetermined, ["firm_id", "article", "item", "reason_zh", "reason_en"]),
            "excluded": rec(self.excluded, ["firm_id", "article", "item", "event_code", "event_date", "reason", "reason_zh", "reason_en"]),
            "fees": rec(fees, ["firm_id", "article", "item", "principal_yuan", "start", "end", "working_days", "fee_yuan", "explanation_zh", "explanation_en"]) if len(self.fees) else [],
            # article 21's awards to townships (乡镇（街道）), not to firms: beside total_yuan, never in it
            "township_awards": rec(self.township_awards, TOWNSHIP_JSON) if len(self.township_awards) else [],
            "readings": dict(self.readings),
        }

    def __repr__(self):
        return (f"<Assessment {self.policy.id} {self.year}: {len(self.ledger)} awards, total {wan(self.total_yuan)}, "
                f"{len(self.near_misses)} near-misses, {len(self.undetermined)} undetermined>")

    # Tables built on first read (issue 12: text only for results someone reads). :func:`assess` decides every
    # row and number; it leaves ``near_misses``, ``undetermined`` and ``excluded`` unset with a builder each
    # (``_later``), which the first read of the attribute calls and replaces by its frame, for good.
    def __getattr__(self, name):  # only reached for an attribute not set (when it was looked up)
        d = self.__dict__
        later = d.get("_later")
        build = later.get(name) if later else None
        if build is None:
            if name in d:  # another thread built it between that lookup and this one
                return d[name]
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        try:
            v = build()
        except AttributeError as e:  # not "no attribute": this would hide the real fault
            raise RuntimeError(f"building the {name} table failed: {e}") from e
        v = d.setdefault(name, v)  # another thread may have built it meanwhile: every reader gets the first
        later.pop(name, None)
        if not later:
            d.pop("_later", None)
        return v

    def _built(self) -> "Assessment":
        """Every table built (before pickling or copying: the state holds frames only)."""
        for name in list(self.__dict__.get("_later") or ()):
            getattr(self, name)
        self.__dict__.pop("_later", None)
        return self

    def __getstate__(self):
        return self._built().__dict__


def _jsonable(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, (pd.Timestamp, dt.date, np.datetime64)):
        return str(pd.Timestamp(v).date())
    return v


def assess(firms, events=None, financials=None, townships=None, *, year: int, policy=None,
           readings: Optional[Dict[str, str]] = None, near_miss_margin: float = NEAR_MISS_MARGIN,
           explain: bool = True, check_places: bool = True) -> Assessment:
    """Assess every firm for ``year``.

    ``firms`` may be a validated :class:`~kzpolicy.facts.Facts` (then the other tables
    are taken from it) or a DataFrame validated here. ``readings`` switches registered
    interpretations (see ``policy.interpretations``). ``explain=False`` skips the
    zh/en sentences (for large populations). ``check_places`` refuses input that
    selects more firms than a ranked item has places (article 2's top tens); turn it
    off only when the input stacks several independent populations (Monte Carlo runs).
    """
    pol = get_policy(policy)
    facts = as_facts(firms, events, financials, townships)
    year = _check_year(year, pol)
    rd = pol.readings(readings)
    ctx = Context(facts, pol, year, rd, near_miss_margin)
    out = _run(pol.items(), ctx)
    ctx.release()
    awards = award_frame(out.awards)  # the award lines as columns (kzpolicy/frames.py Columns)
    out.awards.clear()  # the parts are in the columns now
    if check_places:
        _check_places(awards, pol, year)
    excluded = out.excluded + [_not_in_policy(ctx)]
    # limits across items and years, on what was awarded (refused/undetermined/excluded lines never reach them)
    prior = _prior_awards(facts, pol, year, rd, near_miss_margin, ctx)
    awards, ex = _limits.apply(awards, ctx, prior, pol.derived(("limits",), lambda: _limits.ordered(pol)))
    excluded += ex
    ledger = _finish(awards, ctx, pol, consume=True, explain=explain)
    del awards
    a = Assessment(year=year, policy=pol, readings=rd, ledger=ledger, near_misses=None, undetermined=None,
                   excluded=None, fees=None, township_awards=_townships(out.townships, pol))
    # the four tables on first read (Assessment.__getattr__), from this call's own parts and what of the context
    # they read: the year and the firm_id column as a Series of its own (copy-on-write: an edit of the caller's frame
    # after assess, in place or not, leaves it as it was read); the articles come from the policy (_articles). The
    # fees' amounts are decided by their rule already; only their frame (and sentences) waits for a reader.
    firms = SimpleNamespace(firms={"firm_id": ctx.firms["firm_id"]}, year=ctx.year)
    excluded = [e for e in excluded if e is not None]
    later = a.__dict__.setdefault("_later", {})
    for name, parts, columns in (("near_misses", out.near, NEAR_COLUMNS), ("undetermined", out.undetermined, UNDET_COLUMNS),
                                 ("excluded", excluded, EXCL_COLUMNS)):
        del a.__dict__[name]
        later[name] = partial(_table, parts, columns, firms, pol)
    del a.__dict__["fees"]
    later["fees"] = partial(_fees, out.fees, firms, pol, explain)
    return a


#: columns :func:`_with_firm` turns into dates
_DATES = ("event_date",)


def _run(items, ctx) -> RuleOutput:
    out = RuleOutput()
    ctx.items = items = list(items)  # what this run assesses (a rule kind may decide several of its items together)
    for item in items:
        fn = rule(item.kind)
        if fn is not None:
            out.extend(fn(item, ctx))
    return out


_PRIOR_COLUMNS = ["fidx", "item", "event_date", "amount_yuan", "project", "year"]


def _prior_awards(facts: Facts, pol: Policy, year: int, rd, margin, ctx: Context) -> pd.DataFrame:
    """Award lines actually paid in earlier years for the items a limit looks back on (see kzpolicy/limits.py).

    The same facts are assessed for each earlier year from the first year with an event of
    those items: only those items and the limits among them, year by year, each year's paid
    lines feeding the next year's limits. Nothing when no such event is before ``year``.
    """
    empty = _NO_PRIOR.get("frame")
    if empty is None:
        empty = _NO_PRIOR["frame"] = _empty_objects(_PRIOR_COLUMNS)  # shared: nothing writes into it
    ids, lims = pol.derived(("lookback",), lambda: _limits.lookback_items(pol))
    if not ids or not len(ctx.events):
        return empty
    items = [it for it in pol.items() if it.id in ids]
    pos = ctx.positions({c for it in items for c in it.events})  # the events of those items (the context's code index)
    dates = ctx.events_at(pos)[1]
    early = dates < np.datetime64(f"{year}-01-01", "D")
    if not early.any():
        return empty
    first_policy_year = _first_date(pol).year
    y0 = max(int(dates[early].astype("datetime64[Y]").astype(int).min()) + 1970, first_policy_year)
    prior = empty
    for y in range(y0, year):
        cy = Context(facts, pol, y, rd, margin)
        aw = award_frame(_run(items, cy).awards)
        aw, _ = _limits.apply(aw, cy, prior, lims)
        if aw.n:
            aw = frame_of({**{c: aw[c] for c in _PRIOR_COLUMNS[:-1]}, "year": np.full(aw.n, y, dtype=np.int64)}, aw.n)
            prior = aw if not len(prior) else pd.concat([prior, aw], ignore_index=True)
    return prior


#: the empty frame of earlier years' awards (limits only read it)
_NO_PRIOR: dict = {}


def _not_in_policy(ctx: Context):
    """Events of the year whose code no item of the assessed policy has: reported, never silently dropped.

    An exclusion part (kzpolicy/frames.py), or None."""
    codes_of = ctx._codes[1]
    known = ctx.policy.policy_event_codes
    unknown = [c for c in codes_of if c not in known]  # a few distinct codes
    if not unknown:
        return None
    pos = ctx.positions(unknown)
    fidx, dates, codes = ctx.events_at(pos)
    m = (dates >= ctx.year_start) & (dates <= ctx.year_end)
    if not m.any():
        return None
    fidx, dates, codes = fidx[m], dates[m], codes[m]
    meta = ctx.policy.meta
    name_zh = meta.doc_no or meta.title.zh
    name_en = meta.doc_no or meta.title.en
    present, k = np.unique(ctx.ev_code_id[pos[m]], return_inverse=True)  # the sentences per distinct code
    label = [EVENT_CODES.get(codes_of[c]) for c in present.tolist()]
    texts = [_explain.not_in_policy(name_zh, name_en, lb.zh if lb else codes_of[c], lb.en if lb else codes_of[c])
             for c, lb in zip(present.tolist(), label)]
    zh = np.array([t[0] for t in texts], dtype=object)
    en = np.array([t[1] for t in texts], dtype=object)
    k = k.reshape(-1)
    return part(len(codes), {"fidx": fidx, "item": None, "event_code": codes, "event_date": dates,
                             "reason": "not_in_policy", "reason_zh": zh[k], "reason_en": en[k]})


def _first_date(pol: Policy) -> dt.date:
    """The policy's first dated value (once per policy). A policy with none (a selection of articles that pay
    nothing: eligibility rules, procedures) has nothing to assess: refused saying so, not a bare ``min()`` error."""
    def first():
        dates = [it.first_date for it in pol.items() if it.parameters]
        if not dates:
            raise ValueError(f"{pol.id}: article(s) {sorted(pol.articles)} pay nothing (no item with an amount, rate or "
                             "threshold), so there is nothing to assess; select articles that carry money, "
                             "e.g. get_policy().select(articles=[1, 3, 5])")
        return min(dates)
    return pol.derived(("first_date",), first)


def _check_year(year, pol: Policy) -> int:
    if isinstance(year, (bool, np.bool_)):  # int(True) is 1: a yes/no is not a year
        raise ValueError(f"year must be a whole number like 2023, got {year!r}")
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise ValueError(f"year must be a whole number like 2023, got {year!r}") from None
    first = _first_date(pol)
    if y < first.year:
        raise ValueError(f"year {y} is before the policy's first dated value ({first}); nothing in {pol.id} applies to it")
    if y > 2100:
        raise ValueError(f"year {y} is out of range")
    return y


def _check_places(awards, pol: Policy, year: int) -> None:
    """More firms selected than the item has places (e.g. 11 in a top ten) is an input error.
    ``awards``: the award lines (kzpolicy/frames.py Columns)."""
    limited = pol.derived(("places",), lambda: {it.id: it for it in pol.items()
                                                 if "places" in it.parameters and kinds.get(it.kind).events})
    if not limited or not awards.n:
        return
    code, uniq = awards.item_codes(_factorize)
    per = np.bincount(code[code >= 0], minlength=len(uniq))
    def over(item_id, n):
        places = limited[item_id].param("places").at(f"{year}-12-31") if item_id in limited else None
        return places is not None and n > places
    if not any(over(u, c) for u, c in zip(uniq, per.tolist())):
        return  # every ranked item within its places (the usual case), counted on the distinct items only
    item = pd.Series(awards["item"], dtype=object)
    counts = item[item.isin(list(limited))].value_counts()
    problems = []
    for item_id, n in counts.items():
        places = limited[item_id].param("places").at(f"{year}-12-31")
        if places is not None and n > places:
            problems.append(
                f"events: {n} firms have {'/'.join(limited[item_id].events)} in {year}, but {item_id} has "
                f"{int(places)} places (parameter {item_id}.places, 第{limited[item_id].article}条); check the selection list"
            )
    if problems:
        raise FactsError(problems)


def _finish(awards, ctx: Context, pol: Policy, consume: bool = False, explain: bool = False) -> pd.DataFrame:
    """The ledger from the award lines (kzpolicy/frames.py Columns; ``explain``: with the explanation columns,
    built with it in one frame). ``consume``: the engine's own lines, emptied column by column as the ledger is
    built (at a million firm-years the lines and the ledger are ~80 bytes per firm-year each)."""
    n = awards.n
    if not n:
        ledger = _finish_empty(awards, ctx)
        return _explain.explain(ledger, pol, ctx.year, copy=False) if explain else ledger
    if consume and n >= 10_000:
        def col(c):
            return awards.pop(c)
    else:
        def col(c):
            return awards[c]
    # item facts per distinct item, then taken for every line (a handful of items, many lines)
    code, uniq = awards.item_codes(_factorize)
    given = awards.given  # the lines a column may hold a value on (None: any line)
    col("item")  # read (and, consuming, dropped) like every other column
    meta = [pol.item(k) for k in uniq]
    def take(vals, dtype):
        return np.array(vals, dtype=dtype)[code]
    fidx = np.asarray(col("fidx"), dtype=np.int64)
    dates = np.asarray(col("event_date"))
    if dates.dtype.kind != "M" or np.datetime_data(dates.dtype)[0] not in ("s", "ms", "us", "ns"):
        dates = pd.to_datetime(dates).to_numpy()  # what to_datetime makes of them (award_frame gives seconds)
    article = take([m.article for m in meta], np.int64)
    # the ledger's order: firm id, article, item id, event date (no date last), stable
    item_rank = np.empty(len(uniq), dtype=np.int64)
    item_rank[np.argsort(np.asarray(uniq, dtype=object), kind="stable")] = np.arange(len(uniq))
    order = _ledger_order(ctx.firm_rank(fidx), article, item_rank[code], dates)
    def o(a):
        return a[order]
    inverse = []

    def where():  # each line's place in ledger order, built on first use
        if not inverse:
            inv = np.empty(n, dtype=np.intp)
            inv[order] = np.arange(n, dtype=np.intp)
            inverse.append(inv)
        return inverse[0]
    item_code = code[order]
    cols = {
        "firm_id": _take(_pandas_array(ctx.firms, "firm_id"), fidx[order]),
        "year": np.full(n, ctx.year, dtype=np.int64),
        "article": o(article),
        "item": _text_of(uniq, item_code),
        "kind": _text_of([m.kind for m in meta], item_code),
        "label_zh": _text_of([m.label.zh for m in meta], item_code),
        "label_en": _text_of([m.label.en for m in meta], item_code),
        "event_code": _text(col("event_code"), order, remember=True, given=given("event_code")),
        "event_date": dates[order],
        "amount_yuan": o(np.asarray(col("amount_yuan"), dtype=np.int64)),
        "basis_yuan": _int_column(col("basis_yuan"), order, where),
        "cap_applied": o(_flags(col("cap_applied"))),
        "project": _text(col("project"), order, given=given("project")),
    }
    for c, dtype in award_fields().items():
        v = col(c)
        if dtype == "object":
            cols[c] = _text(v, order, given=given(c))
        elif dtype == "Int64":
            cols[c] = _int_column(v, order, where)
        else:
            cols[c] = o(np.asarray(v, dtype=float)) if v.dtype != object else o(np.asarray(_numeric(v), dtype=float))
    if explain:  # the sentences read the columns the ledger is built of (kzpolicy/explain.py)
        cols["explanation_zh"], cols["explanation_en"] = _explain.sentences(cols, n, pol, ctx.year)
    return frame_of(cols, n)


def _ledger_order(firm, article, item, dates) -> np.ndarray:
    """The ledger's order: firm id, article, item id, event date (no date last), stable.

    Whole days (any real ledger): :func:`kzpolicy.frames.stable_order` of the four keys; else numpy's lexsort
    of the dates as they are.
    ``dates``: numpy datetime64 in s, ms, us or ns."""
    isna = np.isnat(dates)
    t = dates.view(np.int64)
    per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}.get(np.datetime_data(dates.dtype)[0])
    if per_day and len(t) and (t[~isna] % per_day == 0).all():
        days = t // per_day
        lo = days[~isna].min() if (~isna).any() else 0
        dk = np.where(isna, 0, days - lo)
        dk[isna] = dk.max() + 1  # no date: last
        return stable_order((firm, article, item, dk))
    d = t.copy()
    d[isna] = np.iinfo(np.int64).max
    return np.lexsort((d, item, article, firm))


def _factorize(a: np.ndarray):
    """``pd.factorize`` of an object array, hashing one value per run of equal neighbours (award lines come in
    runs of one item, one code, or no value at all); the same codes and uniques in order of first appearance."""
    if len(a) <= 64:  # a few lines: hashed in Python (frames.factorize), same codes and uniques
        return _pd_factorize(a)
    try:
        change = np.empty(len(a), dtype=bool)
        change[0] = True
        np.not_equal(a[1:], a[:-1], out=change[1:])
    except (TypeError, ValueError):  # values that do not compare (pd.NA): hash every value
        return pd.factorize(a)
    starts = np.flatnonzero(change)
    hc, uniq = pd.factorize(a[starts])
    return np.repeat(hc, np.diff(np.append(starts, len(a)))), uniq


def _text(v: np.ndarray, order: np.ndarray, remember: bool = False, given=None):
    """A text column (objects, None where missing) in ledger order, as the DataFrame constructor would type it
    (text dtype, NaN where missing; object None when nothing is given), from its distinct values instead of
    checking every line. ``remember``: codes (kept between assessments by :func:`kzpolicy.frames.text_of`),
    not a firm's own texts. ``given``: the lines that may hold a value (kzpolicy/frames.py Columns.given; the
    others are None), or None: only those are read."""
    v = np.asarray(v, dtype=object)
    at = None if given is None else np.flatnonzero(given)
    if at is not None and not len(at):
        return np.full(len(order), None, dtype=object)
    if not remember:  # a firm's own texts (projects: mostly distinct): typed in one pass, not hashed value by value
        typed = pd.api.types.infer_dtype(v if at is None else v[at], skipna=True)  # missing values skipped
        if typed == "empty":
            return np.full(len(order), None, dtype=object)
        if typed == "string":
            x = v[order]
            miss = pd.isna(x)
            if miss.any():
                x[miss] = None  # missing text: None for Arrow (a missing value, NaN in the column)
            return _str_array(x)
    if at is None:
        codes, uniq = _factorize(v)
    else:
        codes = np.full(len(v), -1, dtype=np.intp)
        codes[at], uniq = _factorize(v[at]) if len(at) < len(v) else _factorize(v)
    if not len(uniq):
        return np.full(len(order), None, dtype=object)
    if not all(isinstance(u, str) for u in uniq):
        x = v[order]
        x[pd.isna(x)] = None  # missing text is None (never NaN)
        return pd.Series(x, copy=False)  # typed as the frame constructor types objects
    return _text_of(uniq, codes[order], remember=remember)


def _flags(v: np.ndarray) -> np.ndarray:
    """A yes/no award column as booleans, missing as no."""
    return v if v.dtype == bool else pd.Series(v).fillna(False).to_numpy(dtype=bool)


def _int_column(v, order: np.ndarray, where=None):
    """An integer award column (Int64: <NA> where a kind does not fill it) in ledger order.

    ``where``: a function giving each line's place in ledger order (the inverse of ``order``, built once for all
    columns). A column missing on most lines (a kind's own field) is then written at its known lines only, over
    zeros (no pages written for the rest: ~25 MB per column at 10M firm-years) — the same values and mask as the take."""
    if isinstance(v.dtype, pd.Int64Dtype):
        if isinstance(v, pd.arrays.IntegerArray) and len(v) == len(order) and v._mask.all() and not v._data.any():
            # no line has it (another kind's field): <NA> over zeros, as the take gives them, without the take
            return pd.arrays.IntegerArray(np.zeros(len(order), dtype=np.int64), np.ones(len(order), dtype=bool))
        if where is not None and isinstance(v, pd.arrays.IntegerArray) and len(order) >= _SPARSE_MIN:
            known = np.flatnonzero(~v._mask)
            if len(known) * 4 < len(order) and np.count_nonzero(v._data) == np.count_nonzero(v._data[known]):
                data, mask = np.zeros(len(order), dtype=np.int64), np.ones(len(order), dtype=bool)
                at = where()[known]  # missing lines hold 0 under the mask, as the take gives them
                data[at], mask[at] = v._data[known], False
                return pd.arrays.IntegerArray(data, mask)
        return v.take(order)
    return pd.array(_numeric(np.asarray(v))[order], dtype=pd.Int64Dtype())


#: from this many lines a mostly missing integer column is written at its known lines only (see _int_column)
_SPARSE_MIN = 100_000


def _numeric(arr: np.ndarray):
    """``pd.to_numeric`` of a column of numbers and None, without its per-value loop where possible.

    With a missing value, to_numeric returns float64 anyway; a float conversion is
    exact below 2**53 (yuan amounts are validated far below that). Otherwise, or
    when in doubt, to_numeric itself.
    """
    if arr.dtype == object and len(arr):
        try:
            f = arr.astype(np.float64)
        except (TypeError, ValueError):
            return pd.to_numeric(arr, errors="raise")
        nan = np.isnan(f)
        if nan.any() and (nan.all() or np.abs(f[~nan]).max() < 2.0 ** 53):
            return f
    return pd.to_numeric(arr, errors="raise")


def _finish_empty(awards, ctx: Context) -> pd.DataFrame:
    out = pd.DataFrame({
        "firm_id": np.array([], dtype=object), "year": np.array([], dtype=np.int64), "article": np.array([], dtype=np.int64),
        "item": np.asarray(awards["item"], dtype=object), "kind": np.array([], dtype=object),
        "label_zh": np.array([], dtype=object), "label_en": np.array([], dtype=object),
        "event_code": np.asarray(awards["event_code"], dtype=object), "event_date": pd.to_datetime([]),
        "amount_yuan": np.array([], dtype=np.int64),
    })
    out["basis_yuan"] = pd.array([], dtype="Int64")
    out["cap_applied"] = np.array([], dtype=bool)
    out["project"] = np.asarray(awards["project"], dtype=object)
    for c, dtype in award_fields().items():
        out[c] = (np.array([], dtype=object) if dtype == "object" else pd.array([], dtype="Int64") if dtype == "Int64"
                  else np.array([], dtype=float))
    return out


def _table(parts, columns, ctx: Context, pol: Policy) -> pd.DataFrame:
    """An output table (near-misses, cannot-decide, exclusions) from the rules' parts, firm_id/year/article in front
    (a column left for later, :class:`kzpolicy.rules.common.Later`, written now)."""
    for p in parts:
        for c, v in p.items():
            if isinstance(v, Later):
                p[c] = v()
    data = table_columns(parts, columns, dates=_DATES)
    if data is None:
        key = ("table", *columns)
        if key not in _EMPTY:
            _EMPTY[key] = _with_firm(_empty_objects(columns), ctx, pol)  # no row: nothing of ctx or pol in it
        return _EMPTY[key].copy()
    return _with_firm(data, ctx, pol)


_EMPTY: dict = {}


def _empty_objects(columns) -> pd.DataFrame:
    """An empty frame of object ``columns`` (a fresh copy of one built once: building one costs ~0.7 ms)."""
    key = tuple(columns)
    if key not in _EMPTY:
        _EMPTY[key] = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    return _EMPTY[key].copy()


def _articles(ctx: Context, pol: Policy) -> dict:
    """{item id: article number} of the assessed policy (once per policy)."""
    return pol.derived(("articles",), lambda: {it.id: it.article for it in pol.items()})


def _np(v) -> np.ndarray:
    return v if isinstance(v, np.ndarray) else v.to_numpy()


def _with_firm(df, ctx: Context, pol: Policy) -> pd.DataFrame:
    """firm_id, year and article in front of a rule output table (fidx dropped), built as one frame.

    ``df``: a frame, or the columns of :func:`kzpolicy.frames.table_columns` (as the frame built of them holds them)."""
    is_frame = isinstance(df, pd.DataFrame)
    n = len(df) if is_frame else len(df["fidx"])
    if n:
        fidx = _np(df["fidx"]).astype(np.int64, copy=False)
        item = df["item"]  # text (factorized in its own storage) or objects (None where no item)
        code, uniq = _pd_factorize(_np(item).astype(object, copy=False) if item.dtype == object else
                                   (item.array if isinstance(item, pd.Series) else item))
        arts = _articles(ctx, pol)
        per = [arts.get(u) for u in uniq]
        # an event no item of the policy has (reason not_in_policy) has no article: <NA>, never a made-up number
        if (code >= 0).all() and all(a is not None for a in per):
            art = np.array(per, dtype=np.int64)[code]
        else:
            vals = np.array([0 if a is None else a for a in per] + [0], dtype=np.int64)
            missing = np.array([a is None for a in per] + [True], dtype=bool)
            art = pd.arrays.IntegerArray(vals[code], missing[code])  # code -1: the appended <NA>
        cols = {"firm_id": _take(ctx.firms["firm_id"].array, fidx), "year": np.full(n, ctx.year, dtype=np.int64), "article": art}
    else:
        cols = {"firm_id": np.array([], dtype=object), "year": np.array([], dtype=np.int64), "article": np.array([], dtype=np.int64)}
    for c in (df.columns if is_frame else list(df)):
        if c in ("fidx", "firm_id", "year", "article"):
            continue
        v = df[c]
        if c == "event_date" and n:  # dates in seconds (table_columns' dates) kept as they are, as to_datetime would
            cols[c] = v if isinstance(v, np.ndarray) and v.dtype == "datetime64[s]" else _to_dates(_np(v))
        elif v.dtype == object:  # kept as object (frame_of does not re-type text)
            cols[c] = _np(v)
        else:
            cols[c] = v.array if isinstance(v, pd.Series) else v
    return frame_of(cols, n)


_NO_DATE: list = []


def _to_dates(v: np.ndarray):
    """``pd.to_datetime(v)``; a column of None only as the NaT column to_datetime makes of it (its unit read once)."""
    if v.dtype == object and len(v) and v[0] is None and (v == None).all():  # noqa: E711  (None, not NaN)
        if not _NO_DATE:
            _NO_DATE.append(pd.to_datetime(np.array([None], dtype=object)).dtype)
        return np.full(len(v), np.datetime64("NaT"), dtype=_NO_DATE[0])
    return pd.to_datetime(v)


def _fees(parts, ctx, pol, explain) -> pd.DataFrame:
    """The fees table from the fee rules' parts (kzpolicy/frames.py: joined as a DataFrame per part, concatenated)."""
    cols = ["firm_id", "year", "article", "item", "event_code", "event_date", "principal_yuan", "start", "end",
            "working_days", "daily_rate", "fee_yuan"]
    df = table_columns(parts, ["fidx"] + cols[3:])
    if df is None:
        return _empty_objects(cols + ["explanation_zh", "explanation_en"])
    n = len(df["fidx"])
    # one frame: firm_id (objects, typed by the constructor as before), year, article, then the kind's columns
    arts = _articles(ctx, pol)
    items = _tolist(df["item"])
    fid = _take(_pandas_array(ctx.firms, "firm_id"), np.asarray(df["fidx"], dtype=np.int64))
    if fid.dtype != pd.StringDtype(na_value=np.nan):  # what the constructor makes of the objects; else it decides
        fid = pd.Series(fid.to_numpy(dtype=object), copy=False)
    data = {"firm_id": fid,
            "year": np.full(n, ctx.year, dtype=np.int64),
            "article": np.array([arts[i] for i in items], dtype=np.int64)}
    for c in cols[3:]:
        data[c] = df[c]
    if explain:  # each line as to_dict("records") gives it (Python values), from the column lists
        texts = [_explain.fee_text(r, pol.item(r["item"])) for r in _explain.rows(_explain._Lists(data), n)]
        data["explanation_zh"] = _explain.text_array([t[0] for t in texts])
        data["explanation_en"] = _explain.text_array([t[1] for t in texts])
    return frame_of(data, n)


def _money_gap(r: dict, pol: Policy) -> dict:
    """A near miss for the JSON contract: a gap in yuan is an integer, even where the table's column holds a share of
    another condition too (which makes the column float: ``100000.0``). A near miss's condition is the parameter it
    misses; the item's kind declares that parameter's unit (kzpolicy/rules/<kind>.py)."""
    m = r.get("missing")
    if isinstance(m, float) and m.is_integer() and r.get("item"):
        param = kinds.get(pol.item(r["item"]).kind).params.get(r.get("condition"))
        if param is not None and "yuan" in param.units:
            r["missing"] = int(m)
    return r


#: the JSON contract's township award fields (``Assessment.to_dict``)
TOWNSHIP_JSON = ["township", "year", "rank", "item", "amount_yuan", "explanation_zh", "explanation_en"]


def _townships(frames, pol) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    cols = ["township", "year", "rank", "item", "amount_yuan"]
    if not frames:
        return _empty_objects(cols)
    df = pd.concat(frames, ignore_index=True).sort_values(["year", "rank"]).reset_index(drop=True)
    texts = [_explain.explain_line(r, pol.item(r["item"]), r["year"], pol) for r in df.to_dict("records")]
    df["explanation_zh"] = [t[0] for t in texts]
    df["explanation_en"] = [t[1] for t in texts]
    return df


def _first_year(pol: Policy, rd, item) -> str:
    """Switch first_year of a budget line (set by the interpretation the item names, else the kind's default)."""
    from .kinds import get
    iid = pol.switch_source(item.id, "first_year")
    return pol.interpretations[iid].readings[rd[iid]].value if iid else get(item.kind).switches["first_year"].default


def budget_lines(policy=None, years=(2023,), readings: Optional[Dict[str, str]] = None) -> pd.DataFrame:
    """Fixed annual budget lines (articles 6 and 22) for fiscal totals; not awards to a firm.

    In the publication year the full amount is booked, or a share by days from publication
    under the switch first_year=pro_rata (rounded once, half up).
    """
    pol = get_policy(policy)
    rd = pol.readings(readings)
    eff = pol.meta.effective
    rows = []
    for it in pol.items():
        k = kinds.get(it.kind)
        if k.assessed or not k.money:  # budget lines: money the district books, not computed per firm
            continue
        for y in years:
            vals, ok = it.param("amount").at_many(np.array([f"{y}-12-31"], dtype="datetime64[D]"))
            if ok[0] and not np.isnan(vals[0]):
                amount = int(vals[0])
                basis = "full_year"
                if eff is not None and int(y) == eff.year and _first_year(pol, rd, it) == "pro_rata":
                    days_in = (dt.date(eff.year, 12, 31) - eff).days + 1
                    days_year = (dt.date(eff.year, 12, 31) - dt.date(eff.year, 1, 1)).days + 1
                    amount = int(mul_round(amount, Fraction(days_in, days_year)))
                    basis = f"pro_rata {days_in}/{days_year}"
                rows.append({"year": int(y), "article": it.article, "item": it.id, "label_zh": it.label.zh,
                             "label_en": it.label.en, "amount_yuan": amount, "basis": basis})
    return pd.DataFrame(rows, columns=["year", "article", "item", "label_zh", "label_en", "amount_yuan", "basis"])
