"""benchmarks/bench_fixed.py: where a call's fixed cost is, by phase and by item (a line through two sizes)."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_fixed  # noqa: E402


def test_the_line_through_two_sizes_is_a_cost_per_call_and_a_cost_per_firm_year():
    fixed, per = bench_fixed.line((100_000, 300_000), (0.020 + 100_000 * 300e-9, 0.020 + 300_000 * 300e-9))
    assert fixed == pytest.approx(0.020) and per == pytest.approx(300e-9)


def test_the_benchmark_times_every_phase_and_item_and_leaves_the_package_as_it_was(tmp_path):
    import kzpolicy.engine as engine
    import kzpolicy.facts as facts
    import kzpolicy.limits as limits
    before = (engine.rule, engine.assess, engine._finish, facts.validate, facts._convert, limits.apply)
    out, js = tmp_path / "fixed.md", tmp_path / "fixed.json"
    assert bench_fixed.main(["--sizes", "600,1800", "--rounds", "1", "--out", str(out), "--json", str(js)]) == 0
    text = out.read_text(encoding="utf-8")
    for _, fn, what in bench_fixed.PHASES:
        assert f"{what} (`{fn}`)" in text
    assert "Fixed cost per call: validation" in text and "| the other " in text
    from kzpolicy import get_policy
    from kzpolicy.rules import rule
    assessed = {f"item:{it.id}" for it in get_policy().items() if rule(it.kind) is not None}
    got = json.loads(js.read_text(encoding="utf-8"))
    for size in ("600", "1800"):  # every assessed item timed at both sizes, and every phase
        assert assessed <= set(got[size]) and {f"{m}:{f}" for m, f, _ in bench_fixed.PHASES} <= set(got[size])
    assert (engine.rule, engine.assess, engine._finish, facts.validate, facts._convert, limits.apply) == before
