"""The Ray suites run in a pytest process of their own (tests/integration/evals/test_ray_isolated.py).

A module of them starts with::

    if not IN_RAY_PROCESS:
        pytest.skip(SKIP_REASON, allow_module_level=True)
"""

from __future__ import annotations

import os

#: Whether test_ray_isolated.py started this process.
IN_RAY_PROCESS = os.environ.get("CHARTER_RAY_TESTS_INNER") == "1"
SKIP_REASON = (
    "runs in its own pytest process (tests/integration/evals/test_ray_isolated.py): a Ray head that fails "
    "to start aborts the interpreter (a C++ fatal error in its GCS client), which would end the whole suite"
)
