"""Tariffs per municipality with effective dates and their revisions (P6, S18): setting a
tariff, previewing/scheduling/cancelling a revision with half-up rounding, the public table in
force on the day before and on the day of a revision (required by issue 6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from daftar.audit.models import AuditEntry
from daftar.catalogue import messages as msg
from daftar.catalogue.inputs import parse_amount, parse_percent, parse_step
from daftar.catalogue.models import RevisionStatus, Service, Tariff, TariffRevision
from daftar.catalogue.revisions import revision_cancel, revision_preview, revision_schedule, round_to_step
from daftar.catalogue.services import tariff_delete, tariff_set, tariff_update
from daftar.catalogue.tariffs import tariff_in_force, tariff_table
from daftar.kernel.errors import ApplicationError

from .factories import NOW, TODAY, make_city, municipal, set_tariffs

pytestmark = pytest.mark.django_db

NEXT_MONTH = TODAY + dt.timedelta(days=28)  # 1405/10/01 (2026-12-22)


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def city() -> Any:
    municipality, _district = make_city()
    set_tariffs(municipality)
    return municipality


@pytest.fixture
def admin(city: Any) -> Any:
    return municipal(city, "municipality_admin")


def svc(code: str) -> Service:
    return Service.objects.get(code=code)


def amounts(municipality: Any, on: dt.date) -> dict[str, int | None]:
    return {line.service.code: line.amount for line in tariff_table(municipality.pk, on)}


# --- parsing and rounding --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (Decimal("287500"), 10_000, 290_000),  # 250,000 × 1.15 → nearest 10,000
        (Decimal("172500"), 5_000, 175_000),  # exactly half: up
        (Decimal("172499.99"), 5_000, 170_000),
        (Decimal("1725000"), 100_000, 1_700_000),
        (Decimal("1750000"), 100_000, 1_800_000),  # half up
        (Decimal("3000"), 10_000, 10_000),  # never below one step
        (Decimal("123457"), 1, 123_457),
    ],
)
def test_round_to_step_is_half_up(value: Decimal, step: int, expected: int) -> None:
    assert round_to_step(value, step) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("۱۵", Decimal(15)), ("+15", Decimal(15)), ("-10", Decimal(-10)), ("۱۲٫۵", Decimal("12.5"))]
)
def test_percent_accepts_persian_digits_and_signs(raw: str, expected: Decimal) -> None:
    assert parse_percent(raw) == expected


@pytest.mark.parametrize("raw", ["-50.01", "-51", "201", "abc", "", None, "1e3", "15,5,5", "nan"])
def test_percent_outside_range_or_junk_is_refused(raw: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        parse_percent(raw)
    assert exc.value.message == msg.PERCENT_INVALID


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "", "999999999999"])
def test_step_below_one_or_junk_is_refused(raw: str) -> None:
    with pytest.raises(ApplicationError) as exc:
        parse_step(raw)
    assert exc.value.fields["rounding_step"]


@pytest.mark.parametrize(("raw", "expected"), [("۲۵۰٬۰۰۰", 250_000), ("250,000", 250_000), (7, 7), ("٣٠٠", 300)])
def test_amount_accepts_separators_and_any_digits(raw: Any, expected: int) -> None:
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-5", 0, -1, "12.5", "abc", "", None, True, "1" * 25])
def test_amount_zero_negative_or_junk_is_refused(raw: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        parse_amount(raw)
    assert exc.value.message == msg.AMOUNT_INVALID


def test_amount_above_the_ceiling_is_refused() -> None:
    with pytest.raises(ApplicationError) as exc:
        parse_amount(10_000_000_001)
    assert exc.value.code == "amount_too_large"


# --- setting a tariff ------------------------------------------------------------------------


def test_admin_sets_a_future_tariff_with_a_jalali_date_and_it_is_audited(city: Any, admin: Any) -> None:
    tariff = tariff_set(
        municipality=city, service=svc("property_inquiry"), amount="۳۰۰٬۰۰۰", effective_from="۱۴۰۵/۱۰/۰۱", actor=admin
    )
    assert (tariff.amount, tariff.effective_from) == (300_000, NEXT_MONTH)
    assert amounts(city, NEXT_MONTH - dt.timedelta(days=1))["property_inquiry"] == 250_000
    assert amounts(city, NEXT_MONTH)["property_inquiry"] == 300_000
    entry = AuditEntry.objects.get(action="services.tariff_set")
    assert entry.data["amount"] == 300_000


def test_a_past_date_is_refused(city: Any, admin: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        tariff_set(
            municipality=city, service=svc("property_inquiry"), amount=1, effective_from="1405/09/02", actor=admin
        )
    assert exc.value.message == msg.TARIFF_DATE_PAST


@pytest.mark.parametrize("role", ["supervisor", "licensing_authority", "reviewer"])
def test_only_the_municipality_admin_sets_tariffs(city: Any, role: str) -> None:
    with pytest.raises(ApplicationError) as exc:
        tariff_set(
            municipality=city,
            service=svc("property_inquiry"),
            amount=1,
            effective_from=NEXT_MONTH,
            actor=municipal(city, role),
        )
    assert exc.value.status_code == 403
    other, _d = make_city()
    with pytest.raises(ApplicationError):
        tariff_set(
            municipality=city,
            service=svc("property_inquiry"),
            amount=1,
            effective_from=NEXT_MONTH,
            actor=municipal(other, "municipality_admin"),
        )
    assert not Tariff.objects.filter(effective_from=NEXT_MONTH).exists()


def test_a_future_row_is_replaced_but_a_row_in_force_is_locked(city: Any, admin: Any) -> None:
    inquiry = svc("property_inquiry")
    tariff_set(municipality=city, service=inquiry, amount=300_000, effective_from=NEXT_MONTH, actor=admin)
    tariff_set(municipality=city, service=inquiry, amount=310_000, effective_from=NEXT_MONTH, actor=admin)
    assert Tariff.objects.get(municipality=city, service=inquiry, effective_from=NEXT_MONTH).amount == 310_000

    # a service without a tariff today may get one from today (review #1); then it is in force
    booking = svc("appointment_booking")
    tariff_set(municipality=city, service=booking, amount=60_000, effective_from=TODAY, actor=admin)
    with pytest.raises(ApplicationError) as exc:
        tariff_set(municipality=city, service=booking, amount=70_000, effective_from=TODAY, actor=admin)
    assert exc.value.message == msg.TARIFF_TODAY_IN_FORCE
    in_force = tariff_in_force(city.pk, booking.pk, TODAY)
    assert in_force is not None and in_force.amount == 60_000
    with pytest.raises(ApplicationError):
        tariff_update(tariff=in_force, amount=1, effective_from=NEXT_MONTH, actor=admin)
    with pytest.raises(ApplicationError):
        tariff_delete(tariff=in_force, actor=admin)


def test_a_future_row_can_be_moved_and_deleted(city: Any, admin: Any) -> None:
    row = tariff_set(
        municipality=city, service=svc("charges_payment"), amount=160_000, effective_from=NEXT_MONTH, actor=admin
    )
    later = NEXT_MONTH + dt.timedelta(days=10)
    tariff_update(tariff=row, amount=170_000, effective_from=later, actor=admin)
    assert amounts(city, NEXT_MONTH)["charges_payment"] == 150_000
    assert amounts(city, later)["charges_payment"] == 170_000
    tariff_delete(tariff=row, actor=admin)
    assert amounts(city, later)["charges_payment"] == 150_000
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"services.tariff_update", "services.tariff_delete"} <= actions


# --- revisions -------------------------------------------------------------------------------


def test_preview_shows_old_new_and_difference_rounded_half_up(city: Any) -> None:
    preview = revision_preview(city, "15", "10000", "۱۴۰۵/۱۰/۰۱")
    lines = {line.service.code: line for line in preview.lines}
    assert (lines["property_inquiry"].current_amount, lines["property_inquiry"].new_amount) == (250_000, 290_000)
    assert lines["property_inquiry"].difference == 40_000
    assert lines["building_permit"].new_amount == 1_730_000  # 1,725,000 → half up
    assert lines["charges_payment"].new_amount == 170_000  # 172,500 → 170,000 (nearest)
    # appointment_booking has no tariff in this city: skipped and listed
    assert lines["appointment_booking"].skipped == msg.SKIP_NO_TARIFF
    assert [line.service.code for line in preview.skipped] == ["appointment_booking"]
    assert not TariffRevision.objects.exists()  # a preview writes nothing


def test_schedule_creates_the_revision_and_its_rows_from_its_date(city: Any, admin: Any) -> None:
    revision = revision_schedule(
        municipality=city, percent="15", rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin
    )
    assert revision.status == RevisionStatus.SCHEDULED
    assert revision.tariffs.count() == 5
    entry = AuditEntry.objects.get(action="services.revision_schedule")
    assert entry.data["skipped"] == ["appointment_booking"]
    assert {"service": "property_inquiry", "old": 250_000, "new": 290_000} in entry.data["lines"]


def test_public_table_on_the_day_before_and_on_the_day_of_a_revision(city: Any, admin: Any) -> None:
    """Issue 6 «Tests»: the table in force on the day before and on the day of a revision."""
    revision_schedule(municipality=city, percent="15", rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin)
    api = APIClient()  # anonymous: the table is public (P6)
    before = api.get("/api/v1/tariffs", {"municipality": city.slug, "on": "1405/09/30"})
    on_day = api.get("/api/v1/tariffs", {"municipality": str(city.pk), "on": "۱۴۰۵/۱۰/۰۱"})
    assert before.status_code == on_day.status_code == 200
    old = {row["service"]: row["amount"] for row in before.json()["tariffs"]}
    new = {row["service"]: row for row in on_day.json()["tariffs"]}
    assert old["property_inquiry"] == 250_000 and new["property_inquiry"]["amount"] == 290_000
    assert old["building_permit"] == 1_500_000 and new["building_permit"]["amount"] == 1_730_000
    assert new["property_inquiry"]["effective_from"] == "2026-12-22"
    assert new["property_inquiry"]["effective_from_jalali"] == "1405/10/01"
    assert new["appointment_booking"]["amount"] is None
    body = on_day.json()
    assert body["on"] == "2026-12-22" and body["on_jalali"] == "1405/10/01"
    assert body["municipality"]["slug"] == city.slug
    # ISO dates work too, and the default is today
    assert api.get("/api/v1/tariffs", {"municipality": city.slug}).json()["on"] == TODAY.isoformat()
    iso = api.get("/api/v1/tariffs", {"municipality": city.slug, "on": "2026-12-21"}).json()
    assert {r["service"]: r["amount"] for r in iso["tariffs"]} == old


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({}, 400, "required"),
        ({"municipality": "no-such-city"}, 404, "not_found"),
        ({"municipality": "99999999999999999999"}, 404, "not_found"),
        ({"municipality": "{slug}", "on": "1405/13/40"}, 400, "date_invalid"),
        ({"municipality": "{slug}", "on": "فردا"}, 400, "date_invalid"),
    ],
)
def test_tariff_table_bad_queries(city: Any, query: dict[str, str], status: int, code: str) -> None:
    query = {k: v.format(slug=city.slug) for k, v in query.items()}
    response = APIClient().get("/api/v1/tariffs", query)
    assert response.status_code == status
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"effective_from": TODAY}, msg.REVISION_DATE_NOT_FUTURE),
        ({"effective_from": TODAY - dt.timedelta(days=3)}, msg.REVISION_DATE_NOT_FUTURE),
        ({"percent": "-51"}, msg.PERCENT_INVALID),
        ({"percent": "200.5"}, msg.PERCENT_INVALID),
        ({"rounding_step": "0"}, None),
        ({"effective_from": "1405/02/31x"}, None),
    ],
)
def test_schedule_refuses_bad_inputs(city: Any, admin: Any, kwargs: dict[str, Any], message: str | None) -> None:
    args = {"percent": "15", "rounding_step": 10_000, "effective_from": NEXT_MONTH, **kwargs}
    with pytest.raises(ApplicationError) as exc:
        revision_schedule(municipality=city, actor=admin, **args)
    if message:
        assert exc.value.message == message
    assert not TariffRevision.objects.exists()
    assert not Tariff.objects.filter(revision__isnull=False).exists()


def test_a_second_revision_on_the_same_day_is_refused(city: Any, admin: Any) -> None:
    revision_schedule(municipality=city, percent="15", rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin)
    with pytest.raises(ApplicationError) as exc:
        revision_schedule(municipality=city, percent="5", rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin)
    assert exc.value.status_code == 409 and exc.value.message == msg.REVISION_SAME_DAY
    assert TariffRevision.objects.count() == 1


def test_a_revision_with_nothing_to_revise_is_refused(admin: Any) -> None:
    empty, _d = make_city()
    with pytest.raises(ApplicationError) as exc:
        revision_schedule(
            municipality=empty,
            percent="15",
            rounding_step=10_000,
            effective_from=NEXT_MONTH,
            actor=municipal(empty, "municipality_admin"),
        )
    assert exc.value.message == msg.REVISION_NOTHING


def test_only_the_municipality_admin_schedules_or_cancels(city: Any, admin: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        revision_schedule(
            municipality=city,
            percent="15",
            rounding_step=10_000,
            effective_from=NEXT_MONTH,
            actor=municipal(city, "supervisor"),
        )
    assert exc.value.status_code == 403
    revision = revision_schedule(
        municipality=city, percent="15", rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin
    )
    with pytest.raises(ApplicationError) as exc:
        revision_cancel(revision=revision, actor=municipal(city, "supervisor"))
    assert exc.value.status_code == 403


def test_cancel_before_its_date_restores_the_old_table_and_frees_the_day(city: Any, admin: Any) -> None:
    revision = revision_schedule(
        municipality=city, percent="15", rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin
    )
    revision_cancel(revision=revision, actor=admin)
    assert amounts(city, NEXT_MONTH)["property_inquiry"] == 250_000
    assert AuditEntry.objects.filter(action="services.revision_cancel").count() == 1
    with pytest.raises(ApplicationError) as exc:  # cancelled already: the lifecycle has no move from there
        revision_cancel(revision=revision, actor=admin)
    assert exc.value.status_code == 409 and exc.value.message == msg.REVISION_NOT_CANCELLABLE
    assert AuditEntry.objects.filter(action="services.revision_cancel").count() == 1
    # the same day can be revised again, and set by hand
    again = revision_schedule(
        municipality=city, percent="-10", rounding_step=1_000, effective_from=NEXT_MONTH, actor=admin
    )
    assert amounts(city, NEXT_MONTH)["property_inquiry"] == 225_000
    assert again.tariffs.count() == 5


def test_cancel_on_or_after_its_date_is_refused(city: Any, admin: Any, time_machine: Any) -> None:
    revision = revision_schedule(
        municipality=city, percent="15", rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin
    )
    time_machine.move_to(dt.datetime.combine(NEXT_MONTH, dt.time(9), tzinfo=NOW.tzinfo), tick=False)
    with pytest.raises(ApplicationError) as exc:
        revision_cancel(revision=revision, actor=admin)
    assert exc.value.message == msg.REVISION_NOT_CANCELLABLE
    assert amounts(city, NEXT_MONTH)["property_inquiry"] == 290_000


def test_hand_set_row_on_revision_day_is_kept_and_listed(city: Any, admin: Any) -> None:
    tariff_set(municipality=city, service=svc("other_inquiry"), amount=200_000, effective_from=NEXT_MONTH, actor=admin)
    revision = revision_schedule(
        municipality=city, percent="15", rounding_step=10_000, effective_from=NEXT_MONTH, actor=admin
    )
    assert revision.tariffs.count() == 4
    assert amounts(city, NEXT_MONTH)["other_inquiry"] == 200_000
    with pytest.raises(ApplicationError) as exc:
        tariff_set(municipality=city, service=svc("property_inquiry"), amount=1, effective_from=NEXT_MONTH, actor=admin)
    assert exc.value.message == msg.TARIFF_DAY_TAKEN_BY_REVISION


def test_revision_based_on_the_amount_in_force_the_day_before(city: Any, admin: Any) -> None:
    tariff_set(
        municipality=city,
        service=svc("property_inquiry"),
        amount=260_000,
        effective_from=NEXT_MONTH - dt.timedelta(days=5),
        actor=admin,
    )
    preview = revision_preview(city, "10", "1000", NEXT_MONTH)
    line = next(li for li in preview.lines if li.service.code == "property_inquiry")
    assert (line.current_amount, line.new_amount) == (260_000, 286_000)


# --- admin -----------------------------------------------------------------------------------


def test_admin_tariff_rows_in_force_are_read_only(client: Any, city: Any, admin: Any) -> None:
    client.force_login(admin)
    in_force = Tariff.objects.filter(municipality=city).first()
    assert in_force is not None
    response = client.get(f"/admin/catalogue/tariff/{in_force.pk}/change/")
    assert response.status_code == 200
    assert b'name="amount"' not in response.content  # read-only view
    response = client.post(
        "/admin/catalogue/tariff/add/",
        {
            "municipality": city.pk,
            "service": svc("other_inquiry").pk,
            "amount": "۱۳۰٬۰۰۰",
            "effective_from": "۱۴۰۵/۱۰/۰۱",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert amounts(city, NEXT_MONTH)["other_inquiry"] == 130_000
    response = client.post(
        "/admin/catalogue/tariff/add/",
        {"municipality": city.pk, "service": svc("other_inquiry").pk, "amount": "5", "effective_from": "1405/09/01"},
    )
    assert response.status_code == 200
    assert msg.TARIFF_DATE_PAST in response.content.decode()


def test_admin_catalogue_is_read_only_for_municipality_admins(client: Any, admin: Any) -> None:
    client.force_login(admin)
    service = svc("property_inquiry")
    assert client.get("/admin/catalogue/service/").status_code == 200
    response = client.post(
        f"/admin/catalogue/service/{service.pk}/change/",
        {"code": "x", "title": "y", "duration_minutes": 10, "position": 1},
    )
    assert response.status_code == 403
    service.refresh_from_db()
    assert service.code == "property_inquiry"
    # other municipalities' tariffs are not listed
    other, _d = make_city()
    set_tariffs(other, {"property_inquiry": 999_000})
    listing = client.get("/admin/catalogue/tariff/").content.decode()
    assert "۹۹۹٬۰۰۰" not in listing and "۲۵۰٬۰۰۰" in listing


def test_the_admin_paths_of_the_former_services_app_lead_to_the_catalogue(client: Any, admin: Any) -> None:
    client.force_login(admin)
    response = client.get("/admin/services/tariff/?municipality__id__exact=1")
    assert response.status_code == 301
    assert response["Location"] == "/admin/catalogue/tariff/?municipality__id__exact=1"
    assert client.get("/admin/services/")["Location"] == "/admin/catalogue/"
