"""Errors a user can cause, raised by services and turned into Persian 4xx answers."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the operation; ``message`` is Persian and shown as is."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status: int | None = None,
        fields: dict | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
        self.extra = extra or {}  # more keys of the API answer (e.g. a challenge to solve)
        if status is not None:
            self.status_code = status


class ThrottledError(ApplicationError):
    """Too many requests; the answer is ``429`` with ``Retry-After``."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int, code: str = "throttled"):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))


class UnavailableError(ApplicationError):
    """A service this one depends on did not answer; the answer is ``503`` with ``Retry-After``
    (nothing was decided: the same request may simply be tried again later)."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int, code: str = "unavailable", fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)
        self.retry_after = max(1, int(retry_after))
