"""Peer benchmark: kzpolicy against OpenFisca on articles 1, 3 and 5, same input, same totals.

Run ``python benchmarks/bench_peer.py`` after ``pip install -e '.[bench]'`` (openfisca-core);
it prints a Markdown table and writes ``benchmarks/results_peer.md``.

Both sides get the same raw tables of ``bench_engine.population(n)`` (text firm ids,
ISO date strings, floats with NaN) and compute the items of articles 1, 3 and 5:

- kzpolicy: ``assess(..., policy=get_policy().select(articles=[1, 3, 5]), explain=False)``
  — engine only on validated Facts, and end to end from the raw tables (validation included);
  the engine alone runs on the Facts ``validate`` made right before it (untimed), as OpenFisca's
  ``calculate`` runs on the simulation ``simulation_from_tables`` made right before it (it keeps
  what it calculated, so each call needs a new one); a row on one Facts validated before all the
  rounds shows that this choice does not favour kzpolicy;
  each also with every table of the result read (``bench_engine.read_tables``: ledger,
  near-misses, undetermined, excluded, fees, township awards), since a table may be built on
  first read rather than inside ``assess``;
- OpenFisca: ``benchmarks/peer_openfisca`` (a firm entity, dated YAML parameters, numpy
  formulas, as a country package lays them out) — ``calculate`` of the award variables
  on a simulation whose inputs are set, and end to end: the conversion of the raw tables
  to input arrays (``simulation_from_tables``) plus ``calculate``.

Totals are checked equal item by item (the run fails otherwise; `tests/test_bench_peer.py` checks them firm by firm). Timings are median CPU
seconds (``time.process_time``) over interleaved rounds; memory is the peak of allocations
during the call, over the input already in memory (tracemalloc's, plus pyarrow's memory pool's
for Arrow buffers). Text is as pandas gives it (with pyarrow: Arrow-backed strings); the
object rows run both sides on the same tables with text as Python objects (a pandas 2
user's frames). Building the OpenFisca
tax-benefit system and loading the kzpolicy policy happen once, before timing, on both sides.

What the two do is not the same amount of work: kzpolicy validates the input, keeps money
in int64 yuan, and returns near-misses, exclusions with reasons and "cannot decide" cases;
OpenFisca validates nothing, holds money as float32, and returns one number per firm and
variable.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

import bench_engine  # noqa: E402
from bench_engine import YEAR, _arrow_text, _pyarrow_version, as_object_text, population, read_tables  # noqa: E402
from bench_engine import traced_peak as traced_peak_  # noqa: E402
from kzpolicy import assess, get_policy, validate  # noqa: E402

ARTICLES = [1, 3, 5]


def interleaved(fns, repeat):
    """{name: (setup or None, fn)}: one untimed setup and one timed call per name and round.

    Returns ({name: median CPU s}, {name: median wall s}, {name: last result}).
    """
    cpu, wall, out = {k: [] for k in fns}, {k: [] for k in fns}, {}
    for _ in range(repeat):
        for k, (setup, fn) in fns.items():
            if not bench_engine.KEEP_PREVIOUS:  # each call from the same memory (bench_engine.interleaved)
                out.pop(k, None)
            arg = setup() if setup else None
            gc.collect()
            t, c = time.perf_counter(), time.process_time()
            out[k] = fn(arg) if setup else fn()
            wall[k].append(time.perf_counter() - t)
            cpu[k].append(time.process_time() - c)
            del arg
    return ({k: statistics.median(v) for k, v in cpu.items()}, {k: statistics.median(v) for k, v in wall.items()}, out)


def traced_peak(fn, setup=None) -> int:
    """Peak bytes allocated during ``fn`` (after an untimed ``setup``), Python/numpy and Arrow buffers (bench_engine)."""
    arg = setup() if setup else None
    return traced_peak_(lambda: fn(arg) if setup else fn())


def kz_totals(a, groups) -> dict:
    s = a.ledger.groupby("item")["amount_yuan"].sum()
    return {v: int(s.reindex(ids).fillna(0).sum()) for v, ids in groups.items()}


def of_calculate(sim, variables) -> dict:
    """``calculate`` of each variable: {variable: array per firm} (totals are taken outside the timing, as on kzpolicy's side)."""
    return {v: sim.calculate(v, YEAR) for v in variables}


def of_totals(arrays: dict) -> dict:
    return {v: int(np.asarray(a, dtype=np.float64).sum()) for v, a in arrays.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="number of firms (firm-years for one assessment year)")
    ap.add_argument("--repeat", type=int, default=5, help="interleaved rounds (median reported)")
    ap.add_argument("--engine-repeat", type=int, default=25,
                    help="interleaved rounds of the two engines alone (kzpolicy's engine and OpenFisca's calculate: calls "
                         "of ~20 ms, whose medians over 7 rounds differed by up to 1.5x from one run to the next)")
    ap.add_argument("--out", default=str(ROOT / "results_peer.md"), help="Markdown file to write ('' to skip)")
    ap.add_argument("--json", help="also write the measured figures to this JSON file")
    ap.add_argument("--keep-previous", action="store_true",
                    help="keep each call's previous result alive while it runs again (see bench_engine.interleaved)")
    args = ap.parse_args(argv)
    bench_engine.KEEP_PREVIOUS = args.keep_previous
    try:
        from importlib.metadata import version

        from peer_openfisca import AWARD_VARIABLES, KaizhouArticles135, simulation_from_tables
    except ImportError as e:
        print(f"OpenFisca is not installed ({e}); run: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    load0 = os.getloadavg()
    tbs = KaizhouArticles135()
    sel = get_policy().select(articles=ARTICLES)
    covered = {i for ids in AWARD_VARIABLES.values() for i in ids}
    assert covered == {it.id for it in sel.items() if it.kind not in ("budget_line", "reference", "referral")}, \
        "the OpenFisca peer encodes every paying item of the selected articles"

    firms, events, financials = population(args.n)
    n = len(firms)
    facts = validate(firms, events, financials)
    small = firms.firm_id.head(1000)
    warm = (firms.head(1000), events[events.firm_id.isin(small)], financials[financials.firm_id.isin(small)])
    assess(*warm, year=YEAR, policy=sel)
    of_calculate(simulation_from_tables(tbs, *warm, YEAR), AWARD_VARIABLES)

    # the same tables with text as Python objects (a pandas 2 user's frames), built outside the timing
    obj = tuple(as_object_text(x) for x in (firms, events, financials))
    new_sim = lambda: simulation_from_tables(tbs, firms, events, financials, YEAR)
    new_facts = lambda: validate(firms, events, financials)
    fns = {
        # each engine right after its own conversion of the same raw tables (untimed): OpenFisca's calculate needs a new
        # simulation per call (it keeps what it calculated), so kzpolicy's engine gets a new Facts likewise
        "kz_engine": (new_facts, lambda f: assess(f, year=YEAR, policy=sel, explain=False)),
        "of_calculate": (new_sim, lambda sim: of_calculate(sim, AWARD_VARIABLES)),
        "kz_engine_tables": (new_facts, lambda f: read_tables(assess(f, year=YEAR, policy=sel, explain=False))),
        # and on one Facts validated before all the rounds, reported beside it (never the faster in the runs so far)
        "kz_engine_prebuilt": (None, lambda: assess(facts, year=YEAR, policy=sel, explain=False)),
        "kz_end_to_end": (None, lambda: assess(firms, events, financials, year=YEAR, policy=sel, explain=False)),
        "of_end_to_end": (None, lambda: of_calculate(new_sim(), AWARD_VARIABLES)),
        "kz_end_to_end_tables": (None, lambda: read_tables(assess(firms, events, financials, year=YEAR, policy=sel, explain=False))),
        "kz_end_to_end_obj": (None, lambda: read_tables(assess(*obj, year=YEAR, policy=sel, explain=False))),
        "of_end_to_end_obj": (None, lambda: of_calculate(simulation_from_tables(tbs, *obj, YEAR), AWARD_VARIABLES)),
    }
    cpu, wall, res = interleaved(fns, args.repeat)
    # the first run's results as their totals, so that the engines' rounds below run with none of them alive (each
    # call from the same memory, as in interleaved)
    sums = {k: of_totals(v) if k.startswith("of_") else kz_totals(v, AWARD_VARIABLES) for k, v in res.items()}
    if not bench_engine.KEEP_PREVIOUS:
        res.clear()
    # the two engines alone, again in more rounds (short calls: their medians over a few rounds are noisy)
    engines = {k: fns[k] for k in ("kz_engine", "of_calculate")}
    c2, w2, r2 = interleaved(engines, args.engine_repeat)
    cpu.update(c2), wall.update(w2), res.update(r2)
    kz, of = kz_totals(res["kz_engine"], AWARD_VARIABLES), of_totals(res["of_calculate"])
    diff = {v: (kz[v], of[v]) for v in AWARD_VARIABLES if kz[v] != of[v]}
    for side, got in (("kzpolicy, object text", sums["kz_end_to_end_obj"]),
                      ("OpenFisca, object text", sums["of_end_to_end_obj"]),
                      ("OpenFisca end to end", sums["of_end_to_end"]),
                      ("kzpolicy end to end", sums["kz_end_to_end"]),
                      ("kzpolicy engine, tables read", sums["kz_engine_tables"]),
                      ("kzpolicy engine, Facts validated before the rounds", sums["kz_engine_prebuilt"]),
                      ("kzpolicy end to end, tables read", sums["kz_end_to_end_tables"])):
        diff.update({f"{v} ({side})": (kz[v], got[v]) for v in AWARD_VARIABLES if got[v] != kz[v]})
    if diff:
        print(f"TOTALS DIFFER (kzpolicy, OpenFisca): {diff}", file=sys.stderr)
    mem = {
        "kz_engine": traced_peak(lambda f: assess(f, year=YEAR, policy=sel, explain=False), new_facts),
        "of_calculate": traced_peak(lambda sim: of_calculate(sim, AWARD_VARIABLES), new_sim),
        "kz_engine_tables": traced_peak(lambda f: read_tables(assess(f, year=YEAR, policy=sel, explain=False)), new_facts),
        "kz_engine_prebuilt": traced_peak(lambda: assess(facts, year=YEAR, policy=sel, explain=False)),
        "kz_end_to_end": traced_peak(lambda: assess(firms, events, financials, year=YEAR, policy=sel, explain=False)),
        "of_end_to_end": traced_peak(lambda: of_calculate(new_sim(), AWARD_VARIABLES)),
        "kz_end_to_end_tables": traced_peak(lambda: read_tables(assess(firms, events, financials, year=YEAR, policy=sel,
                                                                       explain=False))),
        "kz_end_to_end_obj": traced_peak(lambda: read_tables(assess(*obj, year=YEAR, policy=sel, explain=False))),
        "of_end_to_end_obj": traced_peak(lambda: of_calculate(simulation_from_tables(tbs, *obj, YEAR), AWARD_VARIABLES)),
    }
    a = res["kz_engine"]
    t = lambda k: f"{cpu[k]:.3f} s ({wall[k]:.3f} s)"
    m = lambda k: f"{mem[k] / 2**20:,.0f} MiB ({mem[k] / n:,.0f} B per firm-year)"
    ratio = lambda of_k, kz_k: f"{cpu[of_k] / cpu[kz_k]:.2f}×"
    mratio = lambda of_k, kz_k: f"{mem[of_k] / mem[kz_k]:.2f}×"
    q = lambda of_k, kz_k: cpu[of_k] / cpu[kz_k]
    met = lambda x, bar: "met" if x >= bar else "**not met**"
    rows = [
        ("kzpolicy engine: `assess(facts, policy=select(articles=[1, 3, 5]), explain=False)`, on the Facts `validate` has just made", t("kz_engine"), m("kz_engine")),
        ("kzpolicy engine + every table of the result read (`read_tables`)", t("kz_engine_tables"), m("kz_engine_tables")),
        ("kzpolicy engine on a Facts validated before all the rounds (not right before the call)", t("kz_engine_prebuilt"),
         m("kz_engine_prebuilt")),
        ("OpenFisca `calculate` of the five award variables, on the simulation `simulation_from_tables` has just made", t("of_calculate"), m("of_calculate")),
        ("**OpenFisca calculate / kzpolicy engine** (> 1: kzpolicy is faster; target: engine ≤ 0.8 × calculate, i.e. ≥ 1.25)",
         f"**{ratio('of_calculate', 'kz_engine')}** {met(q('of_calculate', 'kz_engine'), 1.25)}",
         mratio("of_calculate", "kz_engine")),
        ("**OpenFisca calculate / kzpolicy engine + every table read**",
         f"**{ratio('of_calculate', 'kz_engine_tables')}** {met(q('of_calculate', 'kz_engine_tables'), 1.25)}",
         mratio("of_calculate", "kz_engine_tables")),
        ("kzpolicy end to end: raw tables → validation → engine", t("kz_end_to_end"), m("kz_end_to_end")),
        ("kzpolicy end to end + every table read", t("kz_end_to_end_tables"), m("kz_end_to_end_tables")),
        ("OpenFisca end to end: raw tables → input arrays (`simulation_from_tables`) → `calculate`", t("of_end_to_end"),
         m("of_end_to_end")),
        ("**OpenFisca / kzpolicy, end to end** (target ≥ 1.5)",
         f"**{ratio('of_end_to_end', 'kz_end_to_end')}** {met(q('of_end_to_end', 'kz_end_to_end'), 1.5)}",
         mratio("of_end_to_end", "kz_end_to_end")),
        ("**OpenFisca / kzpolicy, end to end + every table read**",
         f"**{ratio('of_end_to_end', 'kz_end_to_end_tables')}** {met(q('of_end_to_end', 'kz_end_to_end_tables'), 1.5)}",
         mratio("of_end_to_end", "kz_end_to_end_tables")),
        ("kzpolicy end to end, text as Python objects (a pandas 2 user's frames), every table read", t("kz_end_to_end_obj"),
         m("kz_end_to_end_obj")),
        ("OpenFisca end to end, text as Python objects", t("of_end_to_end_obj"), m("of_end_to_end_obj")),
        ("**OpenFisca / kzpolicy, end to end, object text**",
         f"**{ratio('of_end_to_end_obj', 'kz_end_to_end_obj')}** {met(q('of_end_to_end_obj', 'kz_end_to_end_obj'), 1.5)}",
         mratio("of_end_to_end_obj", "kz_end_to_end_obj")),
    ]
    table = ["| measurement | CPU (wall) | peak memory over the input |", "|---|---:|---:|"]
    table += [f"| {a_} | {b_} | {c_} |" for a_, b_, c_ in rows]
    totals = ", ".join(f"{v} {kz[v]:,}" for v in AWARD_VARIABLES)
    lines = [
        "\n".join(table), "",
        f"Population: {n:,} firms (firm-years for {YEAR}), {len(events):,} events, {len(financials):,} financial rows. "
        f"Totals (yuan) {'equal item by item' if not diff else 'DIFFER: ' + str(diff)}: {totals}. "
        f"kzpolicy also returned {len(a.near_misses):,} near-misses, {len(a.excluded):,} exclusions with reasons and "
        f"{len(a.undetermined):,} cannot-decide cases, which OpenFisca does not compute. "
        f"Input text: {'Arrow-backed strings' if _arrow_text(firms['firm_id']) else firms['firm_id'].dtype} as pandas "
        "gives them; the object rows convert the text columns to Python objects first, outside the timing. "
        "OpenFisca's conversion matches ids with pyarrow's hash table (one table for events and financials) and parses "
        "dates with an Arrow cast, object text converted to Arrow first (`peer_openfisca/situation.py`).",
        "",
        f"Machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}, pyarrow {_pyarrow_version()}, "
        f"openfisca-core {version('openfisca-core')}. "
        f"Median CPU time (this process) of {args.repeat} interleaved rounds ({args.engine_repeat} for the kzpolicy engine and "
        f"OpenFisca's calculate, in rounds of their own after the others), median wall clock in brackets; "
        f"load average {load0[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end. Memory: peak of allocations during the "
        "call over the input, tracemalloc's plus pyarrow's pool's (see `bench_engine.traced_peaks`).",
    ]
    md = "\n".join(lines) + "\n"
    print(md)
    if args.out:
        Path(args.out).write_text(
            "# Peer benchmark: kzpolicy and OpenFisca on articles 1, 3 and 5\n\n"
            "Written by `python benchmarks/bench_peer.py` (needs `pip install -e '.[bench]'`); see that file's docstring.\n\n"
            + md, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps({"n": n, "repeat": args.repeat, "engine_repeat": args.engine_repeat, "load": [load0[0], os.getloadavg()[0]], "cpu": cpu,
                                               "wall": wall, "mem": mem, "totals": kz, "equal": not diff,
                                               "near_misses": len(a.near_misses), "excluded": len(a.excluded),
                                               "undetermined": len(a.undetermined)}), encoding="utf-8")
    return 0 if not diff else 1


if __name__ == "__main__":
    sys.exit(main())
