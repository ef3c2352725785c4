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


def _labels(masks: np.ndarray, labels) -> np.ndarray:
    """For a (conditions × firms) mask, each firm's labels joined by '; '.

    Each firm's set of conditions is coded as a bit pattern; the text is built once per
    distinct pattern (at most 2^k), not once per firm.
    """
    k, n = masks.shape
    if n == 0:
        return np.array([], dtype=object)
    code = (masks.astype(np.int64) << np.arange(k, dtype=np.int64)[:, None]).sum(axis=0)
    uniq, inv = np.unique(code, return_inverse=True)
    texts = np.array(["; ".join(lab for i, lab in enumerate(labels) if (u >> i) & 1) for u in uniq.tolist()], dtype=object)
    return texts[inv]


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
        raise ValueError(f"rule {rule_id} applies from {eff} (measure (24): from the date of publication); "
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
    status_zh = np.where(yes, STATUS_ZH["eligible"], np.where(no, STATUS_ZH["not_eligible"], STATUS_ZH["unknown"])).astype(object)
    zh, en = [c.zh for c in rule.conditions], [c.en for c in rule.conditions]
    met, failed, missing = _labels(true_, zh), _labels(false_, zh), _labels(~K, zh)
    failed_en, missing_en = _labels(false_, en), _labels(~K, en)
    eligible = pd.arrays.BooleanArray(status == "eligible", status == "unknown")
    return pd.DataFrame({
        "firm_id": facts.firms["firm_id"].to_numpy(dtype=object),
        "rule": rule_id,
        "on": str(day),
        "eligible": eligible,
        "status": status,
        "status_zh": status_zh,
        "met": met, "failed": failed, "missing": missing,
        "failed_en": failed_en, "missing_en": missing_en,
    }, columns=RESULT_COLUMNS)


def check_all(facts_or_firms, on: Union[str, dt.date], policy=None) -> pd.DataFrame:
    """:func:`check` for every eligibility rule of the policy, stacked."""
    pol = get_policy(policy)
    facts = _facts(facts_or_firms)
    frames = [check(facts, r.id, on, pol) for r in pol.eligibility_rules()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RESULT_COLUMNS)
