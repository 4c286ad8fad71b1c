# gridgov: `make demo` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test lint format venv dev-deps migrate load-demo serve messages bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev-deps: $(VENV)/.dev-installed

## demo: fresh machine -> running demo city on http://127.0.0.1:8000 (SQLite)
demo: venv
	GRIDGOV_DEMO=1 $(PY) manage.py migrate --noinput
	GRIDGOV_DEMO=1 $(PY) manage.py load_demo
	@echo "gridgov demo: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	GRIDGOV_DEMO=1 $(VENV)/bin/gunicorn gridgov.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

## test: the whole suite (lint, unit, API, browser)
test: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	GRIDGOV_TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 --dist loadfile

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: extract strings, fill zh-Hant from zh-Hans, compile (needs gettext)
messages: dev-deps
	$(PY) scripts/i18n.py

bench: dev-deps
	@if [ -d bench ]; then $(PY) -m bench; else echo "no benchmarks yet"; fi

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3*
