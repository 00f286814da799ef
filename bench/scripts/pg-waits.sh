#!/usr/bin/env bash
# Samples what Casey's PostgreSQL sessions are doing, 5 times a second for ${1:-30} s, and counts the states:
# "Lock/transactionid" or "Lock/tuple" are sessions waiting for another transaction's row lock.
set -euo pipefail
end=$((SECONDS + ${1:-30}))
while [ $SECONDS -lt $end ]; do
    su postgres -c "psql -p 55432 -d casey -Atc \"SELECT coalesce(wait_event_type,'CPU') || '/' || coalesce(wait_event,'running') || ' ' || left(regexp_replace(query, '\s+', ' ', 'g'), 70) FROM pg_stat_activity WHERE datname='casey' AND usename='casey' AND state <> 'idle' AND pid <> pg_backend_pid()\""
    sleep 0.2
done | sort | uniq -c | sort -rn | head -15
