#!/usr/bin/env bash
# Sets everything up from a fresh clone and runs the whole test suite:
# a virtualenv in .venv, ccsdk with its test extras, the pinned Claude Code
# CLI in .cli/ (through npm), the servers the session-store tests start
# (redis-server and PostgreSQL, from Debian's packages when missing), then
# pytest on trio and asyncio.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
.venv/bin/python -m ccsdk.testing.install >/dev/null
# tests/stores/ starts a redis-server and a PostgreSQL cluster on loopback (and
# stops them). Install what is missing, as root; otherwise those tests fail and
# say what to install.
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "installing ${missing[*]} for the session-store tests" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends "${missing[@]}"; } >/dev/null \
            || echo "warning: apt-get could not install ${missing[*]}:" \
                "the session-store tests that need them will fail" >&2
    else
        echo "warning: ${missing[*]} missing and cannot be installed here (not root or no" \
            "apt-get): the session-store tests that need them will fail" >&2
    fi
fi
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
