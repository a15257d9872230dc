"""Licences for the lifecycle and verification tests and for the apps that need a licensed
office (supervision, inspections, the ledger), made directly with the ORM and signed with the
real key (``LicenceFactory``). Registered for every app by the root conftest.py
(``pytest_plugins``)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.applications.tests.helpers import GOOD_FACTS, open_call
from daftar.inquiries.models import Inquiry, Kind
from daftar.inquiries.tests.factories import InquiryFactory
from daftar.licences.models import Licence, LicenceStatus
from daftar.municipalities.models import District

from .factories import HOLDER, LicenceFactory


@pytest.fixture
def make_licence(tehran_rules: Any) -> Callable[..., Licence]:
    """``make_licence(status=..., valid_until=..., district=..., holder=..., facts=...)``: an
    issued Tehran licence of its own case (the demo applicant holds the first one)."""
    call = open_call()
    districts = [row.district for row in call.districts.select_related("district").order_by("district__number")]
    numbers = itertools.count(1)

    def make(
        *,
        status: str = LicenceStatus.ACTIVE,
        valid_from: dt.date | None = None,
        valid_until: dt.date | None = None,
        district: District | None = None,
        holder: User | None = None,
        facts: dict[str, Any] | None = None,
        suspended_until: dt.date | None = None,
    ) -> Licence:
        n = next(numbers)
        if holder is None:
            holder = User.objects.get(mobile=HOLDER) if n == 1 else UserFactory.create()
        dates = {name: day for name, day in (("valid_from", valid_from), ("valid_until", valid_until)) if day}
        licence = LicenceFactory.create(
            number=f"TEH-1404-{n:06d}",
            holder=holder,
            district=district or districts[0],
            application__call=call,
            application__facts=facts or GOOD_FACTS,
            status=status,
            suspended_until=suspended_until,
            **dates,
        )
        # answered inquiries, fresh enough for a renewal (see lifecycle._renewal_inquiries)
        Inquiry.objects.bulk_create(
            InquiryFactory.build(
                application=licence.application, kind=kind, status="passed", completed_at=timezone.now()
            )
            for kind in Kind.values
        )
        return licence

    return make


@pytest.fixture
def districts(tehran_rules: Any) -> list[District]:
    return [row.district for row in open_call().districts.select_related("district").order_by("district__number")]
