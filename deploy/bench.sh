#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md: installs what is missing (PostgreSQL, PostGIS, wrk, gdb)
# from Debian, starts a throw-away PostgreSQL cluster with pg_virtualenv, builds sango-bench in
# release mode and runs every measurement, printing the Markdown report (also written to
# target/sango-bench/results.md). Extra arguments go to `sango-bench all`, e.g.
#   deploy/bench.sh --fresh            # seed the prefecture again and time the seeding
#   deploy/bench.sh --queries 500      # a quicker, smaller run
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pg_virtualenv >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql postgresql-contrib)
compgen -G "/usr/share/postgresql/*/extension/postgis.control" >/dev/null || need+=(postgresql-15-postgis-3)
command -v wrk >/dev/null || need+=(wrk)
command -v gdb >/dev/null || need+=(gdb)
if ((${#need[@]})); then
  deploy/install-missing.sh "${need[@]}"
fi

# SANGO_BENCH_BIN: a sango-bench binary built beforehand (otherwise it is built here).
bin="${SANGO_BENCH_BIN:-}"
if [[ -z "$bin" ]]; then
  cargo build --release -p sango-bench >&2
  bin="$PWD/target/release/sango-bench"
fi

# A cluster tuned as a deployment with this much memory would be: the data fits in shared
# buffers, and pg_stat_statements reports PostgreSQL's own execution time beside the round trip.
# pg_virtualenv exports PGHOST, PGUSER, PGPASSWORD and PGDATABASE; the port comes from the server.
# -t keeps the cluster in a temporary directory, so that it cannot clash with another
# pg_virtualenv cluster on the machine (deploy/test-postgres.sh, say).
pg_virtualenv -t -o shared_buffers=2GB -o max_wal_size=4GB -o shared_preload_libraries=pg_stat_statements \
  bash -c '
    set -euo pipefail
    port=$(psql -tAc "show port")
    export RUST_BACKTRACE=0 RUST_LIB_BACKTRACE=0
    exec "$0" all --pg "host=${PGHOST:-localhost} port=$port user=$PGUSER password=$PGPASSWORD dbname=$PGDATABASE" "$@"
  ' "$bin" "$@"

# The exact cross-boundary plan against the greedy baseline (no database; BENCHMARKS.md,
# "Cross-boundary plan"). Built with the rest of sango-bench, next to it; a SANGO_BENCH_BIN built
# on its own may have no plan binary beside it, and then this step says so and is skipped.
plan="$(dirname "$bin")/plan"
if [[ -x "$plan" ]]; then
  "$plan"
else
  echo "skipping the plan benchmark: no $plan (cargo build --release -p sango-bench --bin plan)" >&2
fi
