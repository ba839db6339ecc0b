# The two commands a newcomer needs: `make run` and `make test`. Both work on a machine with only
# Python 3.11+: they create the virtualenv, install pinned dependencies and use the embedded
# PostgreSQL unless DATABASE_URL is set.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck migrations-check pytest e2e clean lock vendor

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Start the service (web + Celery worker + beat) with demo data; Ctrl-C stops everything.
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python scripts/run.py

## The whole suite: lint, import layers, types, migrations in step with models, unit/HTTP/browser tests.
test: install
	$(BIN)/python scripts/check_services.py
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_DEBUG=true $(BIN)/mypy .
	DJANGO_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

typecheck: install
	DJANGO_DEBUG=true $(BIN)/mypy .

pytest: install
	$(BIN)/python -m pytest

## Browser journeys only (real Chromium; needs /usr/bin/chromium).
e2e: install
	$(BIN)/python -m pytest -m e2e

## Re-pin every dependency after changing pyproject.toml.
lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

## Refresh the vendored GOV.UK / MoJ Frontend files (needs npm; not needed to run the service).
vendor:
	bash scripts/vendor_frontend.sh

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache .pytest_cache
