"""Fixed annual budget lines (articles 6 and 22): fiscal envelopes, not awards to a firm.

Booked by :func:`kzpolicy.engine.budget_lines`; the switch ``first_year`` decides the
publication year (the full amount, or pro rata by days from publication).
"""
from __future__ import annotations

from ..kinds import Kind, P, Switch
from ..money import wan

KIND = Kind(
    name="budget_line",
    params={"amount": P("amount", ("yuan", "yuan_per_year"), zh="年度额度", en="annual amount")},
    events=False,
    assessed=False,
    awards=False,
    switches={"first_year": Switch(("full_year", "pro_rata"), "full_year",
                                   "公布当年按全年额度，或按公布后天数折算", "the publication year: the full amount, or pro rata by days")},
    shape_zh="每年安排……万元", shape_en="a fixed annual budget line (not per firm)",
    amount_text_zh=lambda item, d: "未读取" if d["amount_yuan"] is None else wan(int(d["amount_yuan"])),
)
