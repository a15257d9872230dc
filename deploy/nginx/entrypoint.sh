#!/bin/sh
# Renders nginx's site from the template and the environment, makes a self-signed certificate
# when none is given, and runs nginx in the foreground.
#   NGINX_TLS_CERT / NGINX_TLS_KEY   a certificate and key to use (mounted files); else self-signed
#   DAFTAR_WEB_UPSTREAMS             "127.0.0.1:8101 127.0.0.1:8102" (the web replicas)
#   NGINX_MAX_BODY                   the largest request body; errors/413.html names it (12 MB):
#                                    change the page with it
set -eu
: "${NGINX_HTTP_PORT:=8080}" "${NGINX_HTTPS_PORT:=8443}" "${NGINX_SERVER_NAME:=_}"
: "${NGINX_RATE_PER_ADDRESS:=50r/s}" "${NGINX_BURST_PER_ADDRESS:=100}" "${NGINX_MAX_BODY:=12m}"
: "${DAFTAR_WEB_UPSTREAMS:=127.0.0.1:8101 127.0.0.1:8102}"
tls=/etc/nginx/tls
if [ -n "${NGINX_TLS_CERT:-}" ] && [ -n "${NGINX_TLS_KEY:-}" ]; then
  cp "$NGINX_TLS_CERT" "$tls/cert.pem" && cp "$NGINX_TLS_KEY" "$tls/key.pem"
elif [ ! -s "$tls/cert.pem" ]; then
  name="${NGINX_SERVER_NAME}"
  [ "$name" = "_" ] && name=localhost
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$name" \
    -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
    -keyout "$tls/key.pem" -out "$tls/cert.pem" 2>/dev/null
  echo "made a self-signed certificate for $name (give NGINX_TLS_CERT/NGINX_TLS_KEY for a real one)"
fi
chmod 600 "$tls/key.pem"
servers=""
for s in $DAFTAR_WEB_UPSTREAMS; do
  servers="$servers    server $s max_fails=1 fail_timeout=5s;
"
done
NGINX_UPSTREAM_SERVERS="$servers"
if [ "$NGINX_HTTPS_PORT" = 443 ]; then NGINX_HTTPS_SUFFIX=""; else NGINX_HTTPS_SUFFIX=":$NGINX_HTTPS_PORT"; fi
export NGINX_HTTP_PORT NGINX_HTTPS_PORT NGINX_SERVER_NAME NGINX_RATE_PER_ADDRESS NGINX_BURST_PER_ADDRESS \
  NGINX_MAX_BODY NGINX_UPSTREAM_SERVERS NGINX_HTTPS_SUFFIX
envsubst '${NGINX_HTTP_PORT} ${NGINX_HTTPS_PORT} ${NGINX_SERVER_NAME} ${NGINX_RATE_PER_ADDRESS} ${NGINX_BURST_PER_ADDRESS} ${NGINX_MAX_BODY} ${NGINX_UPSTREAM_SERVERS} ${NGINX_HTTPS_SUFFIX}' \
  </etc/nginx/templates/daftar.conf.template >/etc/nginx/conf.d/daftar.conf
nginx -t -q
exec nginx -g 'daemon off;'
