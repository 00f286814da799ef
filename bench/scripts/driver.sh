# Sourced by the HTTP scripts (not run by itself): `run SUBCOMMAND [options]` calls the load driver against the
# caseyd whose pid is in bench/target/caseyd.pid, with the admin token of bench/config/http-bench.json and
# CASEY_DB_URL (default: the database casey of pg-cluster.sh) for the store counts.
#   FRESH_STORE=1 . bench/scripts/driver.sh   first drops and recreates the database casey and starts caseyd
#                                             on it, stopped again when the script exits
#   MAIL=1 FRESH_STORE=1 …                    caseyd sends its mail, to an SMTP sink started here (SmtpSink)
CP='bench/target/casey-bench.jar:bench/target/lib/*'
TOKEN=bench-admin-token-0123456789
if [ "${FRESH_STORE:-}" = 1 ]; then
    bench/scripts/pg-cluster.sh reset casey
    if [ "${MAIL:-}" = 1 ]; then
        java -cp "$CP" dev.casey.bench.mail.SmtpSink 2525 > bench/target/smtp-sink.log 2>&1 &
        sink=$!
    fi
    bench/scripts/run-caseyd.sh
    trap 'bench/scripts/stop-caseyd.sh; [ -z "${sink:-}" ] || kill "$sink"' EXIT
fi
pid=$(cat bench/target/caseyd.pid)
run() {
    java -cp "$CP" dev.casey.bench.http.HttpLoadBenchmark "$@" --token $TOKEN --pid "$pid" \
        --db "${CASEY_DB_URL:-jdbc:postgresql://127.0.0.1:55432/casey}"
}
# `in_turn RUNNER ROUNDS`: ROUNDS rounds of one 30-s window of 16-client openings with A and one with B (10 s warm-up
# each), then the same for messages; `RUNNER a|b LOAD options…` runs one window (ab-steady.sh: two caseyd builds,
# ab-driver.sh: two driver builds). Prints each window's row as "round A|B | …".
in_turn() {
    local runner=$1 rounds=$2 load round x
    for load in open-cases post-messages; do
        for round in $(seq 1 "$rounds"); do
            for x in a b; do
                "$runner" "$x" "$load" --clients 16 --warmup 10 --duration 30 | grep "^| $load" | tail -1 \
                    | sed "s/^/$round ${x^^} /"
            done
        done
    done
}
