#!/usr/bin/env bash
# Install factdesk with its test extras and run lint, type checks and the whole test suite, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e '.[test]'
ruff check assistant tests bench training
mypy assistant
factdesk eval --check
python -m pytest -q
