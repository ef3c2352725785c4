# kzpolicy — two commands for a fresh machine (see README):
#   make guide   set everything up and build the published guide (Jupyter Book, HTML in _build/html)
#   make test    set everything up and run every test (ruff, unit, YAML cases, nbval, browser)
#   make lint    ruff, as configured in pyproject.toml
#   make notebooks  re-execute every notebook in place (outputs committed; NB=path for one)
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
BOOK    := python book/jb.py build . --config book/_config.yml --toc book/_toc.yml

.PHONY: setup notebooks guide test test-unit test-notebooks test-browser browser-deps bench clean lint

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/pip install --upgrade pip >/dev/null
	$(BIN)/pip install -e '.[notebooks,test,bench]'
	touch $@

# nbdime's git diff driver, for this repository only (not --global): `git diff` shows notebook changes
# cell by cell. What `nbdime config-git --enable` does for diffs, minus its merge driver (which git would
# call by a bare command name during every rebase and merge, and fail where the venv is not on PATH):
# the driver is called by its absolute path and the attribute lives in .git/info/attributes (untracked).
setup: $(VENV)/.installed
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config diff.jupyternotebook.command "$(abspath $(BIN))/git-nbdiffdriver diff" && \
	  a="$$(git rev-parse --git-common-dir)/info/attributes" && mkdir -p "$$(dirname "$$a")" && \
	  { grep -qs 'diff=jupyternotebook' "$$a" || printf '*.ipynb\tdiff=jupyternotebook\n' >> "$$a"; }; fi

# Re-execute the notebooks in place (outputs committed, checked by nbval): `make notebooks` for all,
# `make notebooks NB=notebooks/art05_smart_upgrade.ipynb` for one (or several, space-separated).
# Deterministic: no timings, no widget state; a notebook with an error or stderr output fails the target.
NB      ?= $(sort $(wildcard notebooks/*.ipynb))
notebooks: setup
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
	  --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False $(NB)
	$(BIN)/python tools/strip_timing.py $(NB)

# the HTML build ends with the Pagefind search index (book/_ext/kzbook.py runs `python -m pagefind`)
guide: setup
	$(BIN)/python book/make_toc.py
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/$(BOOK) -W -n --keep-going
	@echo "The guide is in $(abspath _build/html)/index.html"
	@echo "Read it (search needs http, not file://): python -m http.server -d _build/html 8000"

# Debian's Chromium (driven by Python playwright with executable_path; never `playwright install`)
# and a CJK font so the screenshots show Chinese.
browser-deps:
	@test -x /usr/bin/chromium && test -d /usr/share/fonts/opentype/noto || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

lint: setup
	$(BIN)/ruff check .

test-unit: setup lint
	$(BIN)/python -m pytest tests -q -m "not browser"

# nbval over every notebook, two notebooks at a time (pytest-xdist; --dist loadfile keeps each notebook's cells in
# order in one kernel), kernels started from this venv's Python (--nbval-current-env); kzpolicy byte-compiled first,
# so that 39 kernels do not each compile it from source (as they do where PYTHONDONTWRITEBYTECODE is set).
# --assert=plain: the checks are nbval's output comparisons (a cell's own assert runs in its kernel), so
# pytest's assertion rewriting has nothing to improve; it only re-rewrote 137 plugin modules in each of the
# three pytest processes on every run (no cache where PYTHONDONTWRITEBYTECODE is set). tools/nbval_plugin.py
# skips an unused 3.5 s import in those processes and starts the longest notebooks first (kept by
# --no-loadscope-reorder).
NBVAL := $(BIN)/python -m compileall -q kzpolicy && PATH=$(abspath $(BIN)):$$PATH $(BIN)/python -m pytest --nbval notebooks \
	-q -p no:cacheprovider -p tools.nbval_plugin --assert=plain --nbval-current-env -n 2 --dist loadfile --no-loadscope-reorder

test-notebooks: setup
	$(NBVAL)

test-browser: setup browser-deps guide
	$(BIN)/python -m pytest tests -q -m browser

test: setup lint browser-deps
	$(MAKE) guide
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/python -m pytest tests -q
	$(NBVAL)

bench: setup
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_peer.py
	$(BIN)/python benchmarks/bench_cli.py

clean:
	rm -rf _build .pytest_cache
