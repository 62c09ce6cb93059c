# The two commands of the README. Both work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# Without DJANGO_SETTINGS_MODULE every entry point runs with production settings; the demo and
# the development targets name the development settings explicitly.
LOCAL := DJANGO_SETTINGS_MODULE=complaints_site.settings.local

.PHONY: run test install install-dev lint migrate seed lifecycle clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

## make run: SQLite, Celery eager, demo data, the site on http://127.0.0.1:8000
run: install
	$(LOCAL) $(BIN)/python manage.py migrate --noinput
	$(LOCAL) $(BIN)/python manage.py seed_demo
	$(LOCAL) $(BIN)/python manage.py runserver $(HOST)

## make test: the whole suite; PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

lifecycle: install
	$(LOCAL) $(BIN)/python manage.py draw_lifecycle

clean:
	rm -rf $(VENV) db.sqlite3 var .pytest_cache
