#!/usr/bin/env bash
# Installs what is missing, builds once, and runs the whole suite: unit tests (GoogleTest) and
# integration tests (the real daemon against real peers on loopback), through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900 -j "$(nproc)"
