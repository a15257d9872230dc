"""A case at «بازدید میدانی», made with the ORM (the earlier stages are tested elsewhere)."""

from __future__ import annotations

from typing import Any

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.tests.helpers import INSPECTION, TEHRAN_POINT, open_call
from daftar.calls.models import Call

INSPECTOR = "09120000004"
AUTHORITY = "09120000005"
REVIEWER = "09120000002"
MEASURED = INSPECTION
ISFAHAN = {"lat": 32.65, "lng": 51.67}


def inspector() -> User:
    return User.objects.get(mobile=INSPECTOR)


def case_at_inspection(call: Call | None = None, **extra: Any) -> Application:
    call = call or open_call()
    district = extra.pop("district", None) or call.districts.first().district
    return ApplicationFactory.create(
        call=call,
        district=district,
        at_inspection=True,
        tracking_code=f"T{Application.objects.count() + 1:09d}",
        **extra,
    )


def north_of(point: dict[str, float], metres: float) -> dict[str, float]:
    return {"lat": point["lat"] + metres / 111_195.0, "lng": point["lng"]}


__all__ = ["ISFAHAN", "MEASURED", "TEHRAN_POINT", "case_at_inspection", "inspector", "north_of"]
