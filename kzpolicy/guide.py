"""Building blocks for the guide's article pages (notebooks), generated from the policy data.

Each function returns something a notebook displays (Markdown or a DataFrame), so a
page's citation box, clause text and parameter table always match the YAML.
"""
from __future__ import annotations

from typing import Dict, Optional

import pandas as pd

from .engine import Assessment, assess
from .facts import profile_to_facts
from .money import wan
from .policy import Param, get_policy
from . import present


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
        f"> **{a.heading_zh}** — *{a.cite_en}: {a.title.en}*",
        ">",
        f"> - 文件 Document：《{m.title.zh}》{m.doc_no}",
        f"> - 发布 Issued：{m.issuer.zh if m.issuer else ''}，{m.issued}；自公布之日起执行 (in force from {m.effective})",
        f"> - 部分 Part：{ch.heading_zh} / {ch.en}" if ch else "> - 部分 Part：—",
        f"> - 引用 Cited as：{m.doc_no or m.id}{a.cite_zh} / {a.cite_en}",
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
    return Markdown(f"> {c.text_zh}\n>\n> — {a.cite_zh}第{k}句 ({a.cite_en}, sentence {k})")


def full_text(n: int, policy=None) -> Markdown:
    a = _pol(policy).article(n)
    return Markdown(f"> {a.text_zh}")


def format_value(p: Param, v) -> str:
    """A parameter value in reader words (200万元, 5%, 不设) — see :func:`kzpolicy.present.value_text`."""
    return present.value_text(p, v)


def parameter_table(n: int, policy=None, lang: str = "zh-en") -> present.Table:
    """Every dated parameter of the article's items, in reader words: 项目, 参数, 取值 (with the boundary), 起始日期, 原文依据."""
    return present.parameters(n, policy, lang=lang)


def eligibility_table(n: int, policy=None, lang: str = "zh-en") -> present.Table:
    """The article's eligibility rules: 资格, 条件 (zh and en), 方式 (all / any)."""
    pol = _pol(policy)
    rows = []
    for el in pol.article(n).eligibility.values():
        for c in el.conditions:
            rows.append({"rule": el.label.zh, "zh": c.zh, "en": c.en,
                         "mode": "全部满足 all" if el.mode == "all" else "满足其一 any"})
    df = pd.DataFrame(rows, columns=["rule", "zh", "en", "mode"])
    return present.table(df, [present.Col("rule", "资格", "Rule"), present.Col("zh", "条件", "Condition"),
                              present.Col("en", "Condition (English)", ""), present.Col("mode", "方式", "How")],
                         lang=lang, wide=False)


def interpretations(n: int, policy=None, lang: str = "zh-en") -> present.Table:
    """The registered readings that concern article ``n``: 问题, 读法, 说明 (zh, en), 默认."""
    pol = _pol(policy)
    rows = []
    for i in pol.interpretations.values():
        if n in i.articles:
            for key, r in i.readings.items():
                rows.append({"q": i.question.zh, "zh": r.zh, "en": r.en, "default": key == i.default})
    df = pd.DataFrame(rows, columns=["q", "zh", "en", "default"])
    return present.table(df, [present.Col("q", "问题", "Question"), present.Col("zh", "读法", "Reading"),
                              present.Col("en", "Reading (English)", ""),
                              present.Col(lambda d: ["是（默认）" if x else "" for x in d["default"]], "默认", "Default",
                                          missing="")],
                         lang=lang, wide=False)


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


def awards(a: Assessment, lang: str = "zh") -> present.Table:
    """The ledger as a reader sees it: 条款, 项目, 金额（万元, exact）, 说明."""
    return present.awards(a, lang)


def outcome(a: Assessment) -> Markdown:
    """Total, near-misses, undetermined, excluded and fees, in two languages (items by name, not id)."""
    def name(i):
        return present.item_name(i, a.policy)
    lines = [f"**合计 Total：{wan(a.total_yuan)}（{a.total_yuan:,} 元）**"]
    for r in a.near_misses.to_dict("records"):
        lines.append(f"- 差一点 Near miss（{name(r['item'])}）：{r['message_zh']} / {r['message_en']}")
    for r in a.undetermined.to_dict("records"):
        lines.append(f"- 无法判断 Undetermined（{name(r['item'])}）：{r['reason_zh']} / {r['reason_en']}")
    for r in a.excluded.to_dict("records"):
        lines.append(f"- 不予计算 Excluded（{name(r['item'])}）：{r['reason_zh']} / {r['reason_en']}")
    for r in a.fees.to_dict("records"):
        text = r.get("explanation_zh") or f"{wan(int(r['fee_yuan']))}"
        lines.append(f"- 收费 Fee（{name(r['item'])}，企业支付 paid by the firm）：{text}")
    return Markdown("\n".join(lines))


class _Effects(present.ReaderFrame):
    """:class:`kzpolicy.present.ReaderFrame` whose ``set_index`` / ``assign`` keep the reader's view.

    ``guide.reading_effects(p, i).set_index("口径 reading")`` is how worked examples look a
    reading up in their asserts; the frame they then display still reads 读法 in words, 合计
    in 万元 and no index.
    """

    def set_index(self, *args, **kwargs):
        return _effects_frame(pd.DataFrame(self).set_index(*args, **kwargs), self._kz_view)

    def assign(self, **kwargs):
        return _effects_frame(pd.DataFrame(self).assign(**kwargs), self._kz_view)


def _effects_frame(df: pd.DataFrame, view) -> _Effects:
    out = _Effects(df)
    object.__setattr__(out, "_kz_view", view)
    return out


def effects_table(df: pd.DataFrame, interp_id: str, policy=None, lang: str = "zh-en") -> present.Table:
    """The reader's table of a :func:`reading_effects` frame (or several concatenated).

    Columns: 情形 (if the frame has a ``情形 case`` column), 读法 (zh, English beside), 默认,
    合计（万元）, 无法判断. The reading's key and ``total_yuan`` stay in the frame, not on the page.
    """
    pol = _pol(policy)
    interp = pol.interpretations[interp_id]
    d = df.reset_index() if "口径 reading" not in df.columns else df

    def label(lng):
        return lambda x: [getattr(interp.readings[k], lng) if k in interp.readings else str(k) for k in x["口径 reading"]]
    cols = []
    if "情形 case" in d.columns:
        cols.append(present.Col("情形 case", "情形", "Case"))
    cols += [present.Col(label("zh"), "读法", "Reading"), present.Col(label("en"), "Reading (English)", "")]
    cols += [present.Col(lambda x: ["是（默认）" if str(v) == "✓" else "" for v in x["默认 default"]], "默认", "Default",
                         missing=""),
             present.Col("total_yuan", "合计", "Total", "wan"),
             present.Col("无法判断 undetermined", "无法判断", "Cannot decide", "int")]
    return present.table(d, cols, lang=lang, wide=False)


def reading_effects(profile: dict, interp_id: str, year: int = 2023, policy=None) -> pd.DataFrame:
    """Total award for ``profile`` under each reading of one interpretation.

    A DataFrame for asserts (``口径 reading``, ``total_yuan``…; ``.set_index("口径 reading")``
    keeps its display) that displays as a reader's table (:func:`effects_table`: 读法 in words
    with English beside, 合计 in 万元, no index).
    """
    pol = _pol(policy)
    rows = []
    for key in pol.interpretations[interp_id].readings:
        a = run(profile, year, readings={interp_id: key}, policy=pol)
        rows.append({"口径 reading": key, "默认 default": "✓" if key == pol.interpretations[interp_id].default else "",
                     "合计 total": wan(a.total_yuan), "total_yuan": a.total_yuan,
                     "无法判断 undetermined": len(a.undetermined)})
    return _effects_frame(pd.DataFrame(rows), lambda d: effects_table(d, interp_id, pol))


def eligibility_result(res: pd.DataFrame, lang: str = "zh-en") -> present.Table:
    """A reader's table of :func:`kzpolicy.eligibility.check` results (the frame itself stays for asserts).

    企业, 日期 (when the frame has several), 结果 (符合 / 不符合 / 无法判断), 已满足, 未满足 and
    缺少信息 (the conditions in words, English beside); no index, no rule id, no True/False/<NA>.
    """
    def both(zh_col, en_col):
        def f(d):
            if en_col not in d.columns or lang == "zh":
                return list(d[zh_col])
            return [f"{z}（{e}）" if z and e else z for z, e in zip(d[zh_col], d[en_col])]
        return f
    cols = [present.Col("firm_id", "企业", "Firm")] if "firm_id" in res.columns else []
    if "on" in res.columns and res["on"].nunique() > 1:
        cols.append(present.Col("on", "日期", "Date"))
    cols.append(present.Col("status_zh", "结果", "Result"))
    for c, zh, en in (("met", "已满足", "Met"), ("failed", "未满足", "Not met"), ("missing", "缺少信息", "Not known")):
        if c in res.columns:
            cols.append(present.Col(both(c, f"{c}_en"), zh, en))
    return present.table(res, cols, lang=lang, wide=False)


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


#: the MIME prefix myst-nb's glue gives a value that is stored for the book but not shown in the notebook
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, display: bool = True) -> None:
    """Keep ``value``'s display for the book's ``{glue:text}`name``` roles: ``myst_nb.glue``, the same output.

    The quizzes glue the figures they compute for the teaching pages. ``from myst_nb import glue``
    imports nbformat and, through it, jsonschema, which compiles ``rfc3987_syntax``'s lark grammars
    at import (≈3.5 s of CPU per kernel, most of a quiz page's run); the output itself is one
    display message. This sends that message exactly as myst-nb 1.x does (the display data under
    ``GLUE_PREFIX`` when ``display`` is false, ``metadata.scrapbook = {name, mime_prefix}``), which
    is all the book reads (tests/test_quiz.py compares the two).
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=prefix)
    show({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
