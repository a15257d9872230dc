"""The embedded default used by ``make run``: DEBUG on, SQLite, console SMS, eager tasks."""

import os

os.environ.setdefault("DAFTAR_DEBUG", "1")

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production-8f3c1e"  # noqa: F405
INTERNAL_IPS = ["127.0.0.1"]
DAFTAR_DEMO = env.bool("DAFTAR_DEMO", default=True)
