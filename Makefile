# One task runner for people, CI and the docs. `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

.DEFAULT_GOAL := help

# Production is the settings' default; these targets are for a developer's machine
# (SQLite, debug, demo users), and so are the tests (tests/settings.py).
migrate seed demo run pack-images lint test bench-api bench-dashboard bench-import bench-ipr bench-pack bench-spc: export DJANGO_ENV := development

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  python="$$(scripts/find_python.sh)" || exit 1; \
	  echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet --group dev
	touch $@

venv: $(VENV)/.installed ## Create the virtual environment and install dependencies

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

node: node_modules/.package-lock.json

migrate: venv ## Apply database migrations
	$(PY) manage.py migrate --no-input

seed: migrate ## Load the Trust's seeded strategy (idempotent)
	$(PY) manage.py load_seeds
	$(PY) manage.py open_periods

demo: seed ## Add the demo history and demo users (never in production)
	$(PY) manage.py load_demo

run: demo ## Set everything up, start the background worker and serve the app (HOST, PORT)
	@$(MAKE) --no-print-directory browser || echo "Without Chromium the app runs, but cannot print the PDF pack."
	@echo "Serving on http://$(HOST):$(PORT)/ with the background worker (Ctrl+C stops both)"
	@$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

browser: ## Make sure Chromium is installed (browser tests, printing the PDF pack)
	@if [ -z "$(CHROMIUM)" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium fonts-liberation >/dev/null; \
	  else \
	    echo "Chromium is needed: install it (e.g. 'sudo apt-get install chromium fonts-liberation')"; \
	    echo "or set CHROMIUM=/path/to/chrome."; exit 1; \
	  fi; \
	fi

pack-images: demo browser ## Render one page of each kind of the demo Board pack into docs/pack/
	@command -v pdftoppm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "pdftoppm is needed: install poppler-utils."; exit 1; fi; }
	$(PY) scripts/pack_page_images.py

lint: venv ## Lint, format check and missing-migration check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: venv node browser lint ## Set up and run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

format: venv ## Format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench-import: seed ## Time an upload of 10,000 results (parse, preview, commit; rolled back)
	$(PY) manage.py bench_import $(BENCH_ARGS)

bench-api: seed ## Time an API batch of 10,000 results (all new, all changed, unchanged; rolled back)
	$(PY) manage.py bench_api $(BENCH_ARGS)

assets: node ## Rebuild the vendored NHS.UK frontend and plotly.js in static/vendor/
	bash scripts/build_assets.sh

bench-ipr: venv ## Time the IPR at 1× and 10× the seeded strategy (separate database)
	$(PY) manage.py bench_ipr $(BENCH_ARGS)

bench-dashboard: venv ## Time the dashboard, a directorate's and an OKR page at 1× and 10× (separate database)
	$(PY) manage.py bench_dashboard $(BENCH_ARGS)

bench-pack: venv browser ## Time the Board pack (PDF, workbook, CSV) of the seeded trust and of 10× it
	$(PY) manage.py bench_pack $(BENCH_ARGS)

bench-spc: venv ## Time SPC over 6,000 series of 60 months (no database)
	$(PY) manage.py bench_spc $(BENCH_ARGS)

# The production server as deployed (scripts/serve_production.sh: gunicorn, the task
# worker, PostgreSQL), each on a database of its own that is dropped afterwards.
# They choose their settings themselves (production; the load test seeds in development).
smoke: venv browser ## Start the production server (gunicorn, worker, PostgreSQL) and smoke-test it
	bash scripts/smoke_production.sh

$(VENV)/.installed-load: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet --group load
	touch $@

load-test: venv browser $(VENV)/.installed-load ## Bounded load test against the production server (LOAD_USERS, LOAD_DURATION)
	bash scripts/load_test.sh

.PHONY: help venv node migrate seed demo run browser lint test format assets bench-api bench-dashboard bench-import bench-ipr bench-pack bench-spc pack-images smoke load-test
