# alwaysevents: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

# The local defaults of `make run`: no servers needed (SQLite and a filesystem broker under var/).
SITE_URL ?= http://127.0.0.1:$(PORT)
RUN_ENV := DEBUG=true SITE_URL=$(SITE_URL)

# The settings of the test run: production-like (DEBUG off), on loopback services.
TEST_ENV := DEBUG=false SECRET_KEY=test-secret-key-not-for-production-0123456789abcdefghij \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false \
	CELERY_TASK_ALWAYS_EAGER=true \
	EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend \
	DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z_-]+:.*?## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (set PYTHON=... to use another 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the front-end assets (apt-get install npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# The stylesheet and scripts: NHS.UK frontend's Sass with ours (frontend/), built into build/static/,
# which Django's staticfiles serves (whitenoise in production). Nothing is fetched from a CDN.
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
build/static/.built: node_modules/.installed $(shell find frontend -name '*.scss')
	@rm -rf build/static && mkdir -p build/static/css build/static/nhsuk
	node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules --quiet-deps \
		frontend/app.scss build/static/css/app.css
	cp -r $(NHSUK)/assets build/static/nhsuk/assets
	cp $(NHSUK)/nhsuk-frontend.min.js $(NHSUK)/nhsuk-frontend.min.js.map build/static/nhsuk/
	@touch $@

.PHONY: assets
assets: build/static/.built ## Build the stylesheet (NHS.UK frontend and frontend/*.scss) into build/static/.

var/local.env:
	@mkdir -p var
	@printf '# Development defaults for this checkout; the environment overrides them.\nDEBUG=true\n' > $@

.PHONY: install
install: $(VENV)/.installed node_modules/.installed build/static/.built var/local.env ## Create .venv, install from the lock files, write var/local.env.

.PHONY: lock
lock: ## Re-resolve requirements.lock from pyproject.toml (needs network).
	$(BIN)/python -m pip install --quiet uv && $(BIN)/uv pip compile pyproject.toml --group dev \
		--generate-hashes --python-version 3.11 -o requirements.lock && \
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		-o requirements-production.lock && \
	sed -i 's/^fonttools==/fonttools[woff]==/' requirements.lock requirements-production.lock
# pip's --require-hashes counts WeasyPrint's "fonttools[woff]" as unpinned unless the pin names
# the extra: without it a clean install fails as soon as a newer fonttools is published.

.PHONY: run
run: install ## Start the app with demo data on http://127.0.0.1:$(PORT) (web, worker and beat; Ctrl-C stops all).
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo "Open http://127.0.0.1:$(PORT)/ and sign in with a demo account above."
	$(RUN_ENV) PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile.dev

.PHONY: system-deps
system-deps:
	@scripts/install-system-deps

.PHONY: test
test: system-deps install ## Install what is missing, start PostgreSQL and Redis on loopback, lint and run every test.
	@set -euo pipefail; \
	scripts/test-services start; \
	trap 'scripts/test-services stop' EXIT; \
	set -a; . var/test-services.env; set +a; \
	$(BIN)/ruff check . && \
	$(BIN)/ruff format --check . && \
	$(TEST_ENV) $(BIN)/mypy . && \
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run && \
	$(TEST_ENV) $(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

.PHONY: lint
lint: install ## ruff check and format check.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: install ## Format and fix what ruff can.
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: typecheck
typecheck: install ## mypy with django-stubs.
	$(TEST_ENV) $(BIN)/mypy .

.PHONY: bench
bench: install ## Run the benchmarks under bench/ (prints ratios measured side by side).
	@set -euo pipefail; for f in bench/bench_*.py bench/reports.py; do echo "== $$f"; $(TEST_ENV) $(BIN)/python $$f; done

.PHONY: bench-load
bench-load: system-deps install ## 50 people at once on gunicorn + PostgreSQL + Redis (bench/load.py; about 6 minutes).
	@set -euo pipefail; \
	export TEST_PG_PORT=$${TEST_PG_PORT:-54339} TEST_REDIS_PORT=$${TEST_REDIS_PORT:-63809}; \
	scripts/test-services start; \
	trap 'scripts/test-services stop' EXIT; \
	set -a; . var/test-services.env; set +a; \
	REDIS_URL=$${TEST_REDIS_URL%/0}/1 $(BIN)/python bench/load.py

.PHONY: clean
clean: ## Remove the local database, queue and collected static files (keeps .venv).
	rm -rf var/alwaysevents.sqlite3 var/celery var/static
