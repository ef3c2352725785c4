"""Normalise executed notebooks so committed outputs are deterministic (run by `make notebooks`).

Removes per-cell execution timestamps, saved widget state and live widget views (random model
ids), and refuses a notebook whose outputs contain an error or anything on stderr (its text
holds the kernel's pid and would fail nbval). Not a page builder: the notebooks are the sources.

Usage: python tools/strip_timing.py notebooks/*.ipynb
"""
import sys

import nbformat


def normalise(path: str) -> list:
    """Normalise one notebook in place; return the problems found (errors, stderr)."""
    nb = nbformat.read(path, as_version=4)
    problems = []
    before = nbformat.writes(nb)
    nb.metadata.pop("widgets", None)  # no saved widget state: the book shows no stale widget
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            o.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
            if o.get("output_type") == "error":
                problems.append(f"{path}: cell {cell.get('id')}: {o.get('ename')}: {o.get('evalue')}")
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                problems.append(f"{path}: cell {cell.get('id')} wrote to stderr: {o['text'][:300]}")
    if nbformat.writes(nb) != before:
        nbformat.write(nb, path)
    return problems


if __name__ == "__main__":
    found = [p for path in sys.argv[1:] for p in normalise(path)]
    print("\n".join(found) or f"normalised {len(sys.argv) - 1} notebook(s)")
    sys.exit(1 if found else 0)
