"""Rule kinds and their switches, declared once.

A **kind** is one kind of clause (对新认定的……一次性奖励X万元; 投资……及以上、进度……以上的，按X%补助; …).
It is declared once, as :class:`Kind`, in the module that implements it
(``kzpolicy/rules/<kind>.py``: the declaration ``KIND`` beside the vectorised
``assess``). The declaration says

* which **parameters** an item of the kind has, each with its *role* (amount, rate,
  floor, cap, count, …) and unit — the loader checks items against it, compare and
  the book read the roles;
* which **ledger fields** its award lines fill, under explicit names;
* which **switches** its rules ask for (``ctx.switch(item, "crossing")``) and the values
  each may take — an interpretation in ``interpretations.yaml`` names the switch it sets
  and each of its readings the value; the loader refuses a reading whose value the
  switch does not know and a switch value no reading reaches;
* its **statute shape** for the book, and the sentences of :mod:`kzpolicy.explain`.

Switches every event-triggered kind shares (the date window, once-rules, requirements)
are :data:`COMMON_SWITCHES`; switches of cross-item limits are declared by the limit
kinds in :mod:`kzpolicy.limits`. Generic code never names one policy's interpretation
ids or reading names: it names switches and values, which are the same for every policy.

Adding a kind: write ``kzpolicy/rules/<kind>.py`` with ``KIND = Kind(...)`` and
``assess(item, ctx)`` (the registry finds every module there that declares ``KIND``),
and add YAML cases.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import import_module
from typing import Callable, Dict, Optional, Tuple

#: the order the book lists the kinds in; any other module of kzpolicy/rules/ that declares ``KIND`` follows
KIND_MODULES = (
    "event_award", "ladder", "milestone", "investment", "rd_subsidy", "listing", "working_day_fee",
    "ranked", "budget_line", "reference", "referral",
)


@dataclass(frozen=True)
class Switch:
    """A decision a rule leaves to the interpretation registry.

    ``values``: what the switch may be; ``default``: its value when no registered
    interpretation sets it (``None``: the rule takes the parameter's own boundary or
    the text's plain reading, as its docstring says). ``scope``: ``item`` — set by an
    interpretation the item names; ``policy`` — set by an interpretation that names no
    item (e.g. the policy's publication-date window), for every item.
    """

    values: Tuple[str, ...]
    default: Optional[str]
    zh: str
    en: str
    scope: str = "item"

    def __post_init__(self):
        if self.default is not None and self.default not in self.values:
            raise ValueError(f"switch default {self.default!r} is not one of {self.values}")


@dataclass(frozen=True)
class P:
    """A parameter of a kind: its role (what it is in the sentence), unit(s), and whether it may be left out."""

    role: str            # amount | rate | floor | threshold | ceiling | cap | places | progress | rate2 | note
    units: Tuple[str, ...]
    optional: bool = False
    zh: str = ""
    en: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    params: Dict[str, P]
    #: triggered by events (the item lists event codes) — else computed per firm from its facts, or not assessed
    events: bool
    #: computed per firm by the engine (False: documentation or fiscal envelopes)
    assessed: bool = True
    #: its lines are awards (money to a firm or township); False: a fee the firm pays, or not assessed
    awards: bool = True
    #: the district spends money under it (False: a quoted higher-level rule or a referral)
    money: bool = True
    #: ledger fields this kind fills, explicit name -> (dtype, zh, en)
    fields: Dict[str, Tuple[str, str, str]] = field(default_factory=dict)
    switches: Dict[str, Switch] = field(default_factory=dict)
    #: fields an item of this kind must also set (e.g. ladder rungs: rank and group)
    item_fields: Tuple[str, ...] = ()
    #: the statute's sentence shape (book), zh · en
    shape_zh: str = ""
    shape_en: str = ""
    #: short zh statement of an item's amount (compare tables), from the item's values by role
    amount_text_zh: Optional[Callable] = None
    #: the sentence a user reads for one award (or fee) line: explain(row, item, amount, limited) -> (zh, en);
    #: the kind's near-miss and exclusion sentences are in the same module, beside its assess()
    explain: Optional[Callable] = None
    #: optional, the same sentences for many lines at once: explain_many(cols, item, amounts) -> (zh, en) arrays,
    #: ``cols[name]`` a ledger column at those lines (never lines a cross-item limit cut); text identical to explain's
    explain_many: Optional[Callable] = None
    #: the vectorised rule: assess(item, ctx) -> RuleOutput (None when not assessed)
    assess: Optional[Callable] = None

    def required(self):
        return {k for k, p in self.params.items() if not p.optional}

    def allowed(self):
        return set(self.params)

    def role(self, role: str) -> Optional[str]:
        """The parameter that plays ``role`` (first declared), or None."""
        return next((k for k, p in self.params.items() if p.role == role), None)


#: switches of the engine's event selection and of the requirements, for every event-triggered item
COMMON_SWITCHES: Dict[str, Switch] = {
    "window_open": Switch(("publication", "year_start"), "publication",
                          "适用日期：公布之日起，或公布当年1月1日起", "from when events count: publication day, or 1 January of that year",
                          scope="policy"),
    "window_scope": Switch(("sentence", "article"), "sentence",
                           "条文中某句设定的期间只适用于该句，或适用于全条", "a window one sentence sets applies to that sentence only, or to the whole article"),
    "once_counts": Switch(("any_date", "window"), "any_date",
                          "一次性奖励：此前任何一次都算已享受，或只计适用日期以来", "one-off awards: any earlier event uses it up, or only events in the window"),
    "booking_year": Switch(("event_year", "publication_year"), "event_year",
                           "公布前窗口内的事项计入事项年度，或公布年度", "events of a window before publication are booked in their own year, or the publication year"),
    "existing_firm_cut": Switch(("year_start", "event_date"), "year_start",
                                "“存量企业”：投资年度1月1日前成立，或投资日期前成立", "'existing firm': established before 1 January of the year, or before the event"),
    "industrial_scope": Switch(("statistical",), "statistical",
                               "“工业企业”：统计口径（采矿业、制造业、电力热力燃气及水）", "'industrial firm': the statistical sections B, C, D"),
    "selection": Switch(("input",), "input", "评选结果为输入", "the selection is an input"),
    "unnamed_industry": Switch(("any_firm", "industrial"), "any_firm",
                               "原文未限定行业的项：任何企业，或仅工业企业（政策以工业为对象）",
                               "a measure that names no industry: any firm, or industrial firms only (the policy is industrial)"),
}


@lru_cache(maxsize=1)
def registry() -> Dict[str, Kind]:
    """name -> :class:`Kind`, from the modules in :data:`KIND_MODULES` (imported on first use)."""
    import pkgutil

    from . import rules
    found = [m.name for m in pkgutil.iter_modules(rules.__path__) if m.name != "common"]
    out: Dict[str, Kind] = {}
    for mod in list(KIND_MODULES) + sorted(set(found) - set(KIND_MODULES)):
        m = import_module(f"kzpolicy.rules.{mod}")
        if not hasattr(m, "KIND"):
            continue
        k = replace(m.KIND, assess=getattr(m, "assess", None))
        if k.assessed != (k.assess is not None):
            raise ValueError(f"kzpolicy/rules/{mod}.py: kind {k.name} is {'' if k.assessed else 'not '}assessed, "
                             f"so it {'needs' if k.assessed else 'must not have'} an assess(item, ctx)")
        if k.name in out:
            raise ValueError(f"rule kind {k.name!r} is declared twice")
        for s in k.switches:
            if s in COMMON_SWITCHES:
                raise ValueError(f"kind {k.name}: switch {s!r} is already a common switch")
        out[k.name] = k
    return out


def get(name: str) -> Kind:
    reg = registry()
    try:
        return reg[name]
    except KeyError:
        raise KeyError(f"unknown rule kind {name!r}; known kinds: {sorted(reg)}") from None


def names() -> Tuple[str, ...]:
    return tuple(registry())
