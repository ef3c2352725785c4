"""benchmarks/bench_ab.py: two checkouts measured in alternating fresh processes, each row from its own process."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_ab  # noqa: E402


def test_alternating_rows_from_each_checkout(capsys):
    assert bench_ab.main([str(ROOT), str(ROOT), "--n", "300", "--pairs", "1", "--firm-calls", "3"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith(f"| {ROOT} ")]
    assert len(rows) == 2
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 5 and all(c.endswith(" ms") and float(c[:-3]) > 0 for c in cells[1:])


def test_a_selection_of_articles_has_no_validation_column(capsys):
    assert bench_ab.main([str(ROOT), str(ROOT), "--n", "300", "--pairs", "1", "--firm-calls", "3", "--articles", "1,3,5"]) == 0
    out = capsys.readouterr().out
    assert "articles 1,3,5" in out
    rows = [line for line in out.splitlines() if line.startswith(f"| {ROOT} ")]
    assert len(rows) == 2
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == "–" and all(c.endswith(" ms") and float(c[:-3]) > 0 for c in cells[2:])


def test_refuses_a_checkout_without_kzpolicy(tmp_path):
    import subprocess
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_ab.py"), str(tmp_path), str(ROOT), "--n", "10",
                          "--one", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode != 0
    assert "kzpolicy was imported from" in out.stderr


def test_refuses_a_folder_that_is_not_a_checkout(tmp_path, capsys):
    import pytest
    with pytest.raises(SystemExit) as e:
        bench_ab.main([str(tmp_path), str(ROOT), "--n", "10"])
    assert e.value.code == 2
    assert "is not a kzpolicy checkout" in capsys.readouterr().err
