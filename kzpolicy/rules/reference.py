"""A national or higher-level rule quoted by the policy (not paid by the district; not assessed)."""
from __future__ import annotations

from ..kinds import Kind, P

KIND = Kind(
    name="reference",
    params={"previous_rate": P("note", ("ratio",), optional=True, zh="原比例", en="previous rate"),
            "rate": P("note", ("ratio",), optional=True, zh="比例", en="rate")},
    events=False,
    assessed=False,
    awards=False,
    money=False,
    shape_zh="国家或上级政策的引述", shape_en="a national or higher-level rule, quoted (not paid by the district)",
)
