#!/usr/bin/env bash
# Messages posted into existing cases of two stores, alternated: whether a message costs more in a larger store.
#   bench/scripts/ab-stores.sh casey casey_large [rounds]
# Each round starts caseyd (run-caseyd.sh) on each database in turn and runs post-messages --pool-of existing at
# 16 clients (500 random open cases of that store: the case cache starts cold), 15 s warm-up, 30 s measured. Seed the
# small store first with `run seed --events 20000 --minutes 5 --clients 16` (driver.sh) on a running caseyd.
set -euo pipefail
cd "$(dirname "$0")/../.."
for round in $(seq 1 "${3:-2}"); do
    for db in "$1" "$2"; do
        export CASEY_DB_URL=jdbc:postgresql://127.0.0.1:55432/$db
        bench/scripts/run-caseyd.sh >/dev/null
        (
            . bench/scripts/driver.sh
            count() { runuser -u postgres -- psql -p 55432 -d "$db" -Atc "$1"; }
            echo "# round $round, $db: $(count 'SELECT count(*) FROM domainevententry') events, open cases' mean" \
                "messages $(count "SELECT round(avg(message_count), 2) FROM case_view WHERE status = 'OPEN'"), $(date -u +%T)"
            run post-messages --pool-of existing --clients 16 --warmup 15 --duration 30 | tail -1
        )
        bench/scripts/stop-caseyd.sh >/dev/null
    done
done
