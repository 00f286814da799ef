#!/usr/bin/env bash
# What one write load costs in PostgreSQL and who uses the CPU: a fresh store, caseyd started, then 30 s of
# LOAD (post-messages, or open-cases) at 16 clients after a warm-up, with pg_stat_statements reset in between.
# Prints the CPU ticks (1/100 s) of caseyd, of all PostgreSQL processes and of the whole machine over the window,
# and the 40 most expensive statements (calls, total ms, mean ms, rows). Needs pg-cluster.sh's preloaded library.
#   LOAD=open-cases bench/scripts/pg-statements.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
FRESH_STORE=1 . bench/scripts/driver.sh
su postgres -c "psql -p 55432 -d casey -qc 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements'"
run team
LOAD=${LOAD:-post-messages}
run $LOAD --clients 16 --warmup 15 --duration 1 >/dev/null
su postgres -c "psql -p 55432 -d casey -qc 'select pg_stat_statements_reset()'"
cpu() { # utime+stime ticks of caseyd, all postgres, total
  c=$(awk '{print $14+$15}' /proc/$pid/stat)
  p=0; for q in $(pgrep -u postgres postgres); do p=$((p + $(awk '{print $14+$15}' /proc/$q/stat 2>/dev/null || echo 0))); done
  t=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
  echo "$c $p $t"
}
before=$(cpu)
run $LOAD --clients 16 --warmup 0 --duration 30 | tail -1
after=$(cpu)
echo "cpu ticks caseyd postgres machine: before $before after $after"
su postgres -c "psql -p 55432 -d casey -c \"select calls, round(total_exec_time::numeric,0) ms, round(mean_exec_time::numeric,3) mean, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 150) q from pg_stat_statements order by total_exec_time desc limit 40\""
