#!/usr/bin/env bash
# The read-model rebuild on the store caseyd runs on (run-caseyd.sh; the 1M-event store: CASEY_DB_URL for both),
# and what writers see meanwhile: post-messages at ${1:-4} clients into 500 open cases of the store (10 s warm-up,
# ${2:-60} s measured) once without and once with a rebuild running (started 5 s before the warm-up; on a store
# that takes longer to rebuild than warm-up and window, the whole window falls within it).
# Output: bench/target/rebuild.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/scripts/driver.sh
{
    echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1), caseyd pid $pid"
    run team
    echo "## post-messages at ${1:-4} clients, no rebuild"
    run post-messages --pool-of existing --clients "${1:-4}" --warmup 10 --duration "${2:-60}"
    echo "## the same while a rebuild runs"
    run rebuild &
    rebuild=$!
    sleep 5
    run post-messages --pool-of existing --clients "${1:-4}" --warmup 10 --duration "${2:-60}"
    wait "$rebuild"
} | tee bench/target/rebuild.txt
