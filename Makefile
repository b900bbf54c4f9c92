# Two commands cover everyday use (see README.md):
#   make lab    set everything up, then open the tutorial in JupyterLab
#   make test   set everything up, then run every test and every notebook
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: lab test setup setup-dev lint bench clean

# JupyterLab refuses to run as root unless told to (containers, some classroom servers).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab notebooks/ $(ALLOW_ROOT)

test: setup-dev
	$(BIN)/python -m pytest

lint: setup-dev
	$(BIN)/ruff check notebooks tests tools conftest.py
	$(BIN)/nbqa ruff notebooks

bench: setup-dev
	$(BIN)/python tools/benchmark_notebooks.py

setup: $(VENV)/.runtime-installed
setup-dev: $(VENV)/.dev-installed

$(VENV)/.runtime-installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.runtime-installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) artifacts
