"""Remove per-cell execution timestamps that nbconvert records, so committed notebooks stay deterministic.

Usage: python tools/strip_timing.py notebooks/*.ipynb
"""
import sys

import nbformat

for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if "execution" in cell.get("metadata", {}):
            del cell.metadata["execution"]
            changed = True
    if changed:
        nbformat.write(nb, path)
        print("stripped", path)
