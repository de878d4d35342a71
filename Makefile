# Foreign relations of Peru: dataset, notebooks and reports.
# `make report` and `make test` do all the set-up on a fresh machine (Python 3.11 + pip).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
DASKSTAMP := $(VENV)/.installed-dask

.DEFAULT_GOAL := help
.PHONY: help venv dask data report notebooks test test-slow test-browser lint lab bench corpus clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

$(DEVSTAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(DEVSTAMP)

$(DASKSTAMP): $(DEVSTAMP) requirements-dask.txt
	$(PY) -m pip install --quiet -r requirements-dask.txt
	touch $(DASKSTAMP)

dask: $(DASKSTAMP) ## Install the optional Dask engine (requirements-dask.txt): --engine dask

venv: $(STAMP) ## Create .venv from requirements.txt (only if missing or out of date)

data: $(STAMP) ## Build data/processed (tables, datapackage.json) and data/README.md from data/raw
	$(PY) -m helpers.build

report: data ## Build the dataset and run every report of reports.yaml into reports/
	$(PY) -m helpers.report

notebooks: data ## Re-run the notebooks in place so their stored outputs match the code
	$(PY) -m helpers.report.notebooks

test: $(DASKSTAMP) ## Run the tests: unit tests, papermill runs, nbval on every notebook (installs requirements-dask.txt too)
	$(PY) -m pytest

test-slow: $(DASKSTAMP) ## Run the slow suites (faults, corpus, the Dask engine on real clusters); .ci/run runs them
	$(PY) -m pytest -m slow tests

test-browser: $(DEVSTAMP) ## Open reports offline in headless Chromium (needs: apt-get install chromium)
	$(PY) -m pip install --quiet -r requirements-browser.txt
	$(PY) -m pytest -m browser -n 0 tests/integration/test_browser.py

lint: $(DEVSTAMP) ## Run ruff, and the import contract that keeps helpers/ in layers
	$(PY) -m ruff check helpers tests notebooks benchmarks
	$(VENV)/bin/lint-imports

lab: $(STAMP) ## Start JupyterLab at notebooks/ in the project environment
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: $(DASKSTAMP) ## Run the benchmarks (the corpus figure too) and write benchmarks/results.md
	$(PY) -m benchmarks.run

corpus: $(STAMP) ## Build each real article of tests/corpus, score it (misses, false positives) and check the invariants
	$(PY) -m benchmarks.corpus

clean: ## Remove the virtual environment, caches, build/ (figures, caches) and reports/ (every run)
	rm -rf $(VENV) .pytest_cache .ruff_cache reports build *.egg-info
