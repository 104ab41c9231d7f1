#!/usr/bin/env bash
# Compile and install llama-cpp-python==0.3.36 with its (pure-Python) server extra into the active environment,
# unless it is already there. Used by quickstart.sh (the embedded model) and test.sh (the real-model tests).
set -euo pipefail
if python -c "import llama_cpp, llama_cpp.server.app" 2>/dev/null; then
    exit 0
fi
args="-DLLAVA_BUILD=OFF"
if [ "$(uname -m)" = "x86_64" ]; then
    # llama.cpp's AMX kernels crash on CPUs (or VMs) that advertise AMX without enabling it; AVX-512 stays on.
    noamx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    args="$args -DCMAKE_C_FLAGS='$noamx' -DCMAKE_CXX_FLAGS='$noamx'"
fi
echo "Compiling llama-cpp-python (one time, a few minutes)..."
CMAKE_ARGS="$args" python -m pip install -q "llama-cpp-python[server]==0.3.36"
