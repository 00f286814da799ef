#!/usr/bin/env bash
# Two builds of the load driver compared against one caseyd, window by window: a fresh store, caseyd started, then
# ROUNDS (4) rounds of a 30-s window of 16-client openings with driver A and one with driver B (10 s warm-up each),
# then the same for messages. The driver runs on the cores it measures: this is how its own CPU per request (the
# last column) and what it leaves to caseyd and PostgreSQL were told apart on 2026-12-03 (bench/README.md).
#   A_BENCH=/tmp/casey-bench-old.jar B_BENCH=bench/target/casey-bench.jar [ROUNDS=4] bench/scripts/ab-driver.sh
# (a driver jar: bench/target/casey-bench.jar of a build; both use bench/target/lib for their dependencies)
# Output: one table row per window, "round driver | …", to bench/target/ab-driver.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
declare -A bench=([a]="${A_BENCH:?A_BENCH}" [b]="${B_BENCH:?B_BENCH}")
FRESH_STORE=1 . bench/scripts/driver.sh
# the driver's run, with driver x
with() {
    local x=$1
    shift
    CP="${bench[$x]}:bench/target/lib/*" run "$@"
}
{
    echo "# $(date -u +%FT%TZ) caseyd pid $pid, ${CASEYD_JAR:-server/target/caseyd.jar}; A: ${bench[a]}; B: ${bench[b]}"
    with b team >/dev/null
    in_turn with "${ROUNDS:-4}"
} | tee bench/target/ab-driver.txt
