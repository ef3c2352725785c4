"""Fixtures shared by several test files."""
import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="session")
def bench_engine():
    """benchmarks/bench_engine.py as a module (its seeded population, the numpy floor), loaded once per run."""
    spec = importlib.util.spec_from_file_location("bench_engine", BENCHMARKS / "bench_engine.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
