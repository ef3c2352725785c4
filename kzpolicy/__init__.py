"""kzpolicy — 开州府办发〔2023〕27号 as code: who gets what, why, and at what cost.

Public API::

    from kzpolicy import load_policy, assess, load_profile, load_tables, validate
    a = assess(load_profile("firm.yaml"), year=2023)
    a.ledger, a.total_yuan, a.near_misses, a.undetermined

The names are imported on first use (PEP 562), so that ``import kzpolicy.cli`` or
``import kzpolicy.policy`` does not load the engine and the validation stack it does
not need; ``from kzpolicy import assess`` works as before.
"""
import importlib

__version__ = "0.1.0"

#: public name -> the submodule that defines it
_EXPORTS = {
    "assess": "engine", "Assessment": "engine", "budget_lines": "engine",
    "Facts": "facts", "FactsError": "facts", "load_profile": "facts", "load_tables": "facts",
    "profile_to_facts": "facts", "validate": "facts",
    "wan": "money",
    "PolicyError": "policy", "get_policy": "policy", "load_policy": "policy",
}
__all__ = list(_EXPORTS)


def __getattr__(name):
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'kzpolicy' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{mod}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
