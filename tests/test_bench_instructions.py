"""benchmarks/bench_instructions.py: instructions per one-firm call under callgrind, two processes per measurement."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_instructions  # noqa: E402


def test_the_measured_program_runs_in_a_checkout():
    # what valgrind runs, here without it: 2 facts, 3 warm-up calls, then the 2 counted calls
    out = subprocess.run([sys.executable, "-c", bench_instructions.PROGRAM, str(ROOT), "2", "1"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_one_call_is_the_difference_of_the_two_processes_over_the_calls(monkeypatch, capsys):
    counts = {False: 1_000_000_000, True: 1_000_000_000 + 60 * 19_250_000}
    monkeypatch.setattr(bench_instructions.shutil, "which", lambda name: "/usr/bin/valgrind")
    monkeypatch.setattr(bench_instructions, "instructions", lambda root, calls, run: counts[run])
    assert bench_instructions.main([str(ROOT), "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert f"| {ROOT} | 1 | 19.25 M |" in out
    assert f"{ROOT}: median 19.25 M instructions per call (1 run)" in out


def test_refuses_a_folder_that_is_not_a_checkout(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        bench_instructions.main([str(tmp_path)])
    assert e.value.code == 2
    assert "is not a kzpolicy checkout" in capsys.readouterr().err


def test_says_what_to_install_without_valgrind(monkeypatch):
    monkeypatch.setattr(bench_instructions.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="valgrind is not installed"):
        bench_instructions.main([str(ROOT)])
