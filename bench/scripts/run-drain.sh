#!/usr/bin/env bash
# How fast the outbox drains a backlog to the SMTP sink: a fresh store, caseyd with mail on (MAIL=1, the sink of
# driver.sh), mailEnable switched off while 16 clients post messages for 25 s (each queues two mails), then on
# again; prints the backlog, the time until nothing is queued (mails/s) and caseyd's CPU per mail meanwhile.
#   bench/scripts/run-drain.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
MAIL=1 FRESH_STORE=1 . bench/scripts/driver.sh
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
queued() { su postgres -c "psql -p 55432 -d casey -tAc \"SELECT count(*) FROM mail_outbox WHERE state = 'QUEUED'\""; }
run team >/dev/null
api -X POST http://127.0.0.1:8080/api/casey/v1/config -d '[{"mailEnable": false}]' >/dev/null
run post-messages --clients 16 --warmup 5 --duration 25 | tail -1
sleep 2
backlog=$(queued)
start=$(date +%s.%N)
cpu0=$(awk '{print $14+$15}' "/proc/$pid/stat")
api -X POST http://127.0.0.1:8080/api/casey/v1/config -d '[{"mailEnable": true}]' >/dev/null
while [ "$(queued)" != 0 ]; do sleep 0.5; done
end=$(date +%s.%N)
cpu1=$(awk '{print $14+$15}' "/proc/$pid/stat")
echo "drained $backlog mails in $(echo "$end - $start" | bc) s: $(echo "$backlog / ($end - $start)" | bc) mails/s;" \
    "caseyd CPU $(echo "($cpu1 - $cpu0) * 10 / $backlog" | bc -l | cut -c1-5) ms per mail"
