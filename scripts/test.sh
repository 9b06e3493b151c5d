#!/usr/bin/env bash
# Runs the test suite (installing first if needed). PostgreSQL and Redis tests run when
# CHARTER_TEST_DATABASE_URL / CHARTER_TEST_REDIS_URL are set (.ci/run sets both).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/pytest ] && .venv/bin/python -c "import charter, llama_cpp" 2>/dev/null || ./scripts/install.sh
exec .venv/bin/pytest "$@"
