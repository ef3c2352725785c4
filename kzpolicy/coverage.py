"""Text coverage: every figure of a policy's text is linked to a parameter or marked as not an award.

A *figure* is a number the text states: an amount (20万元, 50亿元, 150万元/年), a rate (5%, 0.1‰),
a count (10个, 十强), a date or year (2022年, 2023年5月30日) or a number in a document reference
(〔2023〕27号). Each occurrence is *covered* when

* a parameter of an item of the same measure carries that value (20万元 ↔ ``amount: 200000``,
  5% ↔ ``rate: 0.05``, 10个/十强 ↔ ``places: 10``, 2022年 ↔ a dated value starting in 2022), or
* the measure's YAML (or ``policy.yaml`` for text outside the measures) lists it under ``figures``
  with a role (``budget``, ``target``, ``date``, ``document``, ``term``, ``name``, ``reference``)
  and a reason: a figure the text states that is not an award.

``kzpolicy check POLICY_DIR`` runs :func:`check` on any policy folder; the test suite runs it on
every folder under ``kzpolicy/policies``. A folder that another district's policy is encoded in
gets the same guarantee: nothing the text says with a number is silently left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import List, Optional, Tuple

from .policy import Policy

#: Arabic figures with their unit; the unit decides what the number is compared with.
_ARABIC = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元|亿|万|‰|%|个|户|项|家|年期|年|月|日|号|次|届|倍|小时|天|人|名)?"
)
#: Chinese-numeral counts that state a figure (十强 = ten places, 一年期 = a one-year term, 四个领先)
_CN_COUNT = re.compile(r"(?P<num>[一二两三四五六七八九十百]+)(?P<unit>强|个|年期|等奖|届)")
_DATE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

ROLES = ("budget", "target", "date", "document", "term", "name", "reference")


def cn_to_int(s: str) -> int:
    """十 -> 10, 二十四 -> 24, 一 -> 1 (the numerals this document uses)."""
    if "百" in s:
        h, _, rest = s.partition("百")
        return (_CN.get(h, 1)) * 100 + (cn_to_int(rest) if rest else 0)
    if "十" in s:
        t, _, o = s.partition("十")
        return (_CN[t] if t else 1) * 10 + (_CN[o] if o else 0)
    return _CN[s]


@dataclass(frozen=True)
class Figure:
    """One figure as the text writes it, with where it stands."""

    text: str            # as written: 20万元, 5%, 十强
    value: Decimal       # in the base unit: yuan, ratio (0.05), count, year
    kind: str            # yuan | ratio | count | year | date | other
    article: Optional[int]  # the measure it stands in (None: header, preamble, part headings)
    pos: int             # character offset in the text checked
    where: str = ""      # the measure as cited (第（五）项 / Measure (5)), or 正文之外


@dataclass
class Report:
    policy: str
    covered: List[Tuple[Figure, str]] = field(default_factory=list)     # (figure, what covers it)
    uncovered: List[Figure] = field(default_factory=list)
    unused_marks: List[str] = field(default_factory=list)               # figures: entries that match nothing
    boundaries: List[str] = field(default_factory=list)                 # boundary words missing or misread

    @property
    def ok(self) -> bool:
        return not self.uncovered and not self.unused_marks and not self.boundaries

    def lines(self) -> List[str]:
        out = []
        for f in self.uncovered:
            where = f.where or "正文之外 outside the measures"
            out.append(f"未覆盖 uncovered: {f.text!r} in {where} — link it to a parameter, or list it under "
                       f"'figures' with a role ({', '.join(ROLES)}) and why")
        for m in self.unused_marks:
            out.append(f"多余标注 unused mark: {m}")
        for b in self.boundaries:
            out.append(f"边界用语 boundary word: {b}")
        return out


def _value(num: str, unit: str) -> Tuple[Decimal, str]:
    x = Decimal(num)
    if unit in ("亿元", "亿"):
        return x * 100_000_000, "yuan"
    if unit in ("万元", "万"):
        return x * 10_000, "yuan"
    if unit == "元":
        return x, "yuan"
    if unit == "%":
        return x / 100, "ratio"
    if unit == "‰":
        return x / 1000, "ratio"
    if unit in ("个", "户", "项", "家", "人", "名"):
        return x, "count"
    if unit == "年":
        return x, "year"
    return x, "other"


def figures_in(text: str, article: Optional[int] = None, offset: int = 0) -> List[Figure]:
    """Every figure in ``text``: Arabic numbers with their unit and Chinese-numeral counts."""
    out, taken = [], []
    for m in _DATE.finditer(text):  # 2023年5月30日: one date, not three numbers
        d = int(m["y"]) * 10_000 + int(m["m"]) * 100 + int(m["d"])
        out.append(Figure(m.group(0), Decimal(d), "date", article, offset + m.start()))
        taken.append((m.start(), m.end()))
    for m in _ARABIC.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        num, unit = m["num"], m["unit"] or ""
        if unit == "年" and len(num) != 4:     # 3年 is a count of years, not a year
            value, kind = Decimal(num), "count"
        else:
            value, kind = _value(num, unit)
        out.append(Figure(m.group(0), value, kind, article, offset + m.start()))
    for m in _CN_COUNT.finditer(text):
        kind = "count" if m["unit"] in ("强", "个") else "other"
        out.append(Figure(m.group(0), Decimal(cn_to_int(m["num"])), kind, article, offset + m.start()))
    return sorted(out, key=lambda f: f.pos)


def _param_values(policy: Policy, article: int):
    """(value, kind, 'owner.param') for every dated value of the measure's items and limits."""
    a = policy.article(article)
    owners = [(it.id, it.parameters) for it in a.items.values()]
    owners += [(lim.id, {"cap": lim.cap}) for lim in policy.limits() if lim.article == article and lim.cap is not None]
    for owner, params in owners:
        for name, p in params.items():
            kind = {"yuan": "yuan", "yuan_per_year": "yuan", "ratio": "ratio", "ratio_per_working_day": "ratio",
                    "count": "count"}[p.unit]
            for start, v in p.values.items():
                yield Decimal(start.year), "year", f"{owner}.{name} (from {start})"
                if v is not None:
                    yield Decimal(repr(float(v))) if kind == "ratio" else Decimal(int(v)), kind, f"{owner}.{name}"


def _marks(policy: Policy, article: Optional[int]):
    marks = policy.meta.figures if article is None else policy.article(article).figures
    return list(marks)


def _segments(policy: Policy) -> List[Tuple[Optional[int], str, int]]:
    """(article or None, text, offset): the measures, and the source text outside them."""
    src = None
    if policy.meta.source_text:
        path = policy.folder / policy.meta.source_text
        if path.exists():
            src = re.sub(r"\s+", "", path.read_text(encoding="utf-8"))
    segs: List[Tuple[Optional[int], str, int]] = []
    if src is None:
        return [(a.article, a.text_zh, 0) for a in policy.articles.values()]
    spans = []
    for a in policy.articles.values():
        t = re.sub(r"\s+", "", a.text_zh)
        i = src.find(t)
        if i < 0:  # the health test reports a text not verbatim in the source; here check the article alone
            segs.append((a.article, a.text_zh, 0))
            continue
        spans.append((i, i + len(t), a.article))
        segs.append((a.article, t, i))
    spans.sort()
    pos = 0
    for s, e, _ in spans:
        if s > pos:
            segs.append((None, src[pos:s], pos))
        pos = max(pos, e)
    segs.append((None, src[pos:], pos))
    return segs


def boundary_problems(policy: Policy) -> List[str]:
    """Each boundary (floor, threshold, ceiling, cap, upper-bound rate, a limit's cap) keeps the statute's word;
    the word stands in the cited quote; inclusive/exclusive is the word's meaning under 《民法典》第1259条
    (以上、以下、以内 include the number; 不满、超过 do not), unless a registered reading of the same item says otherwise."""
    from .policy import BOUNDARY_WORDS
    owners = [(it, name, p) for it in policy.items() for name, p in it.parameters.items() if p.word or p.boundary or p.bound]
    owners += [(lim, "cap", lim.cap) for lim in policy.limits() if lim.cap is not None]
    problems = []
    for it, name, p in owners:
        where = f"{it.id}.{name}"
        src = getattr(it, "source", None)
        if not p.word and src is not None and name == "floor" and src.condition:
            continue  # a peer's floor read from the source's condition summary (≥ …), not from words in its excerpt
        if not p.word:
            problems.append(f"{where}: a boundary without the statute's word (word: 及以上, 以下, 不超过…)")
            continue
        if p.word not in it.cite.quote:
            problems.append(f"{where}: word {p.word!r} is not in the quote {it.cite.quote!r}")
        got = p.boundary or ("inclusive" if p.bound == "upper" else None)
        if got != BOUNDARY_WORDS[p.word]:
            if not p.boundary_reading:
                problems.append(f"{where}: {p.word!r} means {BOUNDARY_WORDS[p.word]}, the data says {got}; "
                                "register a reading and name it in boundary_reading")
            elif p.boundary_reading not in it.interpretations or p.boundary_reading not in policy.interpretations:
                problems.append(f"{where}: boundary_reading {p.boundary_reading!r} is not a registered reading of the item")
    return problems


def check(policy: Policy) -> Report:
    """Which figures of ``policy``'s text are covered by a parameter or a mark, and which are not."""
    rep = Report(policy.id)
    used = set()
    for article, text, offset in _segments(policy):
        where = f"{policy.article(article).cite_zh} / {policy.article(article).cite_en}" if article else ""
        figs = [Figure(f.text, f.value, f.kind, f.article, f.pos, where) for f in figures_in(text, article, offset)]
        params = list(_param_values(policy, article)) if article is not None else []
        marks = _marks(policy, article)
        meta = policy.meta
        doc = [(m.start() + offset, m.end() + offset) for m in re.finditer(re.escape(meta.doc_no), text)] if meta.doc_no else []
        for d, name in ((meta.issued, "meta.issued"), (meta.effective, "meta.effective")):
            if d is not None:
                params.append((Decimal(d.year * 10_000 + d.month * 100 + d.day), "date", name))
        for f in figs:
            hit = next((ref for v, k, ref in params if k == f.kind and v == f.value), None)
            if hit is None and any(s <= f.pos < e for s, e in doc):
                hit = "meta.doc_no"
            if hit is None:
                mk = next((i for i, m in enumerate(marks) if m.text == f.text), None)
                if mk is not None:
                    used.add((article, mk))
                    hit = f"figures[{mk}] ({marks[mk].role})"
            if hit is None:
                rep.uncovered.append(f)
            else:
                rep.covered.append((f, hit))
    for article in [None, *policy.articles]:
        for i, m in enumerate(_marks(policy, article)):
            if (article, i) not in used:
                where = "policy.yaml" if article is None else policy.article(article).key + ".yaml"
                rep.unused_marks.append(f"{where}: figures[{i}] {m.text!r} is not a figure of the text it marks")
    rep.boundaries = boundary_problems(policy)
    return rep
