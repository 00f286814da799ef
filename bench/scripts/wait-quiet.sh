#!/usr/bin/env bash
# Waits (at most ${1:-900} s) until the machine is quiet: 1-minute load average below ${QUIET_LOAD:-0.7}.
# Another engineer's build on the same 2 cores halves every figure; run the benchmarks after this.
limit=${1:-900}
for ((i = 0; i < limit; i += 10)); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v q="${QUIET_LOAD:-0.7}" 'BEGIN { exit !(l < q) }'; then
        echo "quiet: load $(cut -d' ' -f1-3 /proc/loadavg)"; exit 0
    fi
    sleep 10
done
echo "still busy after $limit s: load $(cut -d' ' -f1-3 /proc/loadavg)" >&2; exit 1
