#!/usr/bin/env bash
# Runs the test suite again against a real, throw-away PostgreSQL cluster: every database-backed
# test (store, service) then uses PostgreSQL instead of a temporary SQLite file.
# Installs PostgreSQL from Debian when it is missing (the PDF font comes with deploy/test.sh,
# which runs first). Never skips: a missing server is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pg_virtualenv >/dev/null || ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  deploy/install-missing.sh postgresql postgresql-contrib
fi

# pg_virtualenv creates a temporary cluster, exports PGHOST/PGPORT/PGUSER/PGPASSWORD, runs the
# command and drops the cluster afterwards.
pg_virtualenv bash -c '
  set -euo pipefail
  export SANGO_TEST_POSTGRES_URL="postgres://${PGUSER}:${PGPASSWORD}@${PGHOST:-localhost}:${PGPORT:-5432}/${PGDATABASE:-postgres}"
  echo "Testing against PostgreSQL $(psql -tAc "show server_version")"
  # The same package selection as the README command (deploy/test.sh), so cargo reuses its build (selecting
  # fewer packages changes feature unification and recompiles the dependency tree).
  cargo test --workspace
'
