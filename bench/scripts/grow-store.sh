#!/usr/bin/env bash
# Grows a store seeded through the API (run-read.sh 10000) to ${1:-1000000} events in minutes instead of hours:
# copies the cases' event streams as new cases (new case, message and event ids, new references; the payloads
# otherwise as recorded), then rebuilds the read models from the whole event store through the API (timed: the
# rebuild figure). caseyd must be running on the store (run-caseyd.sh; another database: CASEY_DB_URL for both,
# PGDATABASE here). Persons, snapshots and mail tables are not copied; the rebuild gives the copies their rows in
# the mail gateway's directory (its repair: "repaired" in the answer), so that messages can be posted to them too.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/scripts/driver.sh
target=${1:-1000000}
db=${PGDATABASE:-casey}
psql() { runuser -u postgres -- psql -p 55432 -d "$db" -v ON_ERROR_STOP=1 -Atq "$@"; }
original=$(psql -c "SELECT max(globalindex) FROM domainevententry")
events=$(psql -c "SELECT count(*) FROM domainevententry")
per_copy=$(psql -c "SELECT count(*) FROM domainevententry WHERE type = 'SupportCase' AND globalindex <= $original")
copies=$(( (target - events + per_copy - 1) / per_copy ))
echo "# $(date -u +%FT%TZ) $events events, $per_copy of cases; $copies copies to reach $target"
started=$(date +%s)
for (( first = 1; first <= copies; first += 10 )); do
    last=$(( first + 9 < copies ? first + 9 : copies ))
    # the copy number is folded into every id, so that running the script again on a grown store adds new copies
    psql -v first="$first" -v last="$last" -v original="$original" <<'SQL'
        INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload,
                                      payloadrevision, payloadtype, timestamp)
        SELECT n.case_id, e.sequencenumber, e.type, gen_random_uuid()::text, e.metadata,
               convert_to(replace(replace(replace(p.text, e.aggregateidentifier, n.case_id),
                                          coalesce(p.json ->> 'messageId', e.aggregateidentifier), n.message_id),
                                  coalesce('"' || (p.json ->> 'reference') || '"', e.aggregateidentifier),
                                  '"' || n.reference || '"'), 'UTF8'),
               e.payloadrevision, e.payloadtype, e.timestamp
          FROM generate_series(:first, :last) AS k
         CROSS JOIN domainevententry e
         CROSS JOIN LATERAL (SELECT convert_from(e.payload, 'UTF8') AS text,
                                    convert_from(e.payload, 'UTF8')::jsonb AS json) p
         CROSS JOIN LATERAL (SELECT md5(e.aggregateidentifier || ':' || k || ':' || :original)::uuid::text AS case_id,
                                    md5(coalesce(p.json ->> 'messageId', '') || ':' || k || ':' || :original)::uuid::text
                                        AS message_id,
                                    -- 12 hex digits: no two of a million cases alike (8 would collide)
                                    upper(substr(md5(e.aggregateidentifier || ':' || k || ':' || :original), 1, 6) || '-'
                                          || substr(md5(e.aggregateidentifier || ':' || k || ':' || :original), 7, 6))
                                        AS reference) n
         WHERE e.type = 'SupportCase' AND e.globalindex <= :original
         ORDER BY k, e.globalindex;
SQL
    echo "copies $first-$last: $(psql -c "SELECT count(*) FROM domainevententry") events, $(( $(date +%s) - started )) s"
done
psql -c "VACUUM ANALYZE domainevententry"
run rebuild
