#!/usr/bin/env bash
# Set up factdesk with the embedded model and run its main job: ingest the bundled corpus, verify a claim.
# Needs Python 3.11+, a C/C++ compiler and cmake (llama.cpp is compiled once, about 5 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q --upgrade pip
if ! python -c "import llama_cpp" 2>/dev/null; then
    args="-DLLAVA_BUILD=OFF"
    if [ "$(uname -m)" = "x86_64" ]; then
        # llama.cpp's AMX kernels crash on CPUs (or VMs) that advertise AMX without enabling it; AVX-512 stays on.
        noamx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
        args="$args -DCMAKE_C_FLAGS='$noamx' -DCMAKE_CXX_FLAGS='$noamx'"
    fi
    echo "Compiling llama-cpp-python (one time, a few minutes)..."
    CMAKE_ARGS="$args" python -m pip install -q --no-cache-dir "llama-cpp-python==0.3.36"
fi
python -m pip install -q -e '.[embedded]'
factdesk ingest corpus/
factdesk verify "${1:-The United States has transferred 7,000 ISIS detainees to Iraq.}"
