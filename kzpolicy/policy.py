"""Load and validate policy folders; look up dated parameters.

A policy is a folder: ``policy.yaml`` (metadata), ``articles/artNN_slug.yaml``
(text, items, eligibility) and ``interpretations.yaml`` (the registry of
readings). Every key is checked: an unknown or misplaced key is an error, a
duplicated YAML key is an error, and every item must carry a citation, a label
and dated values with units. Nothing here imports the engine.
"""
from __future__ import annotations

import copy
import datetime as dt
import math
import re
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Literal, Optional, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import yamlio
from .money import MAX_COUNT, MAX_DAILY_RATE, MAX_YUAN, MoneyError, exact_float

POLICIES_DIR = Path(__file__).parent / "policies"
DEFAULT_POLICY = "kaizhou_2023_27"


class PolicyError(ValueError):
    """The policy data is malformed. The message names the file and the key path."""


class NotInForce(ValueError):
    """A parameter was asked for a date before its first value."""


# --------------------------------------------------------------------------- YAML
def load_yaml(path: Path) -> Any:
    """The package's one safe YAML loader (:mod:`kzpolicy.yamlio`); a problem is a :class:`PolicyError`."""
    try:
        return yamlio.load(path)
    except yamlio.YamlError as e:
        raise PolicyError(str(e)) from None


# --------------------------------------------------------------------------- models
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)  # schemas built on first validation


class Text(_Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Cite(_Strict):
    article: int = Field(ge=1)
    clause: int = Field(ge=1)
    quote: str = Field(min_length=2)


Unit = Literal["yuan", "yuan_per_year", "ratio", "ratio_per_working_day", "count"]


#: the statute's boundary words and what each means for its own number (《民法典》第1259条:
#: 以上、以下、以内、届满 include it; 不满、超过、以外 do not). 突破 ("breaks through") is read like
#: 超过; 不超过 and 不高于 are the negation of an exclusive word, so they include the number.
BOUNDARY_WORDS = {
    "及以上": "inclusive", "以上": "inclusive", "以下": "inclusive", "以内": "inclusive", "达到": "inclusive",
    "不超过": "inclusive", "不高于": "inclusive", "不低于": "inclusive", "最高": "inclusive",
    "超过": "exclusive", "不满": "exclusive", "突破": "exclusive", "以外": "exclusive", "低于": "exclusive",
}
BoundaryWord = Literal[tuple(BOUNDARY_WORDS)]  # type: ignore[valid-type]


class Param(_Strict):
    """A dated parameter: ``values`` maps a start date to the value in force from then on.

    A boundary parameter (a floor, threshold, ceiling, cap or upper-bound rate) keeps the
    statute's ``word`` beside it (及以上, 以上, 以下, 不满, 超过, 不超过, 不高于, 突破); where its
    ``boundary`` departs from the word's legal meaning, ``boundary_reading`` names the registered
    interpretation that says why. A null value is either "the text sets none" (``no_cap: true``)
    or, in a compared policy, "the figure was not read" (the item's ``status``) — never both.
    """

    unit: Unit
    values: Dict[dt.date, Optional[Union[int, float]]]
    boundary: Optional[Literal["inclusive", "exclusive"]] = None
    bound: Optional[Literal["upper"]] = None
    word: Optional[BoundaryWord] = None
    boundary_reading: Optional[str] = None
    no_cap: bool = False
    note: Optional[Text] = None

    @field_validator("values", mode="before")
    @classmethod
    def _no_booleans(cls, v):
        # before pydantic's lax mode turns true into 1 (a rate of 100%): refused as written
        if isinstance(v, dict):
            v = dict(v)
            for d, x in v.items():
                if isinstance(x, (bool, np.bool_)):
                    raise ValueError(f"value for {d} is a boolean ({x}); give a number or null")
                if isinstance(x, (Fraction, Decimal)):  # kept exact: money.as_fraction gives the fraction back
                    try:
                        v[d] = exact_float(x)
                    except MoneyError as e:
                        raise ValueError(f"value for {d}: {e}") from None
        return v

    @field_validator("values")
    @classmethod
    def _values(cls, v):
        if not v:
            raise ValueError("needs at least one dated value, e.g. {2023-05-30: 200000}")
        for d, x in v.items():
            if isinstance(x, bool):
                raise ValueError(f"value for {d} is a boolean; give a number or null")
            if x is not None and not math.isfinite(x):
                raise ValueError(f"value for {d} is {x}; give a finite number, or null if the text sets none")
            if x is not None and x < 0:
                raise ValueError(f"value for {d} is negative ({x}); amounts and rates are ≥ 0")
        return dict(sorted(v.items()))

    @model_validator(mode="after")
    def _units(self):
        for d, x in self.values.items():
            if x is None:
                continue
            if self.unit in ("yuan", "yuan_per_year", "count") and not float(x).is_integer():
                raise ValueError(f"value for {d} is {x}, but unit {self.unit} needs a whole number")
            if self.unit == "ratio" and x > 1:
                raise ValueError(f"value for {d} is {x}: a ratio is at most 1 and is written as 0.05 for 5%")
            if self.unit == "ratio_per_working_day" and Fraction(repr(float(x))) > MAX_DAILY_RATE:
                raise ValueError(f"value for {d} is {x}: a daily rate is at most {float(MAX_DAILY_RATE)} (1% per working day)")
            if self.unit in ("yuan", "yuan_per_year") and x > MAX_YUAN:
                raise ValueError(f"value for {d} is {x}: amounts are at most {MAX_YUAN:,} yuan (10^12)")
            if self.unit == "count" and x > MAX_COUNT:
                raise ValueError(f"value for {d} is {x}: counts are at most {MAX_COUNT:,}")
        if self.no_cap and not any(x is None for x in self.values.values()):
            raise ValueError("no_cap: true says the text sets no cap, so at least one dated value must be null")
        if self.boundary_reading and not self.word:
            raise ValueError("boundary_reading explains a departure from the statute's word; give the word too")
        return self

    @property
    def first_date(self) -> dt.date:
        return next(iter(self.values))

    def at(self, date: Union[dt.date, str]):
        """The value in force on ``date``; :class:`NotInForce` before the first value."""
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        if isinstance(date, dt.datetime):
            date = date.date()
        chosen, found = None, False
        for start, value in self.values.items():
            if start <= date:
                chosen, found = value, True
        if not found:
            raise NotInForce(f"no value before {self.first_date} (asked for {date})")
        return chosen

    def at_many(self, dates: np.ndarray):
        """Vectorised :meth:`at`: (values as float array with NaN for null, in-force mask)."""
        starts, vals = _dated_arrays(tuple(self.values.items()))
        d = np.asarray(dates, dtype="datetime64[D]")
        pos = np.searchsorted(starts, d, side="right") - 1
        ok = pos >= 0
        if d.ndim == 0:
            return np.where(ok, vals[max(int(pos), 0)], np.nan), ok
        out = vals[pos]  # a copy (fancy indexing); before the first value (-1 reads the last) NaN, below
        if not ok.all():
            out[~ok] = np.nan
        return out, ok


@lru_cache(maxsize=4096)
def _dated_arrays(items) -> tuple:
    """(start dates, values with NaN for null) of a parameter's dated values, as arrays (read-only, shared)."""
    starts = np.array([d for d, _ in items], dtype="datetime64[D]")
    vals = np.array([np.nan if v is None else v for _, v in items], dtype=float)
    starts.flags.writeable = False
    vals.flags.writeable = False
    return starts, vals


Quality = Literal["official", "repost", "summary"]


class Source(_Strict):
    """Where a compared jurisdiction's figure was read: its own URL, excerpt and quality.

    Kaizhou's items cite its own verbatim text (``cite``); a peer's item also needs this,
    because peers are read from stored copies of varying quality, often cut off.
    """

    url: str = Field(pattern=r"^https?://\S+$")
    excerpt: str = Field(min_length=2)
    quality: Quality
    doc_title: Optional[str] = None
    doc_no: Optional[str] = None
    date: Optional[str] = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    amount_text: Optional[str] = None
    condition: Optional[str] = None


class Requires(_Strict):
    industrial: bool = False
    manufacturing: bool = False
    independent_legal_person: bool = False
    existing_firm: bool = False


def _kind(name: str):
    """The declared rule kind (kzpolicy/kinds.py; imported on first use: the kinds import this module)."""
    from . import kinds
    return kinds.get(name)


class Since(_Strict):
    """A date window the text sets in the item's own sentence (e.g. article 4's "2022年以来").

    Without it, an item's events count from the policy's effective date (article 24's
    publication date); a window written in one sentence never applies to another's items.
    """

    date: dt.date
    quote: str = Field(min_length=2)


class Item(_Strict):
    kind: str
    label: Text
    cite: Cite
    parameters: Dict[str, Param] = Field(default_factory=dict)
    events: List[str] = Field(default_factory=list)
    requires: Requires = Field(default_factory=Requires)
    once: Literal["firm", "year", "event"] = "firm"
    per: Literal["event", "count"] = "event"
    group: Optional[str] = None
    rank: Optional[int] = Field(default=None, ge=1)
    tier: Optional[int] = Field(default=None, ge=1)
    recipient: Literal["firm", "township", "budget"] = "firm"
    interpretations: List[str] = Field(default_factory=list)
    since: Optional[Since] = None
    # compared jurisdictions: where the figure was read, what it matches in Kaizhou, whether it was read
    source: Optional[Source] = None
    kaizhou_match: Optional[str] = Field(default=None, pattern=r"^(art\d{2}\.[a-z0-9_]+|none)$")
    status: Literal["read", "not_read", "cut_off"] = "read"
    # filled by the loader
    id: str = ""
    article: int = 0
    cite_zh: str = ""   # the article's citation as the document numbers it (Article.cite_zh), e.g. 第（五）项
    cite_en: str = ""   # e.g. Measure (5)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v):
        try:
            _kind(v)
        except KeyError as e:
            raise ValueError(str(e).strip('"')) from None
        return v

    @model_validator(mode="after")
    def _shape(self):
        k = _kind(self.kind)
        need, allowed = k.required(), k.allowed()
        have = set(self.parameters)
        if need - have:
            raise ValueError(f"kind {self.kind} needs parameters {sorted(need - have)}")
        if have - allowed:
            raise ValueError(
                f"kind {self.kind} does not use parameters {sorted(have - allowed)} "
                f"(allowed: {sorted(allowed)})"
            )
        for name, par in self.parameters.items():
            if par.unit not in k.params[name].units:
                raise ValueError(f"parameter {name} of kind {self.kind} has unit {par.unit!r}; allowed: {list(k.params[name].units)}")
        if k.events and not self.events:
            raise ValueError(f"kind {self.kind} needs 'events' (the event codes that trigger it)")
        if not k.events and self.events:
            raise ValueError(f"kind {self.kind} is not triggered by events; remove 'events'")
        from .events import EVENT_CODES, code_from_text
        unknown = [c for c in self.events if c not in EVENT_CODES]
        if unknown:  # no firm's event could ever match it: the item would pay nothing, unseen
            hint = {c: code_from_text(c) for c in unknown if code_from_text(c) in EVENT_CODES}
            raise ValueError(f"unknown event code(s) {unknown} in 'events'; write the codes listed by `kzpolicy events`"
                             + (f" (did you mean {list(hint.values())}?)" if hint else ""))
        twice = sorted({c for c in self.events if self.events.count(c) > 1})
        if twice:  # its events would be read twice: paid twice, or each other's "already awarded"
            raise ValueError(f"event code(s) {twice} listed more than once in 'events'; list each code once")
        if not k.events and self.since is not None:
            raise ValueError(f"kind {self.kind} is not triggered by events; 'since' (a date window for events) does not apply")
        missing = [f for f in k.item_fields if getattr(self, f) is None]
        if missing:
            raise ValueError(f"kind {self.kind} needs {' and '.join(repr(f) for f in missing)}")
        nulls = sorted(k for k, p in self.parameters.items() if any(v is None for v in p.values.values()))
        unread = [k for k in nulls if not self.parameters[k].no_cap]
        if self.status != "read" and not unread:
            raise ValueError(f"status {self.status}: the figure that was not read must be null (missing, never 0) in a parameter "
                             "without no_cap")
        if self.status == "read" and unread:
            raise ValueError(f"parameters {unread} are null but status is 'read'; set status to not_read or cut_off, "
                             "or, if the text sets no cap, say no_cap: true")
        return self

    def param(self, name: str) -> Param:
        try:
            return self.parameters[name]
        except KeyError:
            raise KeyError(f"{self.id} has no parameter {name!r} (has {sorted(self.parameters)})") from None

    @property
    def first_date(self) -> dt.date:
        return min(p.first_date for p in self.parameters.values())


class Limit(_Strict):
    """A limit the text sets across items, events or years, evaluated on what was awarded.

    Declared in the article YAML under ``limits:`` with its citation; ``kind`` is one of
    :data:`kzpolicy.limits.LIMIT_KINDS` (total_per_firm, once_per_firm, highest_of_group,
    one_per_project). ``items`` are item ids (``art16.exchange_listing``); a limit may span
    articles (one subsidy per project under articles 5 and 9). ``cap`` is the total of a
    total_per_firm limit. ``interpretations`` name the registered readings that switch it.
    """

    kind: str
    label: Text
    items: List[str] = Field(min_length=1)
    cap: Optional[Param] = None
    interpretations: List[str] = Field(default_factory=list)
    cite: Cite
    id: str = ""
    article: int = 0

    @model_validator(mode="after")
    def _shape(self):
        from .limits import LIMIT_KINDS
        if self.kind not in LIMIT_KINDS:
            raise ValueError(f"unknown limit kind {self.kind!r}; known: {sorted(LIMIT_KINDS)}")
        needs_cap = LIMIT_KINDS[self.kind].needs_cap
        if needs_cap and self.cap is None:
            raise ValueError(f"limit kind {self.kind} needs 'cap' (the total, with unit and dated values)")
        if not needs_cap and self.cap is not None:
            raise ValueError(f"limit kind {self.kind} takes no 'cap'")
        if self.cap is not None and self.cap.unit != "yuan":
            raise ValueError(f"a limit's cap is in yuan, got unit {self.cap.unit!r}")
        if len(set(self.items)) != len(self.items):
            raise ValueError("items are listed twice")
        return self


class Condition(_Strict):
    field: Optional[str] = None
    event: Optional[str] = None
    zh: str
    en: str

    @model_validator(mode="after")
    def _one(self):
        if (self.field is None) == (self.event is None):
            raise ValueError("a condition names exactly one of 'field' (a firm fact) or 'event' (an event code prefix)")
        return self


class Eligibility(_Strict):
    label: Text
    cite: Cite
    mode: Literal["all", "any"]
    conditions: List[Condition] = Field(min_length=1)
    benefit: Text
    id: str = ""


class Figure(_Strict):
    """A figure the text states that is not an award (kzpolicy.coverage): ``{text: 150万元/年, role: budget, why: …}``.

    Figures that a parameter carries need no mark; the coverage check links them by value."""

    text: str = Field(min_length=1)
    role: Literal["budget", "target", "date", "document", "term", "name", "reference"]
    why: Text


class Clause(_Strict):
    clause: int = Field(ge=1)
    text_zh: str = Field(min_length=1)


_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 16 -> 十六, 24 -> 二十四."""
    n = int(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    s = ("" if tens == 1 else _CN_DIGITS[tens]) + "十"
    return s + (_CN_DIGITS[ones] if ones else "")


class TierTable(_Strict):
    """One sentence, several tiers — measure (3): 首次突破50亿元、30亿元……的，分别给予80万元、50万元……

    The YAML has one item with its quote once and this table; the loader expands it into one
    item per row, ``<item>_<row>`` (``milestone_50yi``), each with the row's values as the
    parameters named by ``columns`` (dated from ``start``) and the label filled in, so every
    ledger line names the tier it pays and amendments address one tier's figure."""

    start: dt.date
    columns: List[str] = Field(min_length=1)
    rows: Dict[str, List[Union[int, float]]] = Field(min_length=1)
    label: Text  # with {column} placeholders: 上年主营业务收入首次突破{threshold}奖励

    @model_validator(mode="after")
    def _rows(self):
        for k, r in self.rows.items():
            if not re.fullmatch(r"[a-z0-9_]+", str(k)):
                raise ValueError(f"row key {k!r}: use lower-case letters, digits and _ (it becomes part of the item id)")
            if len(r) != len(self.columns):
                raise ValueError(f"row {k} has {len(r)} values for the {len(self.columns)} columns {self.columns}")
        return self


def _expand_tiers(key: str, raw: dict) -> Dict[str, dict]:
    """The items a tier table stands for (see :class:`TierTable`)."""
    from .money import yi_or_wan
    table = TierTable.model_validate(raw["tiers"])
    templates = dict(raw.get("parameters") or {})
    for col in table.columns:
        if not isinstance(templates.get(col), dict):
            raise ValueError(f"items.{key}.tiers: column {col!r} needs a parameter template under parameters.{col} (unit, boundary…)")
        if "values" in templates[col]:
            raise ValueError(f"items.{key}.parameters.{col}: the values come from the tier table; remove 'values'")
    out = {}
    for row, vals in table.rows.items():
        item = {k: v for k, v in raw.items() if k not in ("tiers", "parameters", "label")}
        params = {n: dict(t) for n, t in templates.items()}
        zh, en = {}, {}
        for col, v in zip(table.columns, vals):
            params[col]["values"] = {table.start: v}
            money = params[col].get("unit") in ("yuan", "yuan_per_year") and not isinstance(v, bool) and float(v).is_integer()
            zh[col] = yi_or_wan(int(v)) if money else f"{v:g}"
            en[col] = yi_or_wan(int(v)).replace("元", " yuan") if money else f"{v:g}"
        item["parameters"] = params
        try:
            item["label"] = {"zh": table.label.zh.format(**zh), "en": table.label.en.format(**en)}
        except KeyError as e:
            raise ValueError(f"items.{key}.tiers.label names {e.args[0]!r}, which is not a column {table.columns}") from None
        out[f"{key}_{row}"] = item
    return out


class Article(_Strict):
    """One measure of the document. ``article`` is the data's running number (file names, item ids);
    ``number_zh`` is the document's own marker (（五）), which every citation shows (see ARCHITECTURE.md)."""

    article: int = Field(ge=1)
    number_zh: Optional[str] = Field(default=None, pattern=r"^（[一二三四五六七八九十百]+）$")
    slug: str = Field(pattern=r"^[a-z0-9_]+$")
    chapter: int = Field(ge=1)
    title: Text
    responsible: List[str]
    text_zh: str
    clauses: List[Clause] = Field(min_length=1)
    summary_en: str
    items: Dict[str, Item] = Field(default_factory=dict)
    limits: Dict[str, Limit] = Field(default_factory=dict)
    eligibility: Dict[str, Eligibility] = Field(default_factory=dict)
    figures: List[Figure] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _tier_tables(cls, data):
        """An item with ``tiers:`` stands for one item per row (:class:`TierTable`)."""
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, dict) or not any(isinstance(v, dict) and "tiers" in v for v in items.values()):
            return data
        out = {}
        for key, raw in items.items():
            for k, v in (_expand_tiers(key, raw) if isinstance(raw, dict) and "tiers" in raw else {key: raw}).items():
                if k in out:
                    raise ValueError(f"items.{k} is defined twice (a tier table row and an item)")
                out[k] = v
        return {**data, "items": out}

    @property
    def key(self) -> str:
        return f"art{self.article:02d}_{self.slug}"

    @property
    def cite_zh(self) -> str:
        """The citation form used everywhere (explanations, ``kzpolicy show``, the guide): 第（五）项.

        The document numbers its measures （一）…（二十四） and never writes 第N条; an excerpt without
        the document's own number (a compared policy read in pieces) is cited as 摘录N."""
        return f"第{self.number_zh}项" if self.number_zh else f"摘录{self.article}"

    @property
    def cite_en(self) -> str:
        """English beside: ``Measure (5)`` (``Excerpt 5`` without the document's own number)."""
        if not self.number_zh:
            return f"Excerpt {self.article}"
        return f"Measure ({self.article})" if self.number_zh == f"（{cn_number(self.article)}）" else f"Measure {self.number_zh}"

    @property
    def heading_zh(self) -> str:
        """The measure as the document heads it: （五）支持企业智能化改造."""
        return f"{self.number_zh or self.cite_zh + ' '}{self.title.zh}"

    @property
    def has_money(self) -> bool:
        return any(_kind(i.kind).money for i in self.items.values())


class Chapter(_Strict):
    chapter: int
    number_zh: Optional[str] = Field(default=None, pattern=r"^[一二三四五六七八九十]+、$")  # as the document writes it: 二、
    zh: str
    en: str

    @property
    def heading_zh(self) -> str:
        """二、推进企业转型升级 (or 第2部分 推进… without the document's own number)."""
        return f"{self.number_zh}{self.zh}" if self.number_zh else f"第{self.chapter}部分 {self.zh}"


class Meta(_Strict):
    id: str
    jurisdiction: Text
    level: Literal["municipal", "prefecture", "district", "county", "county_city"]
    title: Text
    doc_no: Optional[str] = None
    issuer: Optional[Text] = None
    issued: Optional[dt.date] = None
    effective: Optional[dt.date] = None
    approved_by: Optional[Text] = None
    url: str
    source_quality: Literal["official", "repost", "summary", "mixed"]
    source_text: Optional[str] = None
    composite: bool = False                 # several documents; each item carries its own source
    compared_with: Optional[str] = None     # a peer policy: the policy id its items are mapped to
    note: Optional[Text] = None
    chapters: List[Chapter] = Field(default_factory=list)
    effective_cite: Optional[Cite] = None
    figures: List[Figure] = Field(default_factory=list)   # figures of the text outside the measures (header, preamble)

    @model_validator(mode="after")
    def _composite(self):
        if self.composite != (self.source_quality == "mixed"):
            raise ValueError("source_quality 'mixed' goes with composite: true, and only with it")
        return self


class Reading(_Strict):
    """One reading of an interpretation: the value it sets its switch to, in words (zh/en)."""

    value: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Interpretation(_Strict):
    """A registered ambiguity: the switch it sets (declared by a rule kind, a limit kind or the
    engine's common switches), its readings (each a value of that switch), the default and why."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    articles: List[int]
    switch: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: Text
    readings: Dict[str, Reading] = Field(min_length=1)
    default: str
    why: Text

    @model_validator(mode="after")
    def _default(self):
        if self.default not in self.readings:
            raise ValueError(f"default {self.default!r} is not one of the readings {sorted(self.readings)}")
        return self


# --------------------------------------------------------------------------- policy
_NOT_DERIVED = object()


class Policy:
    """A loaded, validated policy. Cheap to copy; :meth:`with_parameters` returns a new one."""

    def __init__(self, meta: Meta, articles: Dict[int, Article], interpretations: List[Interpretation], folder: Path):
        self.meta = meta
        self.articles = dict(sorted(articles.items()))
        self.interpretations = {i.id: i for i in interpretations}
        self.folder = folder
        self._index()

    def _index(self):
        self._items: Dict[str, Item] = {}
        self._limits: Dict[str, Limit] = {}
        self._eligibility: Dict[str, Eligibility] = {}
        for a in self.articles.values():
            for key, item in a.items.items():
                item.id = f"art{a.article:02d}.{key}"
                item.article = a.article
                item.cite_zh, item.cite_en = a.cite_zh, a.cite_en
                self._items[item.id] = item
            for key, lim in a.limits.items():
                lim.id = f"art{a.article:02d}.{key}"
                lim.article = a.article
                self._limits[lim.id] = lim
            for key, el in a.eligibility.items():
                el.id = f"art{a.article:02d}.{key}"
                self._eligibility[el.id] = el
        self.__dict__.pop("event_index", None)
        self._derived: Dict[tuple, Any] = {}  # see derived(): emptied whenever the policy is (re)indexed
        # switch -> interpretation id, per item (the item's or its limits' interpretations) and policy-wide
        self._switch_item: Dict[tuple, str] = {}
        self._switch_policy: Dict[str, str] = {}
        named = {i for it in self._items.values() for i in it.interpretations}
        named |= {i for lim in self._limits.values() for i in lim.interpretations}
        for it in self._items.values():
            for iid in it.interpretations:
                if iid in self.interpretations:
                    self._switch_item.setdefault((it.id, self.interpretations[iid].switch), iid)
        for lim in self._limits.values():
            for iid in lim.interpretations:
                if iid in self.interpretations:
                    self._switch_item.setdefault((lim.id, self.interpretations[iid].switch), iid)
        for iid, interp in self.interpretations.items():
            if iid not in named:
                self._switch_policy.setdefault(interp.switch, iid)

    # ---- lookups
    @property
    def id(self) -> str:
        return self.meta.id

    def items(self) -> Iterator[Item]:
        return iter(self._items.values())

    def item(self, item_id: str) -> Item:
        try:
            return self._items[item_id]
        except KeyError:
            raise KeyError(f"no item {item_id!r} in {self.id}; items look like 'art05.equipment_subsidy'") from None

    def limits(self) -> Iterator[Limit]:
        return iter(self._limits.values())

    def limit(self, limit_id: str) -> Limit:
        try:
            return self._limits[limit_id]
        except KeyError:
            raise KeyError(f"no limit {limit_id!r} in {self.id}; limits: {sorted(self._limits)}") from None

    def switch_source(self, owner_id: str, switch: str) -> Optional[str]:
        """The interpretation that sets ``switch`` for an item or limit (its own, else a policy-wide one), or None."""
        return self._switch_item.get((owner_id, switch)) or self._switch_policy.get(switch)

    def own_switch_source(self, owner_id: str, switch: str) -> Optional[str]:
        """The interpretation the item or limit itself names for ``switch`` (not a policy-wide one), or None."""
        return self._switch_item.get((owner_id, switch))

    def derived(self, key: tuple, make: Callable[[], Any]):
        """``make()``, computed once per policy object and ``key``: values the engine derives from the policy alone
        (never from the data), e.g. a switch's value under some readings or an item's window start. Shared by every
        assessment with this policy; a changed policy (:meth:`with_parameters`, :meth:`select`) starts afresh.
        Do not write into what it returns."""
        d = self._derived
        v = d.get(key, _NOT_DERIVED)
        if v is _NOT_DERIVED:
            v = d[key] = make()
        return v

    def switch_values(self, readings: Dict[str, str]) -> Dict[str, str]:
        """interpretation id -> the value its chosen reading sets its switch to."""
        return {iid: self.interpretations[iid].readings[r].value for iid, r in readings.items()}

    def eligibility(self, rule_id: str) -> Eligibility:
        try:
            return self._eligibility[rule_id]
        except KeyError:
            raise KeyError(f"no eligibility rule {rule_id!r}; known: {sorted(self._eligibility)}") from None

    def eligibility_rules(self) -> List[Eligibility]:
        return list(self._eligibility.values())

    def article(self, n: int) -> Article:
        try:
            return self.articles[int(n)]
        except KeyError:
            raise KeyError(f"{self.id} has no article {n}; articles are {min(self.articles)}–{max(self.articles)}") from None

    def param(self, path: str) -> Param:
        """``'art05.equipment_subsidy.rate'`` -> the :class:`Param`."""
        item_id, _, name = path.rpartition(".")
        return self.item(item_id).param(name)

    @cached_property
    def event_index(self) -> Dict[str, List[str]]:
        """event code -> ids of the items it triggers."""
        idx: Dict[str, List[str]] = {}
        for it in self.items():
            for code in it.events:
                idx.setdefault(code, []).append(it.id)
        return idx

    @property
    def event_codes(self) -> List[str]:
        return sorted(self.event_index)

    @property
    def policy_event_codes(self) -> frozenset:
        """Every event code the whole policy has an item for — for a selection, its full policy's codes.

        An event outside these is reported as "not in this policy"; an event of an article left out by
        :meth:`select` is simply outside the selection's scope, not a stranger to the policy.
        """
        return getattr(self, "_full_event_codes", None) or frozenset(self.event_index)

    def readings(self, overrides: Optional[Dict[str, str]] = None) -> Dict[str, str]:
        """Default readings, with ``overrides`` checked against the registry."""
        out = {k: i.default for k, i in self.interpretations.items()}
        for k, v in (overrides or {}).items():
            if k not in self.interpretations:
                raise KeyError(f"unknown interpretation {k!r}; registered: {sorted(self.interpretations)}")
            if v not in self.interpretations[k].readings:
                raise ValueError(
                    f"interpretation {k!r} has no reading {v!r}; choose one of {sorted(self.interpretations[k].readings)}"
                )
            out[k] = v
        return out

    # ---- scenarios
    def with_parameters(self, changes: Dict[str, Any]) -> "Policy":
        """A copy with parameters changed, as plain data.

        ``{"art01.above_scale_enter.amount": 300000}`` replaces every dated value;
        ``{"art05.equipment_subsidy.cap": {"2024-01-01": 2000000}}`` adds a dated value
        (the way an amendment under article 24 would). Values are validated like the YAML.
        """
        new = copy.deepcopy(self)
        for path, value in changes.items():
            item_id, _, name = path.rpartition(".")
            if item_id in new._limits:  # a limit's total: "art16.exchange_total.cap"
                lim = new._limits[item_id]
                if name != "cap" or lim.cap is None:
                    raise KeyError(f"limit {item_id} has no parameter {name!r}" + (" (it has 'cap')" if lim.cap is not None else ""))
                holder, old = lim, lim.cap
            else:
                item = new.item(item_id)
                if name not in item.parameters:
                    raise KeyError(f"{item_id} has no parameter {name!r} (has {sorted(item.parameters)})")
                holder, old = item, item.parameters[name]
            if isinstance(value, dict):
                vals = dict(old.values)
                vals.update({dt.date.fromisoformat(str(k)): v for k, v in value.items()})
            else:
                vals = {d: value for d in old.values}
            try:
                # a scenario that sets a cap where the text sets none: the changed parameter is no longer "no cap"
                no_cap = old.no_cap and any(v is None for v in vals.values())
                newp = Param(**{**old.model_dump(), "values": vals, "no_cap": no_cap})
            except ValidationError as e:
                raise PolicyError(f"scenario change {path}={value!r}: {_first_error(e)}") from None
            if isinstance(holder, Limit):
                holder.cap = newp
            else:
                holder.parameters[name] = newp
        new._index()
        return new

    def select(self, articles=None, chapters=None) -> "Policy":
        """A policy with only some articles (``articles=[1, 3, 5]``) or chapters (``chapters=[2]``).

        Assessing it pays only those articles' items. Interpretations are kept where
        they concern a kept article or are named by a kept item; parameters, readings
        and metadata are those of this policy. The result is a new object (this one is
        not changed); an article or chapter the policy does not have is an error.
        """
        if articles is None and chapters is None:
            raise ValueError("select needs articles=[...] or chapters=[...], e.g. get_policy().select(articles=[1, 3, 5])")
        keep = set(self.articles)
        if articles is not None:
            want = _numbers("articles", articles)
            unknown = sorted(want - set(self.articles))
            if unknown:
                raise KeyError(f"{self.id} has no article {unknown}; articles are {min(self.articles)}–{max(self.articles)}")
            keep &= want
        if chapters is not None:
            want = _numbers("chapters", chapters)
            have = {a.chapter for a in self.articles.values()}
            unknown = sorted(want - have)
            if unknown:
                raise KeyError(f"{self.id} has no chapter {unknown}; chapters are {sorted(have)}")
            keep &= {n for n, a in self.articles.items() if a.chapter in want}
        if not keep:
            raise ValueError(f"select kept no article (articles={articles!r}, chapters={chapters!r}); "
                             "name at least one article the policy has, e.g. select(articles=[1, 3, 5])")
        new = copy.copy(self)
        new._full_event_codes = self.policy_event_codes
        # drop every cached value of the full policy (cached_property stores in the instance dict)
        for name in [k for k, v in vars(type(self)).items() if isinstance(v, cached_property)]:
            new.__dict__.pop(name, None)
        new.articles = {n: copy.deepcopy(a) for n, a in self.articles.items() if n in keep}
        named = {i for a in new.articles.values() for it in a.items.values() for i in it.interpretations}
        new.interpretations = {k: i for k, i in self.interpretations.items()
                               if k in named or keep & set(getattr(i, "articles", None) or ())}
        new._index()
        return new

    def __repr__(self):
        return f"<Policy {self.id}: {len(self.articles)} articles, {len(self._items)} items>"


def _numbers(what: str, given) -> set:
    """Article or chapter numbers given to ``Policy.select``: one number or a list of them."""
    values = [given] if isinstance(given, (int, float, str)) else given
    try:
        values = list(values)
        if any(isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()) for v in values):
            raise ValueError
        return {int(v) for v in values}
    except (TypeError, ValueError):
        raise ValueError(f"select({what}=...) takes whole numbers, e.g. {what}=[1, 3, 5]; got {given!r}") from None


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    msg = re.sub(r"^(Value|Assertion) error, ", "", err["msg"])  # pydantic's prefix is not for readers
    loc = ".".join(str(x) for x in err["loc"])
    return f"{loc}: {msg}" if loc else msg


def _date_key(x):
    """Dated-value keys as written in the YAML (2023-05-30), not as pydantic's repr of a date."""
    if isinstance(x, dt.date):
        return x.isoformat()
    m = re.fullmatch(r"datetime\.date\((\d+), (\d+), (\d+)\)", str(x))
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else x


def _format_errors(path: Path, e: ValidationError) -> str:
    lines = []
    for err in e.errors():
        parts = [_date_key(x) for x in err["loc"]]
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {err['loc'][-1]!r}: check its spelling and place (misspelt keys are rejected, never ignored)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif parts and parts[-1] in ("int", "float") and err["type"].startswith(("int_", "float_")):
            parts = parts[:-1]  # one message for the int|float union, not one per branch
            msg = f"must be a number (or null), got {yamlio.excerpt(err.get('input'))}"
        elif parts and parts[-1] == "[key]" and err["type"].startswith(("date", "datetime")):
            parts = parts[:-1]
            msg = f"the key {yamlio.excerpt(err.get('input'))} is not a date; write it as YYYY-MM-DD (e.g. 2023-05-30)"
        else:
            msg = re.sub(r"^(Value|Assertion) error, ", "", err["msg"])  # pydantic's prefix is not for readers
        ln = yamlio.find_line(path, parts) if parts and Path(path).is_file() else None  # where to look, on error only
        where = f"{path}, line {ln}" if ln else f"{path}"
        line = f"{where}: {'.'.join(str(x) for x in parts) or '(top level)'}: {msg}"
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


def _parse(model, data, path: Path):
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise PolicyError(_format_errors(path, e)) from None


def load_policy(name_or_path: Union[str, Path] = DEFAULT_POLICY) -> Policy:
    """Load a policy folder by id (``kaizhou_2023_27``) or path, validating everything."""
    folder = Path(name_or_path)
    if not folder.is_dir():
        folder = POLICIES_DIR / str(name_or_path)
    if not folder.is_dir():
        known = sorted(p.name for p in POLICIES_DIR.iterdir() if p.is_dir())
        raise PolicyError(f"no policy folder {name_or_path!r}; known policies: {known}")
    if not (folder / "policy.yaml").is_file():
        raise PolicyError(f"{folder}: not a policy folder: it has no policy.yaml (see kzpolicy/policies/* for the layout)")
    meta = _parse(Meta, load_yaml(folder / "policy.yaml"), folder / "policy.yaml")
    articles: Dict[int, Article] = {}
    art_dir = folder / "articles"
    files = sorted(p for p in art_dir.iterdir() if not p.name.startswith(".")) if art_dir.is_dir() else []
    for f in files:  # every file is read or named: nothing in articles/ is silently skipped
        if f.suffix != ".yaml" or not f.is_file():
            hint = (f"rename it to {f.stem}.yaml" if f.suffix.lower() in (".yml", ".yaml")
                    else "articles/ holds only artNN_slug.yaml files; move it elsewhere")
            raise PolicyError(f"{f}: not read as an article: {hint}")
    if not files:
        raise PolicyError(f"{folder}: the policy has no articles: put one artNN_slug.yaml per article in "
                          f"{art_dir} (see kzpolicy/policies/{DEFAULT_POLICY}/articles)")
    for f in files:
        art = _parse(Article, load_yaml(f), f)
        if f.stem != art.key:
            raise PolicyError(f"{f}: file name must be {art.key}.yaml (article {art.article}, slug {art.slug})")
        if art.article in articles:
            raise PolicyError(f"{f}: article {art.article} is defined twice")
        for key, item in art.items.items():
            if item.cite.article != art.article:
                raise PolicyError(f"{f}: items.{key}.cite.article is {item.cite.article}, but the file is article {art.article}")
            if item.cite.clause > len(art.clauses):
                raise PolicyError(f"{f}: items.{key}.cite.clause {item.cite.clause} does not exist (article has {len(art.clauses)} clauses)")
        articles[art.article] = art
    interp_file = folder / "interpretations.yaml"
    interps = []
    if interp_file.exists():
        raw = load_yaml(interp_file) or []
        if not isinstance(raw, list):
            raise PolicyError(f"{interp_file}: must be a list of interpretations")
        for i, entry in enumerate(raw):
            try:
                interps.append(Interpretation.model_validate(entry))
            except ValidationError as e:
                raise PolicyError(_format_errors(Path(f"{interp_file}[{i}]"), e)) from None
    policy = Policy(meta, articles, interps, folder)
    if meta.compared_with or meta.composite:
        for it in policy.items():
            if it.source is None or (meta.compared_with and it.kaizhou_match is None):
                raise PolicyError(f"{folder}: item {it.id} needs 'source' (url, excerpt, quality)"
                                  + (" and 'kaizhou_match' (a Kaizhou item id, or none)" if meta.compared_with else "")
                                  + " in a compared or composite policy")
    if meta.compared_with:
        if meta.compared_with == meta.id:
            raise PolicyError(f"{folder}: compared_with names the policy itself")
        try:
            target = get_policy(meta.compared_with)
        except PolicyError as e:
            raise PolicyError(f"{folder / 'policy.yaml'}: compared_with {meta.compared_with!r}: {e}") from None
        for it in policy.items():
            if it.kaizhou_match != "none" and it.kaizhou_match not in target._items:
                raise PolicyError(f"{folder}: item {it.id} kaizhou_match {it.kaizhou_match!r} is not an item of "
                                  f"{meta.compared_with} (use an id like 'art05.equipment_subsidy', or none)")
    for it in policy.items():
        for iid in it.interpretations:
            if iid not in policy.interpretations:
                raise PolicyError(f"{folder}: item {it.id} names unknown interpretation {iid!r}")
        for name, par in it.parameters.items():
            if par.boundary_reading and par.boundary_reading not in it.interpretations:
                raise PolicyError(f"{folder}: {it.id}.{name}.boundary_reading {par.boundary_reading!r} must be one of the "
                                  f"item's interpretations {it.interpretations}")
    _check_limits(policy, folder)
    _check_switches(policy, folder, interp_file)
    _check_windows(policy, folder)
    return policy


def _check_limits(policy: Policy, folder: Path) -> None:
    for lim in policy.limits():
        where = f"{folder}/articles: limits.{lim.id.split('.', 1)[1]} (article {lim.article})"
        if lim.cite.article != lim.article:
            raise PolicyError(f"{where}: cite.article is {lim.cite.article}, but the limit is in article {lim.article}")
        for iid in lim.items:
            if iid not in policy._items:
                raise PolicyError(f"{where}: items names {iid!r}, which is not an item of {policy.id} "
                                  "(write item ids like 'art16.exchange_listing')")
        for iid in lim.interpretations:
            if iid not in policy.interpretations:
                raise PolicyError(f"{where}: names unknown interpretation {iid!r}")


def _switch_owners(policy: Policy):
    """switch name -> (declared Switch, where it is declared), for every switch known to the rules."""
    from . import kinds
    from .limits import LIMIT_KINDS
    owners: Dict[str, list] = {}
    for name, sw in kinds.COMMON_SWITCHES.items():
        owners.setdefault(name, []).append((sw, "the engine's common switches (kzpolicy/kinds.py)"))
    for k in kinds.registry().values():
        for name, sw in k.switches.items():
            owners.setdefault(name, []).append((sw, f"rule kind {k.name}"))
    for lk in LIMIT_KINDS.values():
        for name, sw in lk.switches.items():
            owners.setdefault(name, []).append((sw, f"limit kind {lk.name}"))
    return owners


def _check_switches(policy: Policy, folder: Path, interp_file: Path) -> None:
    """Every interpretation sets a switch the rules know; each reading a value of it; every value reachable;
    and an interpretation is only named where its switch is asked for."""
    from . import kinds
    from .limits import LIMIT_KINDS
    owners = _switch_owners(policy)
    for iid, interp in policy.interpretations.items():
        where = f"{interp_file}: interpretation {iid}"
        if interp.switch not in owners:
            raise PolicyError(f"{where}: switch {interp.switch!r} is not declared by any rule kind, limit kind or "
                              f"the common switches; known switches: {sorted(owners)}")
        values = set().union(*(set(sw.values) for sw, _ in owners[interp.switch]))
        for rname, r in interp.readings.items():
            if r.value not in values:
                raise PolicyError(f"{where}: reading {rname!r} sets switch {interp.switch!r} to {r.value!r}, "
                                  f"which the rules do not know; allowed values: {sorted(values)}")
        reached = {r.value for r in interp.readings.values()}
        if values - reached:
            raise PolicyError(f"{where}: switch {interp.switch!r} can also be {sorted(values - reached)}, "
                              f"but no reading sets it (give each value a reading)")
    for it in policy.items():
        k = kinds.get(it.kind)
        own = set(k.switches) | (set(kinds.COMMON_SWITCHES) if k.events else {"industrial_scope", "selection"})
        for lim in policy.limits():
            if it.id in lim.items:
                own |= set(LIMIT_KINDS[lim.kind].switches)
        for iid in it.interpretations:
            sw = policy.interpretations[iid].switch
            if sw not in own:
                raise PolicyError(f"{folder}: item {it.id} names interpretation {iid!r}, which sets switch {sw!r}; "
                                  f"kind {it.kind} does not ask for it (its switches: {sorted(own)})")
    for lim in policy.limits():
        own = set(LIMIT_KINDS[lim.kind].switches)
        for iid in lim.interpretations:
            sw = policy.interpretations[iid].switch
            if sw not in own:
                raise PolicyError(f"{folder}: limit {lim.id} names interpretation {iid!r}, which sets switch {sw!r}; "
                                  f"limit kind {lim.kind} asks for {sorted(own) or 'no switch'}")
    named = {i for it in policy.items() for i in it.interpretations} | {i for lim in policy.limits() for i in lim.interpretations}
    for iid, interp in policy.interpretations.items():
        if iid in named:
            continue
        scopes = {sw.scope for sw, _ in owners[interp.switch]}
        if "policy" not in scopes:
            raise PolicyError(f"{interp_file}: interpretation {iid} sets switch {interp.switch!r}, which is set per item, "
                              "but no item or limit names it: no reading would change anything")


def _check_windows(policy: Policy, folder: Path) -> None:
    """A date window before the effective date is the item's own sentence's ('since', quoted from its citation)."""
    from . import kinds
    eff = policy.meta.effective
    for it in policy.items():
        if it.since is None:
            if eff is not None and kinds.get(it.kind).events and it.parameters and it.first_date < eff:
                raise PolicyError(f"{folder}: item {it.id}: its values start {it.first_date}, before the effective date {eff}; "
                                  "if the item's own sentence sets an earlier window, declare it as "
                                  "since: {date: …, quote: …} (quoted from the item's citation), else start the values on the effective date")
            continue
        if it.since.quote not in it.cite.quote:
            raise PolicyError(f"{folder}: item {it.id}: since.quote {it.since.quote!r} is not in the item's cited sentence "
                              f"({it.cite.quote!r}); a window belongs to the sentence that sets it")
        if it.first_date > it.since.date:
            raise PolicyError(f"{folder}: item {it.id}: the window opens on {it.since.date} but the first value is from "
                              f"{it.first_date}; give a value from the window's first day")
        if eff is not None and it.first_date < eff and it.since.date > it.first_date:
            raise PolicyError(f"{folder}: item {it.id}: values from {it.first_date} are before both the window and the effective date")


_CACHE: Dict[str, Policy] = {}


def _load_cached(name: str) -> Policy:
    """:func:`load_policy`, through the on-disk cache of validated policies (kzpolicy.policy_cache)."""
    folder = Path(name)
    if not folder.is_dir():
        folder = POLICIES_DIR / name
    if not (folder / "policy.yaml").is_file():
        return load_policy(name)  # which says what is wrong
    from . import policy_cache

    return policy_cache.cached(folder.resolve(), lambda: load_policy(name), Policy)


def get_policy(name: Union[str, Policy, None] = None) -> Policy:
    """A cached, shared policy (do not mutate it; use :meth:`Policy.with_parameters`)."""
    if isinstance(name, Policy):
        return name
    key = str(name or DEFAULT_POLICY)
    if key not in _CACHE:
        _CACHE[key] = _load_cached(key)
    return _CACHE[key]
