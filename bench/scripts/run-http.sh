#!/usr/bin/env bash
# The HTTP write figures on an empty store: a fresh database, caseyd started (run-caseyd.sh), two team members,
# then cases opened and messages posted at 1, 4 and 16 clients (15 s warm-up, 30 s measured each), with the
# service's memory sampled during the 16-client runs. Output: bench/target/http-write.txt
#   CUSTOMERS=50000 run-http.sh …   registers that many persons outside the team first (a customer base synced in)
set -euo pipefail
cd "$(dirname "$0")/../.."
FRESH_STORE=1 . bench/scripts/driver.sh
{
    echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1), caseyd pid $pid"
    run team --customers "${CUSTOMERS:-0}"
    run open-cases "${@}"
    run post-messages "${@}"
} | tee bench/target/http-write.txt
