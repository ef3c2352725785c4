"""Rule kinds: one module per kind of clause, holding its declaration and its vectorised rule.

Each module declares ``KIND`` (:class:`kzpolicy.kinds.Kind`: parameters with roles and
units, ledger fields, switches, statute shape) and, for kinds the engine computes,
``assess(item, ctx)`` returning a :class:`~kzpolicy.rules.common.RuleOutput` of award
lines, near-misses, undetermined cases and excluded events. A rule reads every amount,
rate, threshold and cap from ``item.parameters`` and every reading from
``ctx.switch(item, name)``; none is written here.
"""
from ..kinds import registry


def rule(kind: str):
    """The vectorised ``assess(item, ctx)`` of ``kind`` (None for kinds that are not assessed)."""
    return registry()[kind].assess
