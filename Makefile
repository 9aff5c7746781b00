# The two commands of the README: `make plan` and `make test`. Both set up everything.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUARTER ?= 2027Q1

.PHONY: install plan test system-deps clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

## make plan: plan the shipped Randers data for the quarter (QUARTER=2027Q1)
plan: install
	$(BIN)/bogbus plan data/randers --quarter $(QUARTER)

## system packages the browser test needs (Debian/Ubuntu; skipped where present)
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

## make test: install and run the whole offline test suite
test: install system-deps
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) plans maps
