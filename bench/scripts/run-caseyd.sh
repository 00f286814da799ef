#!/usr/bin/env bash
# Starts caseyd from server/target/caseyd.jar on the benchmark PostgreSQL (pg-cluster.sh) with
# bench/config/http-bench.json (admin token, mailEnable false: mails wait in the outbox as drafts, for a relay),
# or with MAIL=1 bench/config/http-bench-mail.json (mails composed and sent to the SMTP sink on 127.0.0.1:2525),
# JVM defaults (no -Xmx: a quarter of the machine's memory). Writes the pid to bench/target/caseyd.pid and
# the log to bench/target/caseyd.log; waits until /actuator/health/readiness answers.
#   JFR=1 run-caseyd.sh   also records CPU samples (settings=profile) to bench/target/caseyd.jfr
#   JAVA_OPTS="-D…" run-caseyd.sh   extra JVM options (experiments; say so next to the figures)
#   CASEYD_JAR=/tmp/old.jar run-caseyd.sh   another build of caseyd (A/B runs: ab-read.sh, ab-steady.sh)
#   CASEYD_LOG=bench/target/other.log run-caseyd.sh   another log file (two instances at once)
# /actuator/metrics is switched on for the memory figures (jvm.memory.used); the jar's defaults expose only
# health, info and prometheus.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p bench/target
read -r -a jvm <<< "${JAVA_OPTS:-}"
config=bench/config/http-bench.json
if [ "${MAIL:-}" = 1 ]; then
    config=bench/config/http-bench-mail.json
fi
if [ "${JFR:-}" = 1 ]; then
    jvm+=("-XX:StartFlightRecording=filename=bench/target/caseyd.jfr,settings=profile,dumponexit=true")
fi
CASEY_PORT=${CASEY_PORT:-8080} \
CASEY_DB_URL=${CASEY_DB_URL:-jdbc:postgresql://127.0.0.1:55432/casey} \
CASEY_DB_USER=${CASEY_DB_USER:-casey} CASEY_DB_PASSWORD=${CASEY_DB_PASSWORD:-casey-bench} \
nohup java "${jvm[@]}" -jar "${CASEYD_JAR:-server/target/caseyd.jar}" --config "$config" \
    --management.endpoints.web.exposure.include=health,info,prometheus,metrics \
    > "${CASEYD_LOG:-bench/target/caseyd.log}" 2>&1 &
echo $! > bench/target/caseyd.pid
for _ in $(seq 1 240); do
    if curl -sf "http://127.0.0.1:${CASEY_PORT:-8080}/actuator/health/readiness" >/dev/null; then
        echo "caseyd pid $(cat bench/target/caseyd.pid) ready ($(grep -o 'Started .* seconds' "${CASEYD_LOG:-bench/target/caseyd.log}" | tail -1))"
        exit 0
    fi
    kill -0 "$(cat bench/target/caseyd.pid)" 2>/dev/null || { tail -30 "${CASEYD_LOG:-bench/target/caseyd.log}"; exit 1; }
    sleep 0.5
done
echo "caseyd did not become ready" >&2; exit 1
