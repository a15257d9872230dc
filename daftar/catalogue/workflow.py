"""The tariff revision's lifecycle, declared once (P6; docs/lifecycles/tariff_revision.md).

A municipality administrator schedules a revision of the whole tariff table from a day; until
that day comes it may be cancelled, and its rows stop counting (``tariffs.py``). A revision that
has taken effect is history: it is never cancelled, a later revision supersedes it.
"""

from __future__ import annotations

from django.db import models

from daftar.accounts.constants import Role
from daftar.kernel.lifecycle import Lifecycle, move

from . import messages as msg


class RevisionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "زمان‌بندی‌شده"
    CANCELLED = "cancelled", "لغوشده"


REVISION = Lifecycle.declare(
    name="tariff_revision",
    title="a revision of a municipality's tariffs (TariffRevision.status)",
    states=RevisionStatus,
    initial={RevisionStatus.SCHEDULED},
    illegal_message=msg.REVISION_NOT_CANCELLABLE,
    illegal_code="illegal_state",
    moves=(
        move(
            "cancel",
            "لغو بازنگری",
            {RevisionStatus.SCHEDULED},
            RevisionStatus.CANCELLED,
            {Role.MUNICIPALITY_ADMIN},
            guard="before_its_day",
        ),
    ),
)
