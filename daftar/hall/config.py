"""One office's queue settings as the queue reads them: its manager's row, or the installation's
defaults (``settings.HALL_*``, examples)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from daftar.offices.models import Office

from .models import HallSettings


@dataclass(frozen=True)
class HallConfig:
    rule: str
    walkins_per_appointment: int
    notify_ahead: int


def config_for(office: Office) -> HallConfig:
    cached: HallConfig | None = office.__dict__.get("_hall_config")
    if cached is not None:
        return cached
    row = HallSettings.objects.filter(office_id=office.pk).first()
    if row is not None:
        found = HallConfig(row.rule, row.walkins_per_appointment, row.notify_ahead)
    else:
        found = HallConfig(settings.HALL_RULE, settings.HALL_WALKINS_PER_APPOINTMENT, settings.HALL_NOTIFY_AHEAD)
    office.__dict__["_hall_config"] = found
    return found
