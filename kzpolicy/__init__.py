"""kzpolicy — 开州府办发〔2023〕27号 as code: who gets what, why, and at what cost.

Public API::

    from kzpolicy import load_policy, assess, load_profile, load_tables, validate
    a = assess(load_profile("firm.yaml"), year=2023)
    a.ledger, a.total_yuan, a.near_misses, a.undetermined
"""
from .engine import Assessment, assess, budget_lines
from .facts import Facts, FactsError, load_profile, load_tables, profile_to_facts, validate
from .money import wan
from .policy import PolicyError, get_policy, load_policy

__version__ = "0.1.0"
__all__ = ["assess", "Assessment", "budget_lines", "Facts", "FactsError", "load_profile", "load_tables",
           "profile_to_facts", "validate", "wan", "PolicyError", "get_policy", "load_policy"]
