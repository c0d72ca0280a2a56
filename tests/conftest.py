"""Shared test fixtures: Hypothesis profiles and the real data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# `make test` runs the CI profile; a bare `pytest` runs the quicker dev one.
settings.register_profile(
    "ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: The real BlEmoRe data beside the checkout; tests using it skip without it.
DATA_DIR = Path(
    os.environ.get(
        "BLEMORE_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "blemore"
    )
).resolve()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not (DATA_DIR / "clips.csv").is_file():
        pytest.skip(f"real BlEmoRe data not found at {DATA_DIR}")
    return DATA_DIR
