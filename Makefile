# Quick start: `make run` serves http://localhost:8000 (admin / password123); `make test` tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 8000

.PHONY: install run test lint format serve worker beat bench bench-outbox clean css css-check messages screenshot postman

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED)

# The development server on SQLite and the in-process cache, unless DB_URL/REDIS_URL are set.
# On an empty database it first fills the demo restaurant (`manage.py demo`); DEMO=0 skips it.
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	@if [ "$${DEMO:-1}" != 0 ] && [ "$${DEBUG:-true}" = true ]; then \
		DEBUG=true $(BIN)/python manage.py demo --if-empty; fi
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

# The production server, as in Docker: granian (crm/server.py) with whitenoise's compressed
# static files.
serve: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python -m crm.server

# Background work (needs REDIS_URL): a Celery worker, and beat, the scheduler of the periodic
# tasks (the outbox's sweep, reminders, cleanup). Run one beat; as many workers as you like,
# here or on other machines, with WORKER_ARGS="--concurrency 8" for more processes in one.
WORKER_ARGS ?=
worker: $(INSTALLED)
	$(BIN)/celery -A crm worker --loglevel INFO $(WORKER_ARGS)

beat: $(INSTALLED)
	$(BIN)/celery -A crm beat --loglevel INFO

# Seeds PostgreSQL (its own database, emptied) and measures the production server with wrk,
# side by side with the brief's stack (../shared/peers/seed-stack, started and stopped here);
# writes docs/benchmarks.md. Needs PostgreSQL, Redis and wrk.
bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# What the transactional outbox costs `POST /bookings` (on against off, in one process);
# writes docs/benchmarks-outbox.md. Needs PostgreSQL (BENCH_DB_URL, emptied) and Redis.
bench-outbox: $(INSTALLED)
	$(BIN)/python bench/outbox.py

# The pages' CSS: Tailwind compiled from frontend/app.css and the templates into the committed
# static/css/app.css (so `make run` needs no Node). Needs Node and `npm ci`.
TAILWIND := node_modules/.bin/tailwindcss
$(TAILWIND): package.json package-lock.json
	npm ci
	touch $(TAILWIND)

css: $(TAILWIND)
	$(TAILWIND) -i frontend/app.css -o static/css/app.css --minify

# CI: the committed CSS must be what the templates compile to.
css-check: $(TAILWIND)
	@tmp=$$(mktemp --suffix=.css); \
	$(TAILWIND) -i frontend/app.css -o $$tmp --minify 2>/dev/null; \
	if cmp -s $$tmp static/css/app.css; then rm -f $$tmp; echo "static/css/app.css is current"; \
	else rm -f $$tmp; echo "static/css/app.css is stale: run make css and commit it" >&2; exit 1; fi

# The Postman collection, run twice with newman against the production server (crm/server.py) on a
# freshly migrated PostgreSQL database, Redis and the tests' fake model server: postman/run.sh.
# DB_URL (dropped and created again) and REDIS_URL (emptied) default to crm_newman and db 11.
# Needs PostgreSQL, Redis and Node.
NEWMAN := node_modules/.bin/newman
$(NEWMAN): package.json package-lock.json
	npm ci
	touch $(NEWMAN)

postman: $(INSTALLED) $(NEWMAN)
	PYTHON=$(BIN)/python postman/run.sh

# Russian translations: collect every message, then compile the committed .mo (needs gettext).
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages -l ru --no-obsolete --add-location=file \
		--ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore='*/tests/*'
	$(BIN)/python manage.py compilemessages -l ru --ignore=.venv --ignore=node_modules

# docs/screenshot-*.png (the bookings page, a phone, the timeline, the panel, the public page),
# taken by the browser tests.
screenshot: $(INSTALLED)
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q -k screenshot bookings/tests/test_pages_browser.py \
		bookings/tests/test_day_page_browser.py bookings/tests/test_shift_browser.py \
		bookings/tests/public/test_public_browser.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis .test-db.sqlite3*
