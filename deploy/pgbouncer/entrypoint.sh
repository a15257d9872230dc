#!/bin/sh
# PgBouncer of the stack, in TRANSACTION mode (issue 20 §2): many web and worker connections share
# a few server connections. daftar's settings are safe for it with DAFTAR_DB_POOLER=pgbouncer (no
# server-side cursors, no prepared statements; docs/operations.md «PgBouncer»).
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
DB_USER="${POSTGRES_USER:-daftar}"
DB_NAME="${POSTGRES_DB:-daftar}"
run=/etc/pgbouncer/run
umask 077
printf '"%s" "%s"\n' "$DB_USER" "$POSTGRES_PASSWORD" >"$run/userlist.txt"
cat >"$run/pgbouncer.ini" <<INI
[databases]
$DB_NAME = host=127.0.0.1 port=${POSTGRES_PORT:-5432} dbname=$DB_NAME

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${PGBOUNCER_PORT:-6432}
unix_socket_dir = /run/pgbouncer
auth_type = scram-sha-256
auth_file = $run/userlist.txt
pool_mode = transaction
max_client_conn = ${PGBOUNCER_MAX_CLIENT_CONN:-1000}
default_pool_size = ${PGBOUNCER_POOL_SIZE:-20}
reserve_pool_size = 5
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
stats_users = $DB_USER
log_connections = 0
log_disconnections = 0
INI
exec pgbouncer "$run/pgbouncer.ini"
