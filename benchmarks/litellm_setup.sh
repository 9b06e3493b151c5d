#!/usr/bin/env bash
# Install LiteLLM's proxy 1.110.2 into its own virtualenv, benchmarks/.work/litellm-venv (ignored by git),
# never into Charter's. Idempotent: does nothing when the right version is already there.
#
# Why not `pip install 'litellm[proxy]==1.110.2'`: from 1.110 the proxy extra needs a separate
# `litellm-proxy` distribution the registry lacks, and plain `litellm[proxy]` silently falls back to
# 1.108.7 (see shared FIELD-NOTES "Gateways"). The proxy code itself is in the 1.110.2 wheel, so we
# install 1.108.7's proxy extra (its dependencies), then litellm==1.110.2 over it, plus `semver`,
# `prisma` and `opentelemetry-sdk`: without the last two every request retries two failing imports
# (~10% of its CPU), which would make the comparison unfair to LiteLLM.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${LITELLM_VENV:-$here/.work/litellm-venv}"
version="1.110.2"
python="${LITELLM_PYTHON:-python3.11}"

if [[ -x "$venv/bin/litellm" ]] && \
   [[ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("litellm"))' 2>/dev/null)" == "$version" ]]; then
  echo "litellm $version already installed in $venv"
  exit 0
fi
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q 'litellm[proxy]==1.108.7'
"$venv/bin/pip" install -q "litellm==$version" semver prisma opentelemetry-sdk
"$venv/bin/python" -c 'import importlib.metadata as m; print("litellm", m.version("litellm"), "installed")'
