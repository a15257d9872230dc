"""A small world for the feedback tests: an office of its own with the example tariffs, its
clerk, a supervisor of its municipality, and services recorded as the clerk records them.
Today is frozen at 1405/09/03 10:00 Tehran (``NOW``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count
from typing import Any

from daftar.catalogue.tests.factories import NOW, make_city, municipal, set_tariffs
from daftar.ledger.services import transaction_record
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office, StaffRole
from daftar.offices.tests.factories import make_office, staff

__all__ = ["NOW", "World", "feedback_sms", "link_of", "record", "world"]

_refs = count(500_000)
LINK = re.compile(r"/f/([0-9]+-[0-9a-f]+)/")


@dataclass
class World:
    office: Office
    other_office: Office
    clerk: Any
    manager: Any
    supervisor: Any
    foreign_supervisor: Any


def world() -> World:
    municipality, district = make_city()
    set_tariffs(municipality)
    office = make_office(municipality, district)
    other = make_office(municipality, district)
    elsewhere, _ = make_city()
    return World(
        office=office,
        other_office=other,
        clerk=staff(office, StaffRole.CLERK),
        manager=staff(office, StaffRole.MANAGER),
        supervisor=municipal(municipality, "supervisor"),
        foreign_supervisor=municipal(elsewhere, "supervisor"),
    )


def record(office: Office, actor: Any, mobile: str = "", **extra: Any) -> Any:
    return transaction_record(
        office=office,
        service="property_inquiry",
        amount=250_000,
        payment_ref=str(next(_refs)),
        citizen_mobile=mobile,
        actor=actor,
        **extra,
    ).transaction


def feedback_sms() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="feedback_request").order_by("pk"))


def link_of(message: OutboxMessage) -> str:
    found = LINK.search(message.text)
    assert found, message.text
    return found.group(1)
