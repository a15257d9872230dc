#!/bin/sh
# daftar's container entrypoint: one image, a role per command (deploy/Dockerfile).
#
#   web       gunicorn on $WEB_BIND:$WEB_PORT (default 0.0.0.0:8000, for a pod; the compose stack
#             binds 127.0.0.1); config/gunicorn_conf.py; WEB_WORKERS, WEB_THREADS
#   worker    a Celery worker (no beat: WORKER_CONCURRENCY, WORKER_QUEUES)
#   beat      Celery beat, the one scheduler of the whole stack (run exactly one)
#   migrate   database migrations; with DAFTAR_STACK_DEMO=1 also the demo data
#   keygen    the licence signing key, once (kept in the keys volume)
#   manage …  any manage.py command
#   anything else is run as given (e.g. sh)
set -eu
cd /opt/daftar/app

role="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$role" in
  web)
    # Metrics of several worker processes are kept in files here (prometheus_client multiprocess
    # mode); a fresh start must not read a dead process's counters.
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
      mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && find "$PROMETHEUS_MULTIPROC_DIR" -type f -name '*.db' -delete
    fi
    exec gunicorn -c python:config.gunicorn_conf \
      --bind "${WEB_BIND:-0.0.0.0}:${WEB_PORT:-8000}" \
      --workers "${WEB_WORKERS:-3}" --threads "${WEB_THREADS:-2}" \
      --graceful-timeout "${WEB_GRACEFUL_TIMEOUT:-20}" --timeout "${WEB_TIMEOUT:-60}" \
      --access-logfile - "$@" config.wsgi
    ;;
  worker)
    exec celery -A config worker -l "${WORKER_LOG_LEVEL:-info}" \
      --concurrency "${WORKER_CONCURRENCY:-2}" -Q "${WORKER_QUEUES:-celery}" \
      --hostname "worker@%h" "$@"
    ;;
  beat)
    exec celery -A config beat -l "${WORKER_LOG_LEVEL:-info}" \
      --schedule /var/lib/daftar/beat/celerybeat-schedule "$@"
    ;;
  migrate)
    python manage.py migrate --noinput
    if [ "${DAFTAR_STACK_DEMO:-0}" = 1 ]; then
      python manage.py load_demo
    fi
    ;;
  keygen)
    if [ -s "${DAFTAR_LICENCE_SIGNING_KEY_FILE}" ]; then
      echo "licence signing key present"
    else
      python manage.py licence_keygen
    fi
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
