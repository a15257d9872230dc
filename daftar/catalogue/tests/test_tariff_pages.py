"""The catalogue's pages: the public tariff table (P6) and the revision page of the
municipality administrator."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.test import Client

from daftar.accounts.tests.factories import UserFactory
from daftar.catalogue import messages as msg
from daftar.catalogue.models import RevisionStatus, TariffRevision

from .factories import NOW, make_city, municipal, set_tariffs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def city() -> Any:
    municipality, _district = make_city()
    set_tariffs(municipality)
    return municipality


def web(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- the public tariff table -----------------------------------------------------------------


def test_public_table_shows_amounts_with_persian_digits(city: Any) -> None:
    response = web().get("/tariffs/", {"municipality": city.slug})
    assert response.status_code == 200
    html = response.content.decode()
    assert "۲۵۰٬۰۰۰" in html and "۱٬۵۰۰٬۰۰۰" in html
    assert "۱۴۰۵/۰۹/۰۳" in html  # today in Jalali
    assert "تعیین نشده" in html  # appointment_booking has no tariff here
    assert "d-print-none" in html  # the form is not printed


def test_public_table_before_and_on_the_revision_day(city: Any) -> None:
    from daftar.catalogue.revisions import revision_schedule

    revision_schedule(
        municipality=city,
        percent="15",
        rounding_step=10_000,
        effective_from="1405/10/01",
        actor=municipal(city, "municipality_admin"),
    )
    before = web().get("/tariffs/", {"municipality": city.slug, "on": "۱۴۰۵/۰۹/۳۰"}).content.decode()
    on_day = web().get("/tariffs/", {"municipality": city.slug, "on": "1405/10/01"}).content.decode()
    assert "۲۵۰٬۰۰۰" in before and "۲۹۰٬۰۰۰" not in before
    assert "۲۹۰٬۰۰۰" in on_day and "۲۵۰٬۰۰۰" not in on_day


@pytest.mark.parametrize("query", [{"on": "1405/99/99"}, {"municipality": "nowhere"}, {"on": "<script>"}])
def test_public_table_bad_input_is_a_persian_400(city: Any, query: dict[str, str]) -> None:
    response = web().get("/tariffs/", {"municipality": city.slug, **query})
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()


# --- revisions -------------------------------------------------------------------------------


def test_revision_page_is_for_municipality_admins(city: Any) -> None:
    assert web().get("/tariffs/revisions/").status_code == 302  # to the login
    supervisor = municipal(city, "supervisor")
    assert web(supervisor).get("/tariffs/revisions/").status_code == 403
    assert web(UserFactory.create()).post("/tariffs/revisions/", {}).status_code == 403


def test_preview_then_schedule_then_cancel(city: Any) -> None:
    admin = web(municipal(city, "municipality_admin"))
    form = {"municipality": city.slug, "percent": "۱۵", "rounding_step": "10000", "effective_from": "۱۴۰۵/۱۰/۰۱"}
    preview = admin.post("/tariffs/revisions/", {**form, "action": "preview"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "۲۵۰٬۰۰۰" in html and "۲۹۰٬۰۰۰" in html and "+۴۰٬۰۰۰" in html
    assert "کنار گذاشته شد" in html  # appointment_booking: no current tariff
    assert not TariffRevision.objects.exists()

    confirm = admin.post("/tariffs/revisions/", {**form, "action": "schedule"}, follow=True)
    revision = TariffRevision.objects.get()
    assert revision.effective_from == dt.date(2026, 12, 22) and revision.tariffs.count() == 5
    assert "زمان‌بندی شد" in confirm.content.decode()
    assert "لغو بازنگری" in confirm.content.decode()

    again = admin.post("/tariffs/revisions/", {**form, "action": "schedule"})
    assert again.status_code == 409 and msg.REVISION_SAME_DAY in again.content.decode()

    admin.post(f"/tariffs/revisions/{revision.pk}/cancel/")
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.CANCELLED


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("percent", "300", msg.PERCENT_INVALID),
        ("effective_from", "1405/09/03", msg.REVISION_DATE_NOT_FUTURE),
        ("effective_from", "دیروز", None),
        ("rounding_step", "0", None),
    ],
)
def test_revision_form_errors_are_persian(city: Any, field: str, value: str, message: str | None) -> None:
    admin = web(municipal(city, "municipality_admin"))
    form = {"municipality": city.slug, "percent": "15", "rounding_step": "10000", "effective_from": "1405/10/01"}
    response = admin.post("/tariffs/revisions/", {**form, field: value, "action": "schedule"})
    assert response.status_code == 400
    if message:
        assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TariffRevision.objects.exists()


def test_an_admin_cannot_cancel_another_municipalitys_revision(city: Any) -> None:
    from daftar.catalogue.revisions import revision_schedule

    revision = revision_schedule(
        municipality=city,
        percent="15",
        rounding_step=10_000,
        effective_from="1405/10/01",
        actor=municipal(city, "municipality_admin"),
    )
    other, _d = make_city()
    response = web(municipal(other, "municipality_admin")).post(f"/tariffs/revisions/{revision.pk}/cancel/")
    assert response.status_code == 404
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.SCHEDULED


@pytest.mark.parametrize("role", ["supervisor", "licensing_authority", None])
def test_anyone_but_an_admin_of_its_city_gets_the_404_of_a_missing_revision(city: Any, role: str | None) -> None:
    """Issue 8 (the pages' access matrix): a revision that is not yours does not exist (it used
    to be a 403 for every user without the administrator role, anywhere)."""
    from daftar.catalogue.revisions import revision_schedule

    revision = revision_schedule(
        municipality=city,
        percent="15",
        rounding_step=10_000,
        effective_from="1405/10/01",
        actor=municipal(city, "municipality_admin"),
    )
    client = web(municipal(city, role) if role else UserFactory.create())
    with mock.patch("django.middleware.csrf._get_new_csrf_string", return_value="x" * 32):  # renders alike
        theirs = client.post(f"/tariffs/revisions/{revision.pk}/cancel/")
        missing = client.post("/tariffs/revisions/999999999/cancel/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    revision.refresh_from_db()
    assert revision.status == RevisionStatus.SCHEDULED
