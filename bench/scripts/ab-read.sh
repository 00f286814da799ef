#!/usr/bin/env bash
# Reads of two builds of caseyd on one store, alternating A B A B (the machine's speed drifts: runs one after the
# other are comparable, runs an hour apart are not): a fresh database casey seeded through the API to 10,000
# events with A, then per round and build caseyd started on it, one `read --clients 16` warm-up, one measured.
#   bench/scripts/ab-read.sh A.jar B.jar [rounds]      e.g. A = a build of the previous commit in a worktree
#   SEED_WITH=B CLIENTS=4,16 bench/scripts/ab-read.sh …  seed with B (when only B writes what its reads read),
#                                                        measure at 4 and 16 clients
set -euo pipefail
cd "$(dirname "$0")/../.."
a=$(realpath "${1:?first caseyd jar}"); b=$(realpath "${2:?second caseyd jar}")
bench/scripts/pg-cluster.sh reset casey
if [ "${SEED_WITH:-A}" = B ]; then seeder=$b; else seeder=$a; fi
CASEYD_JAR=$seeder bench/scripts/run-caseyd.sh
. bench/scripts/driver.sh
run team >/dev/null
run seed --events 10000 --minutes 10 --clients 16 | tail -1
bench/scripts/stop-caseyd.sh
for round in $(seq 1 "${3:-2}"); do
    for jar in "$a" "$b"; do
        CASEYD_JAR=$jar bench/scripts/run-caseyd.sh >/dev/null
        pid=$(cat bench/target/caseyd.pid)
        run read --clients 16 >/dev/null
        echo "== $jar, round $round"
        run read --clients "${CLIENTS:-16}" | grep '^| GET'
        bench/scripts/stop-caseyd.sh
    done
done
