#!/usr/bin/env bash
# How fast the outbox drains a backlog to the SMTP sink: a fresh store, caseyd with mail on (MAIL=1, the sink of
# driver.sh), mailEnable switched off while 16 clients post messages for 25 s (each queues two mails), then on
# again; prints the backlog, the time until nothing is queued (mails/s) and caseyd's and PostgreSQL's CPU per mail
# meanwhile. The first drain runs with composing and sending not yet compiled by the JIT: ROUNDS=2 makes and drains
# a backlog twice, the second with a warm JIT (what a service that has been sending for a while spends).
#   bench/scripts/run-drain.sh
#   ROUNDS=2 JFR=1 SECONDS_OF_MESSAGES=40 bench/scripts/run-drain.sh   a larger backlog, and a JFR recording of the
#                                      last drain (bench/target/drain.jfr; summarise with jfr-top.py)
set -euo pipefail
cd "$(dirname "$0")/../.."
MAIL=1 FRESH_STORE=1 . bench/scripts/driver.sh
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
queued() { su postgres -c "psql -p 55432 -d casey -tAc \"SELECT count(*) FROM mail_outbox WHERE state = 'QUEUED'\""; }
# user and system ticks of every process of the benchmark's PostgreSQL cluster
postgres_ticks() {
    local total=0 p
    for p in $(pgrep -f 'postgres.*15/bench|postgres: 15/bench'); do
        total=$((total + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
run team >/dev/null
rounds=${ROUNDS:-1}
for round in $(seq 1 "$rounds"); do
    api -X POST http://127.0.0.1:8080/api/casey/v1/config -d '[{"mailEnable": false}]' >/dev/null
    run post-messages --clients 16 --warmup 5 --duration "${SECONDS_OF_MESSAGES:-25}" | tail -1
    sleep 2
    backlog=$(queued)
    [ "${JFR:-}" = 1 ] && [ "$round" = "$rounds" ] && jcmd "$pid" JFR.start name=drain settings=profile >/dev/null
    start=$(date +%s.%N)
    cpu0=$(awk '{print $14+$15}' "/proc/$pid/stat")
    pg0=$(postgres_ticks)
    api -X POST http://127.0.0.1:8080/api/casey/v1/config -d '[{"mailEnable": true}]' >/dev/null
    while [ "$(queued)" != 0 ]; do sleep 0.5; done
    end=$(date +%s.%N)
    cpu1=$(awk '{print $14+$15}' "/proc/$pid/stat")
    pg1=$(postgres_ticks)
    [ "${JFR:-}" = 1 ] && [ "$round" = "$rounds" ] && jcmd "$pid" JFR.stop name=drain filename="$PWD/bench/target/drain.jfr" >/dev/null
    echo "round $round: drained $backlog mails in $(echo "$end - $start" | bc) s: $(echo "$backlog / ($end - $start)" | bc) mails/s;" \
        "caseyd CPU $(echo "($cpu1 - $cpu0) * 10 / $backlog" | bc -l | cut -c1-5) ms per mail," \
        "PostgreSQL CPU $(echo "($pg1 - $pg0) * 10 / $backlog" | bc -l | cut -c1-5) ms per mail"
done
