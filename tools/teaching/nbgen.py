"""Small helpers to write teaching notebooks with nbformat and execute them with nbclient."""
# Run from the repository root: python tools/teaching/quizzes.py (or calculator.py)
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]  # the repository
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def md(src):
    return nbformat.v4.new_markdown_cell(src.strip("\n"))


def code(src, *tags):
    c = nbformat.v4.new_code_cell(src.strip("\n"))
    if tags:
        c.metadata["tags"] = list(tags)
    return c


def build(name, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language"] = "zh"
    nb.cells = cells
    for i, c in enumerate(nb.cells):
        c["id"] = f"{Path(name).stem.replace('_', '-')}-{i:02d}"  # stable ids: no random churn in diffs
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()
    nb.metadata.pop("widgets", None)  # no saved widget state: the book shows no stale widget
    for c in nb.cells:
        if c.cell_type == "code":
            for o in c.get("outputs", []):
                # a live widget's view has a random model id and no saved state: keep only its text form
                o.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
                if o.get("output_type") == "stream" and o.get("name") == "stderr":
                    raise SystemExit(f"{name}: stderr output in cell {c['id']}: {o['text'][:500]}")
    path = ROOT / "notebooks" / name
    nbformat.write(nb, path)
    print("wrote", path)


if __name__ == "__main__":
    sys.exit(0)
