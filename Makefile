# OpenMIS — the README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
NPM    := $(VENV)/bin/npm
VENDOR := src/openmis/static/vendor
export OPENMIS_DATA_DIR ?= $(CURDIR)/var

.PHONY: run install assets test test-shuffled test-fast lint format schema messages bench clean

run: install ## install everything, then serve on http://127.0.0.1:8000 with demo data
	$(VENV)/bin/openmis run $(ARGS)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

install: $(VENV)/.installed assets ## Python deps from the lock file, front-end assets from npm

$(VENV)/.installed: $(PY) requirements/dev.lock pyproject.toml
	$(UV) pip sync --quiet --python $(PY) requirements/dev.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $@

assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package-lock.json $(VENV)/.installed
	$(NPM) ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/fonts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	mkdir -p $(VENDOR)/tom-select $(VENDOR)/gridstack
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/js/tom-select.complete.min.js.map \
	   node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css.map \
	   node_modules/tom-select/LICENSE $(VENDOR)/tom-select/
	cp node_modules/gridstack/dist/gridstack-all.js node_modules/gridstack/dist/gridstack-all.js.map \
	   node_modules/gridstack/dist/gridstack.min.css node_modules/gridstack/LICENSE \
	   $(VENDOR)/gridstack/
	cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf \
	   $(VENDOR)/fonts/
	cp node_modules/dejavu-fonts-ttf/LICENSE $(VENDOR)/fonts/DejaVu-LICENSE
	touch $@

lock: $(PY) ## re-resolve the lock files after changing pyproject.toml
	$(UV) pip compile --quiet --universal --python-version 3.11 pyproject.toml -o requirements/base.lock
	$(UV) pip compile --quiet --universal --python-version 3.11 --extra dev pyproject.toml -o requirements/dev.lock

test: install ## the whole suite: lint, migrations, schema, catalogs, tests (SQLite, then PostgreSQL)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) tools/check.py
	OPENMIS_TESTING=1 $(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)
	@if [ -n "$$OPENMIS_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$OPENMIS_TEST_DATABASE_URL"; \
	  OPENMIS_TESTING=1 OPENMIS_TEST_POSTGRES=1 $(VENV)/bin/pytest -n 2 --dist loadgroup -m "not browser and not engine_neutral" $(PYTEST_ARGS); \
	fi

# The same tests in a random order, spread over the workers one by one: proves that no test
# relies on another's order or worker (the language and time zone are reset after each test).
test-shuffled: install ## the tests (browser tests excluded) in a random order: prove order-independence
	OPENMIS_TESTING=1 $(VENV)/bin/pytest -p randomly -n 2 --dist load -m "not browser" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: install ## rewrite the committed OpenAPI schema after an intended API change
	OPENMIS_TESTING=1 $(VENV)/bin/openmis manage spectacular --file docs/openapi.yaml --validate

messages: install ## refresh and compile the translation catalogs
	cd src/openmis && ../../$(VENV)/bin/openmis manage makemessages -l pl --no-obsolete --ignore "static/vendor/*"
	$(PY) tools/compile_messages.py

bench: install
	$(PY) bench/people_list.py
	$(PY) bench/portfolio.py
	$(PY) bench/monte_carlo.py
	$(PY) bench/startup.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
