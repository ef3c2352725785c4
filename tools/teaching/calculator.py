"""Generate notebooks/calculator.ipynb: the live widget (output not compared) and a static, checked worked example."""
from nbgen import build, code, md

CELLS = [
    md("""
# 奖补计算器 Award calculator

在 JupyterLab 中打开本笔记本并运行下面的单元格，就得到一个交互式计算器：选择事项（下拉列表显示中文名称和事项代码）、
填写金额、投资进度、日期和历年收入，奖补金额、计算说明、“差一点”的条件和无法判断的情形会随输入即时更新。
计算由 `kzpolicy.assess` 完成，与命令行和 Excel 流程是同一个引擎。

*Open this notebook in JupyterLab and run the cell below to get an interactive calculator: choose events (the drop-down
shows the Chinese name and the event code), enter amounts, progress, dates and revenue history; awards, explanations,
near-misses and undecidable cases update as you type. The numbers come from `kzpolicy.assess`, the same engine as the
command line and the Excel workflow.*

填写约定 Conventions：金额一律填整数“元”；投资进度填 0 到 1 之间的小数（0.85 即 85%）；**空白表示未知**，不会被当作 0
（例如缺少历年收入时，第三条的“首次”会显示为“无法判断”）。*Amounts in whole yuan; progress as a share; a blank box
means unknown, never 0.*
"""),
    code("""
from kzpolicy.widgets import calculator

calc = calculator(year=2023)
calc
""", "nbval-ignore-output", "remove-output"),
    md("""
```{note}
网页版指南是静态页面，上面的计算器在这里不能运行；请下载本笔记本（页面右上角）在 JupyterLab 中打开。
下面的算例用同一个计算器对象、以程序方式“填表”，其结果在每次测试时都会重新计算并核对。

*The web guide is static, so the calculator cannot run here: download this notebook and open it in JupyterLab. The worked
example below fills in the same calculator programmatically; its results are recomputed and checked on every test run.*
```
"""),
    md("""
## 算例：像用户一样填表 Worked example: filling in the form

一家 2015 年成立的制造业企业（独立法人），2023 年升规入库，新增设备投资恰为第五条门槛、进度恰为最低进度，
另有一笔应急转贷。投资额、进度都取自政策参数，不是手写的数字。

*A manufacturer founded in 2015 enters the above-scale register in 2023, invests exactly the article 5 floor at exactly
the minimum progress, and uses a bridge loan. The amount and progress are read from the policy parameters.*
"""),
    code("""
import datetime as dt

from kzpolicy import guide
from kzpolicy.money import mul_round, wan

floor = guide.param("art05.equipment_subsidy.floor")
min_progress = guide.param("art05.equipment_subsidy.min_progress")
rate = guide.param("art05.equipment_subsidy.rate")

demo = calculator(year=2023)
demo.name.value = "示例机械有限公司"
demo.established.value = dt.date(2015, 4, 1)
demo.add_event("above_scale.enter", "2023-08-15")
invest = demo.add_event("equipment.investment", "2023-09-01", amount=floor, progress=min_progress)
demo.add_event("bridge_loan", "2023-09-25", principal=10_000_000, start="2023-09-25", end="2023-10-09")

table = demo.awards_frame()
assert dict(zip(table["项目"], table["金额（元）"]))["存量企业新增设备投资补助"] == int(mul_round(floor, rate))
table
"""),
    md("""
把投资额改成比门槛少 1 元（相当于在输入框里修改）：第五条补助消失，变成“差一点”，并说明还差多少。

*Change the investment to one yuan under the floor, as a user would in the box: the subsidy disappears and a near-miss says
what is missing.*
"""),
    code("""
invest.amount.value = str(floor - 1)
assert "存量企业新增设备投资补助" not in set(demo.awards_frame()["项目"])
assert len(demo.near_misses_frame()) == 1
display(demo.awards_frame())
demo.near_misses_frame()
"""),
    md("""
空白的收入不会被当作 0。只填 2022 年收入、不填更早年份时，第三条“首次突破”无法判断：

*Blank revenue is not zero: with 2022 revenue only, article 3's "first crossing" cannot be decided.*
"""),
    code("""
low = min((it for it in demo.policy.items() if it.article == 3), key=lambda it: guide.param(f"{it.id}.threshold"))
demo.set_financials(2022, guide.param(f"{low.id}.threshold") * 2)
assert low.id in set(demo.result.undetermined["item"])
demo.undetermined_frame()
"""),
    md("""
应急转贷的资金使用费由企业支付，不计入奖补合计；它与其他结果一起显示在计算器里：

*The bridge-loan fee is paid by the firm and is not part of the award total; the calculator shows it with the rest:*
"""),
    code("""
demo.result.fees[["principal_yuan", "start", "end", "working_days", "fee_yuan", "explanation_zh"]]
"""),
    md("""
## 从 Excel 到结果 From Excel to results

区里的同事通常用 Excel 收集企业资料。流程是三步：

1. `kzpolicy template 模板.xlsx` 生成填报模板（工作表：说明、企业、事项、财务、乡镇评选；表头为中文，事项代码、行业、是/否都有下拉列表；
   “说明”表列出每个事项代码的含义和必填字段）。
2. 每行填一条记录。出错时，提示会写明工作表、行号和列，例如 `sheet '事项' row 5, column D (投资额（元）)`。
3. `kzpolicy assess 模板.xlsx --year 2023 --out 结果.xlsx` 测算并另存结果：明细、企业汇总、分条汇总、接近门槛、无法判断等工作表，
   金额同时给出万元（整数元 ÷ 10000，不再取整）和元。

*Staff collect firm facts in Excel: write the template, fill one record per row (errors name the sheet, row and column),
then assess and save the results workbook (amounts in 万元 and yuan). The same steps in Python:*
"""),
    code("""
import datetime as dt
import tempfile
from pathlib import Path

import openpyxl

from kzpolicy import assess, load_tables
from kzpolicy.excel import read_sheet, set_cell, write_results, write_template
from kzpolicy.facts import TABLE_ZH, TABLES

SHEET_TABLE = {zh: t for t, zh in TABLE_ZH.items()}   # 企业 -> firms, 事项 -> events, …


def fill(wb, sheet, **values):
    # one row in the sheet's header order; text is always written as text (never as a formula)
    ws = wb[sheet]
    row = ws.max_row + 1
    for col, f in enumerate(TABLES[SHEET_TABLE[sheet]], 1):
        set_cell(ws, row, col, values.get(f.name))


with tempfile.TemporaryDirectory() as tmp:
    template = write_template(Path(tmp) / "模板.xlsx")
    wb = openpyxl.load_workbook(template)
    fill(wb, "企业", firm_id="F1", name="示例机械有限公司", industry="manufacturing", independent_legal_person="是",
         established=dt.date(2015, 4, 1), township="汉丰街道")
    fill(wb, "企业", firm_id="F2", name="示例材料有限公司", industry="manufacturing", established=dt.date(2012, 6, 1))
    fill(wb, "事项", firm_id="F1", date=dt.date(2023, 8, 15), code="above_scale.enter")
    fill(wb, "事项", firm_id="F1", date=dt.date(2023, 9, 1), code="equipment.investment", amount=floor, progress=min_progress)
    fill(wb, "事项", firm_id="F2", date=dt.date(2023, 7, 10), code="standard.national", count=2)
    wb.save(Path(tmp) / "填好.xlsx")

    facts = load_tables(Path(tmp) / "填好.xlsx")
    result = assess(facts, year=2023)
    out = write_results(result, Path(tmp) / "结果.xlsx", facts)
    by_article = read_sheet(out, "分条汇总")
    by_firm = read_sheet(out, "企业汇总")

assert int(by_article.iloc[-1]["金额（元）"]) == result.total_yuan
display(by_firm)
by_article
"""),
]

if __name__ == "__main__":
    build("calculator.ipynb", CELLS)
