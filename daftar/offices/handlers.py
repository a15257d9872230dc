"""What the offices app answers for the apps below it (``daftar.kernel.events``).

Registered in ``OfficesConfig.ready``; the rules and licences apps never import this app.
"""

from __future__ import annotations

from typing import Any

from daftar.kernel.events import subscribe
from daftar.licences.events import LicenceManagersWanted
from daftar.rules.events import NearestOffice, NearestOfficeWanted
from daftar.rules.map import haversine_m

from .models import Office, OfficeStaff, StaffRole


def nearest_office(event: NearestOfficeWanted) -> NearestOffice | None:
    """The nearest active office of the municipality (the offices the finder shows); a
    municipality has tens of offices, so they are measured one by one."""
    best: NearestOffice | None = None
    rows = Office.objects.filter(municipality_id=event.municipality_id, active=True).only("name", "lat", "lng")
    for office in rows:
        metres = haversine_m(event.lat, event.lng, office.lat, office.lng)
        if best is None or metres < best.metres:
            best = NearestOffice(name=office.display_name, metres=metres)
    return best


def licence_managers(event: LicenceManagersWanted) -> list[Any]:
    """The active managers of the licence's office (none while it has no office)."""
    rows = OfficeStaff.objects.filter(
        office__licence_id=event.licence.pk, role=StaffRole.MANAGER, active=True, user__is_active=True
    ).select_related("user")
    return [row.user for row in rows.order_by("pk")]


def connect() -> None:
    subscribe(NearestOfficeWanted, nearest_office)
    subscribe(LicenceManagersWanted, licence_managers)
