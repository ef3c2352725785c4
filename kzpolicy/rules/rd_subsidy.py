"""R&D subsidy on stock and increment (article 11, clause 2).

Statute: 对申报研发费用在1000万元以下的企业，区级按存量不高于3%、增量不高于10%的比例给予补助.
Stock and increment follow switch ``base_year`` (default: R&D declared
for Y−1 against Y−2; stock = min of the two, increment = growth, never negative).
Rates are upper bounds (不高于): the result is the maximum; a lower actual rate is a
parameter change. Firms at or above the ceiling go to the municipal subsidy instead
(recorded as excluded, reason municipal_route). Rounded once, half up.
"""
from __future__ import annotations

import numpy as np

from ..money import Commas, Wan, as_fraction, join_text, sum_mul_round, text_by_value, wan
from .common import RuleOutput, meets, param_at_year_end
from ..kinds import Kind, P, Switch
from ..explain import pct_text


def _amount_text_zh(item, d) -> str:
    st, inc = d["rate2"], d["rate"]
    if st is None or inc is None:
        return "未读取"
    return f"研发费用{wan(int(d['floor_yuan']))}以下：存量≤{st:.0%}、增量≤{inc:.0%}"


def _explain(row, item, amt, limited):
    base_year, stock, inc = int(row["rd_year"]), int(row["rd_stock_yuan"]), int(row["rd_increment_yuan"])
    sr, ir = float(row["stock_rate"]), float(row["increment_rate"])
    declared = stock + inc  # stock = min(this, before) and increment = growth, so their sum is the declared figure
    ceiling = param_at_year_end(item.param("ceiling"), int(row["year"]))
    below = f"{wan(declared)}，在{wan(ceiling)}{item.param('ceiling').word or '以下'}" if ceiling is not None else "低于上限"
    return (f"依据{item.cite_zh}：{base_year}年申报研发费用{below}，存量{wan(stock)}×{pct_text(sr)}＋增量{wan(inc)}×{pct_text(ir)}，"
            f"区级补助最高{wan(amt)}（比例为“不高于”，实际比例由主管部门确定）。",
            f"{item.cite_en}: declared R&D for {base_year} of {declared:,} yuan is in the district branch "
            f"({item.param('ceiling').word or '以下'} {int(ceiling or 0):,} yuan): stock {stock:,} × {pct_text(sr)} + increment {inc:,} × "
            f"{pct_text(ir)} = at most {amt:,} yuan (the rates are upper bounds).")


def _explain_many(cols, item, amt):
    """:func:`_explain` for many lines at once (none cut by a cross-item limit), text for text; None where a
    figure is missing or the lines span several years (then line by line)."""
    try:
        base_year = cols["rd_year"].to_numpy(dtype=np.int64)
        stock = cols["rd_stock_yuan"].to_numpy(dtype=np.int64)
        inc = cols["rd_increment_yuan"].to_numpy(dtype=np.int64)
        years = np.unique(cols["year"].to_numpy(dtype=np.int64))
    except (TypeError, ValueError):  # <NA> in a figure: int() refuses it line by line, as before
        return None
    if len(years) != 1:
        return None
    sr = text_by_value(pct_text, cols["stock_rate"].to_numpy(dtype=np.float64))
    ir = text_by_value(pct_text, cols["increment_rate"].to_numpy(dtype=np.float64))
    by = text_by_value(lambda v: str(int(v)), base_year)
    declared = stock + inc
    ceiling = param_at_year_end(item.param("ceiling"), int(years[0]))
    word = item.param("ceiling").word or "以下"
    below = ((Wan(declared), f"，在{wan(ceiling)}{word}") if ceiling is not None else ("低于上限",))
    zh = join_text(f"依据{item.cite_zh}：", by, "年申报研发费用", *below, "，存量", Wan(stock), "×", sr, "＋增量", Wan(inc),
                   "×", ir, "，区级补助最高", Wan(amt), "（比例为“不高于”，实际比例由主管部门确定）。")
    en = join_text(f"{item.cite_en}: declared R&D for ", by, " of ", Commas(declared),
                   f" yuan is in the district branch ({word} {int(ceiling or 0):,} yuan): stock ", Commas(stock), " × ", sr,
                   " + increment ", Commas(inc), " × ", ir, " = at most ", Commas(amt), " yuan (the rates are upper bounds).")
    return zh, en


KIND = Kind(
    name="rd_subsidy",
    params={"ceiling": P("floor", ("yuan",), zh="研发费用上限（以下）", en="R&D ceiling"),
            "stock_rate": P("rate2", ("ratio",), zh="存量比例（不高于）", en="stock rate (at most)"),
            "increment_rate": P("rate", ("ratio",), zh="增量比例（不高于）", en="increment rate (at most)")},
    events=False,
    fields={"rd_year": ("Int64", "研发费用年度", "R&D year"), "rd_stock_yuan": ("Int64", "存量", "stock"),
            "rd_increment_yuan": ("Int64", "增量", "increment"), "stock_rate": ("float", "存量比例", "stock rate"),
            "increment_rate": ("float", "增量比例", "increment rate")},
    switches={"base_year": Switch(("previous_year", "same_year"), "previous_year",
                                  "以上年申报研发费用为准，或以当年为准", "R&D declared for the previous year, or the assessed year's"),
              "reserve_system": Switch(("not_required", "required"), "not_required",
                                       "区级补助是否要求研发准备金制度", "whether the district subsidy needs an R&D reserve system"),
              "rates": Switch(("maximum",), "maximum", "“不高于”的比例按上限计算", "'at most' rates: the maximum"),
              "at_ceiling": Switch(("municipal_branch", "district_if_no_reserve"), "municipal_branch",
                                   "恰好等于上限的企业归市级一支；或未建立研发准备金制度的归区级一支（“以下”含本数）",
                                   "a firm exactly at the ceiling belongs to the municipal branch; or, without a reserve system, "
                                   "to the district branch (以下 includes the number)"),
              "before_established": Switch(("missing", "zero"), "missing",
                                           "成立前年度的研发费用：缺失（无法计算），或按0计（全部为增量）",
                                           "R&D for a year before the firm existed: missing (cannot compute), or zero (all of it is increment)")},
    shape_zh="按存量不高于X%、增量不高于Y%补助", shape_en="stock and increment rates (upper bounds)",
    amount_text_zh=_amount_text_zh,
    explain=_explain,
    explain_many=_explain_many,
)


def assess(item, ctx) -> RuleOutput:
    out = RuleOutput()
    y = ctx.year
    pc, ps, pi = item.param("ceiling"), item.param("stock_rate"), item.param("increment_rate")
    ceiling, sr, ir = (param_at_year_end(p, y) for p in (pc, ps, pi))
    if ceiling is None or sr is None or ir is None:
        return out
    base = y - 1 if ctx.switch(item, "base_year") == "previous_year" else y
    cur, prev = ctx.value("rd_expense", base), ctx.value("rd_expense", base - 1)
    if ctx.switch(item, "before_established") == "zero":
        # switch before_established=zero: a firm founded after year base−1 spent nothing on R&D in it
        born_after = ctx.established > np.datetime64(f"{base - 1}-12-31")
        prev = np.where(np.isnan(prev) & born_after, 0.0, prev)
    claim = ~np.isnan(cur) & (cur > 0)
    # R&D reported for the year before but not for the base year: the claim cannot be computed (never a silent 0)
    gap = np.isnan(cur) & ~np.isnan(prev) & (prev > 0)
    if gap.any():
        f = np.flatnonzero(gap)
        out.undecided(len(f), fidx=f, item=item.id, reason_zh=f"无法计算{item.cite_zh}补助：缺少{base}年研发费用（{base - 1}年已有）",
                      reason_en=f"cannot compute the {item.cite_en} subsidy: R&D expense for {base} is missing ({base - 1} is given)")
    # "1000万元以下" for the district branch; the boundary sits with the municipal branch
    below = ~meets(cur, ceiling, "inclusive") if pc.boundary == "exclusive" else (cur <= ceiling)
    big = claim & ~below
    if ctx.switch(item, "at_ceiling") == "district_if_no_reserve" and pc.boundary == "exclusive":
        # exactly at the ceiling: the municipal branch needs a reserve system; without one, 以下 (inclusive) takes the firm
        at = big & (cur == ceiling)
        val, known = ctx.flag("rd_reserve_system")
        u = at & ~known
        if u.any():
            f = np.flatnonzero(u)
            out.undecided(len(f), fidx=f, item=item.id,
                          reason_zh=f"无法判断：申报研发费用恰为{wan(ceiling)}，未提供是否建立研发准备金制度{ctx.switch_note(item, 'at_ceiling')}",
                          reason_en=f"cannot decide: declared R&D is exactly {int(ceiling):,} yuan and whether the firm has an R&D reserve "
                                    f"system is not given{ctx.switch_note(item, 'at_ceiling', zh=False)}")
        district = at & known & ~val
        big = big & ~u & ~district
        below = below | district
    f = np.flatnonzero(big)
    if len(f):
        out.exclude(len(f), "municipal_route", fidx=f, item=item.id,
                    reason_zh=f"{base}年申报研发费用达到{wan(ceiling)}及以上：按{item.cite_zh}支持申报市级研发费用补助（须建立研发准备金制度），区级不补",
                    reason_en=f"declared R&D for {base} is {int(ceiling):,} yuan or more: {item.cite_en} refers the firm to the municipal R&D subsidy (R&D reserve system required); no district subsidy")
    cand = claim & below
    if ctx.switch(item, "reserve_system") == "required":
        val, known = ctx.flag("rd_reserve_system")
        u = cand & ~known
        if u.any():
            f = np.flatnonzero(u)
            out.undecided(len(f), fidx=f, item=item.id, reason_zh=f"无法判断：未提供是否建立研发准备金制度{ctx.switch_note(item, 'reserve_system')}",
                          reason_en=f"cannot decide: whether the firm has an R&D reserve system is not given{ctx.switch_note(item, 'reserve_system', zh=False)}")
        no = cand & known & ~val
        if no.any():
            f = np.flatnonzero(no)
            out.exclude(len(f), "not_eligible", fidx=f, item=item.id, reason_zh="未建立研发准备金制度", reason_en="no R&D reserve system")
        cand = cand & known & val
    noprev = cand & np.isnan(prev)
    if noprev.any():
        f = np.flatnonzero(noprev)
        out.undecided(len(f), fidx=f, item=item.id, reason_zh=f"无法计算存量与增量：缺少{base - 1}年研发费用",
                      reason_en=f"cannot compute stock and increment: R&D expense for {base - 1} is missing")
    cand &= ~np.isnan(prev)
    f = np.flatnonzero(cand)
    if not len(f):
        return out
    c = cur[f].astype(np.int64)
    p = prev[f].astype(np.int64)
    stock = np.minimum(c, p)
    inc = np.maximum(c - p, 0)
    amt = sum_mul_round([(stock, as_fraction(sr)), (inc, as_fraction(ir))])
    zero = amt == 0
    out.award(int((~zero).sum()), fidx=f[~zero], item=item.id, amount_yuan=amt[~zero], basis_yuan=stock[~zero],
              rd_stock_yuan=stock[~zero], rd_increment_yuan=inc[~zero], rd_year=np.int64(base), stock_rate=sr, increment_rate=ir)
    return out
