"""Excel in and out for district staff: a fill-in template and a results workbook.

Why: staff collect firm facts in Excel and want the awards back in Excel. The
template's sheets and headers are exactly what :func:`kzpolicy.load_tables`
reads (Chinese sheet names 企业/事项/财务/乡镇评选 and the ``zh`` headers of
:mod:`kzpolicy.facts`), with drop-down lists taken from the event vocabulary,
so a filled template loads without edits. Results are written in 万元 (exact:
integer yuan / 10000) beside the yuan column. Every text cell is written as
text, never as a formula (a firm named ``=HYPERLINK(...)`` stays a name).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Union

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .engine import Assessment
from .events import EVENT_CODES, choice_text
from .explain import article_zh
from .facts import INDUSTRIES, INDUSTRY_ZH, TABLE_ZH, TABLES, Facts, Field
from .money import YUAN_PER_WAN
from .outputs import FORMULA_START as _FORMULA_START
from .outputs import check_output, save_workbook, xlsx_text
from .policy import get_policy

#: the committed template (regenerate with ``python -m kzpolicy.excel``)
TEMPLATE_PATH = Path(__file__).parent / "data" / "template.xlsx"
INSTRUCTIONS_SHEET = "说明"
#: rows of the template that carry drop-down lists and checks (the header is row 1)
TEMPLATE_ROWS = 5000
#: fixed document dates so the committed template does not change on every regeneration
_FIXED_TIME = dt.datetime(2023, 5, 30)

_TYPE_ZH = {"str": "文字", "category": "从下拉列表选择", "int": "整数", "yuan": "整数（元）",
            "ratio": "0到1之间的小数（0.85即85%）", "bool": "是/否", "date": "日期 YYYY-MM-DD"}
_OPTIONAL_COLUMNS = ("explanation_zh", "explanation_en")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


# --------------------------------------------------------------------------- safe cells
def is_formula_like(value) -> bool:
    """True for text a spreadsheet could run as a formula (= + - @, tab, CR first)."""
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def set_cell(ws, row: int, col: int, value, number_format: Optional[str] = None):
    """Write one cell; text is always stored as text (quote prefix), never as a formula."""
    cell = ws.cell(row=row, column=col)
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        cell.value = None
        return cell
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, str):
        cell.value = xlsx_text(value)  # control characters escaped (openpyxl would raise IllegalCharacterError)
        cell.data_type = "s"  # openpyxl would otherwise turn '=…' into a formula
        if is_formula_like(cell.value):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cell
    cell.value = value
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "yyyy-mm-dd"
    return cell


def wan_format(yuan: int) -> str:
    """Number format for a 万元 cell: whole 万 without decimals, otherwise up to 4 (exact)."""
    return "#,##0" if int(yuan) % YUAN_PER_WAN == 0 else "#,##0.0###"


def _header(ws, headers: Sequence[str], widths: Optional[Sequence[int]] = None, notes: Optional[Sequence[str]] = None):
    for j, h in enumerate(headers, start=1):
        c = set_cell(ws, 1, j, h)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
        c.alignment = Alignment(vertical="center", wrap_text=True)
        if notes and notes[j - 1]:
            c.comment = Comment(notes[j - 1], "kzpolicy")
        ws.column_dimensions[get_column_letter(j)].width = (widths[j - 1] if widths else max(12, 2 * len(h) + 2))
    ws.freeze_panes = "A2"


def _fixed_dates(wb: Workbook):
    wb.properties.creator = "kzpolicy"
    wb.properties.created = _FIXED_TIME
    wb.properties.modified = _FIXED_TIME


# --------------------------------------------------------------------------- template
def _field_note(f: Field) -> str:
    req = "必填" if f.required else "选填"
    return f"{f.en}\n{req}；{_TYPE_ZH[f.type]}\nfield: {f.name}"


def _instructions(ws, policy=None) -> str:
    """Fill the 说明 sheet; return the range holding the event codes (for the drop-down)."""
    ws.column_dimensions["A"].width = 34
    for col, w in zip("BCDEFG", (30, 46, 30, 22, 40, 26)):
        ws.column_dimensions[col].width = w
    r = 1
    lines = [
        (f"{get_policy(policy).meta.doc_no or get_policy(policy).id} 奖补测算模板 · Award calculation template", True),
        ("填写“企业”“事项”“财务”（和“乡镇评选”）四张表，每行一条记录；第一行表头不要修改。", False),
        ("Fill the sheets 企业 (firms), 事项 (events), 财务 (financials) and, for article 21, 乡镇评选 (townships); "
         "one record per row; keep the header row as it is.", False),
        ("金额一律填整数“元”（不是万元）；投资进度填0到1之间的小数（0.85即85%）；日期填 YYYY-MM-DD。", False),
        ("Amounts in whole yuan (not 万元); progress as a share between 0 and 1; dates as YYYY-MM-DD.", False),
        ("计算：kzpolicy assess 本文件.xlsx --year 2023 --out 结果.xlsx", False),
    ]
    for text, bold in lines:
        c = set_cell(ws, r, 1, text)
        c.font = Font(bold=bold, size=13 if bold else 11)
        r += 1
    r += 1
    set_cell(ws, r, 1, "各表字段 · Columns of each sheet").font = Font(bold=True)
    r += 1
    for j, h in enumerate(["工作表 Sheet", "表头 Header", "含义 Meaning", "必填 Required", "字段名 Field", "填写方式 How to fill"], 1):
        c = set_cell(ws, r, j, h)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
    r += 1
    for t, fields in TABLES.items():
        for f in fields:
            how = _TYPE_ZH[f.type]
            if f.name == "industry":
                how = "从下拉列表选择：" + "；".join(f"{zh}（{code}）" for zh, code in INDUSTRY_ZH.items())
            if f.name == "code":
                how = "见下方“事项代码”表 · see the event codes below"
            for j, v in enumerate([f"{TABLE_ZH[t]} ({t})", f.zh, f.en, "是" if f.required else "否", f.name, how], 1):
                set_cell(ws, r, j, v)
            r += 1
    r += 1
    pol = get_policy(policy)
    used = [c for c in EVENT_CODES if c in set(pol.event_codes)]  # the assessed policy's codes only
    set_cell(ws, r, 1, f"事项代码（本政策 {pol.meta.doc_no or pol.id} 使用的{len(used)}个）· Event codes of this policy").font = Font(bold=True)
    r += 1
    set_cell(ws, r, 1, "“事项”表的“事项代码”列从下拉列表选择（中文名（代码））；也可只填代码。其他地区政策的代码不在本政策内，"
                       "填了会在结果中列为“不在本政策内”。· Choose from the drop-down (label（code）) or type the code; "
                       "codes of other policies are reported as not in this policy.")
    r += 1
    for j, h in enumerate(["下拉选项 Choice", "事项代码 Code", "含义", "Meaning", "必填字段 Needs", "可选字段 Optional",
                           "备注 Notes"], 1):
        c = set_cell(ws, r, j, h)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
    r += 1
    zh_of = {f.name: f.zh for f in TABLES["events"]}
    first = r
    for code in used:
        e = EVENT_CODES[code]
        vals = [choice_text(code), e.code, e.zh, e.en, "、".join(zh_of[x] for x in e.needs),
                "、".join(zh_of[x] for x in e.allows), e.notes]
        for j, v in enumerate(vals, 1):
            set_cell(ws, r, j, v)
        r += 1
    return f"'{INSTRUCTIONS_SHEET}'!$A${first}:$A${r - 1}"


def _validation(ws, f: Field, col: int, codes_range: str, firms_range: str):
    letter = get_column_letter(col)
    rng = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
    dv = None
    if f.name == "code":
        dv = DataValidation(type="list", formula1=codes_range, allow_blank=True)
        dv.error = "请从下拉列表选择事项代码（见“说明”表）· Choose an event code from the list (see 说明)"
    elif f.name == "industry":
        # the clerk's own words first (read by kzpolicy.facts), the codes still accepted
        dv = DataValidation(type="list", formula1='"' + ",".join(list(INDUSTRY_ZH) + list(INDUSTRIES)) + '"', allow_blank=True)
        dv.error = "、".join(INDUSTRY_ZH) + " · " + " / ".join(INDUSTRIES)
    elif f.type == "bool":
        dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        dv.error = "填“是”或“否” · yes or no"
    elif f.name == "firm_id" and firms_range:
        dv = DataValidation(type="list", formula1=firms_range, allow_blank=True)
        dv.error = "企业编号须先在“企业”表中填写 · the firm id must be on the 企业 sheet"
    elif f.type in ("yuan", "int"):
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "填不小于0的整数 · a whole number, 0 or more"
    elif f.type == "ratio":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
        dv.error = "填0到1之间的小数（0.85即85%）· a share between 0 and 1"
    if dv is None:
        return
    dv.errorTitle = f.zh
    dv.showErrorMessage = True
    dv.add(rng)
    ws.add_data_validation(dv)


def write_template(path: Union[str, Path], force: bool = False, policy=None) -> Path:
    """Write the blank input workbook (说明, 企业, 事项, 财务, 乡镇评选) to ``path``.

    An existing file is not overwritten unless ``force`` (it may be a filled-in workbook);
    the file is written to a temporary file and renamed into place.
    """
    path = check_output(path, suffixes=(".xlsx",), force=force, what="template")
    wb = Workbook()
    _fixed_dates(wb)
    ws = wb.active
    ws.title = INSTRUCTIONS_SHEET
    codes_range = _instructions(ws, policy)
    firms_range = f"'{TABLE_ZH['firms']}'!$A$2:$A${TEMPLATE_ROWS + 1}"
    for t, fields in TABLES.items():
        sh = wb.create_sheet(TABLE_ZH[t])
        _header(sh, [f.zh for f in fields], notes=[_field_note(f) for f in fields])
        for j, f in enumerate(fields, 1):
            if f.required:
                sh.cell(row=1, column=j).fill = _REQUIRED_FILL
            _validation(sh, f, j, codes_range, firms_range if t in ("events", "financials") else "")
            if f.type == "str":
                # text columns formatted as text (@): a typed 001 stays '001', a typed 1 is the id '1', not a number
                # (a column style: Excel applies it to every cell typed in the column, no empty rows are written)
                sh.column_dimensions[get_column_letter(j)].number_format = "@"
    return save_workbook(wb, path, after=_fixed_zip_times)


def _fixed_zip_times(path: Path):
    """Rewrite the .xlsx (a zip) with fixed entry times, so the same template gives the same bytes."""
    import re
    import zipfile
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    stamp = _FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    # openpyxl stamps the save time into docProps/core.xml (dcterms:modified): pin it too
    entries = [(i, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", d)
                if i.filename == "docProps/core.xml" else d) for i, d in entries]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            z.writestr(fixed, data)


# --------------------------------------------------------------------------- results
def _write_table(ws, df: pd.DataFrame, columns: List[tuple]):
    """columns: (header, source column or callable(df) -> values, kind) with kind in text|yuan|wan|int|date|ratio."""
    _header(ws, [c[0] for c in columns])
    n = len(df)
    data = []
    for header, src, kind in columns:
        if callable(src):
            vals = src(df)
        elif src in df:
            vals = df[src]
        elif src in _OPTIONAL_COLUMNS:  # explanations are skipped by assess(explain=False)
            vals = [None] * n
        else:
            raise KeyError(f"results sheet column {header!r}: the assessment has no column {src!r}")
        data.append((kind, list(vals)))
    for i in range(n):
        for j, (kind, vals) in enumerate(data, 1):
            v = vals[i]
            if kind == "wan":
                if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                    set_cell(ws, i + 2, j, None)
                else:
                    y = int(v)
                    set_cell(ws, i + 2, j, y / YUAN_PER_WAN, wan_format(y))
            elif kind == "yuan":
                set_cell(ws, i + 2, j, None if pd.isna(v) else int(v), "#,##0")
            elif kind == "ratio":
                set_cell(ws, i + 2, j, None if pd.isna(v) else float(v), "0.####%")
            else:
                set_cell(ws, i + 2, j, v)


def _col_yuan(name):
    return [("金额（万元）", name, "wan"), ("金额（元）", name, "yuan")]


def _article_label(df):
    return [article_zh(a) if not pd.isna(a) else None for a in df["article"]]


def _item_label(pol):
    def f(df):
        return [pol.item(i).label.zh if isinstance(i, str) and i else None for i in df["item"]]
    return f


def _event_label(df):
    return [EVENT_CODES[c].zh if c in EVENT_CODES else c for c in df["event_code"]]


def firm_summary(assessment: Assessment, facts: Optional[Facts] = None) -> pd.DataFrame:
    """Awards per firm; with ``facts`` every assessed firm is listed (a firm with no award shows 0)."""
    by = assessment.by_firm()
    if facts is not None:
        firms = facts.firms[["firm_id", "name", "township"]]
        out = firms.merge(by, on="firm_id", how="left")
        out["awards"] = out["awards"].fillna(0).astype("int64")
        out["amount_yuan"] = out["amount_yuan"].fillna(0).astype("int64")
        return out
    by.insert(1, "name", None)
    by.insert(2, "township", None)
    return by


def write_results(assessment: Assessment, path: Union[str, Path], facts: Optional[Facts] = None) -> Path:
    """Write the assessment to an .xlsx workbook with Chinese headers, amounts in 万元 and 元.

    Sheets: 企业汇总 (per firm), 明细 (the ledger), 分条汇总 (per article, with a total),
    接近门槛 (near-misses), 无法判断 (undetermined), 不予计奖 (excluded), 转贷费用
    (article 14 fees), 乡镇奖励 (article 21) and 口径 (policy, year, readings used).
    Pass the ``facts`` that were assessed to get firm names and firms without awards.
    """
    a = assessment
    path = check_output(path, suffixes=(".xlsx",))
    pol = a.policy
    wb = Workbook()
    _fixed_dates(wb)

    names = dict(zip(facts.firms["firm_id"], facts.firms["name"])) if facts is not None else {}

    def firm_name(d):  # the name the user gave (empty without facts)
        return [names.get(f) for f in d["firm_id"]]

    ws = wb.active
    ws.title = "企业汇总"
    fs = firm_summary(a, facts)
    _write_table(ws, fs, [("企业编号", "firm_id", "text"), ("企业名称", "name", "text"), ("乡镇（街道）", "township", "text"),
                          ("奖励项数", "awards", "int"), *_col_yuan("amount_yuan")])

    led = a.ledger
    if "explanation_zh" not in led:
        from .explain import explain
        led = explain(led, pol, a.year)
    _write_table(wb.create_sheet("明细"), led, [
        ("企业编号", "firm_id", "text"), ("企业名称", firm_name, "text"), ("年度", "year", "int"), ("条款", _article_label, "text"),
        ("奖补项目", "label_zh", "text"), ("事项", _event_label, "text"), ("事项日期", "event_date", "date"), *_col_yuan("amount_yuan"), ("是否封顶", lambda d: ["是" if x else "否" for x in d["cap_applied"]], "text"),
        ("计算说明", "explanation_zh", "text"), ("Explanation", "explanation_en", "text")])

    ba = a.by_article()
    titles = {n: art.title.zh for n, art in pol.articles.items()}
    ba["title"] = ba["article"].map(titles)
    total = pd.DataFrame({"article": [None], "title": ["合计"], "awards": [int(ba["awards"].sum())],
                          "amount_yuan": [int(ba["amount_yuan"].sum())]})
    ba = pd.concat([ba, total], ignore_index=True) if len(ba) else total
    _write_table(wb.create_sheet("分条汇总"), ba, [
        ("条款", _article_label, "text"), ("标题", "title", "text"), ("奖励项数", "awards", "int"), *_col_yuan("amount_yuan")])

    nm = a.near_misses
    _write_table(wb.create_sheet("接近门槛"), nm, [
        ("企业编号", "firm_id", "text"), ("企业名称", firm_name, "text"), ("条款", _article_label, "text"),
        ("奖补项目", _item_label(pol), "text"), ("差距", "message_zh", "text"), ("达到后可获（万元）", "worth_yuan", "wan"), ("达到后可获（元）", "worth_yuan", "yuan"),
        ("Gap", "message_en", "text")])

    _write_table(wb.create_sheet("无法判断"), a.undetermined, [
        ("企业编号", "firm_id", "text"), ("企业名称", firm_name, "text"), ("条款", _article_label, "text"),
        ("奖补项目", _item_label(pol), "text"), ("原因", "reason_zh", "text"), ("Reason", "reason_en", "text")])

    _write_table(wb.create_sheet("不予计奖"), a.excluded, [
        ("企业编号", "firm_id", "text"), ("企业名称", firm_name, "text"), ("条款", _article_label, "text"),
        ("奖补项目", _item_label(pol), "text"), ("事项", _event_label, "text"), ("事项日期", "event_date", "date"),
        ("原因", "reason_zh", "text"),
        ("Reason", "reason_en", "text")])

    _write_table(wb.create_sheet("转贷费用"), a.fees, [
        ("企业编号", "firm_id", "text"), ("企业名称", firm_name, "text"), ("条款", _article_label, "text"), ("本金（元）", "principal_yuan", "yuan"),
        ("开始", "start", "date"), ("结束", "end", "date"), ("工作日", "working_days", "int"),
        ("费用（万元）", "fee_yuan", "wan"), ("费用（元）", "fee_yuan", "yuan"),
        ("计算说明", "explanation_zh", "text"), ("Explanation", "explanation_en", "text")])

    _write_table(wb.create_sheet("乡镇奖励"), a.township_awards, [
        ("乡镇（街道）", "township", "text"), ("年度", "year", "int"), ("名次", "rank", "int"), ("奖补项目", _item_label(pol), "text"),
        *_col_yuan("amount_yuan"), ("计算说明", "explanation_zh", "text")])

    meta = wb.create_sheet("口径")
    rows = [("政策", f"{pol.meta.doc_no or ''} {pol.meta.title.zh}".strip()), ("政策编号", pol.id), ("年度", a.year),
            ("合计（万元）", a.total_yuan / YUAN_PER_WAN), ("合计（元）", a.total_yuan),
            ("金额说明", "内部以整数元计算；万元＝元÷10000，未再取整。Amounts are integer yuan; 万元 = yuan / 10000 exactly.")]
    rows += [(f"解释口径：{pol.interpretations[k].question.zh}", pol.interpretations[k].readings[v].zh
              + ("（默认）" if v == pol.interpretations[k].default else f"（非默认，命令行 --reading {k}={v}）"))
             for k, v in a.readings.items()]
    _header(meta, ["项目", "内容"], widths=[34, 80])
    for i, (k, v) in enumerate(rows, 2):
        set_cell(meta, i, 1, k)
        fmt = wan_format(a.total_yuan) if k == "合计（万元）" else ("#,##0" if k == "合计（元）" else None)
        set_cell(meta, i, 2, v, fmt)

    return save_workbook(wb, path)


def read_sheet(path: Union[str, Path], sheet: str) -> pd.DataFrame:
    """Read one sheet of a results workbook back as a DataFrame (for checks and notebooks)."""
    return pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")


# --------------------------------------------------------------------------- command line
def cli_template(argv: Optional[Iterable[str]] = None) -> int:
    """``kzpolicy template OUT.xlsx``: write a blank input template."""
    import argparse
    p = argparse.ArgumentParser(prog="kzpolicy template", description="Write the Excel input template (说明/企业/事项/财务/乡镇评选).")
    p.add_argument("out", help="where to write the .xlsx file")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    args = p.parse_args(list(argv) if argv is not None else None)
    out = write_template(args.out, force=args.force)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # regenerate the committed template
    write_template(TEMPLATE_PATH, force=True)
    print(f"wrote {TEMPLATE_PATH}")
