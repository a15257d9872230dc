"""Settings for the test suite: DATABASE_URL (PostgreSQL in CI) or SQLite; REDIS_URL if set."""

from .base import *  # noqa: F403
from .base import BASE_DIR

SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SMS_BACKEND = "locmem"
SMS_DIR = BASE_DIR / "var" / "test-sms"
CELERY_TASK_ALWAYS_EAGER = True
OUTBOX_LINGER_SECONDS = 0.0
VERIFICATION_LOG_SPOOL = False  # tests that spool turn it on
SPOOL_FLUSH_THREAD = False  # the spool's tests flush when they choose
CELERY_BROKER_URL = "memory://"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CAPTCHA_TEST_MODE = False
# Many tests travel days through time with a logged-in client; the page-session limits are not
# what they test, so here they are long. The session limits' own tests set the real figures
# (daftar/accounts/tests/test_session_security.py).
SESSION_IDLE_SECONDS = 90 * 24 * 3600
SESSION_COOKIE_AGE = 90 * 24 * 3600
