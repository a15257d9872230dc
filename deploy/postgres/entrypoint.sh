#!/bin/sh
# PostgreSQL 15 of the stack (deploy/services.Dockerfile): makes the cluster on first start, with
# the application's role and database, then runs the server in the foreground on 127.0.0.1.
# Continuous WAL archiving to pgBackRest is configured by postgresql.conf.d/ (docs/operations.md
# «Point-in-time recovery»); the stanza and the first full backup are made once the server runs.
#
# The superuser `postgres` has no password: it logs in only over the Unix socket as the OS user
# postgres (peer), inside this container. The app's role logs in over TCP with SCRAM.
set -eu
PORT="${POSTGRES_PORT:-5432}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set (make stack-up generates one)}"
DB_USER="${POSTGRES_USER:-daftar}"
DB_NAME="${POSTGRES_DB:-daftar}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  echo "include_dir = '/etc/daftar-postgres/postgresql.conf.d'" >>"$PGDATA/postgresql.conf"
fi

# The role and the database, until they are made once (a first start that stopped half-way is
# finished by the next one). The password goes in as a psql variable, quoted by psql itself.
if [ ! -e "$PGDATA/daftar-initialised" ]; then
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c archive_mode=off" -w start >/dev/null
  psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres -v user="$DB_USER" -v pw="$POSTGRES_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'user')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN PASSWORD :'pw';
SQL
  psql -v ON_ERROR_STOP=1 -q -U postgres -d postgres -v user="$DB_USER" -v db="$DB_NAME" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  touch "$PGDATA/daftar-initialised"
  echo "made the role $DB_USER and the database $DB_NAME"
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
