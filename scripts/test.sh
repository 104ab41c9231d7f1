#!/usr/bin/env bash
# Install factdesk with its test extras and run lint, type checks and the whole test suite, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q --upgrade pip
# The real-model tests (tests/test_real_model.py, tests/test_real_server.py) need llama.cpp, compiled here once
# (a few minutes), and the small 0.5B model (456 MB); with FACTDESK_REQUIRE_REAL_MODEL=1 they fail if either is missing.
bash scripts/install-llama.sh
python -m pip install -q -e '.[test,realmodel]'
export FACTDESK_REQUIRE_REAL_MODEL=1
ruff check assistant tests bench training
mypy assistant
# Each judge is gated by its own verify floors in evals/thresholds.json: the LLM judge (replayed, with the extraction
# and answer cases) by "verify", the default classifier (deterministic, no recordings) by "verify:classifier".
FACTDESK_JUDGE=llm factdesk eval --check
factdesk eval --check --cases evals/cases/verify_corpus.jsonl --cases evals/cases/verify_saltmere.jsonl \
  --cases evals/cases/verify_brenholt.jsonl --cases evals/cases/verify_quillon.jsonl
python -m pytest -q
