#!/usr/bin/env bash
# Installs everything the test suite needs, then runs it: lint, format check, type check, pytest.
# Usage: bash scripts/test.sh [extra pytest args]   (e.g. -m "not app and not browser and not slow")
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

# The browser tests drive Debian's Chromium (no browser downloads on this network); the
# Chinese screenshots need a CJK font.
if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

# The run store's tests run on SQLite and on a throwaway PostgreSQL server (installed with apt
# when missing, on a free local port, stopped and deleted when the tests end).
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
pg_start
trap pg_stop EXIT

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy lstm_core
# One worker per core (pytest-xdist); each browser test file stays on one worker (its
# xdist_group, set in tests/conftest.py), and a worker starts one server and one Chromium.
.venv/bin/python -m pytest -n auto --dist loadgroup "$@"
