"""Instructions per one-firm call, counted under valgrind's callgrind: a figure the host's noise does not move.

Run ``python benchmarks/bench_instructions.py ROOT [ROOT ...] [--calls 60] [--runs 3]`` (a ROOT is a checkout, e.g. a
``git worktree`` of an earlier commit; needs ``valgrind`` on PATH, Debian's package ``valgrind``). For each checkout
and run: two processes under ``valgrind --tool=callgrind``, each building the same ``--calls`` + 3 facts from
``bench_engine.single_firm_profile`` and making 3 warm-up calls of ``assess(explain=True)`` with every table read; one
stops there, the other makes ``--calls`` more. Their difference ÷ ``--calls`` is the instructions of one call —
imports, start-up and building the facts cancel. ``PYTHONHASHSEED=0`` in both: with random string hashing the same
code's count moved by ~0.5 M between runs (dictionaries probe differently).

On this project's machines one process's milliseconds differ from the next one's by up to 1.6×, more than a session's
change moves; the count differs by ~1-2 % between runs, except that now and then one process of a pair counts ~0.3
billion instructions more or fewer (seen: 26.2 M per call against 20.2 M for the same code), so each checkout is measured
``--runs`` times and the median is the figure. Milliseconds per instruction are the machine's: session 8's final code
(805278f) took 6.0 ms a call on its machine and 8.0-12.5 ms on session 14's (``bench_ab.py``), counting ~20 M
instructions on both. One measurement takes ~3 minutes (valgrind runs Python ~50× slower).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: the measured program (run with the checkout first on sys.path): N + 3 facts built, 3 warm-up calls, then N calls if asked
PROGRAM = """
import sys
root, n, run = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
sys.path[:0] = [root, root + "/benchmarks"]
import kzpolicy
assert kzpolicy.__file__.startswith(root), kzpolicy.__file__
from bench_engine import YEAR, read_tables, single_firm_profile
from kzpolicy import assess, profile_to_facts
profile = single_firm_profile()
facts = [profile_to_facts(profile) for _ in range(n + 3)]
for f in facts[:3]:
    read_tables(assess(f, year=YEAR, explain=True))
if run:
    for f in facts[3:]:
        read_tables(assess(f, year=YEAR, explain=True))
"""


def instructions(root: str, calls: int, run: bool) -> int:
    """callgrind's total instruction count of PROGRAM in ``root``."""
    with tempfile.TemporaryDirectory() as d:
        script = Path(d, "one_firm.py")
        script.write_text(PROGRAM, encoding="utf-8")
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        env.pop("PYTHONPATH", None)
        p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={d}/callgrind.out", sys.executable,
                            str(script), str(Path(root).resolve()), str(calls), "1" if run else "0"],
                           capture_output=True, text=True, env=env)
        m = re.search(r"refs:\s*([\d,]+)", p.stderr)
        if p.returncode or not m:
            raise SystemExit(f"valgrind run in {root} failed (exit {p.returncode}):\n{p.stderr[-2000:]}")
        return int(m.group(1).replace(",", ""))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("roots", nargs="+", help="checkouts to measure")
    ap.add_argument("--calls", type=int, default=60, help="one-firm calls counted (default 60)")
    ap.add_argument("--runs", type=int, default=3, help="measurements per checkout, the checkouts taking turns (default 3)")
    a = ap.parse_args(argv)
    for root in a.roots:
        if not (Path(root) / "kzpolicy" / "__init__.py").is_file() or not (Path(root) / "benchmarks" / "bench_engine.py").is_file():
            ap.error(f"{root} is not a kzpolicy checkout (no kzpolicy/__init__.py or benchmarks/bench_engine.py): give "
                     "the folder of a clone or of a `git worktree add` of the commit to measure")
    if a.calls < 1 or a.runs < 1:
        ap.error("--calls and --runs are at least 1")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    print(f"Instructions per one-firm call (`assess(explain=True)` + every table read), (I({a.calls} calls) − I(0)) ÷ "
          f"{a.calls}, PYTHONHASHSEED=0\n")
    print("| checkout | run | instructions per call |\n|---|---:|---:|")
    per = {root: [] for root in a.roots}
    for r in range(a.runs):
        for root in a.roots:
            per[root].append((instructions(root, a.calls, True) - instructions(root, a.calls, False)) / a.calls)
            print(f"| {root} | {r + 1} | {per[root][-1] / 1e6:.2f} M |", flush=True)
    print()
    for root, v in per.items():  # the median: now and then one process of a pair counts ~0.3 billion more or fewer
        print(f"{root}: median {statistics.median(v) / 1e6:.2f} M instructions per call ({len(v)} run{'s' if len(v) != 1 else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
