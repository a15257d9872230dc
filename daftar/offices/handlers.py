"""What the offices app answers for the apps below it (``daftar.kernel.events``).

Registered in ``OfficesConfig.ready``; the rules app never imports this app.
"""

from __future__ import annotations

from daftar.kernel.events import subscribe
from daftar.rules.events import NearestOffice, NearestOfficeWanted
from daftar.rules.map import haversine_m

from .models import Office


def nearest_office(event: NearestOfficeWanted) -> NearestOffice | None:
    """The nearest active office of the municipality (the offices the finder shows); a
    municipality has tens of offices, so they are measured one by one."""
    best: NearestOffice | None = None
    rows = Office.objects.filter(municipality_id=event.municipality_id, active=True).values_list("name", "lat", "lng")
    for name, lat, lng in rows:
        metres = haversine_m(event.lat, event.lng, lat, lng)
        if best is None or metres < best.metres:
            best = NearestOffice(name=name, metres=metres)
    return best


def connect() -> None:
    subscribe(NearestOfficeWanted, nearest_office)
