"""Where a call's fixed cost is: validation's and the engine's phases, and the engine's items, split into a cost per
call and a cost per firm-year.

Run ``python benchmarks/bench_fixed.py`` (100,000 and 300,000 firms); it prints Markdown tables and writes
``benchmarks/results_fixed.md``. ``bench_scale.py``'s user-time line says how much of a call is fixed (the same for
100k firm-years as for 10M: what makes a small population dearer per firm-year); this says where it is. In one process,
for each size: ``bench_engine.population(n)``, then ``--rounds`` interleaved rounds of ``validate`` and ``assess(facts,
explain=False)``, each call from the same memory (``bench_engine.interleaved``); inside them, the time spent in each
named function (inclusive: a phase's calls to the others count in it too) and in each item's rule (the engine's
``rule`` looked up per item; an item's calls for earlier years a limit looks back on count in it), the median over the
rounds. A line through the two sizes gives each part's cost per call (its intercept) and per firm-year (its slope).
Times are ``time.perf_counter`` inside one process on an otherwise quiet machine: the split, not the seconds, is the
figure to read. An intercept is a small difference of larger numbers and moves by about a millisecond from run to run
(session 17, four runs: validation 5.5–6.9 ms, engine 6.9–7.8 ms per call); a part's few tenths of a millisecond are
within that.
"""
from __future__ import annotations

import argparse
import functools
import gc
import importlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

#: (module, function, what it is): the phases timed, validation's then the engine's
PHASES = [
    ("kzpolicy.facts", "validate", "validation, the whole call"),
    ("kzpolicy.facts", "_normalise", "reading and checking each table's columns"),
    ("kzpolicy.facts", "_convert", "of which the columns' conversions and checks"),
    ("kzpolicy.facts", "_pandera", "the schema checks, pandera's fast path"),
    ("kzpolicy.facts", "_event_fields", "each event's fields against its code"),
    ("kzpolicy.facts", "_match_firms", "events' and financial rows' firm ids matched to firms"),
    ("kzpolicy.facts", "keep_for_engine", "the indexes kept for the engine"),
    ("kzpolicy.engine", "assess", "the engine, the whole call"),
    ("kzpolicy.engine", "_run", "the rules, every item"),
    ("kzpolicy.engine", "award_frame", "the award lines joined"),
    ("kzpolicy.limits", "apply", "the limits across items and years"),
    ("kzpolicy.engine", "_finish", "the ledger"),
]


def line(xs, ys) -> tuple:
    """(cost per call, cost per unit) of the line through two points (x, y): its intercept and its slope."""
    (x0, x1), (y0, y1) = xs, ys
    slope = (y1 - y0) / (x1 - x0)
    return y0 - slope * x0, slope


def measure(sizes, rounds: int) -> dict:
    """{size: {part: median seconds per call}}: parts are ``module:function`` of :data:`PHASES` and ``item:<id>``."""
    import kzpolicy.engine as engine

    spent: dict = {}

    def timed(name, fn):
        @functools.wraps(fn)
        def w(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
        return w

    patched = []
    for mod, fn, _ in PHASES:
        m = importlib.import_module(mod)
        patched.append((m, fn, getattr(m, fn)))
        setattr(m, fn, timed(f"{mod}:{fn}", getattr(m, fn)))
    rule = engine.rule

    def rule_timed(kind):  # each item's rule, timed under the item's id
        fn = rule(kind)
        if fn is None:
            return None

        def per_item(item, ctx):
            t = time.perf_counter()
            try:
                return fn(item, ctx)
            finally:
                spent[f"item:{item.id}"] = spent.get(f"item:{item.id}", 0.0) + time.perf_counter() - t
        return per_item
    patched.append((engine, "rule", rule))
    engine.rule = rule_timed
    # the whole calls go through the module attributes patched above (validate and assess are re-exported names)
    validate_t, assess_t = importlib.import_module("kzpolicy.facts").validate, engine.assess
    out = {}
    try:
        for n in sizes:
            out[n] = _one_size(n, rounds, validate_t, assess_t, spent)
            gc.collect()
    finally:
        for m, fn, orig in patched:
            setattr(m, fn, orig)
    return out


def _one_size(n: int, rounds: int, validate_t, assess_t, spent: dict) -> dict:
    """{part: median seconds per call} at ``n`` firms: ``rounds`` rounds of the timed validation and engine."""
    from bench_engine import YEAR, interleaved, population

    from kzpolicy import assess, validate
    firms, events, financials = population(n)
    facts = validate(firms, events, financials)
    for _ in range(2):  # warm-up: imports, caches
        assess(facts, year=YEAR, explain=False)
    per_round = []

    def one_round():
        spent.clear()
        validate_t(firms, events, financials)
        assess_t(facts, year=YEAR, explain=False)
        per_round.append(dict(spent))
    interleaved({"round": one_round}, rounds)
    parts = set().union(*per_round)
    return {p: statistics.median(r.get(p, 0.0) for r in per_round) for p in parts}


def table(res: dict) -> str:
    sizes = sorted(res)
    n0, n1 = sizes[0], sizes[-1]
    head = (f"| part | at {n0:,} firm-years | at {n1:,} | per call (fixed) | per firm-year |\n"
            "|---|---:|---:|---:|---:|\n")

    def row(label, key):
        y0, y1 = res[n0].get(key, 0.0), res[n1].get(key, 0.0)
        fixed, per = line((n0, n1), (y0, y1))
        return f"| {label} | {y0 * 1e3:.2f} ms | {y1 * 1e3:.2f} ms | {fixed * 1e3:.2f} ms | {per * 1e9:.1f} ns |\n"
    phases = head + "".join(row(f"{what} (`{fn}`)", f"{mod}:{fn}") for mod, fn, what in PHASES)
    items = sorted((k for k in res[n0] if k.startswith("item:")),
                   key=lambda k: -line((n0, n1), (res[n0].get(k, 0.0), res[n1].get(k, 0.0)))[0])
    top = items[:15]
    rest = items[15:]
    item_rows = "".join(row(f"`{k[5:]}`", k) for k in top)
    if rest:
        y0 = sum(res[n0].get(k, 0.0) for k in rest)
        y1 = sum(res[n1].get(k, 0.0) for k in rest)
        fixed, per = line((n0, n1), (y0, y1))
        item_rows += (f"| the other {len(rest)} items | {y0 * 1e3:.2f} ms | {y1 * 1e3:.2f} ms | {fixed * 1e3:.2f} ms | "
                      f"{per * 1e9:.1f} ns |\n")
    fixed = {k: line((n0, n1), (res[n0].get(k, 0.0), res[n1].get(k, 0.0)))[0] for k in ("kzpolicy.facts:validate", "kzpolicy.engine:assess")}
    return ("Written by `python benchmarks/bench_fixed.py`; see its docstring.\n\n" + phases
            + "\nThe engine's items (an item's rule; the event awards of the usual shape are decided together in the "
              "first one's call, `rules/event_award.py`), by fixed cost:\n\n" + head + item_rows
            + f"\nFixed cost per call: validation {fixed['kzpolicy.facts:validate'] * 1e3:.2f} ms, engine "
              f"{fixed['kzpolicy.engine:assess'] * 1e3:.2f} ms.\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,300000", help="two comma-separated numbers of firms")
    ap.add_argument("--rounds", type=int, default=15, help="rounds per size (median reported)")
    ap.add_argument("--out", default=str(ROOT / "results_fixed.md"), help="Markdown file to write ('' to skip)")
    ap.add_argument("--json", help="also write the measured medians to this JSON file")
    args = ap.parse_args(argv)
    sizes = sorted(int(x) for x in args.sizes.split(","))
    if len(sizes) != 2 or sizes[0] == sizes[1]:
        ap.error("--sizes takes two different sizes")
    res = measure(sizes, args.rounds)
    md = table(res)
    print(md)
    if args.out:
        Path(args.out).write_text(md, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps({str(k): v for k, v in res.items()}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
