PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
# the development environment, pinned: the tool's dependencies and the test, dev and docs extras (not spark)
LOCK := requirements-dev.lock
# on every core and one more (pytest-xdist): a third of the suite's time is spent waiting on child
# processes (the Excel reader, runs killed on purpose, pip, Spark's JVM), which leaves a core idle;
# a test file to one worker so that its module fixtures are made once
WORKERS := $(shell $(PYTHON) -c "import os; print((os.cpu_count() or 1) + 1)")
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile
# the fast suite: what `make test` runs; `make test-all` runs every test
FAST := -m "not slow and not spark"

.PHONY: install install-spark lock dist lint test test-all demo fuzz schemas fixtures docs site clean

# the tool in editable mode, with the test, dev and docs tools, pinned by the lock; no pyspark
install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# the Spark engine (--engine spark): pyspark and sqlglot, the rest held at the lock's versions; needs Java 17+
install-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP)
	@command -v java >/dev/null || test -n "$$JAVA_HOME" || { \
	  echo "make install-spark: pyspark needs Java 17 or later and there is none (no java on PATH, no JAVA_HOME);"; \
	  echo "  install a JDK first, such as Debian's openjdk-17-jre-headless"; exit 1; }
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[spark]'
	touch $(SPARK_STAMP)

# resolve the lock again from pyproject.toml (after a dependency is added or to take newer versions); one lock
# for Linux, macOS and Windows and every Python from 3.11
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev --extra docs --universal --python-version 3.11 \
	  --quiet --output-file $(LOCK)

# the wheel and the source archive, into dist/
dist: install
	rm -rf dist
	$(BIN)/python -m build --outdir dist
	@ls dist

lint: install
	$(BIN)/ruff check reconcile tests
	$(BIN)/ruff format --check reconcile tests
	$(BIN)/mypy reconcile

# lint and the fast suite (919 tests, 6m52s on two cores at 06e52bc): neither the slow tests nor Spark
test: lint
	$(PYTEST) -q $(FAST)

# lint, every test (the slow ones, the fuzz suite's short profile, the wheel, Spark) and the site
test-all: lint install-spark
	$(PYTEST) -q --durations=25
	$(MAKE) site

demo: install
	$(BIN)/reconcile demo
	@echo
	@echo "The reconcile command is in $(BIN)/, which is not on your PATH: run $(BIN)/reconcile --help,"
	@echo "or activate the environment first (. $(BIN)/activate) and then run reconcile --help."

# the fuzz suite's long profile (make test-all runs a short one): hostile files through every reader and a run
fuzz: install
	FUZZ_EXAMPLES=1000 FUZZ_RANDOM=1 $(BIN)/python -m pytest -n auto -q tests/test_fuzz.py

schemas: install
	$(BIN)/python -m reconcile.schemas_gen

clean:
	rm -rf $(VENV) demo.duckdb .pytest_cache .hypothesis build dist site

fixtures: install
	$(BIN)/python -c "from reconcile.sample import write_sample_month; write_sample_month('fixtures/sample')"
	$(BIN)/python tests/layouts.py
	# fixtures/layouts/registry_legacy.xls was saved from registry.xlsx by LibreOffice
	# (libreoffice --headless --convert-to xls); it is not rewritten here

# the README's generated blocks, the bad-input table, then the site, built strictly (a broken link fails)
docs: install
	$(BIN)/python -m reconcile.docs_gen
	$(BIN)/python tests/bad_inputs.py
	$(MAKE) site

site: install
	@if [ -f mkdocs.yml ]; then NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site; \
	else echo "no mkdocs.yml: no site to build"; fi
