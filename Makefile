# natokg: the few commands a developer needs. `make help` lists them.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help run dev test test-fast lint notebooks system-deps clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

run: $(BIN)/python  ## install natokg, validate, summarise, export build/natokg.ttl, write build/gap-report.md, build/network.html and build/heatmap.png, rank the gaps
	$(BIN)/python -m pip install --quiet .
	$(BIN)/natokg validate && $(BIN)/natokg info && $(BIN)/natokg export -f ttl -o build/natokg.ttl
	$(BIN)/natokg gap-report -o build/gap-report.md
	$(BIN)/natokg viz -o build/network.html && $(BIN)/natokg chart heatmap -o build/heatmap.png
	$(BIN)/natokg gaps --top 15

dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'

test: dev  ## run the whole test suite, slow tests included
	@$(BIN)/python -m pytest -m "slow or not slow"; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treated as a failure" >&2; fi; \
	exit $$rc

test-fast: dev  ## run the tests without the slow ones (wheel build, browser, large graphs)
	$(BIN)/python -m pytest

lint: dev  ## ruff (lint and format) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# JupyterLab comes from the optional `notebooks` extra, not from dev: the tests run the notebooks
# with nbclient and need no Jupyter server.
notebooks: $(BIN)/python  ## open the gap-analysis notebooks in JupyterLab (installs the notebooks extra)
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

# chromium: the browser the network page's, the notebooks' and the query page's tests drive
# (Playwright with executable_path; no browser is ever downloaded by the test tools); curl: a
# client of the endpoint's tests.
system-deps:  ## install the system tools the tests use (rapper, curl, chromium), when root with apt
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends raptor2-utils curl chromium; \
	else \
		echo "system-deps: not root or no apt-get; install raptor2-utils (rapper), curl and chromium yourself" >&2; \
	fi

clean:  ## remove build outputs and caches (keeps .venv)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
