# Two commands cover everyday use (see README.md):
#   make lab    set everything up, then open the tutorial in JupyterLab
#   make test   set everything up, then run every test and every notebook
# For maintainers (see docs/maintaining.md, "Changing a notebook" and "The tests"):
#   make record [NB=06_training.ipynb]  re-execute notebooks and store their outputs
#   make test-portable                  the suite as another computer would run it
#   make test-course                    one student through the course in JupyterLab under 2 GB
#   make reproduce-models               retrain the shipped models and check their stated accuracy
#   make test-colab                     every notebook opened alone, in Colab's package versions
#   make site                           the course website in artifacts/site (offline, from the stored outputs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: lab site test test-portable test-course test-colab reproduce-models record setup setup-dev setup-colab keras-matrix lint bench clean

# JupyterLab refuses to run as root unless told to (containers, some classroom servers).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(BIN)/jupyter lab notebooks/ $(ALLOW_ROOT)

test: setup-dev
	$(BIN)/python -m pytest

# The course website (Sphinx, myst-nb, sphinx-book-theme) from the notebooks' stored outputs, offline, with
# warnings as errors, into artifacts/site; the drawing pad's networks are exported into it (tools/site_build.py).
site: setup-dev
	$(BIN)/python -m tools.site_build

# "Another computer" on this one: one CPU core, oneDNN limited to AVX2 and switched off (notebooks
# 08 and 09 switch it on by default), notebooks in reverse order. Linux only (taskset). Left to `make test`:
# the runs with every exercise's solution filled in (marker slow_exercise; the training exercises' bounds
# are measured under these settings: tools/measure_exercises.py), the website's tests (marker site: built
# from the stored outputs), JupyterLab's page in Chromium (marker browser) and the checks of files, settings
# and other programs (marker no_numbers): the same on every computer.
test-portable: setup-dev
	TF_ENABLE_ONEDNN_OPTS=0 ONEDNN_MAX_CPU_ISA=AVX2 taskset -c 0 \
		$(BIN)/python -m pytest -m "not course and not slow_exercise and not site and not browser and not no_numbers" \
		$$(ls notebooks/[0-9][0-9]_*.ipynb | sort -r) tests

# One student through the whole course in JupyterLab (headless Chromium), the server and its
# kernels in a 2 GB memory cgroup as on Binder: about 6 minutes. Linux, root, /usr/bin/chromium.
test-course: setup-dev
	$(BIN)/python -m pytest -m course tests/test_course_e2e.py

# Every notebook copied alone into an empty folder and run in Colab's package versions
# (requirements-colab.txt, in .venv/colab), fetching the course from a git server on 127.0.0.1,
# its outputs compared with the stored ones: tools/colab_parity.py. About 5 minutes.
test-colab: setup-colab
	$(BIN)/python -m tools.colab_parity

# Retrain both shipped models (dense: notebook 01; convnet: the full recipe of notebook 09) into a
# temporary folder and check the test accuracy README.md states; models/ is not touched. About
# 4 minutes on 2 cores. `python -m tools.train_models` (no --check) overwrites models/ instead.
reproduce-models: setup-dev
	$(BIN)/python -m tools.train_models --check

# Re-execute notebooks (all, or NB="06_training.ipynb 07_evaluation.ipynb") offline and store
# their outputs. Without `unshare` (macOS), it runs with the network on.
OFFLINE := $(if $(shell command -v unshare),tools/offline)
record: setup-dev
	$(OFFLINE) $(BIN)/python -m tools.record_notebooks $(NB)

lint: setup-dev
	$(BIN)/ruff check notebooks tests tools conftest.py
	$(BIN)/nbqa ruff notebooks

bench: setup-dev
	$(BIN)/python -m tools.benchmark_notebooks

# JupyterLab's default settings for the course, the same file Binder installs (binder/postBuild):
# closing a notebook's tab also shuts down its kernel and frees its memory, and no "Jupyter news"
# question pops up on the first start (nor any request for news or updates). JupyterLab in .venv
# reads them from its application settings directory (`jupyter lab path`, plus /settings).
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

setup: $(VENV)/.runtime-installed $(LAB_SETTINGS)
setup-dev: $(VENV)/.dev-installed $(LAB_SETTINGS) keras-matrix

# The Keras versions the shipped networks must load in (tools/keras_matrix.py lists them), each in a
# folder of its own inside .venv: tests/test_keras_matrix.py loads models/*.weights.h5 under each.
KERAS_MATRIX := $(VENV)/keras-matrix
keras-matrix: $(KERAS_MATRIX)/.installed

$(LAB_SETTINGS): binder/overrides.json $(VENV)/.runtime-installed
	mkdir -p $(@D)
	cp binder/overrides.json $@

$(VENV)/.runtime-installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(KERAS_MATRIX)/.installed: tools/keras_matrix.py $(VENV)/.runtime-installed
	$(BIN)/python -m tools.keras_matrix --install $(KERAS_MATRIX)
	touch $@

$(VENV)/.dev-installed: $(VENV)/.runtime-installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Google Colab's widget libraries, ipywidgets 7.7.1 and anywidget 0.9.21 (with ipython_genutils, which
# ipywidgets 7 imports), in a folder of their own: tests/test_widget_versions.py runs the drawing pad's
# tests with it first on PYTHONPATH, and checks that this block names the versions it expects.
# widgetsnbextension and jupyterlab_widgets are left out: they hold front-end files only.
WIDGETS_MATRIX := $(VENV)/widgets-matrix/ipywidgets-7.7.1

setup-dev: $(WIDGETS_MATRIX)/.installed

$(WIDGETS_MATRIX)/.installed: $(VENV)/.runtime-installed
	rm -rf $(@D)
	$(BIN)/python -m pip install --quiet --no-deps --target $(@D) \
		ipywidgets==7.7.1 anywidget==0.9.21 ipython_genutils==0.2.0
	touch $@

# Colab's versions (requirements-colab.txt) for make test-colab only: a second environment inside .venv.
COLAB_VENV := $(VENV)/colab
setup-colab: setup-dev $(COLAB_VENV)/.installed

$(COLAB_VENV)/.installed: requirements-colab.txt
	test -x $(COLAB_VENV)/bin/python || $(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet -r requirements-colab.txt
	touch $@

clean:
	rm -rf $(VENV) artifacts
