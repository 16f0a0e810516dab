# Quick start: `make run` serves http://localhost:8000 (admin / password123); `make test` tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 8000

.PHONY: install run test lint format serve bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

# The development server on SQLite and the in-process cache, unless DB_URL/REDIS_URL are set.
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

# The whole test suite. PostgreSQL and Redis tests run when DB_URL and REDIS_URL point at them.
test: $(INSTALLED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production server, as in Docker: gunicorn with whitenoise's compressed static files.
serve: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn -c crm/gunicorn.conf.py crm.wsgi

# Seeds PostgreSQL (its own database, emptied) and measures the production server with wrk;
# writes docs/benchmarks.md. Needs PostgreSQL, Redis and wrk.
bench: $(INSTALLED)
	$(BIN)/python -m pip install --quiet "uvicorn>=0.30"
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .test-db.sqlite3*
