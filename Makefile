# VenueSafe: `make run` serves the demo district, `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format install assets messages demo bench clean system-deps runtime-deps

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed assets messages

assets: node_modules/.installed

# Compiled catalogues are build output, made from locale/*/django.po.
messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# The hazard timers (escalations, due-soon and overdue notices) run beside the server, once a
# minute, and stop when the server stops.
run: install runtime-deps
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo_district
	@$(PY) manage.py run_periodic_tasks --loop --interval 60 & timers=$$!; \
	trap 'kill $$timers 2>/dev/null; wait $$timers 2>/dev/null' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	echo "Hazard timers running in the background (manage.py run_periodic_tasks --loop --interval 60, pid $$timers)"; \
	echo "VenueSafe: http://$(HOST):$(PORT)/"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

demo: install runtime-deps
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo_district

# What the server needs on the machine: a TrueType CJK font for PDFs (door plates).
runtime-deps:
	bash scripts/ensure-runtime-deps

# What the tests need besides: Chromium, Noto CJK, gettext, poppler-utils (and the PDF font).
system-deps:
	bash scripts/ensure-system-deps

test: install system-deps
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not browser"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) bench/near_me.py
	$(PY) bench/inspection_submit.py
	$(PY) bench/patrol_lift.py
	$(PY) bench/dashboard_summary.py
	$(PY) bench/export_memory.py

clean:
	rm -rf $(VENV) node_modules var staticfiles test-artifacts
