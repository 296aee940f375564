# The two commands of the README. Both create .venv on first use and reuse it afterwards.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint install clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## make run: demo store (if none configured) + live feed + dashboard on http://localhost:8501
run: $(STAMP)
	$(PY) -m dashboard

## make test: every test (PostgreSQL and browser tests skip with a reason when unavailable)
test: $(STAMP)
	$(PY) -m pytest

## make lint: ruff (lint and format check) and mypy, as CI runs them
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

clean-venv:
	rm -rf $(VENV)
