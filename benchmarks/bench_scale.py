"""Scale benchmark: cost per firm-year of validation and the engine at several population sizes.

Run ``python benchmarks/bench_scale.py --sizes 100000,1000000,3000000``; it prints a Markdown
table and writes ``benchmarks/results_scale.md``. For each size: the same seeded synthetic
population as ``bench_engine.py``; median CPU time (``time.process_time``) of ``--repeat``
interleaved rounds of ``validate`` and of ``assess(facts, explain=False)``, per firm-year; and
tracemalloc's peak of allocations during ``assess(firms, events, financials)`` (validation and
engine, over the input already in memory), per firm-year. Each size runs in its own process,
so one size's memory does not count against the next.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def one(n: int, repeat: int) -> dict:
    sys.path.insert(0, str(ROOT.parent))
    sys.path.insert(0, str(ROOT))
    from bench_engine import YEAR, interleaved, population, traced_peak

    from kzpolicy import assess, validate

    firms, events, financials = population(n)
    facts = validate(firms, events, financials)
    assess(facts, year=YEAR, explain=False)
    t, _ = interleaved({
        "validate": lambda: validate(firms, events, financials),
        "engine": lambda: assess(facts, year=YEAR, explain=False),
    }, repeat)
    peak = traced_peak(lambda: assess(firms, events, financials, year=YEAR, explain=False))
    return {"n": n, "events": len(events), "financials": len(financials), "validate": float(t["validate"]),
            "engine": float(t["engine"]), "peak": peak}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000,3000000", help="comma-separated numbers of firms")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "results_scale.md"), help="Markdown file to write ('' to skip)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.repeat)))
        return 0
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        done = subprocess.run([sys.executable, __file__, "--one", str(n), "--repeat", str(args.repeat)],
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(rows[-1], file=sys.stderr)
    ns = lambda s, n: f"{s / n * 1e9:,.0f} ns"
    table = ["| firm-years | events | financial rows | validation (per firm-year) | engine (per firm-year) | "
             "validation + engine (per firm-year) | peak memory over the input (per firm-year) |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        n = r["n"]
        table.append(f"| {n:,} | {r['events']:,} | {r['financials']:,} | {r['validate']:.3f} s ({ns(r['validate'], n)}) | "
                     f"{r['engine']:.3f} s ({ns(r['engine'], n)}) | {r['validate'] + r['engine']:.3f} s "
                     f"({ns(r['validate'] + r['engine'], n)}) | {r['peak'] / 2**20:,.0f} MiB ({r['peak'] / n:,.0f} B) |")
    per = [(r["validate"] + r["engine"]) / r["n"] for r in rows]
    spread = max(per) / min(per)
    md = ("\n".join(table) + "\n\n"
          f"Cost per firm-year from the smallest to the largest size varies by {spread:.2f}× (target: within 1.3×). "
          f"Machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores (shared), Python {platform.python_version()}; "
          f"median CPU time of {args.repeat} interleaved rounds per size, each size in its own process; "
          f"load average {os.getloadavg()[0]:.1f} at the end.\n")
    print(md)
    if args.out:
        Path(args.out).write_text("# Scale benchmark\n\nWritten by `python benchmarks/bench_scale.py`; see its docstring.\n\n" + md,
                                  encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
