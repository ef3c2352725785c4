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
3. A kernel that dies before it answers ``kernel_info`` is started again (up to ATTEMPTS
   times in all), with a warning that quotes what it printed. Two workers starting kernels at
   once can both be handed the same free port (jupyter_client picks ports by binding and
   releasing them; jupyter/jupyter_client#487), and the loser exits before any cell runs —
   seen once in CI as 18 errors on fiscal_cost. Only the start is retried: once a kernel has
   answered, a cell that fails or a kernel that dies later fails the run as before.
"""
import sys
import tempfile
import warnings

import nbval.plugin
from nbval.kernel import RunningKernel, start_new_kernel   # nbval's own: it knows --nbval-current-env

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


#: how many times a notebook's kernel is started before its start-up failure stands
ATTEMPTS = 3


class RetriedStartKernel(RunningKernel):
    """nbval's kernel, started again when it dies before replying to ``kernel_info``."""

    def __init__(self, kernel_name, cwd=None, startup_timeout=60):
        for attempt in range(1, ATTEMPTS + 1):
            with tempfile.TemporaryFile("w+") as stderr:   # nbval sends it to os.devnull
                try:
                    self.km, self.kc = start_new_kernel(
                        startup_timeout=startup_timeout, kernel_name=kernel_name, stderr=stderr, cwd=cwd)
                    break
                except RuntimeError as error:
                    if "died before replying" not in str(error) or attempt == ATTEMPTS:
                        raise
                    stderr.seek(0)
                    said = stderr.read().strip().splitlines()[-3:]
                    warnings.warn(f"a notebook kernel (in {cwd}) died at start (attempt {attempt} of {ATTEMPTS}) "
                                  f"and was started again; it printed: {' | '.join(said) or 'nothing'}", stacklevel=2)
        self._ensure_iopub_up()


nbval.plugin.RunningKernel = RetriedStartKernel
