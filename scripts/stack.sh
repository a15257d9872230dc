#!/usr/bin/env bash
# The compose stack of deploy/compose.yaml (issue 20 §2; README «The compose stack»).
#
#   scripts/stack.sh up       # secrets on first start (var/stack/stack.env), start, wait until healthy
#   scripts/stack.sh down     # stop and remove the containers (volumes kept); down -v deletes them
#   scripts/stack.sh ps|logs|compose …
#
# STACK_ENV (var/stack/stack.env) holds the secrets and ports; edit it to change a port, the
# server name or the SMS provider, then `up` again. STACK_PROJECT names the compose project.
# On the first `up`, the ports and server name may come from the environment (NGINX_HTTPS_PORT,
# NGINX_HTTP_PORT, WEB1_PORT, WEB2_PORT, POSTGRES_PORT, PGBOUNCER_PORT, REDIS_PORT,
# NGINX_SERVER_NAME): `make stack-test` uses its own so that it can run beside a stack.
set -euo pipefail
cd "$(dirname "$0")/.."

STACK_ENV="${STACK_ENV:-var/stack/stack.env}"
STACK_PROJECT="${STACK_PROJECT:-daftar}"
# STACK_S3=1 adds the S3 profile (deploy/compose.s3.yaml): media in the site's S3-compatible store.
files=(-f deploy/compose.yaml)
[ "${STACK_S3:-0}" = 1 ] && files+=(-f deploy/compose.s3.yaml)
compose() { STACK_ENV_FILE="$(realpath "$STACK_ENV")" docker-compose -p "$STACK_PROJECT" "${files[@]}" --env-file "$STACK_ENV" "$@"; }

secret() { python3 -c 'import secrets, sys; print(secrets.token_urlsafe(int(sys.argv[1])))' "$1"; }

make_env() {
  if [ -s "$STACK_ENV" ]; then
    # a file from before Redis had a password gets one
    grep -q '^REDIS_PASSWORD=' "$STACK_ENV" || echo "REDIS_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(24))')" >>"$STACK_ENV"
    return
  fi
  mkdir -p "$(dirname "$STACK_ENV")"
  (
    umask 077
    cat >"$STACK_ENV" <<ENV
# daftar's compose stack: secrets generated on $(date -u +%Y-%m-%dT%H:%MZ) by scripts/stack.sh.
# Keep this file; the database volume only opens with this POSTGRES_PASSWORD.
DAFTAR_SECRET_KEY=$(secret 64)
POSTGRES_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
REDIS_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
DAFTAR_METRICS_TOKEN=$(secret 32)
NGINX_SERVER_NAME=${NGINX_SERVER_NAME:-localhost}
NGINX_HTTPS_PORT=${NGINX_HTTPS_PORT:-8443}
NGINX_HTTP_PORT=${NGINX_HTTP_PORT:-8080}
DAFTAR_ALLOWED_HOSTS=127.0.0.1,localhost,${NGINX_SERVER_NAME:-localhost}
DAFTAR_SITE_URL=https://${NGINX_SERVER_NAME:-localhost}:${NGINX_HTTPS_PORT:-8443}
POSTGRES_PORT=${POSTGRES_PORT:-15432}
PGBOUNCER_PORT=${PGBOUNCER_PORT:-16432}
REDIS_PORT=${REDIS_PORT:-16379}
WEB1_PORT=${WEB1_PORT:-8101}
WEB2_PORT=${WEB2_PORT:-8102}
DAFTAR_SMS_BACKEND=file
DAFTAR_STACK_DEMO=${DAFTAR_STACK_DEMO:-0}
ENV
  )
  echo "wrote $STACK_ENV (secrets and ports)"
}

value() { sed -n "s/^$1=//p" "$STACK_ENV" | tail -n 1; }

wait_healthy() {
  local https="https://127.0.0.1:$(value NGINX_HTTPS_PORT)/health/live" deadline=$((SECONDS + ${STACK_WAIT_SECONDS:-300}))
  local migrate
  while ((SECONDS < deadline)); do
    migrate="$(compose ps -q migrate)"
    if [ -n "$migrate" ] && [ "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$migrate")" = "exited 1" ]; then
      compose logs --tail 40 migrate >&2
      echo "the migrations failed" >&2
      return 1
    fi
    # nginx and both replicas healthy, and a page through nginx under the site's own name (a
    # name missing from DAFTAR_ALLOWED_HOSTS would answer 400 while every probe says ready)
    if curl -fsk -o /dev/null "$https" \
      && curl -fsk -o /dev/null --resolve "$(value NGINX_SERVER_NAME):$(value NGINX_HTTPS_PORT):127.0.0.1" \
        "https://$(value NGINX_SERVER_NAME):$(value NGINX_HTTPS_PORT)/" \
      && curl -fs -o /dev/null "http://127.0.0.1:$(value WEB1_PORT)/health/ready" \
      && curl -fs -o /dev/null "http://127.0.0.1:$(value WEB2_PORT)/health/ready"; then
      echo "stack ready: https://$(value NGINX_SERVER_NAME):$(value NGINX_HTTPS_PORT)/"
      return 0
    fi
    sleep 2
  done
  compose ps >&2
  echo "the stack did not become ready in ${STACK_WAIT_SECONDS:-300} s" >&2
  return 1
}

cmd="${1:-up}"
[ "$#" -gt 0 ] && shift
case "$cmd" in
  up)
    make_env
    compose up -d --remove-orphans "$@"
    wait_healthy
    ;;
  down) compose down --remove-orphans "$@" ;;
  wait) wait_healthy ;;
  env) make_env ;;
  ps) compose ps "$@" ;;
  logs) compose logs "$@" ;;
  compose) compose "$@" ;;
  *)
    echo "usage: scripts/stack.sh up|down|wait|ps|logs|compose …" >&2
    exit 2
    ;;
esac
