"""What the rules app asks of the apps above it (``daftar.kernel.events``; issue 16).

The map picker's live check (``daftar.rules.map``) tells how far a point is from the nearest
office, but offices live above rules: the check *emits* ``NearestOfficeWanted`` and the offices
app answers it (registered in ``OfficesConfig.ready``). With no handler the distance is simply
not shown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NearestOffice:
    name: str
    metres: float


@dataclass(frozen=True)
class NearestOfficeWanted:
    """The nearest active office of ``municipality_id`` to (lat, lng); each handler answers a
    ``NearestOffice`` or ``None`` (no office with a location)."""

    municipality_id: int
    lat: float
    lng: float
