"""Building blocks for the guide's article pages (notebooks), generated from the policy data.

Each function returns something a notebook displays (Markdown or a DataFrame), so a
page's citation box, clause text and parameter table always match the YAML.
"""
from __future__ import annotations

from typing import Dict, Optional

import pandas as pd

from .engine import Assessment, assess
from .explain import article_zh
from .facts import profile_to_facts
from .money import wan
from .policy import Param, get_policy


class Markdown(str):
    """A Markdown string that notebooks render (text/markdown) and nbval compares as text."""

    def _repr_markdown_(self):
        return str(self)

    def __repr__(self):
        return str(self)


def _pol(policy=None):
    return get_policy(policy)


def citation_box(n: int, policy=None) -> Markdown:
    """The citation box at the top of an article page: document, article, chapter, dates, units."""
    pol = _pol(policy)
    a, m = pol.article(n), pol.meta
    ch = next((c for c in m.chapters if c.chapter == a.chapter), None)
    units = "、".join(a.responsible) if a.responsible else "（原文未列责任单位 / none listed）"
    lines = [
        f"> **{article_zh(n)}　{a.title.zh}** — *Article {n}: {a.title.en}*",
        ">",
        f"> - 文件 Document：《{m.title.zh}》{m.doc_no}",
        f"> - 发布 Issued：{m.issuer.zh if m.issuer else ''}，{m.issued}；自公布之日起执行 (in force from {m.effective})",
        f"> - 章 Chapter：第{ch.chapter}章 {ch.zh} / {ch.en}" if ch else "> - 章 Chapter：—",
        f"> - 责任单位 Responsible units：{units}",
        f"> - 来源 Source：{m.url} （{m.source_quality}）",
    ]
    return Markdown("\n".join(lines))


def clause(n: int, k: int, policy=None) -> Markdown:
    """One clause of the article, verbatim, as a quotation with its position."""
    a = _pol(policy).article(n)
    c = next((c for c in a.clauses if c.clause == k), None)
    if c is None:
        raise KeyError(f"article {n} has clauses 1–{len(a.clauses)}, not {k}")
    return Markdown(f"> {c.text_zh}\n>\n> — {article_zh(n)}，第{k}句 (article {n}, clause {k})")


def full_text(n: int, policy=None) -> Markdown:
    a = _pol(policy).article(n)
    return Markdown(f"> {a.text_zh}")


def format_value(p: Param, v) -> str:
    if v is None:
        return "不设 / none"
    if p.unit in ("yuan", "yuan_per_year"):
        s = f"{wan(int(v))}（{int(v):,} 元）"
        return s + ("/年" if p.unit == "yuan_per_year" else "")
    if p.unit == "ratio":
        return f"{float(v) * 100:g}%"
    if p.unit == "ratio_per_working_day":
        return f"{float(v) * 1000:g}‰/工作日"
    return f"{v:g}" if isinstance(v, float) else str(v)


_BOUNDARY = {"inclusive": "含本数（以上/及以上）", "exclusive": "不含本数（超过/以下）", None: ""}
_CAP_BOUNDARY = {"inclusive": "含本数（不超过）", "exclusive": "不含本数（以下）", None: ""}


def _boundary_text(name: str, p: Param) -> str:
    """How the boundary reads: a floor (以上) and a cap (不超过) both include the number, worded as the text does."""
    if name == "cap":
        return _CAP_BOUNDARY[p.boundary]
    return _BOUNDARY[p.boundary] + ("上限（不高于）" if p.bound == "upper" else "")


def parameter_table(n: int, policy=None) -> pd.DataFrame:
    """Every dated parameter of the article's items, as the YAML says."""
    pol = _pol(policy)
    rows = []
    for key, it in pol.article(n).items.items():
        for name, p in it.parameters.items():
            for start, v in p.values.items():
                rows.append({
                    "项目 item": it.id, "名称": it.label.zh, "parameter": name, "取值 value": format_value(p, v),
                    "起始 from": str(start), "边界 boundary": _boundary_text(name, p),
                    "依据 citation": f"第{it.cite.clause}句：{it.cite.quote}",
                })
    return pd.DataFrame(rows)


def eligibility_table(n: int, policy=None) -> pd.DataFrame:
    pol = _pol(policy)
    rows = []
    for key, el in pol.article(n).eligibility.items():
        for c in el.conditions:
            rows.append({"规则 rule": el.id, "条件 condition": c.zh, "condition (en)": c.en,
                         "数据字段 field": c.field or f"event {c.event}", "方式 mode": "全部满足 all" if el.mode == "all" else "满足其一 any"})
    return pd.DataFrame(rows)


def interpretations(n: int, policy=None) -> pd.DataFrame:
    """The registered readings that concern article ``n``."""
    pol = _pol(policy)
    rows = []
    for i in pol.interpretations.values():
        if n in i.articles:
            for key, r in i.readings.items():
                rows.append({"id": i.id, "问题 question": i.question.zh, "口径 reading": key, "说明": r.zh,
                             "reading (en)": r.en, "默认 default": "✓" if key == i.default else ""})
    return pd.DataFrame(rows)


def param(path: str, date: str = "2023-12-31", policy=None):
    """A parameter's value on a date, e.g. ``param("art05.equipment_subsidy.floor")`` -> 2000000."""
    v = _pol(policy).param(path).at(date)
    if v is not None and float(v).is_integer() and _pol(policy).param(path).unit in ("yuan", "yuan_per_year", "count"):
        return int(v)
    return v


def firm(firm_id: str = "F1", industry: str = "manufacturing", established: str = "2015-04-01", **extra) -> dict:
    return {"id": firm_id, "industry": industry, "established": established, **extra}


def run(profile: dict, year: int = 2023, readings: Optional[Dict[str, str]] = None, policy=None) -> Assessment:
    """Assess a one-firm profile (dict with firm, financials, events)."""
    return assess(profile_to_facts(profile, name="example"), year=year, readings=readings, policy=policy)


def awards(a: Assessment, lang: str = "zh") -> pd.DataFrame:
    """The ledger as a reader sees it: article, item, amount in 万元 and the explanation."""
    if not len(a.ledger):
        return pd.DataFrame({"条 article": [], "项目 item": [], "金额 amount": [], "说明 explanation": []})
    led = a.ledger
    return pd.DataFrame({
        "条 article": [article_zh(x) for x in led["article"]],
        "项目 item": led["label_zh"] if lang == "zh" else led["label_en"],
        "金额 amount": [wan(x) for x in led["amount_yuan"]],
        "说明 explanation": led["explanation_zh"] if lang == "zh" else led["explanation_en"],
    })


def outcome(a: Assessment) -> Markdown:
    """Total, near-misses, undetermined and excluded, in two languages."""
    lines = [f"**合计 Total：{wan(a.total_yuan)}（{a.total_yuan:,} 元）**"]
    for r in a.near_misses.to_dict("records"):
        lines.append(f"- 差一点 Near miss（{r['item']}）：{r['message_zh']} / {r['message_en']}")
    for r in a.undetermined.to_dict("records"):
        lines.append(f"- 无法判断 Undetermined（{r['item']}）：{r['reason_zh']} / {r['reason_en']}")
    for r in a.excluded.to_dict("records"):
        lines.append(f"- 不予计算 Excluded（{r['item']}）：{r['reason_zh']} / {r['reason_en']}")
    for r in a.fees.to_dict("records"):
        lines.append(f"- 收费 Fee（{r['item']}）：{r.get('explanation_zh', '')}")
    return Markdown("\n".join(lines))


def reading_effects(profile: dict, interp_id: str, year: int = 2023, policy=None) -> pd.DataFrame:
    """Total award for ``profile`` under each reading of one interpretation."""
    pol = _pol(policy)
    rows = []
    for key in pol.interpretations[interp_id].readings:
        a = run(profile, year, readings={interp_id: key}, policy=pol)
        rows.append({"口径 reading": key, "默认 default": "✓" if key == pol.interpretations[interp_id].default else "",
                     "合计 total": wan(a.total_yuan), "total_yuan": a.total_yuan,
                     "无法判断 undetermined": len(a.undetermined)})
    return pd.DataFrame(rows)


def profile(*events: dict, financials: Optional[dict] = None, **firm_fields) -> dict:
    """A one-firm profile for :func:`run`: ``profile({"date": ..., "code": ...}, industry="mining")``.

    Firm fields default as in :func:`firm`; events are the input-contract dicts; financials
    map a year to ``{"revenue": ..., "rd_expense": ...}``.
    """
    p = {"firm": firm(**firm_fields), "events": list(events)}
    if financials:
        p["financials"] = financials
    return p


def amounts(a: Assessment) -> Dict[str, int]:
    """Award per item in yuan, ``{"art05.equipment_subsidy": 100000}``, for asserts in worked examples."""
    if not len(a.ledger):
        return {}
    s = a.ledger.groupby("item", sort=True)["amount_yuan"].sum()
    return {k: int(v) for k, v in s.items()}
