"""A/B of two checkouts on this machine: validation, engine and engine + every table read at n firm-years.

Run ``python benchmarks/bench_ab.py OLD_ROOT NEW_ROOT [--n 1000000] [--pairs 3] [--articles 1,3,5]`` (e.g. OLD_ROOT a
``git worktree`` of an earlier commit; ``--articles``: the engine on those articles only, as bench_peer's scope, and
validation skipped). A fourth column: one firm (bench_engine's profile) through ``assess(explain=True)`` with every
table read, the median of 200 calls (``--firm-calls``). Each measurement runs in a fresh process per checkout, the two alternating (old, new, old,
new, …), so a slow period of the host falls on both; each process prints the median CPU time of 7 interleaved rounds
(``bench_engine.interleaved``).
One process's figure can differ from the next one's by more than a change moves (up to 1.4-1.9x seen), so read the
pairs side by side rather than one run of ``bench_engine.py`` per checkout.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path


def one(root: str, n: int, articles=None, firm_calls: int = 200) -> dict:
    sys.path.insert(0, root + "/benchmarks")
    sys.path.insert(0, root)
    import kzpolicy
    if Path(kzpolicy.__file__).resolve().parent.parent != Path(root).resolve():
        raise SystemExit(f"kzpolicy was imported from {kzpolicy.__file__}, not from {root}")
    import statistics
    import time

    from bench_engine import YEAR, interleaved, population, read_tables, single_firm_profile

    from kzpolicy import assess, get_policy, profile_to_facts, validate
    pol = get_policy().select(articles=articles) if articles else get_policy()
    f, e, fi = population(n)
    facts = validate(f, e, fi)
    assess(facts, year=YEAR, explain=False, policy=pol)
    fns = {"engine": lambda: assess(facts, year=YEAR, explain=False, policy=pol),
           "engine_tables": lambda: read_tables(assess(facts, year=YEAR, explain=False, policy=pol))}
    if not articles:
        fns["validate"] = lambda: validate(f, e, fi)
    t, _ = interleaved(fns, 7 if not articles else 25)
    firm = profile_to_facts(single_firm_profile())
    read_tables(assess(firm, year=YEAR, explain=True))
    calls = []
    for _ in range(firm_calls):
        c = time.process_time()
        read_tables(assess(firm, year=YEAR, explain=True))
        calls.append(time.process_time() - c)
    return {**{k: float(v) for k, v in t.items()}, "one_firm": statistics.median(calls)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--articles", help="e.g. 1,3,5: the engine on those articles only (validation not measured)")
    ap.add_argument("--firm-calls", type=int, default=200, help="one-firm calls per process (their median is shown)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.old, args.new = os.path.abspath(args.old), os.path.abspath(args.new)
    if args.one:
        arts = [int(a) for a in args.articles.split(",")] if args.articles else None
        print(json.dumps(one(args.one, args.n, arts, args.firm_calls)))
        return 0
    for root in (args.old, args.new):
        if not (Path(root) / "kzpolicy" / "__init__.py").is_file():
            ap.error(f"{root} is not a kzpolicy checkout (it has no kzpolicy/__init__.py): give the folder of a clone "
                     "or of a `git worktree add` of the commit to compare")
    scope = f"articles {args.articles}" if args.articles else "the whole policy"
    print(f"{args.n:,} firm-years, {scope}; CPU medians\n")
    print("| checkout | validation | engine | engine + every table read | one firm + tables |\n|---|---:|---:|---:|---:|")
    for _ in range(args.pairs):
        for root in (args.old, args.new):
            out = subprocess.run([sys.executable, __file__, args.old, args.new, "--n", str(args.n), "--one", root]
                                 + ["--firm-calls", str(args.firm_calls)] + (["--articles", args.articles] if args.articles else []),
                                 capture_output=True, text=True, cwd="/")
            if out.returncode:
                sys.exit(f"the measurement of {root} failed; its last output:\n{out.stderr[-2000:]}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            val = f"{r['validate'] * 1e3:.1f} ms" if "validate" in r else "–"
            print(f"| {root} | {val} | {r['engine'] * 1e3:.1f} ms | {r['engine_tables'] * 1e3:.1f} ms | "
                  f"{r['one_firm'] * 1e3:.2f} ms |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
