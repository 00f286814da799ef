#!/usr/bin/env bash
# Stops the caseyd that run-caseyd.sh started (its pid only), gracefully, and waits for it.
set -euo pipefail
cd "$(dirname "$0")/../.."
pid=$(cat bench/target/caseyd.pid)
kill "$pid" 2>/dev/null || exit 0
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.5; done
echo "caseyd $pid still running" >&2; exit 1
