"""A submitted case for an applicant with a chosen national code (plain ORM, Tehran's rules)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from daftar.accounts.tests.factories import UserFactory
from daftar.applications.tests.factories import ApplicationFactory
from daftar.calls.tests.factories import CallFactory

_serials = itertools.count(1)


def national_code(prefix: str = "001") -> str:
    """A valid national code starting with ``prefix`` (three digits), unique per call."""
    body = f"{prefix}{next(_serials):06d}"
    total = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return body + str(total if total < 2 else 11 - total)


@pytest.fixture
def make_application(tehran_rules: Any) -> Callable[..., Any]:
    from daftar.applications.models import Application
    from daftar.municipalities.models import District

    municipality = tehran_rules.municipality
    call = CallFactory(rule_set=tehran_rules, title="فراخوان آزمایشی")  # open since yesterday, for 30 days
    district = District.objects.filter(municipality=municipality).order_by("number").first()
    counter = itertools.count(1)

    def make(*, code: str | None = None, birth_date: dt.date | None = dt.date(1990, 3, 21)) -> Application:
        user = UserFactory(national_code=code or national_code(), birth_date=birth_date)
        return ApplicationFactory.create(
            call=call,
            applicant=user,
            district=district,
            status="submitted",
            tracking_code=f"TEST-{next(counter):04d}",
            facts={"degree_level": "bachelor", "degree_field": "urban_planning"},
        )

    return make


def reviewer() -> Any:
    """Tehran's demo reviewer: asks again an inquiry that got no answer."""
    from daftar.accounts.models import User

    return User.objects.get(mobile="09120000002")
