#!/usr/bin/env bash
# Configures (once) and builds Herald into build/ (the binary: build/herald). Extra arguments go to
# CMake's configure step, e.g. scripts/build.sh -DHERALD_SANITIZE=ON with BUILD_DIR=build-asan;
# BUILD_TARGETS limits what is built (e.g. BUILD_TARGETS=herald: just the binary).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
fi
ninja -C "$build_dir" ${BUILD_TARGETS:-}
