"""Runs the Ray tests (evaluation runs: test_ray.py; ingestion and the generic fan-out:
tests/integration/knowledge/test_ray_ingest.py; training jobs as Ray tasks:
tests/integration/training/test_ray_training.py), each suite in a pytest process of its own, on both stores when
the suite has them.

Ray starts its head (GCS, raylet) from the driver; when that fails it aborts the Python process with a
C++ fatal error instead of raising, and in the main test process that would end every test after it.
In a child process the failure is this one test's, with Ray's output in the assertion message.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="ray is not installed: pip install 'charter[ray]'")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


SUITES = {
    "evals": ["tests/integration/evals/test_ray.py"],
    "ingest": ["tests/integration/knowledge/test_ray_ingest.py"],
    "training": ["tests/integration/training/test_ray_training.py"],
}


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_ray_fan_out_suite_passes_in_its_own_process(suite: str) -> None:
    """One process per suite (one Ray instance at a time), each with its own time limit."""
    if suite == "training" and importlib.util.find_spec("peft") is None:
        pytest.skip("the training extra is not installed: pip install 'charter[training]'")
    env = {**os.environ, "CHARTER_RAY_TESTS_INNER": "1", "RAY_USAGE_STATS_ENABLED": "0"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *SUITES[suite], "-q", "-p", "no:cacheprovider",
         "-o", "addopts=--strict-markers -ra"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert " passed" in run.stdout and " failed" not in run.stdout
