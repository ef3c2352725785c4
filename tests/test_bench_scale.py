"""benchmarks/bench_scale.py: a size's figures from its processes, and the user-time line (fixed cost + per row)."""
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_scale  # noqa: E402


def _row(n, user, sys_s=0.0, **kw):
    """One process's row: validation + engine user time ``user`` (split 2:1), the kernel's ``sys_s`` on top."""
    return {"n": n, "validate": user * 2 / 3 + sys_s, "engine": user / 3, "sys_validate": sys_s, "sys_engine": 0.0,
            "engine_tables": user, "events": n // 10, "financials": 3 * n, "peak": 250 * n, "peak_tables": 280 * n,
            "peak_validate": 130 * n, "peak_engine": 150 * n, "input": 218 * n, "rss": 2**30, "steal": 0.0, **kw}


def test_a_sizes_user_time_is_the_median_over_its_processes_of_each_processs_user_time():
    rows = bench_scale.per_size([_row(1000, 1.0, sys_s=5.0), _row(1000, 2.0, sys_s=0.0), _row(1000, 3.0, sys_s=0.1)])
    assert rows[0]["user"] == pytest.approx(2.0)  # not median(total) - median(system)


def test_a_fixed_cost_per_call_and_a_cost_per_row_are_recovered():
    fixed, per_row = 0.020, 300e-9
    rows = bench_scale.per_size([_row(n, fixed + per_row * n, sys_s=0.3 * (n > 10**6)) for n in (10**5, 10**6, 10**7)])
    u = bench_scale.user_line(rows)
    assert u["fixed_s"] == pytest.approx(fixed, rel=1e-6)
    assert u["per_row_s"] == pytest.approx(per_row, rel=1e-6)
    assert u["spread"] == pytest.approx((fixed / 10**5 + per_row) / (fixed / 10**7 + per_row))


def test_no_line_from_one_size_or_rows_without_the_kernels_part():
    assert bench_scale.user_line(bench_scale.per_size([_row(1000, 1.0), _row(1000, 1.1)])) is None
    old = [{k: v for k, v in _row(n, 1.0).items() if k not in ("sys_validate", "sys_engine")} for n in (10, 100)]
    assert bench_scale.user_line(bench_scale.per_size(old)) is None


def test_the_table_says_the_user_time_line(tmp_path, capsys):
    f = tmp_path / "rows.json"
    f.write_text(json.dumps([_row(n, 0.020 + 300e-9 * n) for n in (10**5, 10**6)]), encoding="utf-8")
    assert bench_scale.main(["--from-json", str(f), "--out", ""]) == 0
    out = capsys.readouterr().out
    assert "it varies by 1.56× (500 / 320 ns), which is a fixed 20.0 ms per call plus 300 ns per firm-year" in out
    assert "the fixed part is 40% of a call at 100,000" in out
    assert "no load average recorded in the rows." in out  # rows written without one (not "after each size .")


def test_the_table_says_how_each_call_was_timed(tmp_path, capsys):
    """Rows say whether a call ran with its previous result released or alive; rows from before session 17 record
    nothing and ran with it alive; mixed rows are said to be mixed."""
    cases = {"released": [False, False], "alive": [True, True], "old": [None, None], "mixed": [False, None]}
    said = {}
    for name, flags in cases.items():
        f = tmp_path / f"{name}.json"
        rows = [_row(n, 0.020 + 300e-9 * n, **({} if k is None else {"keep_previous": k})) for n, k in zip((10**5, 10**6), flags)]
        f.write_text(json.dumps(rows), encoding="utf-8")
        assert bench_scale.main(["--from-json", str(f), "--out", ""]) == 0
        said[name] = capsys.readouterr().out
    assert "previous result released" in said["released"] and "still alive" not in said["released"]
    assert "still alive" in said["alive"] and "still alive" in said["old"]
    assert "Mixed rows" in said["mixed"]


@pytest.mark.parametrize("keep", [False, True])
def test_keep_previous_reaches_each_sizes_process(monkeypatch, keep):
    """``--keep-previous`` is handed to every size's own process (``--one``), and that process times with it."""
    seen = []

    class Done:
        def __init__(self, argv):
            n = int(argv[argv.index("--one") + 1])
            self.stdout = json.dumps(_row(n, 0.02 + 300e-9 * n, keep_previous="--keep-previous" in argv))

    def run(argv, **kw):
        seen.append(argv)
        return Done(argv)
    monkeypatch.setattr(bench_scale.subprocess, "run", run)
    assert bench_scale.main(["--sizes", "1000,2000", "--processes", "1", "--out", ""] + (["--keep-previous"] if keep else [])) == 0
    assert len(seen) == 2 and all(("--keep-previous" in a) == keep for a in seen)
    import bench_engine
    monkeypatch.setattr(bench_engine, "KEEP_PREVIOUS", not keep)
    row = bench_scale.one(300, 1, keep)
    assert bench_engine.KEEP_PREVIOUS is keep and row["keep_previous"] is keep
