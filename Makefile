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
export FACET_YOLO_WEIGHTS ?= $(abspath $(CURDIR)/../shared/models/yolo11n_int8_openvino_model)

# Debian packages: a real browser (tests), speech synthesis and audio tools (prompts, tests,
# benches), and sphinxtrain with pocketsphinx's tools (speaker adaptation of the PocketSphinx
# engine: bw, map_adapt, mk_s2sendump, pocketsphinx_mdef_convert).
DEBIAN_PACKAGES := chromium espeak-ng sox sphinxtrain pocketsphinx

.PHONY: run test install system-deps lint bench clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[test]'
	@mkdir -p var/ultralytics
	@touch $@

install: $(VENV)/.installed

# A demonstration: the demo users keep the published password (FACET_DEMO_MODE=false to force
# its change at first sign-in, as a real deployment does).
run: export FACET_DEMO_MODE ?= true
run: install system-deps
	$(VENV)/bin/facet db upgrade
	$(VENV)/bin/facet demo load --scale full
	$(VENV)/bin/facet demo cameras --out var/demo-cameras
	FACET_WEB_CAMERAS_FILE=$${FACET_WEB_CAMERAS_FILE:-var/demo-cameras/cameras.yaml} \
	  $(VENV)/bin/facet serve --host $${FACET_WEB_HOST:-127.0.0.1} --port $${FACET_WEB_PORT:-8000}

# Installs the Debian packages above that are missing (as root; otherwise names them).
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (what needs them is skipped or refused)"; fi; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: install system-deps lint
	$(PY) -m pytest -q

bench: install
	$(PY) bench/core.py

clean:
	rm -rf $(VENV) var build *.egg-info
