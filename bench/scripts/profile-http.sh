#!/usr/bin/env bash
# Where the time of the write path goes: a fresh store, caseyd started (run-caseyd.sh), then one JFR recording
# (settings=profile: CPU samples every 10 ms, allocation, locks, socket I/O) per load: 16 clients opening cases,
# 16 clients posting messages. Recordings and their summaries (jfr-top.py): bench/target/profile-*.{jfr,txt}
set -euo pipefail
cd "$(dirname "$0")/../.."
FRESH_STORE=1 . bench/scripts/driver.sh
run team
for load in open-cases post-messages; do
    # the pool of post-messages is opened before the recording starts: warm-up covers it
    jcmd "$pid" JFR.start name="$load" settings=profile >/dev/null
    run "$load" --clients 16 --warmup 10 --duration 45 | tail -3
    jcmd "$pid" JFR.stop name="$load" filename="$PWD/bench/target/profile-$load.jfr" >/dev/null
    python3 bench/scripts/jfr-top.py "bench/target/profile-$load.jfr" dev.casey. org.axonframework. --top 30 \
        > "bench/target/profile-$load.txt"
    echo "profile: bench/target/profile-$load.txt"
done
