"""pytest plugin for `make test-notebooks` (``-p tools.nbval_plugin``): the same checks, less waiting.

nbval itself is unchanged: every code cell of every notebook is run in a fresh kernel per
notebook and its outputs are compared with the committed ones. This plugin only changes what
the pytest processes (the xdist controller and its two workers) spend before and between the
kernels:

1. ``rfc3987_syntax`` is marked absent. nbval imports nbformat, nbformat imports jsonschema,
   and jsonschema imports ``rfc3987_syntax`` when it is installed (JupyterLab's server brings
   it) only to offer an "iri" format check; importing it compiles 39 lark grammars, ≈3.5 s of
   CPU in each of the three processes. nbformat validates notebooks without a format checker,
   so nothing it checks changes (book/jb.py does the same for the book build). The kernels do
   not load this plugin: a notebook's own imports are as they are in JupyterLab.
2. The longest notebooks start first. ``--dist loadfile`` hands whole notebooks to the two
   workers; by default xdist orders them by their number of cells, which put the longest page
   (fiscal_cost, a third of a worker's time) in the middle and let one worker finish alone.
   Heaviest first (longest-processing-time order) keeps both workers busy to the end. The
   order comes from ``--durations`` (see FIRST); a notebook not named keeps its place after
   them. The Makefile passes ``--no-loadscope-reorder`` so xdist keeps this order.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)   # `import rfc3987_syntax` now raises ImportError

#: notebooks (stems) that run longest under nbval, longest first (measured with --durations=0)
FIRST = [
    "fiscal_cost", "interpretations_matter", "compare_overview", "compare_peers", "who_benefits",
    "calculator", "compare_articles", "compare_method",
]


def pytest_collection_modifyitems(session, config, items):
    rank = {stem: i for i, stem in enumerate(FIRST)}

    def key(item):
        stem = item.path.stem if item.path.suffix == ".ipynb" else None
        return rank.get(stem, len(FIRST))

    items.sort(key=key)   # stable: the cells of a notebook keep their order, the other notebooks theirs
