"""One-firm command benchmark: ``kzpolicy assess examples/firm_F001.yaml --year 2023`` against ``import pandas``.

Run ``python benchmarks/bench_cli.py``; it prints a Markdown table and writes
``benchmarks/results_cli.md``. Both are whole processes started by this script, alternating
(command, bare import, command, …), ``--runs`` times each after ``--warmup`` rounds; the
figure is the median CPU time (user + system, from ``os.wait4``) of each, and their ratio
(issue 12's target: at most 1.6×). The machine is shared, so CPU time, not wall clock.

Python's bytecode cache is on in the children (``PYTHONDONTWRITEBYTECODE`` removed from
their environment), as in a normal install; ``--no-bytecode-cache`` keeps it off (every
module compiled from source in every process). Also reported: the same command with the
policy cache off (``KZPOLICY_CACHE=off``) and, when installed, a bare ``import pyarrow``
(what a pandas with pyarrow may add to any process that touches Arrow-backed text).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent


def run(cmd, env) -> tuple:
    """(CPU seconds = user + system, wall seconds) of one child process; its output is discarded."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {err[-2000:]}")
    return ru.ru_utime + ru.ru_stime, wall


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--no-bytecode-cache", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "results_cli.md"), help="Markdown file to write ('' to skip)")
    ap.add_argument("--json", help="also write the medians to this JSON file")
    args = ap.parse_args(argv)
    py = sys.executable
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    kz = [str(Path(py).parent / "kzpolicy"), "assess", "examples/firm_F001.yaml", "--year", "2023"]
    if not Path(kz[0]).exists():
        kz = [py, "-m", "kzpolicy.cli"] + kz[1:]
    cmds = {
        "kzpolicy assess examples/firm_F001.yaml --year 2023": (kz, env),
        'python -c "import pandas"': ([py, "-c", "import pandas"], env),
        "the same command, policy cache off (`KZPOLICY_CACHE=off`)": (kz, {**env, "KZPOLICY_CACHE": "off"}),
        'python -c "import pandas, pyarrow"': ([py, "-c", "import pandas, pyarrow"], env),
    }
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        cmds.pop('python -c "import pandas, pyarrow"')
    load0 = os.getloadavg()
    for _ in range(args.warmup):
        for cmd, e in cmds.values():
            run(cmd, e)
    cpu = {k: [] for k in cmds}
    wall = {k: [] for k in cmds}
    for _ in range(args.runs):
        for k, (cmd, e) in cmds.items():
            c, w = run(cmd, e)
            cpu[k].append(c)
            wall[k].append(w)
    med = {k: statistics.median(v) for k, v in cpu.items()}
    base = med['python -c "import pandas"']
    table = ["| process | CPU, user + system (wall) | ÷ `import pandas` |", "|---|---:|---:|"]
    for k in cmds:
        table.append(f"| {k} | {med[k]:.3f} s ({statistics.median(wall[k]):.3f} s) | {med[k] / base:.2f}× |")
    ratio = med["kzpolicy assess examples/firm_F001.yaml --year 2023"] / base
    md = ("\n".join(table) + "\n\n"
          f"One-firm command ÷ bare `import pandas`: **{ratio:.2f}×** (target ≤ 1.6×: {'met' if ratio <= 1.6 else '**not met**'}). "
          f"Median of {args.runs} interleaved runs each after {args.warmup} warm-up rounds; bytecode cache "
          f"{'off' if args.no_bytecode_cache else 'on'}; Python {platform.python_version()}; load average "
          f"{load0[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end.\n")
    print(md)
    if args.out:
        Path(args.out).write_text("# One-firm command benchmark\n\nWritten by `python benchmarks/bench_cli.py`; see its docstring.\n\n"
                                  + md, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps({"cpu": med, "wall": {k: statistics.median(v) for k, v in wall.items()},
                                               "ratio": ratio, "runs": args.runs, "load": [load0[0], os.getloadavg()[0]]}),
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
