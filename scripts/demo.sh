#!/usr/bin/env bash
# Sets everything up from a fresh clone and runs one prompt through query().
# With ANTHROPIC_API_KEY set it asks the real model; without it, it runs
# offline against ccsdk's FakeModel on 127.0.0.1 and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/python -m ccsdk.testing.install >/dev/null
exec .venv/bin/python examples/quick_start.py "$@"
