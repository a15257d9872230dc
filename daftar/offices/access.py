"""Who may do what at an office: now ``daftar.offices.policy`` (issue 16).

This module keeps the names other apps import (the services app's transactions, costs and
reports, the case pages' navigation); new code imports ``daftar.offices.policy``.
"""

from __future__ import annotations

from .policy import (
    MUNICIPAL_READERS,
    NOT_FOUND,
    NOT_PERMITTED,
    Access,
    OfficeAccess,
    memberships,
    not_found,
    office_access,
    offices_readable,
)

__all__ = [
    "MUNICIPAL_READERS",
    "NOT_FOUND",
    "NOT_PERMITTED",
    "Access",
    "OfficeAccess",
    "memberships",
    "not_found",
    "office_access",
    "offices_readable",
]
