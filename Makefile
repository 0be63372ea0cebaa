# Facet: `make run` sets up everything and starts the app; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

export YOLO_OFFLINE := 1
export YOLO_AUTOINSTALL := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export YOLO_CONFIG_DIR := $(CURDIR)/var/ultralytics
# This workplace's offline copy of the camera weights, when it is there; elsewhere the app
# looks in models/ (see vision/weights.py).
SHARED_WEIGHTS := $(abspath $(CURDIR)/../shared/models/yolo11n_int8_openvino_model)
ifneq ($(wildcard $(SHARED_WEIGHTS)),)
export FACET_YOLO_WEIGHTS ?= $(SHARED_WEIGHTS)
endif

# The CPU build of torch (no CUDA libraries, a fraction of the download) for Linux deployments
# with internet: `make run TORCH_INDEX=https://download.pytorch.org/whl/cpu`. The pins stay
# torch==2.14.1 and torchvision==0.29.1; empty, pip uses its configured indexes only.
TORCH_INDEX ?=
PIP_INSTALL := $(PY) -m pip install --quiet $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))

# Debian packages: speech synthesis and audio tools (prompts, tests, benches), and sphinxtrain
# with pocketsphinx's tools (speaker adaptation of the PocketSphinx engine: bw, map_adapt,
# mk_s2sendump, pocketsphinx_mdef_convert); the tests add a real browser, a CJK font (the
# Chinese UI in screenshots) and poppler (label PDFs rasterised and read back).
DEBIAN_PACKAGES := espeak-ng sox sphinxtrain pocketsphinx
DEBIAN_TEST_PACKAGES := chromium fonts-noto-cjk poppler-utils poppler-data flite

.PHONY: run test install install-test system-deps system-deps-test lint bench clean messages

# The venv; Debian's python3 needs python3-venv for it (installed here when root).
$(PY):
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then echo "installing python3-venv"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	  else echo "python3-venv is missing: apt-get install python3-venv (as root)"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)

# The runtime: Facet with every extra (vision, assistant, headset), no test tools.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PIP_INSTALL) -e '.[all]'
	@mkdir -p var/ultralytics
	@touch $@

# The test tools on top, for `make test` and `make lint` only.
$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP_INSTALL) -e '.[all,test]'
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# A demonstration: the demo users keep the published password (FACET_DEMO_MODE=false to force
# its change at first sign-in, as a real deployment does).
run: export FACET_DEMO_MODE ?= true
run: install system-deps
	$(VENV)/bin/facet db upgrade
	$(VENV)/bin/facet demo load --scale full
	$(VENV)/bin/facet demo cameras --out var/demo-cameras
	$(VENV)/bin/facet demo channels --out var/demo-channels
	FACET_WEB_CAMERAS_FILE=$${FACET_WEB_CAMERAS_FILE:-var/demo-cameras/cameras.yaml} \
	FACET_WEB_CHANNELS_FILE=$${FACET_WEB_CHANNELS_FILE:-var/demo-channels/channels.yaml} \
	  $(VENV)/bin/facet serve --host $${FACET_WEB_HOST:-127.0.0.1} --port $${FACET_WEB_PORT:-8000}

# Installs the Debian packages above that are missing (as root; otherwise names them).
system-deps: PACKAGES = $(DEBIAN_PACKAGES)
system-deps-test: PACKAGES = $(DEBIAN_PACKAGES) $(DEBIAN_TEST_PACKAGES)
system-deps system-deps-test:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (what needs them is skipped or refused)"; fi; \
	fi

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Test processes (pytest-xdist): one per core plus one, since many tests wait on servers,
# browsers, sockets and subprocesses rather than on the CPU (on 2 cores, 3 processes ran the
# suite in 13.5 minutes where 2 took about 29); TEST_WORKERS=N sets the number, and
# TEST_WORKERS=0 runs the suite in this process alone. Each test file runs whole in one
# process, with its own scratch PostgreSQL database (tests/conftest.py).
CORES := $(shell nproc 2>/dev/null || echo 2)
TEST_WORKERS ?= $(shell echo $$(( $(CORES) + 1 )))
# The chat's models are fitted into the tests' cache (tests/warm_models.py) while the linters
# run on one core, a few minutes the suite would otherwise spend fitting them beside its tests;
# tests/conftest.py starts the fit itself when nothing started it (its pid file).
WARM_CACHE := $(CURDIR)/var/cache
test: install-test system-deps-test
	@mkdir -p $(WARM_CACHE)
	@FACET_ASSISTANT_EMBEDDING_CACHE_DIR=$(WARM_CACHE)/embeddings \
	  $(PY) -m tests.warm_models > $(WARM_CACHE)/warm_models.log 2>&1 & \
	  echo $$! > $(WARM_CACHE)/warm_models.pid
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -q --durations=15 \
	  $(if $(filter 0,$(TEST_WORKERS)),-p no:xdist,-n $(TEST_WORKERS) --dist loadfile)

# The UI's message catalogues (web/i18n.py, babel.cfg): every _() and N_() string of web/ goes
# to web/locale/messages.pot and is merged into each language's messages.po, where new strings
# arrive empty (tests/web/test_i18n.py fails until they are translated). A new language:
# $(VENV)/bin/pybabel init -i web/locale/messages.pot -d web/locale -l <code>, then LANGUAGES.
BABEL_OPTS := --no-wrap
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ $(BABEL_OPTS) --sort-by-file --project=Facet \
	  --copyright-holder="Facet" -o web/locale/messages.pot .
	$(VENV)/bin/pybabel update -i web/locale/messages.pot -d web/locale -D messages \
	  $(BABEL_OPTS) --no-fuzzy-matching --ignore-obsolete

bench: install-test
	$(PY) bench/core.py

clean:
	rm -rf $(VENV) var build *.egg-info
