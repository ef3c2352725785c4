"""A/B of two checkouts on this machine: validation, engine and engine + every table read at n firm-years.

Run ``python benchmarks/bench_ab.py OLD_ROOT NEW_ROOT [--n 1000000] [--pairs 3]`` (e.g. OLD_ROOT a ``git worktree``
of an earlier commit). Each measurement runs in a fresh process per checkout, the two alternating (old, new, old,
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


def one(root: str, n: int) -> dict:
    sys.path.insert(0, root + "/benchmarks")
    sys.path.insert(0, root)
    import kzpolicy
    if Path(kzpolicy.__file__).resolve().parent.parent != Path(root).resolve():
        raise SystemExit(f"kzpolicy was imported from {kzpolicy.__file__}, not from {root}")
    from bench_engine import YEAR, interleaved, population, read_tables

    from kzpolicy import assess, validate
    f, e, fi = population(n)
    facts = validate(f, e, fi)
    assess(facts, year=YEAR, explain=False)
    t, _ = interleaved({"validate": lambda: validate(f, e, fi), "engine": lambda: assess(facts, year=YEAR, explain=False),
                        "engine_tables": lambda: read_tables(assess(facts, year=YEAR, explain=False))}, 7)
    return {k: float(v) for k, v in t.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.old, args.new = os.path.abspath(args.old), os.path.abspath(args.new)
    if args.one:
        print(json.dumps(one(args.one, args.n)))
        return 0
    for root in (args.old, args.new):
        if not (Path(root) / "kzpolicy" / "__init__.py").is_file():
            ap.error(f"{root} is not a kzpolicy checkout (it has no kzpolicy/__init__.py): give the folder of a clone "
                     "or of a `git worktree add` of the commit to compare")
    print("| checkout | validation | engine | engine + every table read |\n|---|---:|---:|---:|")
    for _ in range(args.pairs):
        for root in (args.old, args.new):
            out = subprocess.run([sys.executable, __file__, args.old, args.new, "--n", str(args.n), "--one", root],
                                 capture_output=True, text=True, cwd="/")
            if out.returncode:
                sys.exit(f"the measurement of {root} failed; its last output:\n{out.stderr[-2000:]}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"| {root} | {r['validate'] * 1e3:.1f} ms | {r['engine'] * 1e3:.1f} ms | {r['engine_tables'] * 1e3:.1f} ms |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
