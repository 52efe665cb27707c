# The one task runner: the README's quick start and CI both call these targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: help install install-test chromium serve test lint format bench clean

help:
	@echo "make serve   set up, load the bundled catalogue and serve it on http://$(HOST):$(PORT)/"
	@echo "make test    set up (chromium included) and run the whole test suite"
	@echo "make lint    ruff check and format check"
	@echo "make bench   run the benchmarks (long)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Browser tests drive Debian's chromium (never a downloaded browser build).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    (apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null) \
	      || { echo "error: apt-get install chromium failed" >&2; exit 2; }; \
	  else \
	    echo "error: the browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'" >&2; exit 2; \
	  fi; \
	fi

serve: install
	$(BIN)/catalogue serve --host $(HOST) --port $(PORT)

test: install-test chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-test
	$(BIN)/python bench/search.py
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache artifacts
