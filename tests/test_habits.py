"""Habits a maintainer expects: lint in the test command, the architecture, contributing and changelog
written down inside the repository and kept in step with the code."""
from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_ruff_is_configured_and_every_exception_is_justified():
    cfg = _pyproject()["tool"]["ruff"]
    assert cfg["lint"]["select"], "select the rule families ruff enforces"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = text[text.index("[tool.ruff.lint]"):]
    for code in cfg["lint"].get("ignore", []):
        line = next(i for i, ln in enumerate(block.splitlines()) if f'"{code}"' in ln)
        before = block.splitlines()[max(0, line - 3):line + 1]
        assert any("#" in ln for ln in before), f"ignored rule {code} has no reason written beside it"
    for pattern, codes in cfg["lint"].get("per-file-ignores", {}).items():
        i = block.index(f'"{pattern}"')
        assert "#" in block[max(0, i - 200):i], f"per-file ignore {pattern} = {codes} has no reason written above it"


def test_make_test_runs_the_linter_first():
    mk = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lint:.*\n\t\$\(BIN\)/ruff check \.", mk, re.M), "make lint runs ruff check ."
    for target in ("test", "test-unit"):
        deps = re.search(rf"^{target}:([^\n]*)", mk, re.M)
        assert deps and "lint" in deps.group(1).split(), f"make {target} must depend on lint"
    assert any(r.startswith("ruff") for r in _pyproject()["project"]["optional-dependencies"]["test"])


@pytest.mark.skipif(shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) is None and shutil.which("ruff") is None,
                    reason="ruff is installed by the test extra")
def test_the_code_is_lint_clean():
    exe = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    res = subprocess.run([exe, "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout[-3000:]


def test_architecture_contributing_and_changelog_live_in_the_repository():
    for name in ("ARCHITECTURE.md", "CONTRIBUTING.md", "CHANGELOG.md"):
        assert (ROOT / name).is_file(), f"{name} is missing"
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for recipe in ("Change an amount", "Add an amendment", "Register a reading", "Add a rule kind", "Edit a page"):
        assert f"## {recipe}" in contributing, f"CONTRIBUTING.md has no recipe '{recipe}'"


def test_the_architecture_names_every_module():
    """A module added to kzpolicy/ without a word in ARCHITECTURE.md is a module nobody can find."""
    arch = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = sorted(p.name for p in (ROOT / "kzpolicy").glob("*.py")
                     if p.name not in ("__main__.py",) and p.name not in arch)
    assert not missing, f"ARCHITECTURE.md does not mention {missing}"


def test_the_changelog_has_the_packages_version():
    version = _pyproject()["project"]["version"]
    log = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(version)}\]?", log, re.M), f"CHANGELOG.md has no section for {version}"
    assert "JSON contract" in log


def test_no_reference_to_a_design_document_outside_the_repository():
    hits = []
    for p in ROOT.rglob("*"):
        if any(part in (".venv", ".git", "_build", "node_modules") for part in p.parts) or not p.is_file():
            continue
        if p.suffix not in (".py", ".md", ".ipynb", ".yaml", ".yml", ".toml", ".txt", ".cfg") and p.name != "Makefile":
            continue
        if p.name == "test_habits.py":
            continue
        text = p.read_text(encoding="utf-8", errors="ignore")
        if "DESIGN.md" in text or "/work/shared" in text:
            hits.append(str(p.relative_to(ROOT)))
    assert not hits, f"references to a design document outside the repository: {hits}"
