"""Scale benchmark: cost per firm-year of validation and the engine at several population sizes.

Run ``python benchmarks/bench_scale.py --sizes 100000,1000000,3000000``; it prints a Markdown
table and writes ``benchmarks/results_scale.md``. For each size: the same seeded synthetic
population as ``bench_engine.py``; median CPU time (``time.process_time``) of ``--repeat``
interleaved rounds of ``validate``, of ``assess(facts, explain=False)`` and of the same with every
table of the result read (``bench_engine.read_tables``: a table built on first read counts), per
firm-year; and tracemalloc's peak of allocations during ``assess(firms, events, financials)``
(validation and engine, over the input already in memory; also with every table read), per
firm-year. Sizes below 1M get more rounds (``--repeat`` × 1M ÷ n, at most 15): their calls are short. Each size runs in its own process,
so one size's memory does not count against the next.

On a shared machine one process's CPU time differs from the next one's by up to ~1.7× on the same size (the host's
other work: the CPU time "stolen" from this machine, in /proc/stat, is recorded beside each process), far more than
the interleaved rounds inside a process differ. So each size runs in ``--processes`` processes (3 by default), the
sizes taking turns (100k, 1M, 3M, 100k, 1M, 3M, …: a slow period of the host falls on every size, not on one), and a
size's figure is the median over its processes; the table shows the range beside it. ``--json rows.json`` keeps the
measured rows (one per process); ``--from-json a.json,b.json`` writes one table from runs made separately (e.g. 10M
in its own run beside the smaller sizes).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Optional

import numpy as np

ROOT = Path(__file__).resolve().parent
#: glibc settings under which freed memory stays in the process for reuse (no page faults on fresh pages)
KEEP = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(64 * 2**30)}


def one(n: int, repeat: int, keep_previous: bool = False) -> dict:
    import resource
    import time

    sys.path.insert(0, str(ROOT.parent))
    sys.path.insert(0, str(ROOT))
    import bench_engine
    from bench_engine import YEAR, input_memory, interleaved, population, read_tables, traced_peaks

    bench_engine.KEEP_PREVIOUS = keep_previous

    from kzpolicy import assess, validate

    t = time.process_time()
    firms, events, financials = population(n)
    gen = time.process_time() - t
    rss_gen = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    facts = validate(firms, events, financials)
    assess(facts, year=YEAR, explain=False)
    repeat = rounds(n, repeat)
    t, _ = interleaved({
        "validate": lambda: validate(firms, events, financials),
        "engine": lambda: assess(facts, year=YEAR, explain=False),
        "engine_tables": lambda: read_tables(assess(facts, year=YEAR, explain=False)),
    }, repeat)
    peak_val = traced_peaks(lambda: validate(firms, events, financials))
    peak_eng = traced_peaks(lambda: assess(facts, year=YEAR, explain=False))
    facts = None  # freed before the one-call peak
    peak = traced_peaks(lambda: assess(firms, events, financials, year=YEAR, explain=False))
    peak_tables = traced_peaks(lambda: read_tables(assess(firms, events, financials, year=YEAR, explain=False)))
    return {"n": n, "repeat": repeat, "events": len(events), "financials": len(financials), "validate": float(t["validate"]),
            "engine": float(t["engine"]), "engine_tables": float(t["engine_tables"]), "sys_validate": t["validate"].sys,
            "sys_engine": t["engine"].sys, "sys_engine_tables": t["engine_tables"].sys, "minflt_validate": t["validate"].minflt,
            "minflt_engine": t["engine"].minflt,
            "peak": sum(peak), "peak_tables": sum(peak_tables), "peak_arrow": peak[1], "peak_validate": sum(peak_val),
            "peak_engine": sum(peak_eng), "input": sum(input_memory(x) for x in (firms, events, financials)),
            "keep_previous": keep_previous, "generate": gen, "rss_generate": rss_gen, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def _previous_note(rows: list) -> str:
    """How the rows' calls were timed: with the previous result released (session 17 on) or alive (``--keep-previous``,
    and every run before session 17, whose rows do not say)."""
    kept = {r.get("keep_previous", True) for r in rows}  # no record: a run before session 17, previous result alive
    if kept == {False}:
        return "Each call starts with its previous result released (`bench_engine.interleaved`; `--keep-previous` keeps it). "
    if kept == {True}:
        return ("Each call ran with its previous result still alive (`--keep-previous`, or a run from before session 17, "
                "whose rows do not record it). ")
    return ("Mixed rows: some calls ran with their previous result released, some with it alive (`--keep-previous` or a "
            "run from before session 17); the sizes are not timed alike. ")


def rounds(n: int, repeat: int) -> int:
    """Interleaved rounds at ``n`` firm-years: ``repeat``, more below 1M (short calls are noisier), at most 15."""
    return max(repeat, min(15, repeat * 1_000_000 // max(n, 1)))


def cpu_ticks() -> tuple:
    """(ticks stolen from this machine by its host, all ticks) from /proc/stat's cpu line, or None where unreadable."""
    try:
        v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return v[7], sum(v[:8])
    except (OSError, ValueError, IndexError):
        return None


#: the figures of a row that are timings or counts (a size's value: the median over its processes)
TIMED = ("validate", "engine", "engine_tables", "sys_validate", "sys_engine", "sys_engine_tables", "minflt_validate",
         "minflt_engine")


def per_size(rows: list) -> list:
    """One row per size from one row per process: the timings' medians over the processes (the other figures, the
    same in each process but for noise, from the median process), with each process's validation + engine per
    firm-year (``runs``) and the host's steal (``steal``)."""
    out = []
    for n in sorted({r["n"] for r in rows}):
        rs = [r for r in rows if r["n"] == n]
        total = sorted(rs, key=lambda r: r["validate"] + r["engine"])
        row = dict(total[(len(total) - 1) // 2])
        for k in TIMED:
            if all(k in r for r in rs):
                row[k] = statistics.median(r[k] for r in rs)
        row["runs"] = [(r["validate"] + r["engine"]) / n for r in rs]
        if all("sys_validate" in r and "sys_engine" in r for r in rs):  # the user time, per process, then the median
            row["user"] = statistics.median(r["validate"] - r["sys_validate"] + r["engine"] - r["sys_engine"] for r in rs)
        row["steal"] = [r["steal"] for r in rs if r.get("steal") is not None]
        out.append(row)
    return out


def user_line(rows: list) -> Optional[dict]:
    """The cost the code controls, per size: validation + engine CPU time without the kernel's part (user time, the
    median over a size's processes), fitted as a fixed cost per call plus a cost per firm-year (least squares on
    relative errors).

    The system part (page faults on fresh memory: zeroing, huge-page compaction) varies by process on these shared
    machines far more than the code's own work does; the fit shows whether the dearest size is dear per row (cost
    growing faster than linearly) or by a fixed cost spread over few rows. ``None`` with fewer than two sizes.
    """
    pts = [(r["n"], r["user"]) for r in rows if "user" in r]
    if len({n for n, _ in pts}) < 2:
        return None
    xs, ys = np.array([n for n, _ in pts], float), np.array([t for _, t in pts], float)
    per_row, fixed = np.polyfit(xs, ys, 1, w=1 / ys)  # relative errors: 10M's seconds do not drown 100k's milliseconds
    per = ys / xs
    return {"spread": float(per.max() / per.min()), "fixed_s": float(fixed), "per_row_s": float(per_row),
            "per": dict(zip(map(int, xs), map(float, per)))}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000,3000000", help="comma-separated numbers of firms")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--processes", type=int, default=3,
                    help="processes per size, the sizes taking turns; a size's figure is the median over them")
    ap.add_argument("--out", default=str(ROOT / "results_scale.md"), help="Markdown file to write ('' to skip)")
    ap.add_argument("--keep-freed-memory", action="store_true",
                    help="run each size with glibc keeping freed memory for reuse (MALLOC_MMAP_MAX_=0, "
                         "MALLOC_TRIM_THRESHOLD_ at 64 GiB) instead of giving it back to the system")
    ap.add_argument("--json", help="also write the measured rows to this JSON file")
    ap.add_argument("--keep-previous", action="store_true",
                    help="keep each call's previous result alive while it runs again (bench_engine.interleaved)")
    ap.add_argument("--from-json", help="comma-separated JSON files of earlier runs (--json): write their table, measure nothing")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.repeat, args.keep_previous)))
        return 0
    rows = []
    load0 = os.getloadavg()[0]
    if args.from_json:
        for f in args.from_json.split(","):
            rows += json.loads(Path(f).read_text(encoding="utf-8"))
        rows.sort(key=lambda r: r["n"])
    sizes = [] if args.from_json else [int(x) for x in args.sizes.split(",")]
    for n in [n for _ in range(args.processes) for n in sizes]:
        t0 = cpu_ticks()
        done = subprocess.run([sys.executable, __file__, "--one", str(n), "--repeat", str(args.repeat)]
                              + (["--keep-previous"] if args.keep_previous else []),
                              capture_output=True, text=True, check=True, env={**os.environ, **KEEP} if args.keep_freed_memory else None)
        t1 = cpu_ticks()
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        rows[-1]["load"] = os.getloadavg()[0]
        rows[-1]["steal"] = (t1[0] - t0[0]) / max(t1[1] - t0[1], 1) if t0 and t1 else None
        print(rows[-1], file=sys.stderr)
        if args.json:
            Path(args.json).write_text(json.dumps(rows), encoding="utf-8")
    rows = per_size(rows)
    ns = lambda s, n: f"{s / n * 1e9:,.0f} ns"
    procs = sorted({len(r["runs"]) for r in rows})
    reps = {r.get("repeat", args.repeat) for r in rows}
    rounds = (str(reps.pop()) if len(reps) == 1 else
              ", ".join(f"{r.get('repeat', args.repeat)} at {r['n']:,}" for r in rows))
    mb = lambda b, n: f"{b / 2**20:,.0f} MiB ({b / n:,.0f} B)"
    flt = lambda r, k: f"{r['minflt_' + k] / r['n']:.3f}" if "minflt_" + k in r else "–"  # older --json rows have none
    tables = all("engine_tables" in r for r in rows)  # older --json rows have no "every table read" figures
    table = ["| firm-years | events | financial rows | validation (per firm-year) | engine (per firm-year) | "
             "engine + every table read (per firm-year) | validation + engine (per firm-year) | "
             "validation + engine + every table read (per firm-year) | validation + engine per firm-year in each process "
             "(the host's steal) | minor page faults per firm-year: validation / engine | "
             "peak memory over the input: validation / engine / both in one call / both + every table read "
             "(per firm-year) | the input tables (per firm-year) | max RSS of the process |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    dash = "–"

    def each(r):  # every process's validation + engine per firm-year, and the share of CPU time the host took
        st = r["steal"] if len(r["steal"]) == len(r["runs"]) else [None] * len(r["runs"])
        return " / ".join(f"{v * 1e9:,.0f} ns" + (f" ({x:.0%})" if x is not None else "") for v, x in zip(r["runs"], st))
    for r in rows:
        n = r["n"]
        et = f"{r['engine_tables']:.3f} s ({ns(r['engine_tables'], n)})" if tables else dash
        vet = f"{r['validate'] + r['engine_tables']:.3f} s ({ns(r['validate'] + r['engine_tables'], n)})" if tables else dash
        pt = f"{r['peak_tables'] / n:,.0f}" if "peak_tables" in r else dash
        table.append(f"| {n:,} | {r['events']:,} | {r['financials']:,} | {r['validate']:.3f} s ({ns(r['validate'], n)}; "
                     f"system {ns(r['sys_validate'], n)}) | {r['engine']:.3f} s ({ns(r['engine'], n)}; system "
                     f"{ns(r['sys_engine'], n)}) | {et} | {r['validate'] + r['engine']:.3f} s "
                     f"({ns(r['validate'] + r['engine'], n)}) | {vet} | {each(r)} | {flt(r, 'validate')} / {flt(r, 'engine')} | "
                     f"{r['peak_validate'] / n:,.0f} / {r['peak_engine'] / n:,.0f} / "
                     f"{r['peak'] / n:,.0f} / {pt} B ({r['peak'] / 2**20:,.0f} MiB) | {mb(r['input'], n)} | "
                     f"{r['rss'] / 2**30:,.1f} GiB |")
    per = lambda k: [(sum(r[x] for x in k)) / r["n"] for r in rows]
    spread = {k: max(per(v)) / min(per(v)) for k, v in
              (("validation + engine", ("validate", "engine")), ("validation", ("validate",)), ("engine", ("engine",)),
               ("peak memory", ("peak",)))
              + ((("validation + engine + tables", ("validate", "engine_tables")),) if tables else ())}
    with_tables = (f"; with every table read {spread['validation + engine + tables']:.2f}×" if tables else "")
    md = ("\n".join(table) + "\n\n"
          f"From the smallest to the largest size the cost per firm-year varies by {spread['validation + engine']:.2f}× "
          f"(target: within 1.3×; validation {spread['validation']:.2f}×, engine {spread['engine']:.2f}×{with_tables}), "
          f"peak memory per firm-year by {spread['peak memory']:.2f}×. "
          + (f"Without the kernel's part (user time only: what the code itself does) it varies by {u['spread']:.2f}× "
             f"({' / '.join(f'{v * 1e9:,.0f}' for v in u['per'].values())} ns), which is a fixed {u['fixed_s'] * 1e3:.1f} ms "
             f"per call plus {u['per_row_s'] * 1e9:,.0f} ns per firm-year (a line fitted to the sizes): "
             f"the fixed part is {u['fixed_s'] / (u['fixed_s'] + u['per_row_s'] * min(u['per'])):.0%} of a call at "
             f"{min(u['per']):,}. " if (u := user_line(rows)) else "")
          + 
          "CPU time is user + system; the system part (the kernel's page faults on memory fresh from the system, "
          "which glibc takes and gives back per array above 32 MiB) is shown beside it, and the minor page faults "
          "per firm-year (median per call; a count, so independent of the load). "
          f"{'Run with glibc keeping freed memory (`--keep-freed-memory`). ' if args.keep_freed_memory else ''}"
          + _previous_note(rows)
          + "Peak memory: allocations during the call over the input already in memory (tracemalloc's peak plus pyarrow's "
          "pool's, `bench_engine.traced_peaks`). The input: `memory_usage(deep=True)` of the three tables as "
          "`bench_engine.population` builds them (text as pandas gives it). "
          f"Machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores (shared), Python {platform.python_version()}; "
          f"median CPU time of {rounds} interleaved rounds per size in each of "
          f"{'/'.join(map(str, procs))} processes per size (its own process each time, the sizes taking turns), a "
          "size's figure the median over its processes, each process's beside it with the share of the machine's CPU "
          "time its host took meanwhile (steal, /proc/stat); "
          + ((f"load average after each size {', '.join(str(round(r['load'], 1)) for r in rows if 'load' in r)}.\n"
              if any("load" in r for r in rows) else "no load average recorded in the rows.\n")
             if args.from_json else f"load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.\n"))
    print(md)
    if args.out:
        Path(args.out).write_text("# Scale benchmark\n\nWritten by `python benchmarks/bench_scale.py`; see its docstring.\n\n" + md,
                                  encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
