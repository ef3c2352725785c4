"""Eligibility checks for the articles that grant access, not money (13, 14, 15).

An eligibility rule in the policy data (``policy.eligibility_rules()``) lists
conditions; each names either a firm ``field`` (a yes/no fact in the firms table)
or an ``event`` code prefix (``srdi`` matches ``srdi.little_giant.national`` …).
:func:`check` answers, for every firm at once, whether it meets the rule on a
date: True, False or unknown (NA) — a yes/no fact that was not given makes the
answer unknown, never "no". Events count up to and including the date.
"""
from __future__ import annotations

import datetime as dt
from typing import Union

import numpy as np
import pandas as pd

from .facts import INDUSTRIAL, FIRM_FIELDS, Facts, as_facts, profile_to_facts
from .policy import Eligibility, get_policy

#: firm facts that are derived from other fields rather than given as yes/no columns
DERIVED_FIELDS = {"industrial": "industry in (manufacturing, mining, utilities)"}
BOOL_FIELDS = tuple(f.name for f in FIRM_FIELDS if f.type == "bool")
STATUS_ZH = {"eligible": "符合", "not_eligible": "不符合", "unknown": "无法判断"}

RESULT_COLUMNS = ["firm_id", "rule", "on", "eligible", "status", "status_zh",
                  "met", "failed", "missing", "failed_en", "missing_en"]


def _facts(data) -> Facts:
    if isinstance(data, dict):
        return profile_to_facts(data, name="profile")
    return as_facts(data)


def _date(on) -> np.datetime64:
    if isinstance(on, dt.datetime):
        on = on.date()
    if isinstance(on, str):
        try:
            on = dt.date.fromisoformat(on)
        except ValueError:
            raise ValueError(f"on={on!r} is not a date; write it as YYYY-MM-DD, e.g. '2023-09-01'") from None
    if not isinstance(on, dt.date):
        raise ValueError(f"on must be a date (YYYY-MM-DD), got {type(on).__name__}")
    return np.datetime64(on, "D")


def _field(facts: Facts, name: str, rule_id: str):
    """(value, known) boolean arrays over firms for a condition's firm field."""
    firms = facts.firms
    if name == "industrial":
        return np.isin(firms["industry"].to_numpy(dtype=object), list(INDUSTRIAL)), np.ones(len(firms), bool)
    if name not in BOOL_FIELDS:
        raise ValueError(f"rule {rule_id}: condition field {name!r} is not a yes/no firm field; "
                         f"allowed: {sorted(BOOL_FIELDS) + sorted(DERIVED_FIELDS)}")
    s = firms[name]
    known = ~s.isna().to_numpy()
    return s.fillna(False).to_numpy(dtype=bool), known


def _event(facts: Facts, prefix: str, on: np.datetime64) -> np.ndarray:
    """Firms with an event whose code is ``prefix`` or starts with ``prefix.``, on or before ``on``."""
    ev, n = facts.events, len(facts.firms)
    if not len(ev):
        return np.zeros(n, bool)
    codes = ev["code"].astype(str)
    hit = ((codes == prefix) | codes.str.startswith(prefix + ".")).to_numpy() & \
        (ev["date"].to_numpy(dtype="datetime64[D]") <= on)
    fidx = pd.Index(facts.firms["firm_id"]).get_indexer(ev["firm_id"])
    return np.bincount(fidx[hit], minlength=n) > 0


def _join(acc: np.ndarray, mask: np.ndarray, label: str) -> np.ndarray:
    """Append ``label`` to the text of the rows in ``mask`` (one pass per condition, not per row)."""
    empty = acc == ""
    out = acc.copy()
    out[mask & empty] = label
    out[mask & ~empty] = acc[mask & ~empty] + "; " + label
    return out


def check(facts_or_firms, rule_id: str, on: Union[str, dt.date], policy=None) -> pd.DataFrame:
    """Every firm against eligibility rule ``rule_id`` (e.g. ``"art13.zhugongdai"``) on date ``on``.

    Returns one row per firm: ``eligible`` (True / False / NA for unknown), ``status``
    (eligible | not_eligible | unknown), and the conditions met, failed and missing
    (zh labels; ``*_en`` in English).
    """
    pol = get_policy(policy)
    rule: Eligibility = pol.eligibility(rule_id)
    day = _date(on)
    eff = pol.meta.effective
    if eff is not None and day < np.datetime64(eff, "D"):
        raise ValueError(f"rule {rule_id} applies from {eff} (article 24: from the date of publication); "
                         f"asked for {day}")
    facts = _facts(facts_or_firms)
    n = len(facts.firms)
    vals, knowns = [], []
    for c in rule.conditions:
        if c.field is not None:
            v, k = _field(facts, c.field, rule_id)
        else:
            v, k = _event(facts, c.event, day), np.ones(n, bool)
        vals.append(v)
        knowns.append(k)
    V, K = np.array(vals).reshape(len(vals), n), np.array(knowns).reshape(len(vals), n)
    true_ = V & K
    false_ = ~V & K
    if rule.mode == "all":
        yes = true_.all(axis=0)
        no = false_.any(axis=0)
    else:
        yes = true_.any(axis=0)
        no = false_.all(axis=0)
    status = np.where(yes, "eligible", np.where(no, "not_eligible", "unknown")).astype(object)
    met, failed, missing = (np.full(n, "", dtype=object) for _ in range(3))
    failed_en, missing_en = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    for c, t, f, k in zip(rule.conditions, true_, false_, K):
        met = _join(met, t, c.zh)
        failed = _join(failed, f, c.zh)
        missing = _join(missing, ~k, c.zh)
        failed_en = _join(failed_en, f, c.en)
        missing_en = _join(missing_en, ~k, c.en)
    eligible = pd.array(np.where(status == "unknown", None, status == "eligible").tolist(), dtype="boolean")
    return pd.DataFrame({
        "firm_id": facts.firms["firm_id"].to_numpy(dtype=object),
        "rule": rule_id,
        "on": str(day),
        "eligible": eligible,
        "status": status,
        "status_zh": pd.Series(status).map(STATUS_ZH).to_numpy(dtype=object),
        "met": met, "failed": failed, "missing": missing,
        "failed_en": failed_en, "missing_en": missing_en,
    }, columns=RESULT_COLUMNS)


def check_all(facts_or_firms, on: Union[str, dt.date], policy=None) -> pd.DataFrame:
    """:func:`check` for every eligibility rule of the policy, stacked."""
    pol = get_policy(policy)
    facts = _facts(facts_or_firms)
    frames = [check(facts, r.id, on, pol) for r in pol.eligibility_rules()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RESULT_COLUMNS)
