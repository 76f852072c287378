#!/usr/bin/env bash
# Sets everything up from a fresh clone and runs the whole test suite:
# a virtualenv in .venv, ccsdk with its test extras, the pinned Claude Code
# CLI in .cli/ (through npm), then pytest on trio and asyncio.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
.venv/bin/python -m ccsdk.testing.install >/dev/null
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
# pytest exits 5 when it collected no test: that is a failure of the suite here.
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests" >&2
    exit 1
fi
exit "$status"
