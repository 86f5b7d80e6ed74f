PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test fuzz schemas fixtures docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(STAMP)

demo: install
	$(BIN)/reconcile demo

test: install
	$(BIN)/python -m pytest -q

# the fuzz suite's long profile (make test runs a short one): hostile files through every reader and a run
fuzz: install
	FUZZ_EXAMPLES=1000 FUZZ_RANDOM=1 $(BIN)/python -m pytest -q tests/test_fuzz.py

schemas: install
	$(BIN)/python -m reconcile.schemas_gen

clean:
	rm -rf $(VENV) demo.duckdb .pytest_cache .hypothesis

fixtures: install
	$(BIN)/python -c "from reconcile.sample import write_sample_month; write_sample_month('fixtures/sample')"
	$(BIN)/python tests/layouts.py
	# fixtures/layouts/registry_legacy.xls was saved from registry.xlsx by LibreOffice
	# (libreoffice --headless --convert-to xls); it is not rewritten here

docs: install
	$(BIN)/python -m reconcile.docs_gen
	$(BIN)/python tests/bad_inputs.py
