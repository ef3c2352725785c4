"""Referral to a higher-level programme (e.g. article 11's municipal R&D subsidy): not paid by the district."""
from __future__ import annotations

from ..kinds import Kind, P

KIND = Kind(
    name="referral",
    params={"floor": P("referral_floor", ("yuan",), zh="申报门槛", en="threshold of the referral")},
    events=False,
    assessed=False,
    awards=False,
    money=False,
    shape_zh="支持申报市级……", shape_en="referral to a higher-level programme (not paid by the district)",
)
