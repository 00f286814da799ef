#!/usr/bin/env bash
# The external PostgreSQL of the benchmarks: Debian's PostgreSQL 15 as its own cluster "bench" on port 55432
# (data in /var/lib/postgresql/15/bench), synchronous_commit on, shared_buffers 512MB; role casey.
#   pg-cluster.sh create       install (apt) and create the cluster, start it
#   pg-cluster.sh reset DB     drop and create database DB (casey, casey_mail) owned by casey: an empty store
set -euo pipefail
PORT=55432
case "${1:-}" in
create)
    command -v pg_createcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql; }
    if ! pg_lsclusters -h | grep -q "^15 bench "; then
        pg_createcluster 15 bench -p $PORT -- --auth-local=peer --auth-host=scram-sha-256
        cat >> /etc/postgresql/15/bench/postgresql.conf <<CONF
# casey benchmark cluster
listen_addresses = '127.0.0.1'
shared_buffers = 512MB
synchronous_commit = on
max_connections = 100
# what each statement costs (bench/scripts/pg-statements.sh); loaded for every figure since 2026-11-23 17:00
shared_preload_libraries = 'pg_stat_statements'
track_io_timing = on
CONF
    fi
    pg_ctlcluster 15 bench start || true
    su postgres -c "psql -p $PORT -qc \"DO \\\$\\\$ BEGIN CREATE ROLE casey LOGIN PASSWORD 'casey-bench'; EXCEPTION WHEN duplicate_object THEN NULL; END \\\$\\\$\""
    ;;
reset)
    db=${2:?database name}
    su postgres -c "psql -p $PORT -qc 'DROP DATABASE IF EXISTS $db WITH (FORCE)' -c 'CREATE DATABASE $db OWNER casey'"
    ;;
*)
    echo "usage: $0 create | reset DB" >&2; exit 2 ;;
esac
