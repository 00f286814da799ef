#!/usr/bin/env bash
# Two builds (or two settings) of caseyd compared window by window: both started at once, each on its own empty
# database (casey_a, casey_b of pg-cluster.sh) and port (8081, 8082), then ROUNDS (6) rounds of one 30-s window of
# 16-client openings on A and one on B (10 s warm-up each), then the same for messages. The one not under load is
# idle, so the two share the machine's speed of the moment, which on 2026-12-03 moved by half within an hour: runs
# of one build after the other (run-steady.sh) could not tell the builds apart.
#   A_JAR=/tmp/old.jar B_JAR=/tmp/new.jar [A_OPTS="-D…"] [B_OPTS="-D…"] [ROUNDS=6] bench/scripts/ab-steady.sh
# Output: one table row per window, "round build | …", to bench/target/ab-steady.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
declare -A jar=([a]="${A_JAR:?A_JAR}" [b]="${B_JAR:?B_JAR}") opts=([a]="${A_OPTS:-}" [b]="${B_OPTS:-}")
declare -A port=([a]=8081 [b]=8082) pids=()
stop() {
    for x in a b; do
        if [ -n "${pids[$x]:-}" ]; then
            echo "${pids[$x]}" > bench/target/caseyd.pid
            bench/scripts/stop-caseyd.sh || true
        fi
    done
}
trap stop EXIT
for x in a b; do
    bench/scripts/pg-cluster.sh reset "casey_$x"
    CASEYD_JAR=${jar[$x]} JAVA_OPTS=${opts[$x]} CASEY_PORT=${port[$x]} CASEYD_LOG=bench/target/caseyd-$x.log \
        CASEY_DB_URL="jdbc:postgresql://127.0.0.1:55432/casey_$x" bench/scripts/run-caseyd.sh
    pids[$x]=$(cat bench/target/caseyd.pid)
done
. bench/scripts/driver.sh
# the driver's run, against instance x
on() {
    local x=$1; shift
    pid=${pids[$x]} CASEY_DB_URL="jdbc:postgresql://127.0.0.1:55432/casey_$x" run "$@" --url "http://127.0.0.1:${port[$x]}"
}
{
    echo "# $(date -u +%FT%TZ) A: ${jar[a]} ${opts[a]}; B: ${jar[b]} ${opts[b]}"
    for x in a b; do on $x team >/dev/null; done
    in_turn on "${ROUNDS:-6}"
} | tee bench/target/ab-steady.txt
