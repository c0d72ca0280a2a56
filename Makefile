# Everything starts from two commands: `make demo` and `make test`.
# Both create their own virtualenv and build the extension in release mode.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(abspath $(VENV))/bin:$(PATH)

# Runtime, build, test and lint dependencies, all from PyPI.
PY_DEPS := maturin numpy pandas matplotlib hypothesis pytest scipy ruff mypy pyyaml
# The [torch] extra, plus Lightning for the test that logs the metrics; plain
# PyPI resolution (about 5.4 GB with the CUDA libraries torch links at load).
TORCH_DEPS := torch torchmetrics pytorch-lightning

.PHONY: demo test build lint rust-test py-test bench browser clean calibrate calibrate-ranks

$(VENV)/.deps: Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PY_DEPS) $(TORCH_DEPS)
	touch $@

build: $(VENV)/.deps
	maturin develop --release --quiet

demo: build
	blemore-fast demo

test: build browser lint rust-test py-test

rust-test:
	cargo test --quiet

lint: build
	cargo fmt --check
	cargo clippy --quiet --all-targets -- -D warnings
	ruff check python tests bench examples calibrate
	ruff format --check python tests bench examples calibrate
	mypy
	$(PY) -m mypy.stubtest blemore_fast._core

py-test: build
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest

# The report test loads the HTML page in a real headless browser.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

bench: build
	$(PY) bench/run.py

# Coverage of the leaderboard's rank sets, 2,000 simulated datasets at 11 and
# 47 actors (calibrate/ranks.py documents the settings; about 3 minutes).
calibrate: calibrate-ranks

calibrate-ranks: build
	nice -n 10 $(PY) calibrate/ranks.py --datasets 2000

clean:
	rm -rf $(VENV) target
