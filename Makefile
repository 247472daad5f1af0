# `make run` sets up whatever is missing and starts everything; `make test` runs every test.
# Set-up steps are file targets, so a second `make run` only starts the services.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
NODE   := bash $(CURDIR)/scripts/with-node.sh
UI_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html frontend/vite.config.js frontend/scripts/lean-assets.js \
              frontend/scripts/precompiled-messages.js
# PDF reports: WeasyPrint's Pango/HarfBuzz and Noto fonts for Hindi, Tamil and Japanese names.
RUN_DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk
# Browser tests use Debian's Chromium; pdftotext (poppler-utils) reads the PDF reports back.
TEST_DEBIAN_PACKAGES := chromium poppler-utils $(RUN_DEBIAN_PACKAGES)

.PHONY: run test setup ui clean-ui help restore lint unit messages
.DEFAULT_GOAL := help

help:
	@echo "make run   - install what is missing and start Ticket Show on http://127.0.0.1:$${PORT:-5000}"
	@echo "make test  - run the whole test suite"
	@echo "make restore [AT=2026-11-29T18:05:00+05:30] - rebuild the database from the backup in BACKUP_DIR"
	@echo "make lint  - ruff on the Python code, ESLint (Vue, Prettier's rules off) on the UI"
	@echo "make unit  - the UI's unit tests (Vitest): API client, useAsync, the jobs store"
	@echo "make messages - extract the server's strings into the Hindi and Tamil catalogues and compile them"

run: setup
	@bash scripts/ensure-debian-packages.sh $(RUN_DEBIAN_PACKAGES) || echo "[setup] without these packages PDF reports cannot be rendered; everything else runs"
	$(BIN)/python scripts/run.py

# Rebuild the database from Litestream's backup (latest, or the state at AT); refuses while the app runs.
restore: $(VENV)/.installed
	$(BIN)/python scripts/restore.py $(if $(AT),--at "$(AT)")

# Tests run on every core (pytest-xdist), a test file per worker so its fixtures and live servers are set up once.
PYTEST_ARGS ?= -n auto --dist loadfile
test: setup $(VENV)/.dev-installed lint unit
	bash scripts/ensure-debian-packages.sh $(TEST_DEBIAN_PACKAGES)
	cd backend && ../$(BIN)/python -m pytest $(PYTEST_ARGS)

# Guard rails, run first by `make test`: ruff (lint and format; rules in pyproject.toml), ESLint
# (frontend/eslint.config.js) and Prettier on the UI, then Vitest unit tests.
lint: $(VENV)/.dev-installed frontend/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd frontend && $(NODE) npm run --silent lint
	cd frontend && $(NODE) npm run --silent format:check

unit: frontend/node_modules/.installed
	cd frontend && $(NODE) npm run --silent unit

# The server's translations (docs/i18n.md): extract every string of the code and the mail/PDF templates
# (babel.cfg), merge them into the Hindi and Tamil catalogues (new ones come in empty, for a translator) and
# compile the .mo files. The .mo files are committed, so a fresh clone speaks Hindi and Tamil with no step;
# tests/services/test_i18n_catalogues.py (in `make test`) fails on a string missing, untranslated or stale.
I18N_DIR := ticketshow/translations
messages: $(VENV)/.installed
	cd backend && ../$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ --no-location --sort-output \
		--project "Ticket Show" -o $(I18N_DIR)/messages.pot .
	cd backend && ../$(BIN)/pybabel -q update -i $(I18N_DIR)/messages.pot -d $(I18N_DIR) \
		--ignore-obsolete --no-fuzzy-matching --ignore-pot-creation-date -w 120
	cd backend && ../$(BIN)/pybabel compile -d $(I18N_DIR) --statistics
	rm -f backend/$(I18N_DIR)/messages.pot

# Load benchmark: seeds a large catalogue in a temp dir, serves it as `make run` does and measures it
# with wrk (installed if missing). Options: make bench BENCH_ARGS="--duration 5" (bench/load.py --help).
.PHONY: bench
bench: setup $(VENV)/.dev-installed
	$(BIN)/python bench/load.py $(BENCH_ARGS)

setup: $(VENV)/.installed frontend/dist/index.html

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: backend/requirements.lock | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r backend/requirements.lock
	touch $@

$(VENV)/.dev-installed: backend/requirements-dev.lock $(VENV)/.installed
	$(BIN)/pip install -q --disable-pip-version-check -r backend/requirements-dev.lock
	touch $@

frontend/node_modules/.installed: frontend/package-lock.json | $(BIN)/python
	cd frontend && $(NODE) npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(UI_SOURCES)
	cd frontend && $(NODE) npm run build
	touch $@

ui: frontend/dist/index.html

clean-ui:
	rm -rf frontend/dist frontend/node_modules
