#!/usr/bin/env bash
# Runs the test suite (installing first if needed). PostgreSQL and Redis tests run when
# CHARTER_TEST_DATABASE_URL / CHARTER_TEST_REDIS_URL are set (.ci/run sets both).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/pytest ] && .venv/bin/python -c "import charter, llama_cpp" 2>/dev/null || ./scripts/install.sh
# The real OpenID provider (npm `oidc-provider`, pinned by package-lock.json) the single sign-on tests
# start on loopback (tests/integration/identity/test_oidc.py; they skip only where node is missing).
if command -v npm >/dev/null 2>&1 && [ ! -d tests/support/oidc/node_modules/oidc-provider ]; then
  (cd tests/support/oidc && npm ci --no-audit --no-fund --loglevel=error)
fi
# axe-core (pinned by package-lock.json), injected by the console's browser tests into every page
# (tests/integration/console/test_browser.py; they skip only where node or chromium is missing).
if command -v npm >/dev/null 2>&1 && [ ! -f tests/support/axe/node_modules/axe-core/axe.min.js ]; then
  (cd tests/support/axe && npm ci --no-audit --no-fund --loglevel=error)
fi
# Two workers (pytest-xdist), each test file kept on one worker; CHARTER_TEST_WORKERS=0 runs in one process.
exec .venv/bin/pytest -n "${CHARTER_TEST_WORKERS:-2}" --dist loadfile "$@"
