# The README's commands: `make plan`, `make test`, `make test-fast`, `make lint`.
# Each sets up what it needs.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUARTER ?= 2027Q1

.PHONY: install install-test plan test test-fast lint system-deps clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Two stamps: planning needs only bogbus and its runtime libraries; the tests add pytest,
# hypothesis, pypdf, playwright, vrplib, ruff and mypy (the '[test]' extra).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed-run $@

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

## make plan: plan the shipped Randers data for the quarter (QUARTER=2027Q1)
plan: install
	$(BIN)/bogbus plan data/randers --quarter $(QUARTER)

## system packages the tests need: chromium (the map's browser test) and poppler-utils
## (pdftotext, for the page-layout tests); Debian/Ubuntu, skipped where present.
## Needs root or sudo; installs only their required packages (--no-install-recommends).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	[ -z "$$missing" ] || { \
	  echo "make: the tests need$$missing; installing with apt-get" \
	       "(--no-install-recommends, needs root or sudo)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -q --no-install-recommends $$missing; }

## make lint: ruff (pycodestyle, pyflakes, isort, bugbear, pyupgrade) and mypy on src/
lint: install-test
	$(BIN)/ruff check src tests
	$(BIN)/mypy

## make test: lint, then the whole offline test suite (with the browser test)
test: install-test system-deps lint
	$(BIN)/python -m pytest -q

## make test-fast: the suite without the slow end-to-end plans and the browser test
test-fast: install-test
	$(BIN)/python -m pytest -q -m "not slow and not browser"

clean:
	rm -rf $(VENV) plans maps
