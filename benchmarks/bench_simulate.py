"""Benchmark the fiscal simulation (issue 4 targets) and write benchmarks/results_simulate.md.

Targets: one simulated year of 1,000,000 firms in ≤ 1 s (engine part: ``assess`` with
explain=False on an already generated population); 1,000 Monte Carlo runs of a
Kaizhou-sized population (2,234 firms, 2023–2025, generation included) in ≤ 60 s;
peak memory ≤ 2 GB. Each part runs in its own process so that its peak RSS is its own.

    .venv/bin/python benchmarks/bench_simulate.py [--runs 1000] [--firms 1000000]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import queue
import resource
import time
from pathlib import Path

OUT = Path(__file__).parent / "results_simulate.md"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def part_engine(firms: int, q):
    from kzpolicy import assess
    from kzpolicy.population import generate, load_calibration
    n = int(load_calibration()["industrial_units_2023"]["value"])
    runs = -(-firms // n)
    t0 = time.perf_counter()
    facts = generate(seed=7, years=(2023, 2023), runs=runs)
    gen = time.perf_counter() - t0
    kw = {"explain": False, "check_places": False}  # stacked runs: each has its own top tens
    assess(facts, year=2023, **kw)  # warm-up (imports, caches)
    times, cpu = [], []
    a = None
    for _ in range(3):
        a = None  # each call from the same memory: the previous result released first (bench_engine.interleaved)
        t0, c0 = time.perf_counter(), time.process_time()
        a = assess(facts, year=2023, **kw)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    q.put({"firms": len(facts.firms), "events": len(facts.events), "financial_rows": len(facts.financials),
           "generate_s": gen, "assess_s": min(times), "assess_all_s": times, "assess_cpu_s": min(cpu), "awards": len(a.ledger),
           "total_yuan": a.total_yuan, "peak_mb": _peak_mb()})


def part_mc(runs: int, q):
    from kzpolicy.simulate import monte_carlo
    t0, c0 = time.perf_counter(), time.process_time()
    mc = monte_carlo(runs=runs, seed=0, years=(2023, 2025))
    el, cpu = time.perf_counter() - t0, time.process_time() - c0
    b = mc.bands()
    tot = b[b["year"] == "total"].iloc[0]
    q.put({"runs": runs, "seconds": el, "cpu_s": cpu, "p5": int(tot["p5_yuan"]), "p50": int(tot["p50_yuan"]), "p95": int(tot["p95_yuan"]),
           "peak_mb": _peak_mb()})


def _run(target, *args):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, q))
    p.start()
    while True:  # a part that fails must not leave us waiting on the queue forever
        try:
            res = q.get(timeout=1)
            break
        except queue.Empty:
            if not p.is_alive():
                raise RuntimeError(f"benchmark part {target.__name__} failed (exit code {p.exitcode}); see its traceback above") from None
    p.join()
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    e = _run(part_engine, args.firms)
    print(f"engine: {e['firms']:,} firms, one year: {e['assess_s']:.2f} s wall, {e['assess_cpu_s']:.2f} s CPU (runs {', '.join(f'{t:.2f}' for t in e['assess_all_s'])}); "
          f"generation {e['generate_s']:.1f} s; peak {e['peak_mb']:.0f} MB")
    m = _run(part_mc, args.runs)
    print(f"Monte Carlo: {m['runs']} runs × 2,234 firms × 3 years: {m['seconds']:.1f} s wall, {m['cpu_s']:.1f} s CPU; peak {m['peak_mb']:.0f} MB; "
          f"total 2023–2025 p5/p50/p95 = {m['p5'] / 1e4:,.0f} / {m['p50'] / 1e4:,.0f} / {m['p95'] / 1e4:,.0f} 万元")
    ok = lambda c: "✅" if c else "❌"  # noqa: E731
    load = os.getloadavg()[0]
    lines = [
        "# Simulation benchmark (issue 4) / 测算性能基准",
        "",
        "Written by `benchmarks/bench_simulate.py`; numbers from the last run on this machine "
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}). The machine is shared, so",
        "timings vary by run; each part runs in its own process and reports that process's peak RSS. Wall-clock time is",
        "the target; CPU time (this process only) is given beside it because other jobs were running "
        f"(1-minute load average at the end: {load:.1f}).",
        "",
        "| Target | Measured | Met |",
        "|---|---|---|",
        f"| One simulated year of 1,000,000 firms ≤ 1 s (engine: `assess(..., explain=False)`) | {e['assess_s']:.2f} s wall ({e['assess_cpu_s']:.2f} s CPU) for {e['firms']:,} firms "
        f"({e['events']:,} events, {e['financial_rows']:,} financial rows; best of 3: {', '.join(f'{t:.2f}' for t in e['assess_all_s'])} s) | {ok(e['assess_s'] <= 1)} |",
        f"| 1,000 Monte Carlo runs of a Kaizhou-sized population (2,234 firms, 2023–2025, generation included) ≤ 60 s | {m['seconds']:.1f} s wall ({m['cpu_s']:.1f} s CPU) for {m['runs']} runs | {ok(m['seconds'] <= 60 and m['runs'] >= 1000)} |",
        f"| Peak memory ≤ 2 GB | engine part {e['peak_mb']:.0f} MB (generating 1M firms included); Monte Carlo {m['peak_mb']:.0f} MB | {ok(max(e['peak_mb'], m['peak_mb']) <= 2048)} |",
        "",
        f"Generating the 1,000,000-firm population (not part of the engine target) took {e['generate_s']:.1f} s.",
        f"Monte Carlo result (firm awards 2023–2025, uses assumptions 含假设参数): p5 {m['p5'] / 1e4:,.0f} 万元, "
        f"p50 {m['p50'] / 1e4:,.0f} 万元, p95 {m['p95'] / 1e4:,.0f} 万元.",
        "",
    ]
    if not args.no_write:
        OUT.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
