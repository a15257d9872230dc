# The stack's other services, each from Debian's packages on the same debootstrapped base
# (issue 20 §2): no image from Docker Hub. One target per service:
#   docker build -f deploy/services.Dockerfile --target nginx -t daftar-nginx .
# (`make stack-images` builds them all; nginx also takes the static files from the app image.)
ARG BASE_IMAGE=daftar-base:bookworm
ARG APP_IMAGE=daftar:latest

FROM ${APP_IMAGE} AS app

# --- PostgreSQL 15 with pgBackRest (continuous WAL archiving, point-in-time recovery) ---------
FROM ${BASE_IMAGE} AS postgres
RUN apt-get update \
 && apt-get install -y postgresql-15 pgbackrest tini \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres /var/lib/postgresql/data /var/lib/pgbackrest /var/log/pgbackrest /run/postgresql
COPY deploy/postgres/ /etc/daftar-postgres/
# pgBackRest's configuration where it looks by default; the pitr-*.sh scripts together (they
# source pitr-lib.sh from their own folder). The container's data directory and port differ from
# Debian's layout in the file: pgBackRest reads PGBACKREST_PG1_* from the environment first.
RUN chmod +x /etc/daftar-postgres/*.sh \
 && install -d /etc/pgbackrest && cp /etc/daftar-postgres/pgbackrest.conf /etc/pgbackrest/pgbackrest.conf \
 && cp /etc/daftar-postgres/pitr-*.sh /usr/local/bin/
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data \
    PGBACKREST_PG1_PATH=/var/lib/postgresql/data PGBACKREST_PG1_SOCKET_PATH=/var/run/postgresql \
    TZ=Asia/Tehran
USER postgres
HEALTHCHECK --interval=5s --timeout=3s --retries=10 CMD ["sh", "-c", "pg_isready -h 127.0.0.1 -p ${POSTGRES_PORT:-5432}"]
ENTRYPOINT ["/usr/bin/tini", "--", "/etc/daftar-postgres/entrypoint.sh"]

# --- PgBouncer in transaction mode ---------------------------------------------------------
FROM ${BASE_IMAGE} AS pgbouncer
RUN apt-get update \
 && apt-get install -y pgbouncer postgresql-client tini \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres /run/pgbouncer /etc/pgbouncer/run
COPY deploy/pgbouncer/entrypoint.sh /usr/local/bin/pgbouncer-entrypoint
USER postgres
HEALTHCHECK --interval=5s --timeout=3s --retries=10 CMD ["sh", "-c", "pg_isready -h 127.0.0.1 -p ${PGBOUNCER_PORT:-6432}"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/pgbouncer-entrypoint"]

# --- Redis (cache, throttles, Celery broker) ---------------------------------------------
FROM ${BASE_IMAGE} AS redis
RUN apt-get update \
 && apt-get install -y redis-server tini \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o redis -g redis /var/lib/redis
USER redis
HEALTHCHECK --interval=5s --timeout=3s --retries=10 CMD ["sh", "-c", "redis-cli -p ${REDIS_PORT:-6379} ping | grep -q PONG"]
# A password even on loopback: the cache holds pickled values, so whoever may write a key could
# run code in the app; REDIS_PASSWORD is generated into stack.env.
ENTRYPOINT ["/usr/bin/tini", "--", "sh", "-c", "exec redis-server --bind 127.0.0.1 --port ${REDIS_PORT:-6379} --dir /var/lib/redis --appendonly yes --maxmemory-policy noeviction --protected-mode yes --requirepass \"${REDIS_PASSWORD:?REDIS_PASSWORD must be set}\""]

# --- nginx: TLS, static files, the outer request limit --------------------------------------
FROM ${BASE_IMAGE} AS nginx
RUN apt-get update \
 && apt-get install -y nginx-light openssl tini gettext-base curl \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && install -d -o www-data -g www-data /var/lib/nginx /var/log/nginx /etc/nginx/tls
COPY --from=app /opt/daftar/app/var/static /srv/daftar/static
COPY deploy/nginx/daftar.conf.template /etc/nginx/templates/daftar.conf.template
# nginx's own answers in Persian (413, 429, 502–504): self-contained pages, served internally
COPY deploy/nginx/errors/ /etc/nginx/errors/
COPY deploy/nginx/entrypoint.sh /usr/local/bin/nginx-entrypoint
HEALTHCHECK --interval=5s --timeout=3s --retries=10 CMD ["sh", "-c", "curl -fsk https://127.0.0.1:${NGINX_HTTPS_PORT:-8443}/health/live >/dev/null"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/nginx-entrypoint"]
