#!/bin/sh
# PostgreSQL 15 of the stack (deploy/services.Dockerfile): makes the cluster on first start, with
# the application's role and database, then runs the server in the foreground on 127.0.0.1.
# Continuous WAL archiving to pgBackRest is configured by postgresql.conf.d/ (docs/operations.md
# «Point-in-time recovery»); the stanza and the first full backup are made once the server runs.
set -eu
PORT="${POSTGRES_PORT:-5432}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (make stack-up generates one)}"
DB_USER="${POSTGRES_USER:-daftar}"
DB_NAME="${POSTGRES_DB:-daftar}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "include_dir = '/etc/daftar-postgres/postgresql.conf.d'" >>"$PGDATA/postgresql.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c archive_mode=off" -w start >/dev/null
  psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres \
    -c "CREATE ROLE \"$DB_USER\" LOGIN PASSWORD '$POSTGRES_PASSWORD'" \
    -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\""
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "made the cluster with database $DB_NAME"
fi

export PGBACKREST_PG1_PORT="$PORT"
if [ "${PITR_ENABLED:-1}" = 1 ]; then
  # The stanza and a first full backup once the server accepts connections (idempotent).
  (
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 1; done
    /usr/local/bin/pitr-setup.sh || echo "pitr-setup failed: see /var/log/pgbackrest" >&2
  ) &
  archiving=""
else
  archiving="-c archive_mode=off"
fi

# shellcheck disable=SC2086
exec postgres -D "$PGDATA" -c listen_addresses=127.0.0.1 -c port="$PORT" $archiving
