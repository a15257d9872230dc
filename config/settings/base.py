"""Settings shared by every mode, read from environment variables (12-factor).

With no variable set the product runs *embedded*: SQLite under ``var/``, local media,
console SMS, eager tasks and a local-memory cache. Every variable is documented in
``docs/configuration.md``.
"""

import ipaddress
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

from daftar.runtime import logging_setup as _logging_setup
from daftar.runtime import sentry as _sentry

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env.str("DAFTAR_SECRET_KEY", default="")
DEBUG = env.bool("DAFTAR_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DAFTAR_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DAFTAR_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "captcha",
    "csp",
    "django_structlog",  # request ids in logs and Celery task headers (issue 20)
    "daftar.kernel",
    "daftar.runtime",
    "daftar.audit",
    "daftar.municipalities",
    "daftar.accounts",
    "daftar.notifications",
    "daftar.rules",
    "daftar.calls",
    "daftar.applications",
    "daftar.documents",
    "daftar.inquiries",
    "daftar.licences",
    "daftar.assessments",
    "daftar.portal",  # the national licensing portal connector (issue 21)
    "daftar.supervision",
    "daftar.inspections",
    "daftar.catalogue",
    "daftar.offices",
    "daftar.legacy.services",  # migrations only (decision 0025)
    "daftar.appointments",
    "daftar.ledger",
    "daftar.feedback",  # citizens' ratings after a service (issue 22 §1)
    "daftar.hall",  # the walk-in queue: tickets, counters, the hall display (issue 22 §3)
    "daftar.scorecard",  # office scorecards and ranks per period (issue 22 §2)
    "daftar.revenue",
    "daftar.complaints",  # issue 21 §3
    "daftar.desk",
    "daftar.demo",
    "daftar.figures",  # public figures per municipality (issue 21 §5)
    "daftar.ops",  # health, readiness, metrics (issue 20)
    "daftar.site",
]

MIDDLEWARE = [
    "daftar.runtime.logging_middleware.RequestIdMiddleware",  # issue 20: every answer but health/metrics has an id
    "daftar.runtime.middleware.PermissionsPolicyMiddleware",  # issue 17: outermost, static files too
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "daftar.runtime.outage.DatabaseOutageMiddleware",  # a lost database: 503 + Retry-After (issue 8)
    "daftar.runtime.admission.AdmissionMiddleware",
    "daftar.runtime.middleware.ApiBodyLimitMiddleware",
    "daftar.runtime.middleware.PersianQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "daftar.accounts.session.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "daftar" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "daftar.site.context_processors.site",
                "daftar.site.context_processors.navigation",
                "daftar.site.context_processors.csrf",  # after Django's own: cached pages' token
            ],
            "builtins": ["daftar.kernel.templatetags.persian"],
        },
    },
]

# --- Database --------------------------------------------------------------------------
# SQLite by default (a fixed path under var/); DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'daftar.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a write transaction takes the write lock at BEGIN, so two writers can never
    # read the same audit-chain head (see daftar/audit/services.py).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DAFTAR_DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica (issue 20; docs/operations.md «Read replica»): heavy reports and exports read
# from it (daftar/runtime/dbrouter.py); unset, everything uses the primary. Connection settings
# are the primary's; the test runner points it at the test database (a mirror).
DATABASE_REPLICA = ""
if env.str("DAFTAR_DATABASE_REPLICA_URL", default=""):
    DATABASE_REPLICA = "replica"
    DATABASES[DATABASE_REPLICA] = {
        **DATABASES["default"],
        **env.db_url("DAFTAR_DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["daftar.runtime.dbrouter.ReplicaRouter"]

# PgBouncer in transaction mode (issue 20, decision 0041, docs/operations.md «PgBouncer»): said,
# not guessed. DAFTAR_DB_POOLER=pgbouncer when DATABASE_URL points at PgBouncer; migrate, backup
# and restore connect to PostgreSQL itself. Under transaction pooling consecutive transactions of
# one connection may run on different server sessions, so nothing may outlive a transaction:
# no server-side cursors (exports read in keyset batches, daftar/kernel/streaming.py), no
# prepared statements (psycopg's prepare_threshold None; Django's client-side binding is kept).
DAFTAR_DB_POOLER = env.str("DAFTAR_DB_POOLER", default="").strip().lower()
if DAFTAR_DB_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(f"DAFTAR_DB_POOLER must be empty or 'pgbouncer', not {DAFTAR_DB_POOLER!r}")


def pgbouncer_safe(database: dict[str, Any]) -> dict[str, Any]:
    """``database`` (a DATABASES entry) made safe for PgBouncer's transaction mode."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DAFTAR_DB_POOLER=pgbouncer needs a PostgreSQL DATABASE_URL")
    options = database.setdefault("OPTIONS", {})
    if options.get("server_side_binding"):
        raise ImproperlyConfigured("server_side_binding prepares statements: not with DAFTAR_DB_POOLER=pgbouncer")
    options["prepare_threshold"] = None
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    # A connection to PgBouncer is cheap and holds no server session: keep it (example default).
    database["CONN_MAX_AGE"] = env.int("DAFTAR_DB_CONN_MAX_AGE", default=300)
    return database


if DAFTAR_DB_POOLER == "pgbouncer":  # the primary and the read replica alike
    for _database in DATABASES.values():
        pgbouncer_safe(_database)
# The rows an export or the audit chain's walk reads per query (example default).
DAFTAR_EXPORT_CHUNK_ROWS = env.int("DAFTAR_EXPORT_CHUNK_ROWS", default=2000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, throttles, Celery ----------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Redis behind Sentinel (issue 20; docs/operations.md «Redis and Sentinel»): the sentinels'
# host:port list and the name of the master they watch. REDIS_URL then gives only the database
# number and password (redis://:password@any-host/0); its host is not used.
# "host:port" or a bare host (Sentinel's port, 26379)
REDIS_SENTINELS = [
    (host, int(port)) if host else (port, 26379)
    for host, _, port in (s.strip().rpartition(":") for s in env.list("DAFTAR_REDIS_SENTINELS", default=[]))
    if port
]
REDIS_SENTINEL_MASTER = env.str("DAFTAR_REDIS_SENTINEL_MASTER", default="mymaster")
if REDIS_URL:
    _redis = urlparse(REDIS_URL)
    _redis_db = (_redis.path or "/0").lstrip("/") or "0"
    _redis_auth = f":{_redis.password}@" if _redis.password else ""
    CACHES = {
        "default": {
            # django-redis with daftar's one-round-trip counter (daftar/runtime/cache.py)
            "BACKEND": "daftar.runtime.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("DAFTAR_CACHE_PREFIX", default="daftar"),  # unchanged: counters survive a deploy
            "OPTIONS": {"PICKLE_VERSION": -1},  # as Django's own Redis backend pickled
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    if REDIS_SENTINELS:
        # the master only (is_master=1): a replica's lag would break the counters' and
        # versions' read-after-write (django-redis would read from the replicas otherwise)
        CACHES["default"]["LOCATION"] = [f"redis://{_redis_auth}{REDIS_SENTINEL_MASTER}/{_redis_db}?is_master=1"]
        CACHES["default"]["OPTIONS"].update(
            {
                "CLIENT_CLASS": "django_redis.client.SentinelClient",
                "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
                "SENTINELS": REDIS_SENTINELS,
            }
        )
        # Celery (kombu) finds the master through the same sentinels
        CELERY_BROKER_URL = ";".join(f"sentinel://{_redis_auth}{h}:{p}/{_redis_db}" for h, p in REDIS_SENTINELS)
        CELERY_BROKER_TRANSPORT_OPTIONS = {"master_name": REDIS_SENTINEL_MASTER}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"

CELERY_TASK_ALWAYS_EAGER = env.bool("DAFTAR_TASKS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Tehran"
CELERY_BEAT_SCHEDULE = {
    # Safety net: whatever on_commit did not hand over (a crash, a broker hiccup) goes out here.
    "drain-outbox": {"task": "daftar.notifications.tasks.drain_outbox", "schedule": 30.0},
    # Spooled log rows whose process is gone (each web process flushes its own every second).
    "flush-spools": {"task": "daftar.runtime.tasks.flush_spools", "schedule": 60.0},
    # Expired API tokens (knox swept them on every token look-up; daftar/accounts/authentication.py).
    "purge-tokens": {"task": "daftar.accounts.tasks.purge_tokens", "schedule": 60 * 60.0},
    # Legal clocks: outages, reminders, consequences (escalation or deemed approval), expiry (P1).
    "tick-clocks": {"task": "daftar.applications.tasks.tick_clocks", "schedule": 15 * 60.0},
    # Inquiries whose retry is due (a worker that died mid-inquiry leaves them pending).
    "retry-inquiries": {"task": "daftar.inquiries.tasks.sweep_inquiries", "schedule": 60.0},
    # Licences: end suspensions whose last day passed, expire those past validity + grace (S16).
    "sweep-licences": {"task": "daftar.licences.tasks.sweep_licences", "schedule": 60 * 60.0},
    # Supervision: remind offices of the six-monthly report; record a missing one as a violation (P5).
    "supervision-report-reminders": {"task": "daftar.supervision.tasks.remind_reports", "schedule": 6 * 60 * 60.0},
    # Supervision: remind the holder and the office's managers of a notice's response deadline (issue 21).
    "supervision-notice-reminders": {"task": "daftar.supervision.tasks.remind_notices", "schedule": 60 * 60.0},
    # Complaints: remind the supervisors before a complaint's due time, and when it passed (issue 21).
    "remind-complaints": {"task": "daftar.complaints.tasks.remind_complaints", "schedule": 60 * 60.0},
    # issue 22 §3: the queue of a day that is over ends (its tickets expire, mobiles erased)
    "hall-close-days": {"task": "daftar.hall.tasks.close_days", "schedule": 30 * 60.0},
    # Appointments: an SMS reminder the day before (S17 online appointments).
    "appointment-reminders": {"task": "daftar.appointments.tasks.send_reminders", "schedule": 30 * 60.0},
}

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("DAFTAR_SESSION_AGE", default=8 * 3600)
# Issue 23 (runtime.pagecache, decision 0054): whole pages kept in the cache, moved on by changes
# to their rows; off, every page is built by its view.
PAGE_CACHE = env.bool("DAFTAR_PAGE_CACHE", default=True)
# Decision 0055: how old (seconds) a busy staff list (a municipality's queue, register, violations,
# revenue report) may be shown after its rows changed, while one request builds the new one; 0
# always waits for the new one. An example value, not a rule of any regulation.
PAGE_CACHE_STAFF_STALE = env.float("DAFTAR_PAGE_CACHE_STAFF_STALE", default=5.0)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# One-time codes (S15.3-S15.4). Numbers not given by the domain are settings; see docs.
OTP_TTL_SECONDS = env.int("DAFTAR_OTP_TTL", default=120)
OTP_RESEND_SECONDS = env.int("DAFTAR_OTP_RESEND", default=60)
OTP_MAX_ATTEMPTS = env.int("DAFTAR_OTP_MAX_ATTEMPTS", default=5)
# Codes one requester (a client address, IPv6 by /64, or a device that logged in to the number
# before) may get for one number in any hour; also the hourly cap of mobile-change requests.
OTP_HOURLY_CAP = env.int("DAFTAR_OTP_HOURLY_CAP", default=5)
# SMS-flood caps of a number over all requesters without a device of it (example figures):
# higher than one requester's, so no one requester can fill them (issue 17, decision 0029).
OTP_NUMBER_HOURLY_CAP = env.int("DAFTAR_OTP_NUMBER_HOURLY_CAP", default=10)
OTP_NUMBER_DAILY_CAP = env.int("DAFTAR_OTP_NUMBER_DAILY_CAP", default=15)
# Code checks for one number in 24 hours, over every code and requester without a device of it;
# past it only a code's own requester is still heard (bounded by OTP_MAX_ATTEMPTS a code). The
# guessing budget is then at most this + OTP_MAX_ATTEMPTS x OTP_NUMBER_DAILY_CAP = 100 a day
# (docs/security.md gives the attacker's odds; example figures).
OTP_DAILY_TRIES = env.int("DAFTAR_OTP_DAILY_TRIES", default=25)
# A device token (cookie or API field) is handed out at each login; it lets that client past the
# number-wide caps and the budget for this long (days, an example figure).
OTP_DEVICE_DAYS = env.int("DAFTAR_OTP_DEVICE_DAYS", default=180)
# One-time code rows hold the client address: deleted this many days after they were made
# (an example figure; never before the caps above have done with them).
OTP_RETENTION_DAYS = env.int("DAFTAR_OTP_RETENTION_DAYS", default=30)
# Per-address limits of the login (decision 0028). Iranian mobile carriers put many people
# behind one address (carrier-grade NAT), so an address is never locked out for being busy:
# past OTP_CHALLENGE_AFTER code requests in a sliding hour, or OTP_CAPTCHA_FAILURES_CHALLENGE_AFTER
# wrong captchas, each further request must also carry a solved proof of work (harder as the
# address gets busier, up to POW_MAX_LEVEL); only OTP_PER_ADDRESS_CEILING, far above any crowd
# we expect, answers 429. An "address" is an IPv4 address or an IPv6 /64. The figures are
# EXAMPLES (docs/configuration.md); the per-number limits protect each person.
OTP_CHALLENGE_AFTER = env.int("DAFTAR_OTP_CHALLENGE_AFTER", default=60)
OTP_CAPTCHA_FAILURES_CHALLENGE_AFTER = env.int("DAFTAR_OTP_CAPTCHA_FAILURES_CHALLENGE_AFTER", default=20)
OTP_PER_ADDRESS_CEILING = env.int("DAFTAR_OTP_PER_ADDRESS_CEILING", default=5000)
# checks without the request id of a live code (those are bounded by five tries a code)
OTP_VERIFY_PER_ADDRESS_HOURLY = env.int("DAFTAR_OTP_VERIFY_PER_ADDRESS_HOURLY", default=6000)
# Captchas minted (login page, refresh, API) per address, sliding hour: past
# CAPTCHA_CHALLENGE_AFTER the address's code requests need the proof of work (harder as it
# mints more); only CAPTCHA_PER_ADDRESS_CEILING (about 17 a second for an hour) answers 429.
# Captchas drawn (picture, sound) per address, sliding hour: CAPTCHA_RENDERS_PER_ADDRESS_HOURLY.
CAPTCHA_CHALLENGE_AFTER = env.int("DAFTAR_CAPTCHA_CHALLENGE_AFTER", default=300)
CAPTCHA_PER_ADDRESS_CEILING = env.int("DAFTAR_CAPTCHA_PER_ADDRESS_CEILING", default=60000)
CAPTCHA_RENDERS_PER_ADDRESS_HOURLY = env.int("DAFTAR_CAPTCHA_RENDERS_PER_ADDRESS_HOURLY", default=12000)
# Proof of work (ALTCHA v1, SHA-256): level n asks for a number up to n × POW_MAX_NUMBER
# (a browser tries half of them on average; headless Chromium on a 2-core server hashes 100,000
# in about 1 s, so a level costs it about 0.5 s; phones are slower, not measured: decision 0028).
POW_MAX_NUMBER = env.int("DAFTAR_POW_MAX_NUMBER", default=100_000)
POW_MAX_LEVEL = env.int("DAFTAR_POW_MAX_LEVEL", default=8)
POW_TTL_SECONDS = env.int("DAFTAR_POW_TTL", default=600)
# Number of reverse proxies in front of the app whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = env.int("DAFTAR_TRUSTED_PROXY_COUNT", default=0)

# Captcha: challenges stored by django-simple-captcha, drawn and spoken by our own code
# (daftar/accounts/captcha.py, decision 0028); digits only, so a Persian keyboard works too
# (input digits are normalised).
CAPTCHA_CHALLENGE_FUNCT = "daftar.accounts.captcha.digits_challenge"
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_TEST_MODE = env.bool("DAFTAR_CAPTCHA_TEST_MODE", default=False)

# API bearer tokens (django-rest-knox: stored hashed, revocable, expiring).
# API tokens: TOKEN_TTL is their idle limit (each use moves the expiry on), TOKEN_MAX_AGE_HOURS
# their absolute one from the login (knox's AUTO_REFRESH_MAX_TTL; issue 8, docs/security.md).
TOKEN_MAX_AGE_HOURS = env.int("DAFTAR_TOKEN_MAX_AGE_HOURS", default=24)
REST_KNOX = {
    "TOKEN_TTL": __import__("datetime").timedelta(hours=env.int("DAFTAR_TOKEN_TTL_HOURS", default=12)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": __import__("datetime").timedelta(hours=TOKEN_MAX_AGE_HOURS),
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_LIMIT_PER_USER": 20,
    # The sliding expiry is written at most every 10 minutes (knox's default is every minute):
    # a 12-hour token's end moves by whole minutes either way, and reads stay free of writes.
    "MIN_REFRESH_INTERVAL": env.int("DAFTAR_TOKEN_REFRESH_SECONDS", default=600),
}

# --- SMS -------------------------------------------------------------------------------
SMS_BACKEND = env.str("DAFTAR_SMS_BACKEND", default="console")
SMS_DIR = Path(env.str("DAFTAR_SMS_DIR", default=str(VAR_DIR / "sms")))
SMS_HTTP_URL = env.str("DAFTAR_SMS_HTTP_URL", default="")
SMS_HTTP_KEY = env.str("DAFTAR_SMS_HTTP_KEY", default="")
SMS_HTTP_SENDER = env.str("DAFTAR_SMS_HTTP_SENDER", default="")
SMS_HTTP_TIMEOUT = env.float("DAFTAR_SMS_HTTP_TIMEOUT", default=5.0)
SMS_HTTP_RETRIES = env.int("DAFTAR_SMS_HTTP_RETRIES", default=2)
# Iranian SMS providers (DAFTAR_SMS_BACKEND=providers, issue 20; docs/operations.md «SMS providers»):
# tried in this order, each once per message with SMS_HTTP_TIMEOUT. Keys, lines and template ids
# are the site's own (from each provider's panel); none has a usable default.
SMS_PROVIDERS = env.list("DAFTAR_SMS_PROVIDERS", default=[])  # e.g. kavenegar,smsir
KAVENEGAR_API_KEY = env.str("DAFTAR_KAVENEGAR_API_KEY", default="")
KAVENEGAR_SENDER = env.str("DAFTAR_KAVENEGAR_SENDER", default="")  # empty: the account's default line
KAVENEGAR_OTP_TEMPLATE = env.str("DAFTAR_KAVENEGAR_OTP_TEMPLATE", default="")  # empty: codes as text
KAVENEGAR_URL = env.str("DAFTAR_KAVENEGAR_URL", default="https://api.kavenegar.com/v1")
SMSIR_API_KEY = env.str("DAFTAR_SMSIR_API_KEY", default="")
SMSIR_LINE = env.str("DAFTAR_SMSIR_LINE", default="")  # the sending line number, e.g. 30007732000000
SMSIR_OTP_TEMPLATE_ID = env.str("DAFTAR_SMSIR_OTP_TEMPLATE_ID", default="")  # empty: codes as text
SMSIR_OTP_PARAMETER = env.str("DAFTAR_SMSIR_OTP_PARAMETER", default="CODE")  # the template's variable
SMSIR_URL = env.str("DAFTAR_SMSIR_URL", default="https://api.sms.ir/v1")
OUTBOX_MAX_ATTEMPTS = env.int("DAFTAR_OUTBOX_MAX_ATTEMPTS", default=12)
# How long a claimed message is kept from other workers while it is being sent (s).
OUTBOX_LEASE_SECONDS = env.int("DAFTAR_OUTBOX_LEASE_SECONDS", default=120)
# First wait before a message the gateway could not take is tried again (s); doubles per attempt, at most 1 h.
OUTBOX_RETRY_SECONDS = env.int("DAFTAR_OUTBOX_RETRY_SECONDS", default=15)
# Local write-ahead spools (daftar/runtime/spool.py): log rows of hot paths, written in bulk about a
# second later. On each web host's own disk. Public licence checks use one when
# VERIFICATION_LOG_SPOOL is on (by default wherever tasks are not eager, i.e. with Redis).
SPOOL_DIR = Path(env.str("DAFTAR_SPOOL_DIR", default=str(VAR_DIR / "spool")))
SPOOL_FLUSH_THREAD = True  # each appending process flushes its spool every second
VERIFICATION_LOG_SPOOL = env.bool("DAFTAR_VERIFICATION_LOG_SPOOL", default=not CELERY_TASK_ALWAYS_EAGER)
# How long a drain task stays after the outbox ran dry, for messages still coming (a burst is
# drained by one task in batches, not by a task per trickle; daftar/notifications/tasks.py).
# 0 with eager tasks: there the drain runs inside the request that queued the message.
# how long a process keeps an administrator's SMS text before reading it again (issue 21 §4,
# decision 0047): an edit reaches every process within this time
SMS_TEXT_CACHE_SECONDS = env.float("DAFTAR_SMS_TEXT_CACHE_SECONDS", default=30.0)
OUTBOX_LINGER_SECONDS = 0.0 if CELERY_TASK_ALWAYS_EAGER else env.float("DAFTAR_OUTBOX_LINGER_SECONDS", default=1.0)

# --- API -------------------------------------------------------------------------------
API_MAX_BODY_BYTES = env.int("DAFTAR_API_MAX_BODY_BYTES", default=64 * 1024)
# Upload endpoints (regular expressions on the path) get API_MAX_UPLOAD_BYTES instead.
API_UPLOAD_PATHS: list[str] = [
    r"^/api/v1/applications/[0-9]+/documents/?$",
    r"^/api/v1/inspections/[0-9]+/photos/?$",
]
# Page upload views check the announced length themselves (API_MAX_UPLOAD_BYTES) before reading;
# every other page POST is held to DATA_UPLOAD_MAX_MEMORY_SIZE by the middleware.
PAGE_UPLOAD_PATHS: list[str] = [
    r"^/applications/[0-9]+/documents/?$",
    r"^/inspections/[0-9]+/photos/?$",
    r"^/desk/supervision/violations/new/?$",  # a violation with its evidence files (issue 18 §2)
]
API_MAX_UPLOAD_BYTES = env.int("DAFTAR_API_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Files one account may upload in a sliding hour, over every upload endpoint, pages and API
# (case documents, inspection photos, score sheets; daftar/documents/throttle.py). An EXAMPLE
# figure: a case needs about ten documents, an inspection at most 30 photos. 0: no limit.
UPLOADS_PER_USER_HOURLY = env.int("DAFTAR_UPLOADS_PER_USER_HOURLY", default=100)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DAFTAR_MAX_FORM_BYTES", default=2 * 1024 * 1024)

# --- Application cases (issue 4) --------------------------------------------------------
# Images are decoded to check them; a bigger picture is refused before decoding (a "bomb").
DOCUMENT_MAX_PIXELS = env.int("DAFTAR_DOCUMENT_MAX_PIXELS", default=40_000_000)
DOCUMENT_MAX_PDF_PAGES = env.int("DAFTAR_DOCUMENT_MAX_PDF_PAGES", default=200)
# PDF objects a check may read (about 20 µs each), and the CPU it may spend at most: they bound
# what one upload costs, whatever is in it (issue 17; bench/pdf_bench.py). A 200-page scan has
# about 1,000 objects, a 36-page manual 440. Example figures.
DOCUMENT_MAX_PDF_OBJECTS = env.int("DAFTAR_DOCUMENT_MAX_PDF_OBJECTS", default=3_000)
DOCUMENT_PDF_CHECK_CPU_SECONDS = env.float("DAFTAR_DOCUMENT_PDF_CHECK_CPU_SECONDS", default=0.07)
# Site inspection: minimum distance to the nearest active office (an example figure, not law).
INSPECTION_MIN_OFFICE_DISTANCE_M = env.float("DAFTAR_INSPECTION_MIN_OFFICE_DISTANCE_M", default=1000.0)
# Assessment pass marks (API.md «Demo data»: exam 60 of 100; interview mean ≥ 60).
EXAM_PASS_MARK = env.int("DAFTAR_EXAM_PASS_MARK", default=60)
INTERVIEW_PASS_MARK = env.int("DAFTAR_INTERVIEW_PASS_MARK", default=60)
# How far ahead an examiner may set an interview's time (an example figure, not law).
INTERVIEW_SCHEDULE_HORIZON_DAYS = env.int("DAFTAR_INTERVIEW_SCHEDULE_HORIZON_DAYS", default=60)
# Inquiries with outside bodies: "simulator" (demo, tests) or "http" (a real gateway).
INQUIRY_BACKEND = env.str("DAFTAR_INQUIRY_BACKEND", default="simulator")
INQUIRY_HTTP_URL = env.str("DAFTAR_INQUIRY_HTTP_URL", default="")
INQUIRY_HTTP_KEY = env.str("DAFTAR_INQUIRY_HTTP_KEY", default="")
INQUIRY_TIMEOUT = env.float("DAFTAR_INQUIRY_TIMEOUT", default=10.0)
INQUIRY_MAX_ATTEMPTS = env.int("DAFTAR_INQUIRY_MAX_ATTEMPTS", default=5)
INQUIRY_BREAKER_THRESHOLD = env.int("DAFTAR_INQUIRY_BREAKER_THRESHOLD", default=5)
INQUIRY_BREAKER_COOLDOWN = env.int("DAFTAR_INQUIRY_BREAKER_COOLDOWN", default=60)
# The mobile-ownership inquiry (S15.3: is this number registered to this national code?), asked
# while a person waits on the profile: its own backend (it is often a different provider), a
# short time-out, and a daily cap of distinct codes asked about per account (it stops a person
# from searching codes for the registrant of their own number). Example figures.
OWNERSHIP_BACKEND = env.str("DAFTAR_OWNERSHIP_BACKEND", default=INQUIRY_BACKEND)
OWNERSHIP_HTTP_URL = env.str("DAFTAR_OWNERSHIP_HTTP_URL", default=INQUIRY_HTTP_URL)
OWNERSHIP_HTTP_KEY = env.str("DAFTAR_OWNERSHIP_HTTP_KEY", default=INQUIRY_HTTP_KEY)
OWNERSHIP_TIMEOUT = env.float("DAFTAR_OWNERSHIP_TIMEOUT", default=5.0)
OWNERSHIP_CHECKS_PER_DAY = env.int("DAFTAR_OWNERSHIP_CHECKS_PER_DAY", default=10)
QUEUE_PAGE_SIZE = env.int("DAFTAR_QUEUE_PAGE_SIZE", default=25)
# The national licensing portal (S4, issue 21, docs/portal.md): "simulator" (development, tests,
# the demo) or "http". Messages to it wait in its outbox and are retried with a doubling delay
# from RETRY_BASE up to RETRY_MAX seconds, never dropped; a message with ALERT_ATTEMPTS failed
# attempts is shown as failed on /desk/portal/. Example figures.
PORTAL_BACKEND = env.str("DAFTAR_PORTAL_BACKEND", default="simulator")
PORTAL_HTTP_URL = env.str("DAFTAR_PORTAL_HTTP_URL", default="")
PORTAL_HTTP_KEY = env.str("DAFTAR_PORTAL_HTTP_KEY", default="")
PORTAL_TIMEOUT = env.float("DAFTAR_PORTAL_TIMEOUT", default=10.0)
PORTAL_LEASE_SECONDS = env.int("DAFTAR_PORTAL_LEASE_SECONDS", default=120)
PORTAL_RETRY_BASE_SECONDS = env.int("DAFTAR_PORTAL_RETRY_BASE_SECONDS", default=60)
PORTAL_RETRY_MAX_SECONDS = env.int("DAFTAR_PORTAL_RETRY_MAX_SECONDS", default=6 * 3600)
PORTAL_ALERT_ATTEMPTS = env.int("DAFTAR_PORTAL_ALERT_ATTEMPTS", default=5)
CELERY_BEAT_SCHEDULE["sweep-portal"] = {"task": "daftar.portal.tasks.sweep_portal", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["pull-portal-applications"] = {
    "task": "daftar.portal.tasks.pull_portal_applications",
    "schedule": env.float("DAFTAR_PORTAL_PULL_SECONDS", default=5 * 60.0),
}

# --- Deadlines with consequences (issue 21 §2, docs/deadlines.md) ------------------------
# Reminders before a legal clock's end, in working days before it, when a municipality set none
# (on its administrator's page /desk/municipality/deadlines/). EXAMPLE defaults: staff at 2 and 1
# days before, the head on the last day.
DEADLINE_REMINDERS = {
    "staff": env.list("DAFTAR_DEADLINE_REMINDER_STAFF_DAYS", cast=int, default=[2, 1]),
    "head": env.list("DAFTAR_DEADLINE_REMINDER_HEAD_DAYS", cast=int, default=[0]),
}
# The head's time to decide an escalated case, in working days (P1 says 7).
DEADLINE_ESCALATION_DAYS = env.int("DAFTAR_DEADLINE_ESCALATION_DAYS", default=7)
# A gap this long between two clock sweeps (beat every 15 minutes) is recorded as an outage
# and extends every running clock. EXAMPLE: three missed sweeps. 0 switches the detector off.
OUTAGE_HEARTBEAT_GAP_MINUTES = env.int("DAFTAR_OUTAGE_HEARTBEAT_GAP_MINUTES", default=45)

# --- Licences (issue 5) ------------------------------------------------------------------
# Validity, renewal window and grace period are example figures, not official ones.
LICENCE_VALIDITY_YEARS = env.int("DAFTAR_LICENCE_VALIDITY_YEARS", default=3)

LICENCE_RENEWAL_WINDOW_DAYS = env.int("DAFTAR_LICENCE_RENEWAL_WINDOW_DAYS", default=60)
LICENCE_GRACE_DAYS = env.int("DAFTAR_LICENCE_GRACE_DAYS", default=30)
# A renewal re-asks the outside bodies whose answers are older than this (example figure).
LICENCE_RENEWAL_INQUIRY_MAX_AGE_DAYS = env.int("DAFTAR_LICENCE_RENEWAL_INQUIRY_MAX_AGE_DAYS", default=90)
# SMS to the holder and the office's active managers before a licence's validity ends, in days
# before it (daftar/licences/reminders.py): once when the renewal window opens, then at each of
# these days, each between 1 and the window's length. EXAMPLE figures, not official ones.
LICENCE_EXPIRY_REMINDER_DAYS = tuple(env.list("DAFTAR_LICENCE_EXPIRY_REMINDER_DAYS", cast=int, default=[30, 7, 1]))
# Tehran hour at which the daily run sends them (10 is an example: not at night).
LICENCE_REMINDER_HOUR = env.int("DAFTAR_LICENCE_REMINDER_HOUR", default=10)
CELERY_BEAT_SCHEDULE["licence-renewal-reminders"] = {
    "task": "daftar.licences.tasks.remind_renewals",
    # hourly, sending from LICENCE_REMINDER_HOUR on (reminders.py): a beat that missed the hour
    # (worker down) catches up within the day, and the dedupe rows make every rerun safe
    "schedule": 60 * 60.0,
}
# Ed25519 signing key for certificate QR payloads: a PEM file (created in var/ in development).
LICENCE_SIGNING_KEY_FILE = env.str(
    "DAFTAR_LICENCE_SIGNING_KEY_FILE", default=str(VAR_DIR / "keys" / "licence-ed25519.pem")
)
# --- Supervision (issue 21: office managers get notices and their deadlines) --------------
# The reminder of a notice's response deadline goes out this many working days before it (the
# municipality's working-day calendar; 0: on the deadline's day), from this Tehran hour on
# (no SMS at night). EXAMPLE figures.
SUPERVISION_NOTICE_REMINDER_DAYS = env.int("DAFTAR_SUPERVISION_NOTICE_REMINDER_DAYS", default=2)
SUPERVISION_NOTICE_REMINDER_HOUR = env.int("DAFTAR_SUPERVISION_NOTICE_REMINDER_HOUR", default=9)
# --- Offices, tariffs, appointments (issue 6) ---------------------------------------------
# Every figure here is an example setting, not an official one.
APPOINTMENT_HORIZON_DAYS = env.int("DAFTAR_APPOINTMENT_HORIZON_DAYS", default=14)  # bookable ahead
APPOINTMENT_WEEKLY_LIMIT = env.int("DAFTAR_APPOINTMENT_WEEKLY_LIMIT", default=3)  # live bookings per citizen per week
APPOINTMENT_CANCEL_BEFORE_MINUTES = env.int("DAFTAR_APPOINTMENT_CANCEL_BEFORE_MINUTES", default=60)
# Tehran hour from which the day-before reminders go out (16 is an example)
APPOINTMENT_REMINDER_HOUR = env.int("DAFTAR_APPOINTMENT_REMINDER_HOUR", default=16)
TARIFF_ROUNDING_STEP = env.int("DAFTAR_TARIFF_ROUNDING_STEP", default=10_000)  # rials
# how many days before today (Tehran) an office may date a transaction (example figure)
TRANSACTION_BACKDATE_DAYS = env.int("DAFTAR_TRANSACTION_BACKDATE_DAYS", default=3)
# The feasibility planner shows a district's demand only when at least this many offices add to
# it, so that no single office's figures can be read off.
PLANNER_MIN_OFFICES = env.int("DAFTAR_PLANNER_MIN_OFFICES", default=3)
# The public planner answers at most this many estimates per address per hour.
PLANNER_PER_ADDRESS_HOURLY = env.int("DAFTAR_PLANNER_PER_ADDRESS_HOURLY", default=120)
# Public figures per municipality (issue 21 §5, docs/figures.md). EXAMPLES, not given by anyone:
# a figure over fewer cases or licences than FIGURES_MIN_GROUP is withheld; computed figures are
# kept FIGURES_CACHE_SECONDS; without ?from= a period covers FIGURES_DEFAULT_MONTHS Jalali months;
# a period is at most FIGURES_MAX_DAYS days long; an address may have figures computed (not
# served from the cache) FIGURES_COMPUTE_PER_ADDRESS_HOURLY times an hour.
FIGURES_MIN_GROUP = env.int("DAFTAR_FIGURES_MIN_GROUP", default=5)
FIGURES_CACHE_SECONDS = env.int("DAFTAR_FIGURES_CACHE_SECONDS", default=600)
FIGURES_DEFAULT_MONTHS = env.int("DAFTAR_FIGURES_DEFAULT_MONTHS", default=12)
FIGURES_MAX_DAYS = env.int("DAFTAR_FIGURES_MAX_DAYS", default=1830)
FIGURES_COMPUTE_PER_ADDRESS_HOURLY = env.int("DAFTAR_FIGURES_COMPUTE_PER_ADDRESS_HOURLY", default=60)  # cache misses

# The technical manager of an office (issue 22 §5): the ages P4 reports for Tehran, as (youngest,
# oldest) on the day the birth date is given; one installation-wide setting.
OFFICE_TECHNICAL_MANAGER_AGE = (
    env.int("DAFTAR_OFFICE_TECHNICAL_MANAGER_MIN_AGE", default=25),
    env.int("DAFTAR_OFFICE_TECHNICAL_MANAGER_MAX_AGE", default=55),
)
# Citizens' feedback after a service (issue 22 §1; docs/feedback.md). EXAMPLE figures, not from
# any regulation: how long the SMS link stays valid, and the fewest ratings a month must have for
# the office to see its average and comments (fewer could tell who rated).
FEEDBACK_ENABLED = env.bool("DAFTAR_FEEDBACK_ENABLED", default=True)
FEEDBACK_LINK_DAYS = env.int("DAFTAR_FEEDBACK_LINK_DAYS", default=7)
FEEDBACK_MIN_GROUP = env.int("DAFTAR_FEEDBACK_MIN_GROUP", default=3)
FEEDBACK_BLOCKED_WORDS = env.str("DAFTAR_FEEDBACK_BLOCKED_WORDS", default="")  # comma-separated, beside the list
# The office scorecard and rank (issue 22 §2; docs/scorecard.md, decision 0052). EXAMPLES, not
# from any regulation. A municipality's administrator overrides the first group in the Django
# admin («تنظیمات کارنامهٔ دفاتر»): the weight of each measure (0 turns it off), the rank bands
# (highest first, the last from 0), the period in months (6: offices report every six months, P5),
# the days before a closure it must be announced by, the points each violation costs by severity,
# and whether the lowest band puts the office on the supervisor's «visit needed» list.
SCORECARD_WEIGHTS = env.json(
    "DAFTAR_SCORECARD_WEIGHTS",
    default={
        "satisfaction": 25,
        "tariff": 20,
        "hours": 15,
        "complaints": 10,
        "violations": 15,
        "reports": 5,
        "wait": 10,
    },
)
SCORECARD_BANDS = env.json(
    "DAFTAR_SCORECARD_BANDS",
    default=[
        {"code": "excellent", "label": "ممتاز", "min": 85},
        {"code": "good", "label": "خوب", "min": 70},
        {"code": "fair", "label": "متوسط", "min": 50},
        {"code": "weak", "label": "ضعیف", "min": 0},
    ],
)
SCORECARD_PERIOD_MONTHS = env.int("DAFTAR_SCORECARD_PERIOD_MONTHS", default=6)
SCORECARD_CLOSURE_NOTICE_DAYS = env.int("DAFTAR_SCORECARD_CLOSURE_NOTICE_DAYS", default=2)
SCORECARD_SEVERITY_POINTS = env.json("DAFTAR_SCORECARD_SEVERITY_POINTS", default={"minor": 5, "major": 15, "grave": 30})
SCORECARD_LOWEST_BAND_VISIT = env.bool("DAFTAR_SCORECARD_LOWEST_BAND_VISIT", default=True)
# How a figure becomes a score (installation-wide): the overcharges per hundred services that
# bring the tariff measure to 0; the services outside hours per hundred that bring the hours
# measure to 0, and the points a closure announced late costs; the points an upheld complaint
# costs; the score of a report sent late (on time 100, missing 0); the median walk-in wait (minutes)
# up to which the wait measure is 100, and from which it is 0.
SCORECARD_OVERCHARGE_ZERO_PERCENT = env.float("DAFTAR_SCORECARD_OVERCHARGE_ZERO_PERCENT", default=2.0)
SCORECARD_OUTSIDE_ZERO_PERCENT = env.float("DAFTAR_SCORECARD_OUTSIDE_ZERO_PERCENT", default=10.0)
SCORECARD_LATE_CLOSURE_POINTS = env.int("DAFTAR_SCORECARD_LATE_CLOSURE_POINTS", default=10)
SCORECARD_COMPLAINT_POINTS = env.int("DAFTAR_SCORECARD_COMPLAINT_POINTS", default=20)
SCORECARD_REPORT_LATE_SCORE = env.int("DAFTAR_SCORECARD_REPORT_LATE_SCORE", default=50)
SCORECARD_WAIT_TARGET_MINUTES = env.int("DAFTAR_SCORECARD_WAIT_TARGET_MINUTES", default=10)
SCORECARD_WAIT_ZERO_MINUTES = env.int("DAFTAR_SCORECARD_WAIT_ZERO_MINUTES", default=60)
# daily: the period that has just ended, once per municipality (does nothing when computed)
CELERY_BEAT_SCHEDULE["compute-scorecards"] = {
    "task": "daftar.scorecard.tasks.compute_scorecards",
    "schedule": 24 * 60 * 60.0,
}
# The walk-in queue (issue 22 §3; docs/hall.md). EXAMPLE defaults an office's manager may change
# for their office: how arrived appointments mix with walk-ins, how many walk-ins go between two
# appointments under «alternate», and how many people ahead of a ticket trigger the «your turn is
# near» SMS. The rest are installation-wide bounds on cost: tickets a day per office, tickets a
# minute from one office's kiosk, and the days of service times the wait estimate is measured on.
HALL_RULE = env.str("DAFTAR_HALL_RULE", default="appointments_first")
HALL_WALKINS_PER_APPOINTMENT = env.int("DAFTAR_HALL_WALKINS_PER_APPOINTMENT", default=2)
HALL_NOTIFY_AHEAD = env.int("DAFTAR_HALL_NOTIFY_AHEAD", default=3)
# how long before its start an arrived appointment goes ahead of the walk-ins (rule «appointments_first»)
HALL_APPOINTMENT_EARLY_MINUTES = env.int("DAFTAR_HALL_APPOINTMENT_EARLY_MINUTES", default=10)
HALL_DAY_MAX = env.int("DAFTAR_HALL_DAY_MAX", default=999)
HALL_KIOSK_PER_MINUTE = env.int("DAFTAR_HALL_KIOSK_PER_MINUTE", default=12)
HALL_MEASURE_DAYS = env.int("DAFTAR_HALL_MEASURE_DAYS", default=14)

# The public address printed in certificates' QR codes (e.g. https://daftar.example.ir).
SITE_URL = env.str("DAFTAR_SITE_URL", default="")
LICENCE_VERIFY_PER_ADDRESS_HOURLY = env.int("DAFTAR_LICENCE_VERIFY_PER_ADDRESS_HOURLY", default=300)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "daftar.accounts.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "daftar.kernel.parsers.NormalizingJSONParser",
        "daftar.kernel.parsers.NormalizingFormParser",
        "daftar.kernel.parsers.NormalizingMultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "daftar.kernel.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # A backstop on every API view (issue 17; daftar/runtime/throttles.py): sliding windows in the
    # cache, anonymous requests per client address (IPv6 per /64), signed-in ones per user. The
    # rates are EXAMPLES set far above honest use: an address may be a carrier-grade NAT with a
    # crowd behind it (3,000 a minute is 1,000 people logging in within the same minute). The
    # schema has its own, per address. "0/min" turns one off; the HTTP benchmark raises them.
    "DEFAULT_THROTTLE_CLASSES": [
        "daftar.runtime.throttles.AnonBackstopThrottle",
        "daftar.runtime.throttles.UserBackstopThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("DAFTAR_API_ANON_RATE", default="3000/min"),
        "user": env.str("DAFTAR_API_USER_RATE", default="600/min"),
        "schema": env.str("DAFTAR_API_SCHEMA_RATE", default="30/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "daftar API",
    "DESCRIPTION": (
        "REST API of daftar, the platform on which municipalities license, supervise and run "
        "City E-Services Offices (دفاتر خدمات الکترونیک شهر). Errors are "
        '`{"code", "detail", "fields"}` with a Persian `detail`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # two models have a "status" with different choices: name each enum
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "daftar.applications.workflow.Status",
        "LicenceStatusEnum": "daftar.licences.models.LicenceStatus",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # the error answers every operation can give (401, 404, 413…), documented once
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "daftar.kernel.schema.document_error_responses",
    ],
}

# --- I18N: Persian, Tehran time; stored as UTC --------------------------------------------
# One language: LANGUAGE_CODE is active in every request without LocaleMiddleware, which also
# tried to read a language off every path ("/api/…" → "api") at a measurable cost (issue 7).
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی")]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "daftar" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DAFTAR_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_BACKEND = env.str("DAFTAR_MEDIA_BACKEND", default="local")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if MEDIA_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("DAFTAR_S3_BUCKET", default=""),
            "endpoint_url": env.str("DAFTAR_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("DAFTAR_S3_ACCESS_KEY", default=""),
            "secret_key": env.str("DAFTAR_S3_SECRET_KEY", default=""),
            "region_name": env.str("DAFTAR_S3_REGION", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Admission gate: load shedding (issue 7) -------------------------------------------
# Requests per second each group of heavy endpoints admits across all processes (counted in
# the cache); the excess gets 429 + Retry-After before the view runs. Groups: "login",
# "submit", "create" (daftar/runtime/admission.py). Empty or 0 = not gated: off by default;
# production.py reads the rates from the environment (docs/configuration.md «Admission gate»).
ADMISSION_RATES: dict[str, float] = {}
ADMISSION_MAX_RETRY_AFTER = 120

# --- Health, readiness and metrics (issue 20; daftar/ops, docs/operations.md) -------------------
# OpsMiddleware goes first: it answers /health/live, /health/ready and an allowed /metrics before
# any host check, redirect, session or gate. django-prometheus's pair measures every other request.
MIDDLEWARE = [
    "daftar.ops.middleware.OpsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Readiness fails past these ages (seconds; 0 turns a check off). EXAMPLE figures: five missed
# heartbeats, ten minutes of an SMS not leaving, five minutes of a spool file not flushed.
HEALTH_BEAT_INTERVAL = env.float("DAFTAR_HEALTH_BEAT_INTERVAL", default=60.0)
HEALTH_BEAT_MAX_AGE = env.int("DAFTAR_HEALTH_BEAT_MAX_AGE", default=300)
HEALTH_OUTBOX_MAX_AGE = env.int("DAFTAR_HEALTH_OUTBOX_MAX_AGE", default=600)
HEALTH_SPOOL_MAX_AGE = env.int("DAFTAR_HEALTH_SPOOL_MAX_AGE", default=300)
HEALTH_CHECK_TIMEOUT = env.float("DAFTAR_HEALTH_CHECK_TIMEOUT", default=5.0)  # per check (s)
CELERY_BEAT_SCHEDULE["beat-heartbeat"] = {"task": "daftar.ops.tasks.beat_heartbeat", "schedule": HEALTH_BEAT_INTERVAL}
# /metrics answers these client addresses (CIDR; behind TRUSTED_PROXY_COUNT proxies, the address
# they forward) and "Authorization: Bearer <DAFTAR_METRICS_TOKEN>" when a token is set; anyone
# else gets the ordinary 404 page. Default: loopback only.
METRICS_ALLOWED_NETWORKS = env.list("DAFTAR_METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
METRICS_TOKEN = env.str("DAFTAR_METRICS_TOKEN", default="")
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"DAFTAR_METRICS_ALLOWED_NETWORKS: {_network!r} is not an address or a network (e.g. 10.0.0.0/8)."
        ) from _error

# --- Security defaults -------------------------------------------------------------------------
CSRF_FAILURE_VIEW = "daftar.site.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp; docs/security.md): our own host only. No inline script
# and no nonces (the templates load every script from /static/, configured by data attributes
# and JSON data islands), no inline style; images may be data: URIs (Bootstrap's icons, the
# captcha refresh), never another host. Framing is refused twice (frame-ancestors, and
# X-Frame-Options for older browsers). Every browser test fails on a violation (conftest.py).
# The map picker's tiles (docs/decisions/0035-map-picker.md): none by default — the map draws
# vector outlines only, so no page loads anything from another host. A municipality that hosts
# its own tile server sets its URL template, e.g. "https://tiles.example.ir/{z}/{x}/{y}.png"
# ("{s}" subdomains allowed); img-src below then allows that one host, and nothing else.
MAP_TILE_URL = env.str("DAFTAR_MAP_TILE_URL", default="")


def tile_source(url: str) -> list[str]:
    """The CSP source of the tile server's URL template: its scheme and host ("{s}" → "*")."""
    match = re.match(r"^(https?)://([^/?#]+)", url.strip())
    if not match:
        return []
    host = re.sub(r"\{s\}", "*", match.group(2))
    if not re.fullmatch(r"[A-Za-z0-9*.:\-\[\]]+", host):
        return []
    return [f"{match.group(1)}://{host}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *tile_source(MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Permissions-Policy (issue 17; daftar/runtime/middleware.py): browser features no page uses,
# denied to every page and to whatever it frames. Each name must be one the browsers
# know (an unknown one is an error in the console: daftar/site/tests/test_browser_headers.py).
PERMISSIONS_POLICY = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Sessions (ASVS V3, issue 8): a page session ends after SESSION_IDLE_SECONDS without a request
# and SESSION_COOKIE_AGE after its login, whichever comes first (daftar/accounts/session.py).
# Changing the mobile number asks for a login no older than REAUTH_SECONDS.
SESSION_IDLE_SECONDS = env.int("DAFTAR_SESSION_IDLE", default=30 * 60)
REAUTH_SECONDS = env.int("DAFTAR_REAUTH_SECONDS", default=5 * 60)

# /.well-known/security.txt (RFC 9116; docs/security.md «Reporting a vulnerability»). The
# default contact is an EXAMPLE address: the operating municipality sets its own.
SECURITY_CONTACT = env.str("DAFTAR_SECURITY_CONTACT", default="mailto:security@daftar.example.ir")
SECURITY_POLICY_URL = env.str("DAFTAR_SECURITY_POLICY_URL", default="")  # the published policy, if any

# --- Logs, error reporting, housekeeping (issue 20; docs/operations.md, decision 0039) ---------
# One JSON object a line ("json", the production default) or a readable line ("console", the
# default elsewhere), for our lines and those of Django, gunicorn and Celery alike; each carries
# the request id (X-Request-ID: nginx's when sane, else made here; sent back, passed to the
# request's Celery tasks, stored on its audit entries). Mobile numbers masked, secrets removed.
LOG_FORMAT = env.str("DAFTAR_LOG_FORMAT", default="console")
LOG_LEVEL = env.str("DAFTAR_LOG_LEVEL", default="INFO")
_logging_setup.configure_structlog()
LOGGING = _logging_setup.logging_config(LOG_FORMAT, LOG_LEVEL)
DJANGO_STRUCTLOG_CELERY_ENABLED = True  # the request's id travels in its tasks' headers
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # personal data; nginx's own log has the address
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True  # checked first (daftar/runtime/logging_middleware.py)
# One access line a request (request_finished, with its "code"), always INFO: an error answer is
# logged at its cause (an unhandled error as request_failed with its traceback, an outage once
# by daftar/runtime/outage.py), not again for every request a spike or an outage answers.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = 10  # DEBUG: request_started is not written
DJANGO_STRUCTLOG_STATUS_4XX_LOG_LEVEL = 20
DJANGO_STRUCTLOG_STATUS_5XX_LOG_LEVEL = 20
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker keeps LOGGING (config/celery.py)

# Unhandled errors of views and tasks go to a Sentry-compatible server (GlitchTip, self-hosted
# Sentry) only when a DSN is set; unset, nothing is started and nothing leaves the host.
SENTRY_DSN = env.str("DAFTAR_SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("DAFTAR_SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env.str("DAFTAR_SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("DAFTAR_SENTRY_TRACES_SAMPLE_RATE", default=0.0)
_sentry.init_sentry(
    SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=SENTRY_RELEASE, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE
)

# Housekeeping (`manage.py housekeeping`, the "housekeeping" beat entry): rows past these ages
# are deleted in batches of RETENTION_BATCH_SIZE. EXAMPLE figures; the municipality's records
# policy decides. One-time codes keep their own OTP_RETENTION_DAYS (above).
RETENTION_IDEMPOTENCY_HOURS = env.int("DAFTAR_RETENTION_IDEMPOTENCY_HOURS", default=48)  # a client's retry window
RETENTION_OUTBOX_DAYS = env.int("DAFTAR_RETENTION_OUTBOX_DAYS", default=90)  # sent or failed SMS; never pending
RETENTION_PORTAL_DAYS = env.int("DAFTAR_RETENTION_PORTAL_DAYS", default=365)  # what the national portal took
RETENTION_VERIFICATION_LOG_DAYS = env.int("DAFTAR_RETENTION_VERIFICATION_LOG_DAYS", default=365)  # licence checks
RETENTION_BATCH_SIZE = env.int("DAFTAR_RETENTION_BATCH_SIZE", default=1000)
CELERY_BEAT_SCHEDULE["housekeeping"] = {  # expired sessions, captchas, idempotency records, old rows
    "task": "daftar.runtime.tasks.housekeeping",
    "schedule": env.float("DAFTAR_HOUSEKEEPING_SECONDS", default=60 * 60.0),
}

# Complaints (issue 21 §3): working days the supervisors have to answer a complaint, counted on
# the municipality's working calendar from filing and again from a reopening. 10 is an EXAMPLE,
# not a figure anyone gave; set it from the municipality's own directive.
DAFTAR_COMPLAINT_DUE_WORKING_DAYS = env.int("DAFTAR_COMPLAINT_DUE_WORKING_DAYS", default=10)
# Complaints one person may file a day (a flood of filings fills the supervisors' inbox and the
# SMS outbox). 10 is an EXAMPLE.
COMPLAINTS_PER_USER_DAILY = env.int("DAFTAR_COMPLAINTS_PER_USER_DAILY", default=10)
# The supervisors are reminded this many working days before a complaint's due time, and told
# when it passed unanswered, from this Tehran hour (complaints/reminders.py). EXAMPLES.
COMPLAINT_REMINDER_WORKING_DAYS = env.int("DAFTAR_COMPLAINT_REMINDER_WORKING_DAYS", default=1)
COMPLAINT_REMINDER_HOUR = env.int("DAFTAR_COMPLAINT_REMINDER_HOUR", default=8)
