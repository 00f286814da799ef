#!/usr/bin/env bash
# The JMH benchmarks of the mail hot paths, throughput (ops/s) and average time (µs/op), each run printing
# the machine load before and after. Extra arguments go to JMH (e.g. a benchmark name, -prof gc).
set -euo pipefail
cd "$(dirname "$0")/../.."
CP='bench/target/casey-bench.jar:bench/target/lib/*'
out=${JMH_OUT:-bench/target/jmh}
mkdir -p "$out"
for mode in "thrpt -tu s" "avgt -tu us"; do
    set -- $mode "$@"
    echo "# $(date -u +%FT%TZ) load before: $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
    java -cp "$CP" org.openjdk.jmh.Main -bm "$@" -rf json -rff "$out/jmh-${1}.json" | tee "$out/jmh-${1}.txt" \
        | grep -E '^(Benchmark|InboundMail|MailCompos|ReadModel)'
    echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    shift 3
done
