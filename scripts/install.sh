#!/usr/bin/env bash
# Installs Charter and everything it needs into ./.venv (idempotent; safe to run again).
#
# llama-cpp-python (the embedded model) is compiled from source. It is built portable
# (-DGGML_NATIVE=OFF): the default native build turns on llama.cpp's AMX path, which crashes on this
# machine kind (docs/operations.md). pip's wheel cache does not key on CMAKE_ARGS, so the wheel is
# built with --no-cache-dir into a cache folder named after the version and the flags.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
LLAMA_VERSION=0.3.36
LLAMA_FLAGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF"
EXTRAS=${CHARTER_EXTRAS:-all,dev,training}  # training: the tiny fine-tuning tests (torch CPU wheel)

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip wheel setuptools

if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
  key=$(printf '%s %s' "$LLAMA_VERSION" "$LLAMA_FLAGS" | sha256sum | cut -c1-16)
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/charter/wheels/llama-$key"
  if ! ls "$cache"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
    echo "building llama-cpp-python $LLAMA_VERSION ($LLAMA_FLAGS); this takes a few minutes..."
    mkdir -p "$cache"
    CMAKE_ARGS="$LLAMA_FLAGS" .venv/bin/python -m pip wheel --quiet --no-cache-dir --no-deps -w "$cache" \
      "llama-cpp-python==$LLAMA_VERSION"
  fi
  .venv/bin/python -m pip install --quiet "$cache"/llama_cpp_python-"$LLAMA_VERSION"-*.whl
fi

.venv/bin/python -m pip install --quiet -e ".[${EXTRAS}]"
echo "Charter installed in .venv ($(.venv/bin/charter --help >/dev/null && echo ok))"
