# Two commands: `make run` serves the demo, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/imprimatur
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench bench-public bench-audit bench-desk bench-import install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The demo runs like production (DEBUG off) with a secret key kept in .secret_key and
# the audit trail's key in .audit_key.
.secret_key .audit_key:
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# Links in e-mails and on pages name the address served (unless SITE_URL says otherwise),
# and the demo's e-mails go to files in EMAIL_FILE_PATH (sent-mail/) instead of the terminal.
RUN_ENV = SECRET_KEY="$$(cat .secret_key)" AUDIT_KEY="$$(cat .audit_key)" DEBUG=$${DEBUG:-false} SERVE_MEDIA=true \
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
	EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}

run: $(VENV)/.installed .secret_key .audit_key
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	@echo "E-mails are written to files in $${EMAIL_FILE_PATH:-sent-mail/} (EMAIL_BACKEND changes that)."
	@echo "Serving at http://$(HOST):$(PORT)/  (Ctrl-C stops)"
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# axe-core (accessibility checks in the browser tests) comes from npm.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Lint, format and the import boundaries between apps (.importlinter) come before the tests.
LINT = $(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports --no-logo --no-cache

lint: $(VENV)/.installed-dev
	$(LINT)

test: $(VENV)/.installed-dev node_modules/.installed
	$(LINT)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python bench/render_article.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python bench/reminder_sweep.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python bench/reports.py
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python bench/figures.py

bench-audit: $(VENV)/.installed-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python bench/verify_audit.py

# The desk's list at 100,000 articles: under 100 ms a page, beside a bare SELECT 1 and the page's own SQL.
bench-desk: $(VENV)/.installed-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python bench/desk_list.py

bench-import: $(VENV)/.installed-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python bench/import_references.py

bench-public: $(VENV)/.installed-dev
	$(BIN)/python bench/public_page.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .secret_key .audit_key .pytest_cache
