"""An interactive award calculator for JupyterLab (ipywidgets).

Why: trainers and firm owners want to try "what if" on one firm without writing
YAML. The widget only collects a one-firm profile; the awards come from
:func:`kzpolicy.assess` (a population of one, the same engine as everything
else). Empty number boxes mean "not known" (NA), never 0. Every change
re-assesses and redraws the awards, explanations, near-misses and the cases that
cannot be decided.

    from kzpolicy.widgets import calculator
    calc = calculator()          # shows itself in a notebook
    calc.add_event("equipment.investment", "2023-09-01", amount=3000000, progress=0.85)
    calc.awards_frame()          # the same table as a DataFrame
"""
from __future__ import annotations

import datetime as dt
import html
from typing import Dict, List, Optional

import ipywidgets as W
import pandas as pd

from .engine import Assessment, assess
from .events import EVENT_CODES
from .explain import article_zh
from .facts import INDUSTRIES, FactsError, profile_to_facts
from .money import wan
from .policy import get_policy
from . import present

FIRM_ID = "CALC"
#: how many years of revenue history the form offers at most (article 3 needs the years since establishment)
HISTORY_YEARS = 15
_INDUSTRY_LABEL = {"manufacturing": "制造业 manufacturing", "mining": "采矿业 mining",
                   "utilities": "电力热力燃气水 utilities", "other": "其他 other"}
_FIELD_LABEL = {"amount": "投资额（元）", "progress": "投资进度(0–1)", "count": "数量", "municipal_reward": "市级奖补（元）",
                "principal": "转贷本金（元）", "start": "转贷开始", "end": "转贷结束", "project": "项目编号"}
_YUAN_FIELDS = ("amount", "municipal_reward", "principal")
_DESC = {"description_width": "initial"}


def _parse_yuan(text: str, what: str):
    """'' -> None (unknown); '3,000,000' -> 3000000; anything else is an error naming the box."""
    t = (text or "").replace(",", "").replace("，", "").strip()
    if not t:
        return None
    if not t.isdigit():
        raise ValueError(f"{what}: 请填整数元 / whole yuan, got {text!r}")
    return int(t)


def _iso(d) -> Optional[str]:
    return d.isoformat() if isinstance(d, dt.date) else None


def _as_date(v) -> Optional[dt.date]:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


class EventRow:
    """One event: a code (zh label) and the fields that code uses."""

    def __init__(self, codes: List[str], on_change, on_remove):
        self.code = W.Dropdown(options=[(EVENT_CODES[c].zh, c) for c in codes], description="事项",
                               style=_DESC, layout=W.Layout(width="430px"))
        self.date = W.DatePicker(description="日期", style=_DESC)
        self.amount = W.Text(description=_FIELD_LABEL["amount"], placeholder="如 3000000", style=_DESC)
        self.progress = W.BoundedFloatText(value=1.0, min=0.0, max=1.0, step=0.05, description=_FIELD_LABEL["progress"], style=_DESC)
        self.count = W.BoundedIntText(value=1, min=1, max=1000, description=_FIELD_LABEL["count"], style=_DESC)
        self.municipal_reward = W.Text(description=_FIELD_LABEL["municipal_reward"], style=_DESC)
        self.principal = W.Text(description=_FIELD_LABEL["principal"], style=_DESC)
        self.start = W.DatePicker(description=_FIELD_LABEL["start"], style=_DESC)
        self.end = W.DatePicker(description=_FIELD_LABEL["end"], style=_DESC)
        self.project = W.Text(description=_FIELD_LABEL["project"], style=_DESC)
        self.remove = W.Button(description="删除 remove", layout=W.Layout(width="110px"))
        self.remove.on_click(lambda _: on_remove(self))
        self._fields = {f: getattr(self, f) for f in _FIELD_LABEL}
        self.box = W.VBox([W.HBox([self.code, self.date, self.remove]), W.HBox([])],
                          layout=W.Layout(border="1px solid #ddd", padding="4px", margin="2px 0"))
        self.code.observe(lambda _: self._show_fields(), "value")
        self._show_fields()
        for w in [self.code, self.date, *self._fields.values()]:
            w.observe(lambda _: on_change(), "value")

    def used_fields(self) -> tuple:
        e = EVENT_CODES[self.code.value]
        return e.needs + e.allows

    def _show_fields(self):
        self.box.children[1].children = [self._fields[f] for f in self.used_fields()]

    def set(self, **values):
        """Set fields programmatically (code first, so the right fields are shown)."""
        if "code" in values:
            self.code.value = values.pop("code")
        for k, v in values.items():
            w = self.date if k == "date" else self._fields[k]
            if k in ("date", "start", "end"):
                w.value = _as_date(v)
            elif k in _YUAN_FIELDS or k == "project":
                w.value = "" if v is None else str(v)
            else:
                w.value = v
        return self

    def record(self) -> dict:
        """The event as a profile entry; only the fields this code uses, and only those given."""
        ev = {"code": self.code.value, "date": _iso(self.date.value)}
        for f in self.used_fields():
            w = self._fields[f]
            if f in _YUAN_FIELDS:
                v = _parse_yuan(w.value, f"{EVENT_CODES[self.code.value].zh}: {_FIELD_LABEL[f]}")
            elif f in ("start", "end"):
                v = _iso(w.value)
            elif f == "project":
                v = w.value.strip() or None
            else:
                v = w.value
            if v is not None:
                ev[f] = v
        return ev


class Calculator:
    """The calculator's state and widgets; :attr:`widget` is what a notebook shows."""

    def __init__(self, year: int = 2023, policy=None, profile: Optional[dict] = None, readings: Optional[Dict[str, str]] = None):
        self.policy = get_policy(policy)
        chosen = self.policy.readings(readings)  # validates the ids and values given
        #: one drop-down per registered interpretation; the default reading is preselected
        self.reading_widgets: Dict[str, W.Dropdown] = {
            i.id: W.Dropdown(options=[(f"{t.zh}{'（默认 default）' if k == i.default else ''}", k) for k, t in i.readings.items()],
                             value=chosen[i.id], description="", style=_DESC, layout=W.Layout(width="95%"),
                             tooltip=i.question.zh)
            for i in self.policy.interpretations.values()
        }
        used = set(self.policy.event_codes)
        self.codes = [c for c in EVENT_CODES if c in used]
        self._quiet = True
        self.year = W.BoundedIntText(value=int(year), min=2023, max=2100, description="测算年度 year", style=_DESC)
        self.name = W.Text(value="", description="企业名称 name", style=_DESC)
        self.industry = W.Dropdown(options=[(_INDUSTRY_LABEL[i], i) for i in INDUSTRIES], value="manufacturing",
                                   description="行业 industry", style=_DESC)
        # no pre-filled answer for a fact that decides eligibility: blank until the user says (blank = unknown)
        self.established = W.DatePicker(value=None, description="成立日期 established", style=_DESC)
        self.independent = W.Dropdown(options=[("未填 unknown", None), ("是 yes", True), ("否 no", False)], value=None,
                                      description="独立法人 legal person", style=_DESC)
        self.revenue: Dict[int, W.Text] = {}
        self.rd_expense: Dict[int, W.Text] = {}
        self.history_box = W.VBox([])
        self.events: List[EventRow] = []
        self.events_box = W.VBox([])
        self.add_button = W.Button(description="添加事项 add event", button_style="info")
        self.add_button.on_click(lambda _: self.add_event())
        self.output = W.HTML()
        self.result: Optional[Assessment] = None
        self.errors: List[str] = []
        for w in (self.name, self.industry, self.independent, *self.reading_widgets.values()):
            w.observe(lambda _: self.refresh(), "value")
        for w in (self.year, self.established):  # these change the years shown; the rebuild re-assesses
            w.observe(lambda _: self._build_history(), "value")
        self._build_history()
        if profile:
            self.load(profile)
        self.widget = W.VBox([
            W.HTML("<b>企业 Firm</b>"), W.HBox([self.name, self.industry]), W.HBox([self.established, self.independent, self.year]),
            W.HTML("<b>历年主营业务收入与研发费用（元；空白＝未知）Revenue and R&amp;D by year (yuan; blank = unknown)</b>"),
            self.history_box,
            W.HTML("<b>事项 Events</b>"), self.events_box, self.add_button,
            self._readings_panel(),
            W.HTML("<hr>"), self.output,
        ])
        self._quiet = False
        self.refresh()

    # ---- building the form
    def _readings_panel(self) -> W.Accordion:
        # each drop-down under its question in words (the registry id is for the command line, not for readers)
        rows = []
        for iid, w in self.reading_widgets.items():
            q = self.policy.interpretations[iid].question
            rows += [W.HTML(f"<b>{html.escape(q.zh)}</b> <i>{html.escape(q.en)}</i>"), w]
        acc = W.Accordion(children=[W.VBox(rows)])
        acc.set_title(0, "解释口径 Interpretations (registry readings)")
        acc.selected_index = None
        return acc

    @property
    def readings(self) -> Dict[str, str]:
        """The readings in force (registry id -> reading), as chosen in the interpretations panel."""
        return {k: w.value for k, w in self.reading_widgets.items()}

    def set_reading(self, interp_id: str, value: str):
        """Switch one interpretation (as a user would in the panel) and re-assess."""
        if interp_id not in self.reading_widgets:
            raise KeyError(f"unknown interpretation {interp_id!r}; see `kzpolicy readings`")
        self.reading_widgets[interp_id].value = value

    def _history_years(self) -> List[int]:
        y = int(self.year.value)
        est = self.established.value.year if self.established.value else y - 1
        return list(range(max(est, y - HISTORY_YEARS), y + 1))

    def _build_history(self):
        rows = []
        for yy in self._history_years():
            for store, label in ((self.revenue, "收入"), (self.rd_expense, "研发")):
                if yy not in store:
                    store[yy] = W.Text(description=f"{yy} {label}", style=_DESC, layout=W.Layout(width="260px"))
                    store[yy].observe(lambda _: self.refresh(), "value")
            rows.append(W.HBox([self.revenue[yy], self.rd_expense[yy]]))
        self.history_box.children = rows
        self.refresh()

    def add_event(self, code: Optional[str] = None, date=None, **fields) -> EventRow:
        """Add an event row (optionally filled in) and re-assess."""
        row = EventRow(self.codes, self.refresh, self.remove_event)
        quiet, self._quiet = self._quiet, True
        if code is not None:
            row.set(code=code)
        if date is not None:
            row.set(date=date)
        if fields:
            row.set(**fields)
        self._quiet = quiet
        self.events.append(row)
        self.events_box.children = [r.box for r in self.events]
        self.refresh()
        return row

    def remove_event(self, row: EventRow):
        self.events.remove(row)
        self.events_box.children = [r.box for r in self.events]
        self.refresh()

    def set_financials(self, year: int, revenue=None, rd_expense=None):
        """Set one year's revenue / R&D expense in yuan (None = unknown)."""
        if year not in self.revenue:
            raise ValueError(f"{year} is outside the history shown ({self._history_years()}); change the year or the establishment date")
        quiet, self._quiet = self._quiet, True
        self.revenue[year].value = "" if revenue is None else str(int(revenue))
        self.rd_expense[year].value = "" if rd_expense is None else str(int(rd_expense))
        self._quiet = quiet
        self.refresh()

    def load(self, profile: dict):
        """Fill the form from a profile dict (firm, financials, events), as in a YAML profile."""
        quiet, self._quiet = self._quiet, True
        firm = profile.get("firm", {})
        self.name.value = str(firm.get("name", ""))
        if "industry" in firm:
            self.industry.value = firm["industry"]
        if "established" in firm:
            self.established.value = _as_date(firm["established"])
        if "independent_legal_person" in firm:
            self.independent.value = firm["independent_legal_person"]
        for ev in profile.get("events", []):
            ev = dict(ev)
            self.add_event(ev.pop("code"), ev.pop("date", None), **ev)
        for yy, vals in (profile.get("financials") or {}).items():
            self.set_financials(int(yy), vals.get("revenue"), vals.get("rd_expense"))
        self._quiet = quiet
        self.refresh()

    # ---- the profile and the assessment
    def profile(self) -> dict:
        """The one-firm profile the form describes (what :func:`kzpolicy.profile_to_facts` reads)."""
        firm = {"id": FIRM_ID, "industry": self.industry.value, "established": _iso(self.established.value)}
        if self.name.value.strip():
            firm["name"] = self.name.value.strip()
        if self.independent.value is not None:
            firm["independent_legal_person"] = self.independent.value
        fin = {}
        for yy in self._history_years():
            rev = _parse_yuan(self.revenue[yy].value, f"{yy} 主营业务收入")
            rd = _parse_yuan(self.rd_expense[yy].value, f"{yy} 研发费用")
            vals = {k: v for k, v in (("revenue", rev), ("rd_expense", rd)) if v is not None}
            if vals:
                fin[yy] = vals
        return {"firm": firm, "financials": fin, "events": [r.record() for r in self.events]}

    def refresh(self):
        """Re-assess and redraw (called on every change)."""
        if self._quiet:
            return
        self.result, self.errors = None, []
        try:
            facts = profile_to_facts(self.profile(), name="计算器 calculator")
            self.result = assess(facts, year=int(self.year.value), policy=self.policy, readings=self.readings)
        except FactsError as e:
            self.errors = list(e.problems)
        except ValueError as e:
            self.errors = [str(e)]
        self.output.value = self.render_html()

    # ---- views of the result
    def awards_frame(self) -> pd.DataFrame:
        return awards_frame(self.result) if self.result is not None else awards_frame(None)

    def near_misses_frame(self) -> pd.DataFrame:
        return near_misses_frame(self.result)

    def undetermined_frame(self) -> pd.DataFrame:
        return undetermined_frame(self.result)

    def render_html(self) -> str:
        if self.errors:
            items = "".join(f"<li>{html.escape(p)}</li>" for p in self.errors)
            return f"<div style='color:#b00'><b>输入有误 / invalid input</b><ul>{items}</ul></div>"
        a = self.result
        parts = [f"<h4>合计 Total：{html.escape(wan(a.total_yuan))}（{a.total_yuan:,} 元 yuan）</h4>"]
        views = (("奖补 Awards", present.awards(a, "zh")), ("差一点 Near misses", present.near_misses(a)),
                 ("无法判断 Cannot decide", present.undetermined(a)), ("不予奖补 Excluded", present.excluded(a)),
                 ("应急转贷资金使用费（企业支付）Bridge-loan fees (paid by the firm)", present.fees(a)))
        for title, t in views:
            if len(t) or title.startswith("奖补"):
                parts.append(f"<b>{html.escape(title)}</b>" + (t.html() if len(t) else "<p>（无 none）</p>"))
        return "\n".join(parts)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def awards_frame(a: Optional[Assessment]) -> pd.DataFrame:
    """The awards: 条款, 项目, 金额（万元）, 金额（元）, 说明 (a DataFrame that displays as a reader's table)."""
    cols = ["条款", "项目", "金额（万元）", "金额（元）", "说明"]
    if a is None or not len(a.ledger):
        df = pd.DataFrame(columns=cols)
    else:
        led = a.ledger
        df = pd.DataFrame({
            "条款": [article_zh(n) for n in led["article"]], "项目": led["label_zh"].to_numpy(),
            "金额（万元）": [present.wan_exact(y) for y in led["amount_yuan"]], "金额（元）": led["amount_yuan"].to_numpy(),
            "说明": led["explanation_zh"].to_numpy() if "explanation_zh" in led else "",
        }, columns=cols)
    return present.reader_frame(df, lambda d: present.table(d, [
        present.Col("条款", "条款"), present.Col("项目", "项目"), present.Col("金额（万元）", "金额（万元）"),
        present.Col("金额（元）", "金额（元）", kind="yuan"), present.Col("说明", "说明")], wide=False))


def _messages_frame(a: Optional[Assessment], table: str, text_col: str, header: str) -> pd.DataFrame:
    """Article, item label and one message column of ``a.<table>`` (near-misses, undetermined, excluded)."""
    cols = ["条款", "项目", header]
    df = None if a is None else getattr(a, table)
    if df is None or not len(df):
        out = pd.DataFrame(columns=cols)
    else:
        out = pd.DataFrame({"条款": [article_zh(n) if not pd.isna(n) else "—" for n in df["article"]],
                            "项目": [a.policy.item(i).label.zh if isinstance(i, str) else "—" for i in df["item"]],
                            header: df[text_col].to_numpy()},
                           columns=cols)
    return present.reader_frame(out, lambda d: present.table(d, wide=False))


def near_misses_frame(a: Optional[Assessment]) -> pd.DataFrame:
    return _messages_frame(a, "near_misses", "message_zh", "差距")


def undetermined_frame(a: Optional[Assessment]) -> pd.DataFrame:
    return _messages_frame(a, "undetermined", "reason_zh", "原因")


def excluded_frame(a: Optional[Assessment]) -> pd.DataFrame:
    return _messages_frame(a, "excluded", "reason_zh", "原因")


def calculator(year: int = 2023, profile: Optional[dict] = None, policy=None, readings=None) -> Calculator:
    """Build the calculator; in a notebook the returned object displays as the widget."""
    return Calculator(year=year, policy=policy, profile=profile, readings=readings)
