# tingia: `make demo` runs the whole system on one machine; `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/tingia
PURE := vntext claimmatch hotline/speech
DJANGO_TESTS := core intake verification publishing hotline tests

.PHONY: demo test test-pure test-sqlite test-postgres venv migrate worker serve messages clean

$(VENV)/.installed: requirements/*.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/asr-deps.txt
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/asr.txt
	touch $@

venv: $(VENV)/.installed

messages: venv
	@if command -v msgfmt >/dev/null; then TINGIA_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	else echo "gettext's msgfmt not found: using the compiled catalogues in the repository"; fi

migrate: venv messages
	TINGIA_DEBUG=1 $(BIN)/python manage.py migrate --noinput -v 0
	TINGIA_DEBUG=1 $(BIN)/python manage.py createcachetable

# The embedded default: SQLite, the file-system queue, one worker with its scheduler.
demo: migrate
	TINGIA_DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "tingia is starting on http://127.0.0.1:$(PORT)/ (Ctrl-C stops the site and the worker)"
	TINGIA_DEBUG=1 PORT=$(PORT) $(BIN)/python scripts/run_demo.py

test: venv messages test-pure test-sqlite test-postgres

test-pure: venv
	$(BIN)/pytest -q $(PURE)

test-sqlite: venv
	$(BIN)/pytest -q $(DJANGO_TESTS) --ignore=hotline/speech

test-postgres: venv
	@if $(BIN)/python scripts/service_check.py postgres "$(PG_TEST_URL)"; then \
		DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q $(DJANGO_TESTS) --ignore=hotline/speech; \
	else echo "SKIPPED the PostgreSQL run: no server reachable at $(PG_TEST_URL)"; fi

clean:
	rm -rf var
