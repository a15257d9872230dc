#!/usr/bin/env bash
# A production-like stack on this machine (README «Production», issue 7): gunicorn with
# config.settings.production against the machine's PostgreSQL and Redis, static files served by
# whitenoise (compressed, hashed names, long cache headers), the demo data, and a Celery worker
# with beat in the background that stops when gunicorn stops. Bound to loopback only, so it runs
# over plain http (DAFTAR_SSL_REDIRECT=0, DAFTAR_SECURE_COOKIES=0): never expose it as it is.
#
#   make run-prod                                   # http://127.0.0.1:8001/
#   PORT=8002 WEB_WORKERS=1 WEB_THREADS=1 scripts/run_prod.sh
#
# Variables (defaults): DATABASE_URL (postgres://postgres@127.0.0.1:5432/daftar_prod, created if
# missing), REDIS_URL (redis://127.0.0.1:6379/3), PORT (8001), WEB_WORKERS (2 × cores + 1),
# WEB_THREADS (2), RUN_PROD_WORKER (1: start Celery; 0: no worker), RUN_PROD_SKIP_SETUP (0; 1 skips
# migrate/collectstatic/demo, for a restart on a prepared database), RUN_PROD_DEMO (1: load demo),
# RUN_PROD_ACCESS_LOG (-: stdout; the benchmark sets /dev/null).
# The secret is generated once into var/prod-secret-key; the licence key into var/keys/.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/daftar_prod}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/3}"
PORT="${PORT:-8001}"
CORES="$(nproc 2>/dev/null || echo 2)"
WEB_WORKERS="${WEB_WORKERS:-$((2 * CORES + 1))}"
WEB_THREADS="${WEB_THREADS:-2}"
RUN_PROD_WORKER="${RUN_PROD_WORKER:-1}"
RUN_PROD_SKIP_SETUP="${RUN_PROD_SKIP_SETUP:-0}"
RUN_PROD_DEMO="${RUN_PROD_DEMO:-1}"

mkdir -p var/keys
if [ ! -s var/prod-secret-key ]; then
  (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(64))' >var/prod-secret-key)
fi
DAFTAR_SECRET_KEY="$(cat var/prod-secret-key)"
export DAFTAR_SECRET_KEY
export DAFTAR_LICENCE_SIGNING_KEY_FILE="${DAFTAR_LICENCE_SIGNING_KEY_FILE:-$PWD/var/keys/licence-ed25519.pem}"
export DAFTAR_SITE_URL="${DAFTAR_SITE_URL:-http://127.0.0.1:$PORT}"
export DAFTAR_ALLOWED_HOSTS="${DAFTAR_ALLOWED_HOSTS:-127.0.0.1,localhost}"
# Loopback over plain http: no HTTPS redirect, no HSTS, cookies sent over http.
export DAFTAR_SSL_REDIRECT=0 DAFTAR_SECURE_COOKIES=0 DAFTAR_HSTS_SECONDS="${DAFTAR_HSTS_SECONDS:-0}"
export DAFTAR_SMS_BACKEND="${DAFTAR_SMS_BACKEND:-file}"

db_name="$("$PY" -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$DATABASE_URL")"
server_url="$("$PY" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme.replace("pgsql", "postgresql"), p.netloc, "/postgres", "", "")))' "$DATABASE_URL")"

if [ "$RUN_PROD_SKIP_SETUP" != 1 ]; then
  "$PY" - "$server_url" "$db_name" <<'EOF'
import sys

import psycopg
from psycopg import sql

with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]]).fetchone() is None:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(sys.argv[2])))
        print(f"created database {sys.argv[2]}")
EOF
  [ -s "$DAFTAR_LICENCE_SIGNING_KEY_FILE" ] || "$PY" manage.py licence_keygen
  "$PY" manage.py migrate --noinput -v 0
  # collectstatic compresses every file (a minute on 2 cores): only when a static file changed
  manifest=var/static/staticfiles.json
  if [ ! -f "$manifest" ] || [ -n "$(find daftar/static .venv/.installed -newer "$manifest" -print -quit 2>/dev/null)" ]; then
    "$PY" manage.py collectstatic --noinput -v 0
  fi
  if [ "$RUN_PROD_DEMO" = 1 ]; then "$PY" manage.py load_demo >/dev/null; fi
fi

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

if [ "$RUN_PROD_WORKER" = 1 ]; then
  mkdir -p var/celery
  # two slots: an outbox drain lingers through a burst (OUTBOX_LINGER_SECONDS) and would hold a
  # single slot, keeping inquiries, clocks and reminders waiting
  .venv/bin/celery -A config worker -l warning --concurrency 2 --pidfile= &
  pids+=("$!")
  # the one scheduler, a process of its own (a second worker never starts a second beat)
  .venv/bin/celery -A config beat -l warning --schedule var/celery/beat-schedule --pidfile= &
  pids+=("$!")
fi

echo "daftar (production settings) on http://127.0.0.1:$PORT/  database $db_name, $WEB_WORKERS workers × $WEB_THREADS threads"
.venv/bin/gunicorn config.wsgi --config python:config.gunicorn_conf \
  --bind "127.0.0.1:$PORT" --workers "$WEB_WORKERS" --threads "$WEB_THREADS" \
  --worker-class gthread --backlog 2048 --keep-alive 5 --max-requests 0 \
  --access-logfile "${RUN_PROD_ACCESS_LOG:--}" --access-logformat '%(h)s "%(r)s" %(s)s %(b)s %(M)sms' &
pids+=("$!")
wait "${pids[-1]}"
