#!/usr/bin/env bash
# Installs Charter (first time), initialises the data directory (first run: prints a demo tenant,
# use case and API key) and serves the gateway on embedded defaults: a SQLite file and the embedded
# SmolLM2 model. Settings: CHARTER_* variables (docs/settings.md).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh
exec .venv/bin/charter serve "$@"
