"""The answer box at the top of an article page, and plain sentences with the amounts in them.

A citizen opens an article page to learn who can apply, how much the firm can get, on
which conditions, and whom to ask. :func:`answer_box` answers exactly that, in plain
Chinese with English beside, rendered from the policy data (amounts, thresholds, rates,
caps, dates, responsible units): nothing in it is typed, so it cannot drift from the YAML.
:func:`say` fills the amounts into a page's own plain explanation
(``"奖励{smart_factory_municipal.amount}"`` -> ``"奖励20万元"``).
"""
from __future__ import annotations

import re
from typing import List, Tuple

from .events import EVENT_CODES
from .explain import article_zh
from .money import wan, yi_or_wan
from .policy import Item, Param, get_policy

__all__ = ["Markdown", "answer_box", "amount_text", "say", "value_text", "article_amounts", "pays_summary"]


class Markdown(str):
    """A Markdown string that notebooks render (text/markdown) and nbval compares as text."""

    def _repr_markdown_(self):
        return str(self)

    def __repr__(self):
        return str(self)


# --------------------------------------------------------------------------- values in words
def _pct(v) -> str:
    return f"{float(v) * 100:g}%"


def value_text(p: Param, v) -> str:
    """One parameter value as a reader writes it: 20万元, 5%, 0.1‰, 10."""
    if v is None:
        return "不设"
    if p.unit in ("yuan", "yuan_per_year"):
        return yi_or_wan(int(v))
    if p.unit == "ratio":
        return _pct(v)
    if p.unit == "ratio_per_working_day":
        return f"{float(v) * 1000:g}‰"
    return f"{v:g}" if isinstance(v, float) else str(v)


def _en_yuan(v) -> str:
    return f"{int(v):,} yuan"


def _en_value(p: Param, v) -> str:
    if v is None:
        return "none"
    if p.unit in ("yuan", "yuan_per_year"):
        return _en_yuan(v)
    return value_text(p, v)


def _now(it: Item, name: str, date=None):
    """(Param, value in force on ``date`` — the latest value when no date is given)."""
    p = it.parameters.get(name)
    if p is None:
        return None, None
    if date is None:
        return p, list(p.values.values())[-1]
    v = None
    for start, x in p.values.items():
        if str(start) <= str(date):
            v = x
    return p, v


_ONCE_ZH = {"firm": "每户一次性", "year": "每年", "event": "每次"}
_ONCE_EN = {"firm": "once per firm", "year": "a year", "event": "each time"}


def amount_text(it: Item, date=None) -> Tuple[str, str]:
    """(zh, en): what the item pays, e.g. ('20万元/户，一次性', '200,000 yuan per firm, once')."""
    k = it.kind
    val = lambda name: _now(it, name, date)  # noqa: E731
    if k in ("event_award", "ladder_award"):
        p, v = val("amount")
        if it.per == "count":
            zh, en = f"{value_text(p, v)}/项", f"{_en_value(p, v)} per item"
        elif it.once == "firm":
            zh, en = f"{value_text(p, v)}/户，一次性", f"{_en_value(p, v)} per firm, once"
        elif it.once == "year":
            zh, en = f"{value_text(p, v)}/户·年", f"{_en_value(p, v)} per firm a year"
        else:
            zh, en = f"{value_text(p, v)}/次", f"{_en_value(p, v)} each time"
        pp, places = val("places")
        if places is not None:
            zh, en = zh + f"（每年{places}名）", en + f" ({places} places a year)"
        pc, cap = val("cap")
        if cap is not None:
            zh, en = zh + f"，最高{value_text(pc, cap)}", en + f", at most {_en_value(pc, cap)}"
        return zh, en
    if k == "revenue_milestone":
        pt, t = val("threshold")
        pa, a = val("amount")
        return (f"主营业务收入首次突破{value_text(pt, t)}：{value_text(pa, a)}",
                f"revenue first above {_en_value(pt, t)}: {_en_value(pa, a)}")
    if k == "investment_subsidy":
        pr, r = val("rate")
        pc, cap = val("cap")
        zh, en = f"按投资额的{value_text(pr, r)}补助", f"{value_text(pr, r)} of the investment"
        if cap is None:
            return zh + "，原文未设上限", en + ", no cap in the text"
        return zh + f"，最高{value_text(pc, cap)}", en + f", at most {_en_value(pc, cap)}"
    if k == "rd_subsidy":
        pc, c = val("ceiling")
        ps, s = val("stock_rate")
        pi, i = val("increment_rate")
        return (f"研发费用{value_text(pc, c)}以下：存量部分不高于{value_text(ps, s)}、增量部分不高于{value_text(pi, i)}",
                f"R&D below {_en_value(pc, c)}: up to {value_text(ps, s)} of the stock and {value_text(pi, i)} of the increment")
    if k == "listing_share":
        ps, s = val("share")
        pc, cap = val("cap")
        return (f"市级奖补标准的{value_text(ps, s)}，总额不超过{value_text(pc, cap)}",
                f"{value_text(ps, s)} of the municipal reward, {_en_value(pc, cap)} at most in total")
    if k == "working_day_fee":
        p, v = val("daily_rate")
        return (f"企业按每个工作日{value_text(p, v)}交资金使用费（不是奖补）",
                f"the firm pays a fee of {value_text(p, v)} of the principal a working day (not an award)")
    if k == "ranked_award":
        pp, places = val("places")
        pa, a = val("amount")
        return (f"每年评出{places}个，各{value_text(pa, a)}（奖给乡镇街道）",
                f"{places} a year, {_en_value(pa, a)} each (paid to townships)")
    if k == "budget_line":
        p, v = val("amount")
        return f"区财政每年安排{value_text(p, v)}", f"a district budget of {_en_value(p, v)} a year"
    if k == "reference":
        pp, prev = val("previous_rate")
        pr, r = val("rate")
        if pr is not None and pp is not None:
            return (f"国家政策：比例由{value_text(pp, prev)}提高到{value_text(pr, r)}（区里不另行发钱）",
                    f"national policy: rate raised from {value_text(pp, prev)} to {value_text(pr, r)} (no district money)")
        return "国家或市级政策（区里不另行发钱）", "national or municipal policy (no district money)"
    if k == "referral":
        p, v = val("floor")
        return (f"{value_text(p, v)}及以上：申报市级补助", f"{_en_value(p, v)} or more: apply to the municipality")
    # a kind this page wording does not know yet: the kind's own amount text (kzpolicy/rules/<kind>.py)
    from .compare import amount_text_zh

    when = date or max((d for p in it.parameters.values() for d in p.values), default=None)
    return amount_text_zh(it, when), it.label.en


# --------------------------------------------------------------------------- who and conditions
_REQ_ZH = {"industrial": "工业企业", "manufacturing": "制造业企业", "independent_legal_person": "独立法人",
           "existing_firm": "存量企业"}
_REQ_EN = {"industrial": "an industrial firm", "manufacturing": "a manufacturer",
           "independent_legal_person": "an independent legal person", "existing_firm": "an existing firm"}
_KIND_WHO = {
    "revenue_milestone": ("主营业务收入首次突破门槛的企业", "a firm whose revenue first crosses a threshold"),
    "rd_subsidy": ("申报研发费用的企业", "a firm declaring R&D expenses"),
    "referral": ("研发费用较高、走市级补助的企业", "a firm whose R&D goes to the municipal scheme"),
    "ranked_award": ("评选排名靠前的乡镇（街道）", "the top-ranked townships"),
    "budget_line": ("区财政安排的专项资金（不按企业申请计算）", "a district budget line (not claimed per firm)"),
    "reference": ("按国家或市级政策执行", "as national or municipal policy provides"),
}


def _requires(it: Item) -> List[str]:
    r = it.requires.model_dump()
    return [k for k in _REQ_ZH if r.get(k)]


def _who(it: Item) -> Tuple[str, str]:
    req = _requires(it)
    if it.events:
        zh = "、".join(EVENT_CODES[e].zh for e in it.events if e in EVENT_CODES) + "的企业"
        en = "; ".join(EVENT_CODES[e].en for e in it.events if e in EVENT_CODES)
    else:
        zh, en = _KIND_WHO.get(it.kind, (it.label.zh, it.label.en))
    req = [k for k in req if _REQ_ZH[k] not in zh]
    if req:
        zh = f"{zh}（须为{'、'.join(_REQ_ZH[k] for k in req)}）"
        en = f"{en} (must be {', '.join(_REQ_EN[k] for k in req)})"
    return zh, en


def _conditions(it: Item, date=None) -> Tuple[List[str], List[str]]:
    zh, en = [], []
    p, v = _now(it, "floor", date)
    if it.kind == "investment_subsidy" and v is not None:
        zh.append(f"投资额{value_text(p, v)}及以上（恰好{value_text(p, v)}也算）")
        en.append(f"investment of {_en_value(p, v)} or more (exactly {_en_value(p, v)} counts)")
    p, v = _now(it, "min_progress", date)
    if v is not None:
        zh.append(f"投资进度{value_text(p, v)}以上（恰好{value_text(p, v)}也算）")
        en.append(f"investment progress of {value_text(p, v)} or more (exactly {value_text(p, v)} counts)")
    p, v = _now(it, "threshold", date)
    if v is not None and p.boundary == "exclusive":
        zh.append("“突破”指超过门槛，恰好等于门槛不算")
        en.append("'crossing' means above the threshold; exactly equal does not count")
    p, v = _now(it, "ceiling", date)
    if it.kind == "rd_subsidy" and v is not None:
        zh.append(f"研发费用恰好{value_text(p, v)}的走市级补助")
        en.append(f"R&D of exactly {_en_value(p, v)} goes to the municipal scheme")
    for k in _requires(it):
        zh.append(f"须为{_REQ_ZH[k]}")
        en.append(f"must be {_REQ_EN[k]}")
    if it.kind in ("event_award", "ladder_award", "revenue_milestone") and it.once == "firm" and it.per != "count":
        zh.append("同一企业只奖一次")
        en.append("paid once per firm")
    if it.kind == "ladder_award":
        zh.append("升级时按差额补足")
        en.append("moving up a level pays the difference")
    return zh, en


def _limit_default(pol, lim, switch: str) -> str:
    """The value a limit's switch takes under the guide's default readings."""
    from .limits import LIMIT_KINDS
    iid = pol.switch_source(lim.id, switch)
    if iid is not None:
        i = pol.interpretations[iid]
        return i.readings[i.default].value
    return LIMIT_KINDS[lim.kind].switches[switch].default


def limit_lines(n: int, date=None, policy=None) -> List[Tuple[str, str]]:
    """[(zh, en)] for the limits across items that touch article ``n`` (its own and those naming its items).

    Read from ``Policy.limits()``: the label, what the limit does (or, where the default reading
    switches it off, that the default pays each), the cap in words and the text it rests on.
    """
    from .limits import LIMIT_KINDS
    pol = get_policy(policy)
    mine = {it.id for it in pol.article(n).items.values()}
    out = []
    for lim in pol.limits():
        if lim.article != n and not mine.intersection(lim.items):
            continue
        k = LIMIT_KINDS[lim.kind]
        src_zh = f"（{pol.article(lim.article).cite_zh}：“{lim.cite.quote}”）"
        src_en = f" ({pol.article(lim.article).cite_en})"
        if lim.kind == "total_per_firm":
            v = [x for start, x in lim.cap.values.items() if date is None or str(start) <= str(date)][-1:] or [None]
            v = v[0]
            zh = f"{lim.label.zh}：{lim.cap.word or ''}{value_text(lim.cap, v)}（各年合计）"
            en = f"{lim.label.en}: at most {_en_value(lim.cap, v)} (all years together)"
        elif lim.kind == "highest_of_group" and _limit_default(pol, lim, "group_payment") == "each":
            zh = f"{lim.label.zh}：本指南默认每项分别奖励（另一读法为{k.zh}）"
            en = f"{lim.label.en}: by default each award is paid (the other reading: {k.en})"
        elif lim.kind == "one_per_project" and _limit_default(pol, lim, "project_scope") == "each_item":
            zh = f"{lim.label.zh}：本指南默认每条各补一次（另一读法为{k.zh}）"
            en = f"{lim.label.en}: by default each item pays once per project (the other reading: {k.en})"
        elif lim.kind in ("one_per_project", "once_per_firm"):  # the label says the rule
            zh, en = lim.label.zh, lim.label.en
        else:
            zh, en = f"{lim.label.zh}：{k.zh}", f"{lim.label.en}: {k.en}"
        out.append((zh + src_zh, en + src_en))
    return out


def _first_date(it: Item):
    return min((d for p in it.parameters.values() for d in p.values), default=None)


def _dedupe(pairs):
    seen, out = set(), []
    for zh, en in pairs:
        if zh not in seen:
            seen.add(zh)
            out.append((zh, en))
    return out


def article_amounts(n: int, date=None, policy=None) -> List[Tuple[str, str, str]]:
    """[(label_zh, amount_zh, amount_en)] for the article's items, in the order of the text."""
    a = get_policy(policy).article(n)
    return [(it.label.zh,) + amount_text(it, date) for it in a.items.values()]


def answer_box(n: int, date=None, policy=None) -> Markdown:
    """谁可以申请 / 能拿多少 / 条件与边界 / 找哪个部门, with the citation and dates, for article ``n``."""
    pol = get_policy(policy)
    a, m = pol.article(n), pol.meta
    items = list(a.items.values())
    who = _dedupe([_who(it) for it in items])
    if len(who) > 3:  # many kinds of recognition: one line, not a list to scroll through
        who = [("有下列情形之一的企业：" + "；".join(zh[:-3] if zh.endswith("的企业") else zh for zh, _ in who),
                "A firm with any of: " + "; ".join(en for _, en in who))]
    for el in a.eligibility.values():
        how_zh, how_en = ("满足其一", "any one of") if el.mode == "any" else ("须同时满足", "all of")
        who.append((f"{el.label.zh}（{how_zh}）：{'、'.join(c.zh for c in el.conditions)}",
                    f"{el.label.en} ({how_en}): {'; '.join(c.en for c in el.conditions)}"))
    lines = ["> **谁可以申请** *Who can apply*"]
    if who:
        lines += [f"> - {zh}  \n>   *{en}*" for zh, en in who]
    else:
        lines.append("> - 本条不设企业可申请的奖补。  \n>   *No award a firm can apply for.*")
    lines.append(">")
    lines.append("> **能拿多少** *How much*")
    money = [it for it in items if it.kind not in ("reference",)]
    for it in money:
        zh, en = amount_text(it, date)
        if it.kind == "revenue_milestone":  # the label already names the threshold
            lines.append(f"> - {zh}  \n>   *{en}*")
        else:
            lines.append(f"> - {it.label.zh}：{zh}  \n>   *{it.label.en}: {en}*")
    for it in items:
        if it.kind == "reference":
            zh, en = amount_text(it, date)
            lines.append(f"> - {it.label.zh}：{zh}  \n>   *{it.label.en}: {en}*")
    for el in a.eligibility.values():
        lines.append(f"> - {el.benefit.zh}  \n>   *{el.benefit.en}*")
    if not items and not a.eligibility:
        lines.append("> - 本条没有奖补金额。  \n>   *No amount: this article pays nothing itself.*")
    lines.append(">")

    conds = []
    for it in items:
        conds += list(zip(*_conditions(it, date)))
    dates = sorted({d for d in (_first_date(it) for it in items) if d is not None})
    for d in dates:
        if str(d) != str(m.effective):
            conds.append((f"{d}以来新认定的也算（原文另有时间规定）", f"recognitions since {d} count (the text says so)"))
    if any(str(d) != str(m.effective) for d in dates):
        conds.append((f"其他事项须在{m.effective}（政策公布之日）及以后发生", f"other events must be on or after {m.effective}, the day of publication"))
    else:
        conds.append((f"{m.effective}（政策公布之日）及以后发生的事项才算", f"events on or after {m.effective}, the day of publication, count"))
    conds += limit_lines(n, date, pol)
    # open questions of the measure; a policy-wide one (the publication-date window) names no item and is said above
    named = {iid for it in pol.items() for iid in it.interpretations} | {iid for lim in pol.limits() for iid in lim.interpretations}
    qs = [i for i in pol.interpretations.values() if n in i.articles and i.id in named]
    if qs:
        conds.append((f"原文有{len(qs)}处可有不同理解，例如：{qs[0].question.zh}本指南的默认口径及其影响见下文“解释与口径”。",
                      f"{len(qs)} open question(s) in the text, e.g. {qs[0].question.en} The default readings and their effect are below."))
    lines.append("> **条件与边界** *Conditions and boundaries*")
    lines += [f"> - {zh}  \n>   *{en}*" for zh, en in _dedupe(conds)]
    lines.append(">")
    units = "、".join(a.responsible) if a.responsible else "原文未列责任单位"
    units_en = ", ".join(a.responsible) if a.responsible else "none listed in the text"
    lines.append(f"> **找哪个部门** *Where to ask*：{units}  \n> *Responsible units: {units_en}*")
    lines.append(">")
    lines.append(f"> **依据** *Source*：《{m.title.zh}》（{m.doc_no}）{article_zh(n)}；"
                 f"{m.issued}印发，自公布之日（{m.effective}）起执行。  \n"
                 f"> *{m.doc_no}, {a.cite_en}; issued {m.issued}, in force from {m.effective}.*")
    return Markdown("\n".join(lines))


# --------------------------------------------------------------------------- plain sentences
_PLACE = re.compile(r"\{([a-z0-9_]+)\.([a-z_]+)(?::(en))?\}")


def say(n: int, text: str, date=None, policy=None) -> Markdown:
    """Fill ``{item.parameter}`` (or ``{item.parameter:en}``) in a page's plain text with the value in words.

    ``say(5, "奖励{smart_factory_municipal.amount}")`` -> ``"奖励20万元"``. An unknown item or
    parameter is an error naming what the article has, so a typo cannot print a blank.
    """
    a = get_policy(policy).article(n)

    def fill(mo):
        key, name, lang = mo.groups()
        if key not in a.items:
            raise KeyError(f"article {n} has no item {key!r}; it has: {', '.join(a.items)}")
        it = a.items[key]
        if name not in it.parameters:
            raise KeyError(f"item {key!r} has no parameter {name!r}; it has: {', '.join(it.parameters)}")
        p, v = _now(it, name, date)
        return _en_value(p, v) if lang else value_text(p, v)

    return Markdown(_PLACE.sub(fill, text.strip()))


# --------------------------------------------------------------------------- one line per article
def _short(it: Item, date=None) -> str:
    """An item's amount in a few characters: 20万元/户, 5万元/项, 按投资额的5%."""
    zh = amount_text(it, date)[0]
    if it.kind in ("event_award", "ladder_award"):
        zh = zh.replace("，一次性", "")
    return zh


def pays_summary(n: int, date=None, policy=None) -> str:
    """What article ``n`` pays, in one line for the home page's article table (zh, from the data).

    ``pays_summary(5)`` -> ``"市级智能工厂认定奖励20万元/户；市级数字化车间认定奖励10万元/户；存量企业新增设备投资补助：按投资额的5%补助，原文未设上限"``.
    """
    a = get_policy(policy).article(n)
    items = list(a.items.values())
    parts = []
    tiers = [it for it in items if it.kind == "revenue_milestone"]
    if tiers:
        thr = sorted((_now(it, "threshold", date)[1], _now(it, "amount", date)[1]) for it in tiers)
        parts.append(f"收入首次突破{yi_or_wan(thr[0][0])}至{yi_or_wan(thr[-1][0])}，按档{wan(thr[0][1])}至{wan(thr[-1][1])}")
    for it in items:
        if it.kind == "revenue_milestone":
            continue
        if it.kind in ("event_award", "ladder_award", "ranked_award"):
            parts.append(f"{it.label.zh}{_short(it, date)}")
        else:
            parts.append(f"{it.label.zh}：{_short(it, date)}")
    parts += [el.benefit.zh for el in a.eligibility.values()]
    return "；".join(parts) if parts else "不设奖补（组织保障、程序或上级政策）"
