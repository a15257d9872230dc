"""The managers' SMS of the offices app are the declared texts of ``offices/sms.py`` (issue 21
§4): a narrowed hours directive texts each active manager of an office now outside it, with the
key ``hours_directive_changed``, to their account, with the office's municipality, in the text
that municipality's administrator saved (another municipality keeps the default)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from daftar.municipalities.models import Province
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import sms_text, text_save
from daftar.offices import sms
from daftar.offices.models import HoursDirective, OfficeStaff, StaffRole
from daftar.offices.services import directive_offices_out_of_line, staff_add
from daftar.offices.tests.factories import HoursDirectiveFactory

from .conftest import MANAGER, user

pytestmark = pytest.mark.django_db

ADMIN = "09120000007"  # Tehran's demo municipality administrator
NOW = dt.datetime(2026, 12, 12, 9, 0, tzinfo=TEHRAN)
DEADLINE = "۱۴۰۵/۰۹/۲۸"  # seven days on (offices.services.DIRECTIVE_ADJUST_DAYS)


@pytest.fixture
def shiraz(tehran):
    city = MunicipalityFactory(slug="shiraz", name="شهرداری شیراز", city="شیراز", province=Province.objects.first())
    city.districts.create(number=3, name="منطقهٔ ۳ شیراز")
    return city


def narrow(municipality) -> list:
    """The municipality's directive ends the day at 12:00; the offices now outside it, told."""
    HoursDirective.objects.filter(municipality=municipality).delete()
    HoursDirectiveFactory.create(municipality=municipality, day_end=dt.time(12))
    with time_machine.travel(NOW, tick=False):
        return directive_offices_out_of_line(municipality_id=municipality.pk, notify=True, actor=user(ADMIN))


def test_every_active_manager_is_told_with_the_office_municipality(make_office, tehran):
    office = make_office(clerk="09120000009")  # open 8:00–14:00
    staff_add(office=office, mobile="09120000010", role=StaffRole.MANAGER, actor=None)
    OfficeStaff.objects.filter(office=office, user__mobile="09120000010").update(active=False)
    staff_add(office=office, mobile="09120000012", role=StaffRole.MANAGER, actor=None)
    assert [o for o, _ in narrow(tehran)] == [office]
    messages = list(OutboxMessage.objects.filter(kind="hours_directive_changed").order_by("pk"))
    assert [(m.to, m.recipient, m.municipality) for m in messages] == [
        (MANAGER, user(MANAGER), tehran),
        ("09120000012", user("09120000012"), tehran),
    ]
    expected = sms_text(sms.DIRECTIVE_CHANGED.default.format(office=office.name, deadline=DEADLINE))
    assert {m.text for m in messages} == {expected}
    assert texts.REGISTRY["hours_directive_changed"] is sms.DIRECTIVE_CHANGED


def test_the_municipality_edited_text_is_what_its_managers_receive(make_office, tehran, shiraz):
    late = make_office()
    elsewhere = make_office(municipality=shiraz, manager="09120000011")
    body = "شهرداری تهران: ساعات «{office}» را تا {deadline} با دستورالعمل تازه هماهنگ کنید."
    text_save(key="hours_directive_changed", municipality=tehran, body=body, actor=user(ADMIN))
    narrow(tehran)
    narrow(shiraz)
    told = {m.to: (m.municipality, m.text) for m in OutboxMessage.objects.filter(kind="hours_directive_changed")}
    assert told == {
        MANAGER: (tehran, sms_text(body.format(office=late.name, deadline=DEADLINE))),
        "09120000011": (
            shiraz,
            sms_text(sms.DIRECTIVE_CHANGED.default.format(office=elsewhere.name, deadline=DEADLINE)),
        ),
    }
