#!/usr/bin/env bash
# Seeds the store through the HTTP API up to ${1:-10000} events (at most ${2:-30} minutes, 16 clients), then measures
# GET /case/{uuid} and GET /cases?page=0&size=20 at 1, 4 and 16 clients. Keeps the database: run it again with a
# larger target to grow the same store. caseyd must be running (run-caseyd.sh; another store: CASEY_DB_URL for both).
# Output: bench/target/read-<events>.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/scripts/driver.sh
{
    echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1), caseyd pid $pid"
    run team
    run seed --events "${1:-10000}" --minutes "${2:-30}" --clients 16
    run read
} | tee "bench/target/read-${1:-10000}.txt"
