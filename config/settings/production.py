"""Production: PostgreSQL, Redis, a Celery worker, S3 media, a real SMS gateway, DEBUG off.

Refuses to start without a real secret, a database and Redis. ``manage.py check --deploy
--fail-level WARNING`` passes with these settings (tested in CI).
"""

from django.core.exceptions import ImproperlyConfigured
from whitenoise.storage import CompressedManifestStaticFilesStorage

from daftar.runtime.logging_setup import logging_config

from .base import *  # noqa: F403
from .base import DATABASES, LOG_LEVEL, MIDDLEWARE, REDIS_URL, SECRET_KEY, env

DEBUG = False
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DAFTAR_SECRET_KEY must be set to a random string of 50+ characters.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (cache, throttles, Celery).")

# Static files served by the web process itself, compressed, with long cache headers. Without
# "Access-Control-Allow-Origin: *" (whitenoise's default): every page uses its fonts, styles and
# scripts from its own origin, so no other site needs to read them (issue 17).
_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [*MIDDLEWARE[:_SECURITY], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[_SECURITY:]]
WHITENOISE_ALLOW_ALL_ORIGINS = False


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed manifest storage, without following ``sourceMappingURL``
    comments: the vendored minified files name source maps that are not shipped (bootstrap,
    chart.js), and a missing map would stop ``collectstatic`` (issue 7, ``make run-prod``)."""

    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in (p[0] if isinstance(p, tuple) else p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )


STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "config.settings.production.StaticFilesStorage"},
}

# One JSON object a log line unless the operator asks for the readable one (issue 20).
LOG_FORMAT = env.str("DAFTAR_LOG_FORMAT", default="json")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# Production runs behind one TLS reverse proxy (README): trust its X-Forwarded-For entry, or
# every client would share the proxy's address and its per-address throttles.
TRUSTED_PROXY_COUNT = env.int("DAFTAR_TRUSTED_PROXY_COUNT", default=1)

SECURE_SSL_REDIRECT = env.bool("DAFTAR_SSL_REDIRECT", default=True)
# Probes and scrapes speak plain http from inside the host or the cluster (daftar/ops answers them
# before the redirect anyway; this keeps them exempt if the middleware order changes).
SECURE_REDIRECT_EXEMPT = [r"^health/live$", r"^health/ready$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DAFTAR_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DAFTAR_HSTS_PRELOAD", default=True)
# Secure cookies always, except for a loopback stack spoken to over plain http (``make run-prod``,
# the benchmarks: scripts/run_prod.sh sets DAFTAR_SECURE_COOKIES=0 with DAFTAR_SSL_REDIRECT=0).
SESSION_COOKIE_SECURE = env.bool("DAFTAR_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Admission gate: load shedding (issue 7) -------------------------------------------
# Requests per second admitted per group across all web processes; the excess is answered
# 429 + Retry-After at once (daftar/runtime/admission.py). These defaults are EXAMPLES for one
# 2-core machine (gunicorn 5 workers x 2 threads): size them from `make bench` on the real
# hardware (docs/scaling.md «Shedding a spike»). A budget must sit BELOW what the stack can
# process of that request (the gate counts requests when Django reaches them, not when they
# arrive: above capacity it never sheds and the crowd waits in gunicorn's backlog). 0 turns a
# group's gate off, and off is the default: a budget is for the whole cluster, so a figure that
# fits one machine would throttle a larger deployment. `make bench` runs its spike with login
# 30, submit 15, create 60 (measured on 2 cores; docs/scaling.md).
ADMISSION_RATES = {
    "login": env.float("DAFTAR_ADMISSION_LOGIN_RPS", default=0),
    "submit": env.float("DAFTAR_ADMISSION_SUBMIT_RPS", default=0),
    "create": env.float("DAFTAR_ADMISSION_CREATE_RPS", default=0),
}
ADMISSION_MAX_RETRY_AFTER = env.int("DAFTAR_ADMISSION_MAX_RETRY_AFTER", default=120)
