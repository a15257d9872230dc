"""When a hand-set tariff row may start (P6, S18), as issue 6's review left it:

* a row "from today" may not change a tariff in force today (it would turn the morning's
  charges into overcharges after the fact); today is allowed only for a service without one
  (review #1);
* a row on or before a scheduled revision's date is refused: the revision's amounts were
  computed from the rows before it (review #2).

The admin's tariff form applies the same rules. The clock is frozen at 2026-11-24 10:00 Tehran
(۱۴۰۵/۰۹/۰۳), see ``factories.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from daftar.catalogue import messages as msg
from daftar.catalogue.models import Service, Tariff
from daftar.catalogue.revisions import revision_cancel, revision_schedule
from daftar.catalogue.services import tariff_set, tariff_update
from daftar.catalogue.tariffs import tariff_in_force
from daftar.kernel.errors import ApplicationError

from .factories import NOW, TODAY, make_city, municipal, set_tariffs

pytestmark = pytest.mark.django_db

INQUIRY = 250_000  # example tariff of property_inquiry (rials)
NEXT_MONTH = TODAY + dt.timedelta(days=28)  # ۱۴۰۵/۱۰/۰۱


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


def svc(code: str) -> Service:
    return Service.objects.get(code=code)


@pytest.fixture
def city() -> Any:
    municipality, _district = make_city()
    set_tariffs(municipality)
    return municipality


@pytest.fixture
def admin(city: Any) -> Any:
    return municipal(city, "municipality_admin")


# --- a tariff from today (review #1) ----------------------------------------------------------


def test_a_tariff_from_today_is_refused_when_one_is_in_force_today(city: Any, admin: Any) -> None:
    inquiry = svc("property_inquiry")
    with pytest.raises(ApplicationError) as exc:
        tariff_set(municipality=city, service=inquiry, amount=200_000, effective_from="۱۴۰۵/۰۹/۰۳", actor=admin)
    assert exc.value.message == msg.TARIFF_TODAY_IN_FORCE
    assert exc.value.fields == {"effective_from": [msg.TARIFF_TODAY_IN_FORCE]}
    assert tariff_in_force(city.pk, inquiry.pk, TODAY).amount == INQUIRY  # type: ignore[union-attr]
    # tomorrow is fine
    row = tariff_set(municipality=city, service=inquiry, amount=200_000, effective_from="۱۴۰۵/۰۹/۰۴", actor=admin)
    assert row.effective_from == TODAY + dt.timedelta(days=1)
    # and a future row may not be moved to today either
    with pytest.raises(ApplicationError) as exc:
        tariff_update(tariff=row, amount=200_000, effective_from=TODAY, actor=admin)
    assert exc.value.message == msg.TARIFF_TODAY_IN_FORCE


def test_today_is_allowed_for_a_service_without_a_tariff_today(city: Any, admin: Any) -> None:
    booking = svc("appointment_booking")  # the example tariffs leave it without one
    assert tariff_in_force(city.pk, booking.pk, TODAY) is None
    row = tariff_set(municipality=city, service=booking, amount=50_000, effective_from=TODAY, actor=admin)
    assert tariff_in_force(city.pk, booking.pk, TODAY) == row
    # now one is in force today: a second "from today" is refused
    with pytest.raises(ApplicationError) as exc:
        tariff_set(municipality=city, service=booking, amount=60_000, effective_from=TODAY, actor=admin)
    assert exc.value.message == msg.TARIFF_TODAY_IN_FORCE


def test_the_admin_form_applies_the_same_rule(client: Any, city: Any, admin: Any) -> None:
    client.force_login(admin)
    form = {"municipality": city.pk, "service": svc("property_inquiry").pk, "amount": "۲۰۰٬۰۰۰"}
    response = client.post("/admin/catalogue/tariff/add/", {**form, "effective_from": "۱۴۰۵/۰۹/۰۳"})
    assert response.status_code == 200
    assert msg.TARIFF_TODAY_IN_FORCE in response.content.decode()
    assert not Tariff.objects.filter(effective_from=TODAY).exists()
    free = {**form, "service": svc("appointment_booking").pk, "effective_from": "۱۴۰۵/۰۹/۰۳"}
    assert client.post("/admin/catalogue/tariff/add/", free).status_code == 302


# --- a hand-set row before a scheduled revision (review #2) -----------------------------------


def test_a_row_before_or_on_a_scheduled_revision_is_refused(city: Any, admin: Any) -> None:
    revision = revision_schedule(
        municipality=city, percent=15, rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin
    )
    expected = msg.TARIFF_BEFORE_REVISION.format(date="۱۴۰۵/۱۰/۰۱")
    for day in (TODAY + dt.timedelta(days=1), NEXT_MONTH - dt.timedelta(days=1)):
        with pytest.raises(ApplicationError) as exc:
            tariff_set(
                municipality=city, service=svc("property_inquiry"), amount=300_000, effective_from=day, actor=admin
            )
        assert exc.value.status_code == 409 and exc.value.message == expected
    # the revision's amount on its day is unchanged (250,000 × 1.15 → 290,000)
    assert tariff_in_force(city.pk, svc("property_inquiry").pk, NEXT_MONTH).amount == 290_000  # type: ignore[union-attr]
    # after its date a hand-set row is fine
    tariff_set(
        municipality=city,
        service=svc("property_inquiry"),
        amount=300_000,
        effective_from=NEXT_MONTH + dt.timedelta(days=1),
        actor=admin,
    )
    # once cancelled, the earlier date is free again
    revision_cancel(revision=revision, actor=admin)
    row = tariff_set(
        municipality=city, service=svc("property_inquiry"), amount=260_000, effective_from="1405/09/10", actor=admin
    )
    assert row.amount == 260_000


def test_moving_a_row_before_a_revision_is_refused_and_the_api_answers_409(city: Any, admin: Any) -> None:
    row = tariff_set(
        municipality=city, service=svc("charges_payment"), amount=160_000, effective_from="1405/09/05", actor=admin
    )
    revision_schedule(municipality=city, percent=10, rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin)
    with pytest.raises(ApplicationError) as exc:
        tariff_update(tariff=row, amount=170_000, effective_from="1405/09/06", actor=admin)
    assert exc.value.status_code == 409
    assert exc.value.message == msg.TARIFF_BEFORE_REVISION.format(date="۱۴۰۵/۱۰/۰۱")
    row.refresh_from_db()
    assert row.amount == 160_000


def test_the_admin_form_refuses_it_too(client: Any, city: Any, admin: Any) -> None:
    revision_schedule(municipality=city, percent=15, rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin)
    client.force_login(admin)
    response = client.post(
        "/admin/catalogue/tariff/add/",
        {
            "municipality": city.pk,
            "service": svc("other_inquiry").pk,
            "amount": "۱۳۰٬۰۰۰",
            "effective_from": "1405/09/20",
        },
    )
    assert response.status_code == 200
    assert msg.TARIFF_BEFORE_REVISION.format(date="۱۴۰۵/۱۰/۰۱") in response.content.decode()
