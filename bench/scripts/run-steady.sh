#!/usr/bin/env bash
# HTTP writes as a service that has run for a while takes them: a fresh store, caseyd started, then WINDOWS (8)
# consecutive runs of open-cases and then of post-messages at 16 clients (10 s warm-up and 30 s measured each), so
# that the rate can be read as the JIT compiles the service (on 2 cores, with the load on them, that takes minutes:
# the first window of 16-client openings ran at about half the rate of the sixth on 2026-12-03).
# Output: one table row per window, numbered, to bench/target/http-steady.txt
#   CASEYD_JAR=/tmp/other.jar WINDOWS=6 bench/scripts/run-steady.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
FRESH_STORE=1 . bench/scripts/driver.sh
{
    echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1), caseyd pid $pid, ${CASEYD_JAR:-server/target/caseyd.jar}"
    run team >/dev/null
    for load in open-cases post-messages; do
        for window in $(seq 1 "${WINDOWS:-8}"); do
            run "$load" --clients 16 --warmup 10 --duration 30 | grep "^| $load" | tail -1 | sed "s/^/$window /"
        done
    done
} | tee bench/target/http-steady.txt
