"""Excel in and out: the template round-trips through the loader and the engine; results are exact and safe."""
import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

import kzpolicy as k
from kzpolicy import excel
from kzpolicy.events import EVENT_CODES
from kzpolicy.facts import TABLE_ZH, TABLES

POL = k.get_policy()
INJECT = ['=HYPERLINK("http://example.com","click")', "+SUM(A1)", "-1+2", "@SUM(A1)"]


def _zh(table):
    return [f.zh for f in TABLES[table]]


def _row(table, **values):
    """A template row in header order (zh headers), from field names."""
    return [values.get(f.name) for f in TABLES[table]]


def _append_text_safe(ws, values):
    r = ws.max_row + 1
    for j, v in enumerate(values, 1):
        excel.set_cell(ws, r, j, v)


def _validations(ws):
    """{column letter: list formula} of a sheet's data validations."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[openpyxl.utils.cell.coordinate_from_string(rng.coord.split(":")[0])[0]] = dv.formula1
    return out


@pytest.fixture
def template(tmp_path):
    return excel.write_template(tmp_path / "template.xlsx")


def _fill(template, path):
    """A realistic filled template: one firm at the article 5 floor, one just under it."""
    floor = POL.param("art05.equipment_subsidy.floor").at("2023-06-01")
    wb = openpyxl.load_workbook(template)
    _append_text_safe(wb["企业"], _row("firms", firm_id="F1", name="示例机械有限公司", industry="manufacturing",
                                       independent_legal_person="是", established=dt.date(2015, 4, 1), township="汉丰街道"))
    _append_text_safe(wb["企业"], _row("firms", firm_id="F2", name=INJECT[0], industry="manufacturing",
                                       established=dt.date(2016, 1, 1)))
    _append_text_safe(wb["企业"], _row("firms", firm_id="F3", name=INJECT[1], industry="other",
                                       established=dt.date(2010, 1, 1)))
    ev = wb["事项"]
    _append_text_safe(ev, _row("events", firm_id="F1", date=dt.date(2023, 8, 15), code="above_scale.enter"))
    _append_text_safe(ev, _row("events", firm_id="F1", date=dt.date(2023, 9, 1), code="equipment.investment",
                               amount=floor, progress=0.8))
    _append_text_safe(ev, _row("events", firm_id="F2", date=dt.date(2023, 9, 1), code="equipment.investment",
                               amount=floor - 1, progress=1))
    _append_text_safe(ev, _row("events", firm_id="F2", date="2023-07-10", code="standard.national", count=2))
    _append_text_safe(wb["财务"], _row("financials", firm_id="F1", year=2022, revenue=230000000, rd_expense=4000000))
    wb.save(path)
    return path


def test_template_sheets_headers_and_dropdowns(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["说明", "企业", "事项", "财务", "乡镇评选"]
    for t in TABLES:
        ws = wb[TABLE_ZH[t]]
        assert [c.value for c in ws[1]] == _zh(t)
        assert ws.max_row == 1  # no example rows that would be loaded as data
    ev = wb["事项"]
    formulas = _validations(ev)
    code_col = openpyxl.utils.get_column_letter(_zh("events").index("事项代码") + 1)
    sheet, rng = formulas[code_col].split("!")
    first, last = (int(x.split("$")[-1]) for x in rng.split(":"))
    listed = [wb["说明"].cell(row=r, column=1).value for r in range(first, last + 1)]
    # only the assessed policy's codes, each as 中文名（code）: no peer-policy code such as smart_factory.provincial
    assert listed == [f"{e.zh}（{c}）" for c, e in EVENT_CODES.items() if c in set(POL.event_codes)]
    assert not any("smart_factory.provincial" in x for x in listed)
    codes = [wb["说明"].cell(row=r, column=2).value for r in range(first, last + 1)]
    assert set(codes) == set(POL.event_codes)
    fv = _validations(wb["企业"])
    ind_col = openpyxl.utils.get_column_letter(_zh("firms").index("行业") + 1)
    assert fv[ind_col].strip('"').split(",") == ["制造业", "采矿业", "电力、热力、燃气及水生产和供应业", "其他",
                                                 "manufacturing", "mining", "utilities", "other"]
    bool_col = openpyxl.utils.get_column_letter(_zh("firms").index("独立法人") + 1)
    assert fv[bool_col] == '"是,否"'
    # the instructions list every event code with its meaning and needed fields
    text = {c.value for row in wb["说明"].iter_rows() for c in row if c.value}
    assert "投资额（元）、投资进度" in text and "市级奖补（元）" in text
    assert all(EVENT_CODES[c].zh in text for c in POL.event_codes)


def test_committed_template_is_current(tmp_path):
    path = excel.write_template(tmp_path / "t.xlsx")
    assert path.read_bytes() == excel.write_template(tmp_path / "t2.xlsx").read_bytes()  # reproducible bytes
    fresh = openpyxl.load_workbook(path)
    committed = openpyxl.load_workbook(excel.TEMPLATE_PATH)
    assert committed.sheetnames == fresh.sheetnames
    for name in fresh.sheetnames:
        a = [[c.value for c in r] for r in fresh[name].iter_rows()]
        b = [[c.value for c in r] for r in committed[name].iter_rows()]
        assert a == b, f"{excel.TEMPLATE_PATH} is out of date: run `python -m kzpolicy.excel`"
    assert excel.TEMPLATE_PATH.read_bytes() == path.read_bytes(), "regenerate: `python -m kzpolicy.excel`"


def test_filled_template_round_trip_assesses(template, tmp_path):
    facts = k.load_tables(_fill(template, tmp_path / "filled.xlsx"))
    assert list(facts.firms["firm_id"]) == ["F1", "F2", "F3"]
    assert facts.firms.loc[1, "name"] == INJECT[0] and facts.firms.loc[2, "name"] == INJECT[1]
    assert bool(facts.firms.loc[0, "independent_legal_person"]) is True
    a = k.assess(facts, year=2023)
    got = dict(zip(zip(a.ledger.firm_id, a.ledger.item), a.ledger.amount_yuan))
    d = "2023-09-01"
    floor = POL.param("art05.equipment_subsidy.floor").at(d)
    rate = POL.param("art05.equipment_subsidy.rate").at(d)
    assert got[("F1", "art05.equipment_subsidy")] == int(k.money.mul_round(floor, rate))
    assert got[("F1", "art01.above_scale_enter")] == POL.param("art01.above_scale_enter.amount").at("2023-08-15")
    assert got[("F2", "art12.standard_national")] == 2 * POL.param("art12.standard_national.amount").at("2023-07-10")
    assert ("F2", "art05.equipment_subsidy") not in got
    nm = a.near_misses.set_index(["firm_id", "item"])
    assert ("F2", "art05.equipment_subsidy") in nm.index


def test_results_workbook_exact_wan_and_chinese_headers(template, tmp_path):
    facts = k.load_tables(_fill(template, tmp_path / "filled.xlsx"))
    a = k.assess(facts, year=2023)
    out = excel.write_results(a, tmp_path / "result.xlsx", facts)
    wb = openpyxl.load_workbook(out)
    assert {"企业汇总", "明细", "分条汇总", "接近门槛", "无法判断"} <= set(wb.sheetnames)
    led = pd.read_excel(out, sheet_name="明细")
    assert list(led.columns[:10]) == ["企业编号", "企业名称", "年度", "条款", "奖补项目", "事项", "事项日期", "金额（万元）", "金额（元）", "是否封顶"]
    assert list(led["金额（元）"]) == list(a.ledger["amount_yuan"])
    names = dict(zip(facts.firms["firm_id"], facts.firms["name"]))
    assert list(led["企业名称"]) == [names[f] for f in a.ledger["firm_id"]]
    for wan, yuan in zip(led["金额（万元）"], led["金额（元）"]):
        assert Decimal(repr(float(wan))) == Decimal(int(yuan)) / 10000  # exact, no rounding
    # formats show at most 4 decimals
    ws = wb["明细"]
    col = [c.value for c in ws[1]].index("金额（万元）") + 1
    fmts = {ws.cell(row=r, column=col).number_format for r in range(2, ws.max_row + 1)}
    assert fmts <= {"#,##0", "#,##0.0###"}
    arts = pd.read_excel(out, sheet_name="分条汇总")
    body, total = arts[arts["标题"] != "合计"], arts[arts["标题"] == "合计"].iloc[0]
    assert int(total["金额（元）"]) == a.total_yuan == int(led["金额（元）"].sum())
    assert Decimal(repr(float(total["金额（万元）"]))) == Decimal(a.total_yuan) / 10000
    assert list(body["金额（元）"]) == list(a.by_article()["amount_yuan"])
    firms = pd.read_excel(out, sheet_name="企业汇总", dtype=object)
    assert list(firms["企业编号"]) == ["F1", "F2", "F3"]  # F3 has no award and is still listed
    by = a.ledger.groupby("firm_id")["amount_yuan"].sum()
    assert [int(x) for x in firms["金额（元）"]] == [int(by.get(f, 0)) for f in ["F1", "F2", "F3"]]
    nm = pd.read_excel(out, sheet_name="接近门槛")
    assert list(nm["企业编号"]) == list(a.near_misses["firm_id"]) and "差距" in nm.columns


def test_results_without_facts_still_complete(tmp_path):
    a = k.assess(k.profile_to_facts({"firm": {"id": "X", "industry": "manufacturing", "established": "2015-01-01"},
                                     "events": [{"date": "2023-08-15", "code": "above_scale.enter"}]}), year=2023)
    out = excel.write_results(a, tmp_path / "r.xlsx")
    led = pd.read_excel(out, sheet_name="明细")
    assert list(led["企业编号"]) == ["X"] and led["企业名称"].isna().all()
    assert int(pd.read_excel(out, sheet_name="企业汇总")["金额（元）"].sum()) == a.total_yuan


def test_results_never_contain_formulas(tmp_path):
    firms = pd.DataFrame({"firm_id": INJECT, "name": INJECT, "industry": "manufacturing", "established": "2015-01-01"})
    events = pd.DataFrame({"firm_id": INJECT, "date": "2023-08-15", "code": "above_scale.enter"})
    facts = k.validate(firms, events)
    a = k.assess(facts, year=2023)
    assert len(a.ledger) == len(INJECT)
    out = excel.write_results(a, tmp_path / "r.xlsx", facts)
    with zipfile.ZipFile(out) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(n).decode("utf-8"), n
    wb = openpyxl.load_workbook(out)
    for sheet in ("企业汇总", "明细"):
        ws = wb[sheet]
        cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value in INJECT]
        assert {c.value for c in cells} == set(INJECT)
        assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    back = pd.read_excel(out, sheet_name="企业汇总", dtype=object)
    assert list(back["企业名称"]) == list(facts.firms["name"])


def test_set_cell_keeps_ordinary_text_plain(tmp_path):
    wb = openpyxl.Workbook()
    t = excel.set_cell(wb.active, 2, 1, "\tTAB")
    assert t.data_type == "s" and t.quotePrefix and t.value == "\tTAB"
    c = excel.set_cell(wb.active, 1, 1, "示例机械")
    assert c.data_type == "s" and not c.quotePrefix
    assert excel.is_formula_like("=1") and excel.is_formula_like("\r") and not excel.is_formula_like("a=1")


def test_bad_cell_names_sheet_row_and_column(template, tmp_path):
    path = _fill(template, tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    ev = wb["事项"]
    ev.append([None] * len(_zh("events")))  # a blank row keeps the row numbers after it
    bad_row = ev.max_row + 1
    _append_text_safe(ev, _row("events", firm_id="F1", date=dt.date(2023, 9, 1), code="equipment.investment",
                               amount="三百万", progress=0.9))
    wb.save(path)
    with pytest.raises(k.FactsError) as err:
        k.load_tables(path)
    col = openpyxl.utils.get_column_letter(_zh("events").index("投资额（元）") + 1)
    # hostile: the row names the workbook too, as a CSV row names its file (was "sheet '事项' row …" alone)
    assert err.value.problems[0].startswith(
        f"filled.xlsx, sheet '事项' row {bad_row}, column {col} (投资额（元）): field 'amount': must be a number, got '三百万'")
    assert len(err.value.problems) == 1


def test_bad_firm_row_in_english_sheet_keeps_format(tmp_path):
    path = tmp_path / "en.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"firm_id": ["A", "B"], "industry": ["manufacturing", "farming"],
                      "established": ["2015-01-01", "2015-01-01"]}).to_excel(w, sheet_name="firms", index=False)
    with pytest.raises(k.FactsError) as err:
        k.load_tables(path)
    assert "en.xlsx, sheet 'firms' row 3, column B (industry): field 'industry': 'farming' is not allowed" in str(err.value)


def test_cli_template_then_assess_with_excel_out(tmp_path, capsys):
    from kzpolicy.cli import main
    t = tmp_path / "模板.xlsx"
    assert main(["template", str(t)]) == 0
    filled = _fill(t, tmp_path / "filled.xlsx")
    out = tmp_path / "结果.xlsx"
    capsys.readouterr()
    assert main(["assess", str(filled), "--year", "2023", "--format", "json", "--out", str(out)]) == 0
    import json
    d = json.loads(capsys.readouterr().out)  # stdout stays pure JSON
    led = pd.read_excel(out, sheet_name="明细")
    assert list(led["金额（元）"]) == [a["amount_yuan"] for a in d["awards"]]
    assert int(pd.read_excel(out, sheet_name="分条汇总").iloc[-1]["金额（元）"]) == d["total_yuan"]


def test_cli_reports_bad_excel_cell(template, tmp_path, capsys):
    from kzpolicy.cli import main
    path = _fill(template, tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["财务"]["B2"] = "二〇二二"
    wb.save(path)
    assert main(["assess", str(path), "--year", "2023"]) == 2
    assert "filled.xlsx, sheet '财务' row 2, column B (年度): field 'year': must be a number" in capsys.readouterr().err


def test_cli_simulate_reads_the_filled_template(template, tmp_path, capsys):
    from kzpolicy.cli import main
    filled = _fill(template, tmp_path / "filled.xlsx")
    a = k.assess(k.load_tables(filled), year=2023)
    capsys.readouterr()
    assert main(["simulate", str(filled), "--years", "2023-2023"]) == 0
    out = capsys.readouterr().out
    row = [line.split() for line in out.splitlines() if line.startswith("2023")][0]
    assert row[1] == k.wan(a.total_yuan)[:-2]  # firm awards column, in 万元


def test_results_of_an_unexplained_assessment_still_explain_the_ledger(tmp_path):
    """assess(explain=False) is for large populations; the workbook still explains every award line."""
    f = k.profile_to_facts({"firm": {"id": "X", "industry": "manufacturing", "established": "2015-01-01"},
                            "events": [{"date": "2023-08-15", "code": "above_scale.enter"},
                                       {"date": "2023-09-25", "code": "bridge_loan", "principal": 1000000,
                                        "start": "2023-09-25", "end": "2023-10-09"}]})
    a = k.assess(f, year=2023, explain=False)
    out = excel.write_results(a, tmp_path / "r.xlsx", f)
    led = pd.read_excel(out, sheet_name="明细")
    assert led["计算说明"].notna().all() and led["计算说明"].str.startswith("依据第（一）项").all()
    fees = pd.read_excel(out, sheet_name="转贷费用")
    assert list(fees["费用（元）"]) == list(a.fees["fee_yuan"])


def test_clerk_fills_the_template_with_the_drop_down_text_and_assesses(tmp_path):
    """A clerk picks 中文名（code） from the drop-down and types Chinese words; the workbook assesses as coded."""
    from kzpolicy.events import choice_text
    t = excel.write_template(tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(t)
    _append_text_safe(wb["企业"], _row("firms", firm_id="F1", name="示例机械有限公司", industry="manufacturing",
                                       established=dt.date(2015, 4, 1), township="汉丰街道"))
    ev = wb["事项"]
    _append_text_safe(ev, _row("events", firm_id="F1", date=dt.date(2023, 8, 15), code=choice_text("above_scale.enter")))
    _append_text_safe(ev, _row("events", firm_id="F1", date=dt.date(2023, 9, 1), code="新认定市级智能工厂"))
    wb.save(tmp_path / "填好.xlsx")
    a = k.assess(k.load_tables(tmp_path / "填好.xlsx"), year=2023)
    got = dict(zip(a.ledger.item, a.ledger.amount_yuan))
    assert got["art01.above_scale_enter"] == POL.param("art01.above_scale_enter.amount").at("2023-08-15")
    assert got["art05.smart_factory_municipal"] == POL.param("art05.smart_factory_municipal.amount").at("2023-09-01")


def test_a_label_that_disagrees_with_its_code_is_refused(tmp_path):
    from kzpolicy.facts import FactsError
    firms = pd.DataFrame({"firm_id": ["F1"], "industry": ["manufacturing"], "established": ["2015-01-01"]})
    events = pd.DataFrame({"firm_id": ["F1"], "date": ["2023-08-15"], "code": ["新认定市级智能工厂（smart_factory.provincial）"]})
    with pytest.raises(FactsError, match="unknown event code"):
        k.validate(firms, events)


def test_template_for_a_peer_policy_lists_only_its_codes(tmp_path):
    peer = k.get_policy("changfeng")
    wb = openpyxl.load_workbook(excel.write_template(tmp_path / "t.xlsx", policy="changfeng"))
    sheet, rng = _validations(wb["事项"])[openpyxl.utils.get_column_letter(_zh("events").index("事项代码") + 1)].split("!")
    first, last = (int(x.split("$")[-1]) for x in rng.split(":"))
    codes = [wb["说明"].cell(row=r, column=2).value for r in range(first, last + 1)]
    assert set(codes) == set(peer.event_codes)


def test_value_in_a_column_without_header_is_refused_not_dropped(template, tmp_path):
    """hostile: a clerk's note right of the last header used to vanish unseen."""
    path = _fill(template, tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    far = len(_zh("events")) + 2
    wb["事项"].cell(row=3, column=far, value="补充：另有一台设备")
    wb["事项"].cell(row=4, column=far, value="x")
    wb.save(path)
    with pytest.raises(k.FactsError) as err:
        k.load_tables(path)
    letter = openpyxl.utils.get_column_letter(far)
    assert err.value.problems == [f"filled.xlsx, sheet '事项' column {letter}: row 3 holds '补充：另有一台设备' but the column has no "
                                  f"header in row 1, so it would not be read; give it one of the sheet's headers, or clear it"]


def test_a_number_in_a_date_formatted_cell_is_named_as_such_without_openpyxls_warning(template, tmp_path, recwarn):
    """hostile (session 17): 投资额 = 3000000 in a cell formatted yyyy-mm-dd printed openpyxl's raw UserWarning with its
    site-packages path, then said the cell showed #VALUE!, which it does not. Now one problem naming the workbook,
    sheet, row and column, what the cell holds and what to do; no warning reaches the user."""
    path = _fill(template, tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["事项"]
    col = next(c.column for c in ws[1] if c.value == "投资额（元）")
    row = next(r for r in range(2, ws.max_row + 1) if isinstance(ws.cell(row=r, column=col).value, (int, float)))
    ws.cell(row=row, column=col).number_format = "yyyy-mm-dd"
    ws.cell(row=row, column=col).value = 3000000
    wb.save(path)
    with pytest.raises(k.FactsError) as err:
        k.load_tables(path)
    letter = openpyxl.utils.get_column_letter(col)
    assert err.value.problems == [
        f"filled.xlsx, sheet '事项' row {row}, column {letter} (投资额（元）): the cell is formatted as a date but holds the "
        f"number 3000000, which is no date; if it is a number, give the cell a number format (常规 or 数值), otherwise "
        f"type the date (YYYY-MM-DD)"]
    assert not [w for w in recwarn if "openpyxl" in str(w.filename)]


def test_headers_moved_to_row_two_is_one_clear_problem(template, tmp_path):
    path = _fill(template, tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["事项"].insert_rows(1)
    wb["事项"]["A1"] = "2023年事项登记表"
    wb.save(path)
    with pytest.raises(k.FactsError) as err:
        k.load_tables(path)
    assert len(err.value.problems) == 1
    assert "filled.xlsx: sheet '事项': the headers are in row 2, not in row 1" in err.value.problems[0]


def test_unknown_column_names_the_workbook_and_sheet(template, tmp_path):
    path = _fill(template, tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["事项"].cell(row=1, column=len(_zh("events")) + 1, value="备注")
    wb.save(path)
    with pytest.raises(k.FactsError) as err:
        k.load_tables(path)
    assert err.value.problems[0].startswith("filled.xlsx sheet '事项' (events): unknown column(s) ['备注']")


def test_template_text_columns_are_formatted_as_text(template):
    """hostile: a clerk typing 1 or 001 in 企业编号 got a number (001 became 1) and then 'must be text'."""
    wb = openpyxl.load_workbook(template)
    for t, fields in TABLES.items():
        ws = wb[TABLE_ZH[t]]
        for j, f in enumerate(fields, 1):
            fmt = ws.column_dimensions[openpyxl.utils.get_column_letter(j)].number_format
            assert (fmt == "@") == (f.type == "str"), (t, f.name, fmt)
        assert ws.max_row == 1  # no pre-formatted empty rows: a clerk's append lands on row 2
