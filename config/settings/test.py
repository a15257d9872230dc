"""Settings for the test suite: DATABASE_URL (PostgreSQL in CI) or SQLite; REDIS_URL if set."""

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, MEDIA_ROOT, REDIS_URL, SPOOL_DIR

SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SMS_BACKEND = "locmem"
SMS_DIR = BASE_DIR / "var" / "test-sms"
CELERY_TASK_ALWAYS_EAGER = True
# Tests travel in time between two clock sweeps: no gap is an outage unless a test says so.
OUTAGE_HEARTBEAT_GAP_MINUTES = 0
OUTBOX_LINGER_SECONDS = 0.0
VERIFICATION_LOG_SPOOL = False  # tests that spool turn it on
SPOOL_FLUSH_THREAD = False  # the spool's tests flush when they choose
PAGE_CACHE_STAFF_STALE = 0.0  # a test sees every change at once; the stale tests set it
CELERY_BROKER_URL = "memory://"
# A ``replica`` alias that is the test database itself (a mirror), so the read-replica tests can
# see which alias a query went to (daftar/runtime/tests/test_dbrouter.py); reads are routed to it
# only where a test sets DATABASE_REPLICA = "replica".
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})
DATABASE_REPLICA = ""
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CAPTCHA_TEST_MODE = False
POW_MAX_NUMBER = 200  # a proof of work the tests solve in well under a millisecond
# Many tests travel days through time with a logged-in client; the page-session limits are not
# what they test, so here they are long. The session limits' own tests set the real figures
# (daftar/accounts/tests/test_session_security.py).
SESSION_IDLE_SECONDS = 90 * 24 * 3600
SESSION_COOKIE_AGE = 90 * 24 * 3600

# `make test` runs the suite in parallel (pytest-xdist, one process per core): each worker gets
# its own Redis database (REDIS_URL's number minus the worker's), media, spool and SMS folders,
# so one worker's ``cache.clear()`` or files never reach another's tests. The test database is
# per worker already (pytest-django adds ``_gw0``…).
_WORKER = __import__("os").environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw"):
    _n = int(_WORKER[2:])
    if REDIS_URL:
        _base, _, _db = REDIS_URL.rpartition("/")
        CACHES["default"]["LOCATION"] = f"{_base}/{max(0, int(_db or 0) - _n)}" if _db.isdigit() else REDIS_URL
    MEDIA_ROOT = MEDIA_ROOT.parent / f"{MEDIA_ROOT.name}-{_WORKER}"
    SPOOL_DIR = SPOOL_DIR.parent / f"{SPOOL_DIR.name}-{_WORKER}"
    SMS_DIR = SMS_DIR.parent / f"{SMS_DIR.name}-{_WORKER}"
