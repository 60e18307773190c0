# `make run` and `make test` do all set-up on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint check conflicts describe bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

# DATA: a dataset folder, its datapackage.json or a figures CSV (default data/figures.csv).
DATA ?=

# Bytecode first: where PYTHONDONTWRITEBYTECODE is set, every new server would compile the
# package again (about 0.1 s before the first chart); up-to-date files are skipped.
run: $(STAMP)
	$(PY) -m compileall -q figures app.py
	$(PY) -m streamlit run app.py $(if $(DATA),-- --data "$(DATA)")

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m figures check data
	$(PY) -m figures describe --check data
	$(VENV)/bin/frictionless validate data/datapackage.json
	for dataset in data/examples/*/; do \
	  $(PY) -m figures check "$$dataset" && \
	  $(PY) -m figures describe --check "$$dataset" && \
	  $(VENV)/bin/frictionless validate "$$dataset/datapackage.json" || exit 1; \
	done
	$(PY) -m pytest -n auto

lint: $(STAMP)
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(PY) -m mypy

check: $(STAMP)
	$(PY) -m figures check $(or $(DATA),data)

conflicts: $(STAMP)
	$(PY) -m figures conflicts $(or $(DATA),data)

describe: $(STAMP)
	$(PY) -m figures describe $(or $(DATA),data)

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
