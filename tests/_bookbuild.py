"""Shared by tests/test_book.py and tests/test_browser.py: where the built guide is, and building it if missing.

`make test` builds the guide first (`make guide`); running the book tests alone
builds it here with exactly the same command, so they never test a stale or
absent book silently.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
BIN = Path(sys.executable).parent
BUILD_CMD = [sys.executable, "book/jb.py", "build", ".", "--config", "book/_config.yml",
             "--toc", "book/_toc.yml", "-W", "-n", "--keep-going"]


def ensure_built() -> Path:
    """Return _build/html, building the book (toc first) when it is not there."""
    if not (HTML / "index.html").is_file():
        env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        subprocess.run([sys.executable, "book/make_toc.py"], cwd=ROOT, check=True, env=env)
        done = subprocess.run(BUILD_CMD, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the book build failed ({' '.join(BUILD_CMD)}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return HTML


def article_notebooks() -> list[Path]:
    """notebooks/artNN_slug.ipynb that exist, in article order (names from the policy's article files)."""
    arts = sorted((ROOT / "kzpolicy" / "policies" / "kaizhou_2023_27" / "articles").glob("art[0-9][0-9]_*.yaml"))
    return [ROOT / "notebooks" / f"{p.stem}.ipynb" for p in arts if (ROOT / "notebooks" / f"{p.stem}.ipynb").is_file()]
