"""One office name everywhere (decision 0036 §5): once a manager renames the office, every page
and SMS that names it says the new name (the public registry, the finder, the inspector's list,
the licensing authority's register, the supervisor's pages, the holder's SMS), while the
verification result keeps the name the licence was issued under; and reading the office's name
costs no query per row."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from daftar.inspections.services import visit_schedule
from daftar.licences.models import Licence
from daftar.notifications.models import OutboxMessage
from daftar.offices.models import Office
from daftar.supervision.services import violation_record

from .oversight_helpers import AUTHORITY, INSPECTOR, SUPERVISOR, client_of, office_of, user, visible

pytestmark = pytest.mark.django_db
NEW_NAME = "دفتر پیشخوان نوروز"


@pytest.fixture
def renamed(make_licence: Any) -> Licence:
    """A licence whose office has been renamed since it was issued, with a visit scheduled."""
    licence = make_licence()
    office = office_of(licence, name=licence.office_name, weekdays=range(7))
    visit_schedule(licence, user(INSPECTOR), timezone.now() + dt.timedelta(days=1), actor=user(SUPERVISOR))
    Office.objects.filter(pk=office.pk).update(name=NEW_NAME)  # the manager's rename
    licence.refresh_from_db()
    assert licence.office_name != NEW_NAME
    return licence


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return visible(response.content.decode())


def test_every_page_names_the_renamed_office_by_its_new_name(renamed: Licence) -> None:
    licensed = renamed.office_name
    pages = {
        "registry": _text(Client(), "/licences/registry/?municipality=tehran"),
        "finder": _text(Client(), "/offices/"),
        "inspections": _text(client_of(INSPECTOR), "/inspections/"),
        "register": _text(client_of(AUTHORITY), "/desk/authority/licences/"),
        "visits": _text(client_of(SUPERVISOR), "/desk/supervision/visits/"),
        "find": _text(client_of(SUPERVISOR), "/desk/supervision/visits/new/?q=نوروز"),
        "record": _text(client_of(SUPERVISOR), "/desk/supervision/violations/new/?q=نوروز"),
    }
    for name, page in pages.items():
        assert NEW_NAME in page, name
    # only the registry says which name was licensed, beside the current one
    for name, page in pages.items():
        if name != "registry":
            assert licensed not in page, name
    # the inspector's visit page and its API body say the same
    visit = renamed.supervision_visits.get()
    assert NEW_NAME in _text(client_of(INSPECTOR), f"/inspections/visits/{visit.pk}/")


def test_the_verification_keeps_the_name_the_licence_was_issued_under(renamed: Licence) -> None:
    page = Client().get(f"/licences/verify/{renamed.number}/").content.decode()
    shown = re.search(r"نام دفتر در مجوز</dt><dd[^>]*>([^<]*)", page)
    assert shown is not None and shown.group(1).strip() == renamed.office_name
    assert f"نامی که دفتر اکنون با آن کار می‌کند: {NEW_NAME}" in page
    body = Client().get(f"/api/v1/licences/{renamed.number}/verify").json()
    assert (body["office"], body["office_current_name"]) == (renamed.office_name, NEW_NAME)


def test_the_holders_sms_names_the_office_by_its_new_name(renamed: Licence) -> None:
    OutboxMessage.objects.all().delete()
    violation_record(
        renamed, type_code="outside_hours", description="دفتر پس از ساعت مجاز باز بود", actor=user(SUPERVISOR)
    )
    texts = list(OutboxMessage.objects.filter(to=renamed.holder.mobile).values_list("text", flat=True))
    assert texts and all(NEW_NAME in t and renamed.office_name not in t for t in texts)


def test_a_licence_without_an_office_keeps_its_licensed_name(make_licence: Any) -> None:
    licence = make_licence()
    assert Licence.objects.get(pk=licence.pk).display_name == licence.office_name
    assert licence.office_name in _text(client_of(AUTHORITY), "/desk/authority/licences/")


def test_the_register_costs_the_same_queries_for_2_and_8_licensed_offices(make_licence: Any) -> None:
    def queries() -> int:
        client = client_of(AUTHORITY)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/desk/authority/licences/").status_code == 200
        return len(captured)

    for n in range(2):
        office_of(make_licence(), name=f"دفتر شمارهٔ {n}")
    few = queries()
    for n in range(6):
        office_of(make_licence(), name=f"دفتر دیگر {n}")
    assert queries() == few
