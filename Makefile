# The two commands of the README. Both create .venv on first use and reuse it afterwards.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-midnight lint install clean-venv deploy-test bench bench-full

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

## make test-midnight: the tests (browser and deployment aside) with the clock set back to 00:00:30 in
## Asia/Ho_Chi_Minh, when "today" is seconds old (Debian's faketime; the servers and commands the tests
## start share the shifted clock). CI runs it after make test.
test-midnight: $(STAMP)
	@since=$$(( ($$(date +%s) + 7 * 3600) % 86400 - 30 )); [ $$since -ge 0 ] || since=$$((since + 86400)); \
	echo "clock set back $$since s: 00:00:30 local time"; \
	faketime -f "-$$since" $(PY) -m pytest -q --ignore=tests/browser --ignore=tests/deploy

## make deploy-test: the deployment's tests only (docs/DEPLOYMENT.md: PostgreSQL roles, backups and
## restore, the inbox import, nginx in front of two dashboard processes driven by chromium)
deploy-test: $(STAMP)
	$(PY) -m pytest tests/deploy

## make lint: ruff (lint and format check) and mypy, as CI runs them
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

## make bench: every figure's query timed on 10k and 1M declarations (SQLite; a few minutes)
bench: $(STAMP)
	$(PY) bench/bench_queries.py --sizes 10k,1m

## make bench-full: 10k, 1M and 10M declarations on SQLite, then on PostgreSQL (TEST_POSTGRES_URL's
## server); the tables go into docs/PERFORMANCE.md
bench-full: $(STAMP)
	$(PY) bench/bench_queries.py --sizes 10k,1m,10m --write-doc
	$(PY) bench/bench_queries.py --sizes 10k,1m,10m --backend postgresql --write-doc

clean-venv:
	rm -rf $(VENV)
