#!/bin/sh
# One-shot schema setup for Temporal on PostgreSQL, run by the temporal-admin-tools service
# (image temporalio/admin-tools) before the temporal server starts. Same steps as the setup script
# of temporalio/samples-server (compose/scripts/setup-postgres.sh), with the connection taken from
# the environment. Safe to re-run: `create` ignores an existing database, and `setup-schema -v 0.0`
# / `update-schema` only apply what is missing.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must be set}"
: "${POSTGRES_USER:?POSTGRES_USER must be set}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"   # read by temporal-sql-tool
DB_PORT=${DB_PORT:-5432}
DBNAME=${DBNAME:-temporal}
VISIBILITY_DBNAME=${VISIBILITY_DBNAME:-temporal_visibility}
SCHEMA_ROOT=${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
attempt=0
until nc -z -w 5 "${POSTGRES_SEEDS}" "${DB_PORT}"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "PostgreSQL did not open its port after $attempt attempts" >&2
    exit 1
  fi
  sleep 2
done

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS}" -p "${DB_PORT}" -u "${POSTGRES_USER}" "$@"
}

for pair in "${DBNAME}:temporal" "${VISIBILITY_DBNAME}:visibility"; do
  db=${pair%%:*}
  schema=${pair##*:}
  echo "Setting up database '${db}' (${schema} schema)..."
  sql_tool --db "${db}" create
  sql_tool --db "${db}" setup-schema -v 0.0
  sql_tool --db "${db}" update-schema -d "${SCHEMA_ROOT}/${schema}/versioned"
done

echo 'PostgreSQL schema setup complete'
