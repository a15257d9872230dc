"""The municipality administrator's deadline rules page (issue 21 §2 follow-up; docs/deadlines.md,
decision 0046): reminder days, the head and per licence type the consequence of a clock running
out, saved in one audited transaction and then used by the clock sweep; every bad input refused
in Persian next to its box with nothing saved; the Django admin refuses the same through the same
checks (``applications.deadline_settings``)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.test import Client

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications import messages as msg
from daftar.applications.consequences import _reminder_days, consequence_of, heads
from daftar.applications.deadline_settings import days_parse, deadline_rules_save
from daftar.applications.deadlines import clocks_tick
from daftar.applications.models import Application, DeadlineConsequence, DeadlineSettings, StageClock
from daftar.applications.tests.helpers import client_for as api_client
from daftar.applications.tests.helpers import submitted_case
from daftar.audit.models import AuditEntry
from daftar.calls.models import Call
from daftar.desk.navigation import menu_for
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.municipalities.workdays import TEHRAN, calendar_for
from daftar.notifications.models import OutboxMessage
from daftar.rules.models import LicenceType, RuleSet

pytestmark = pytest.mark.django_db

PAGE = "/desk/municipality/deadlines/"
DEEMED, ESCALATION = DeadlineConsequence.Kind.DEEMED_APPROVAL, DeadlineConsequence.Kind.ESCALATION
APPLICANT, REVIEWER, AUTHORITY, ADMIN = "09120000001", "09120000002", "09120000005", "09120000007"


# --- a small municipality of our own (no demo: fast) ---------------------------------------------


@pytest.fixture
def city() -> Any:
    return MunicipalityFactory(name="شهرداری آزمون")


@pytest.fixture
def admin(city: Any) -> Any:
    return RoleAssignmentFactory(municipality=city, role="municipality_admin", user=UserFactory()).user


@pytest.fixture
def authority(city: Any) -> Any:
    return RoleAssignmentFactory(
        municipality=city, role="licensing_authority", user=UserFactory(first_name="مینا", last_name="کاظمی")
    ).user


@pytest.fixture
def shop(city: Any) -> LicenceType:
    """A licence type the city has rules for."""
    kind = LicenceType.objects.create(code="test-shop", title="مجوز فروشگاه آزمایشی", issuing_body="شهرداری")
    RuleSet.objects.create(licence_type=kind, municipality=city, version=1, effective_from=dt.date(2026, 1, 1))
    return kind


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(licence_type: LicenceType | None = None, **values: str) -> dict[str, str]:
    """A valid submission that changes nothing on an empty municipality, with ``values`` over it."""
    data = {"staff_days": "", "head_days": "", "head": ""}
    if licence_type is not None:
        data[f"consequence_{licence_type.pk}"] = ESCALATION
    return {**data, **values}


def nothing_saved(city: Any) -> bool:
    return (
        not DeadlineSettings.objects.filter(municipality=city).exists()
        and not DeadlineConsequence.objects.filter(municipality=city).exists()
        and not AuditEntry.objects.filter(action="deadline_rules.update").exists()
    )


# --- the page -------------------------------------------------------------------------------------


def test_the_page_shows_the_example_defaults_and_explains_deemed_approval(admin: Any, shop: Any) -> None:
    page = client_for(admin).get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "۲ و ۱ روز کاری پیش از پایان مهلت" in text and "روز آخر مهلت" in text
    assert text.count("پیش‌فرض نمونهٔ سامانه") >= 2  # both reminder lists are the example defaults
    assert "همهٔ مرجعان صدور مجوز" in text
    assert "مجوز فروشگاه آزمایشی" in text  # a licence type with rules here
    assert "سامانه خودش، بی آنکه کسی از شهرداری تأیید کند، مجوز را صادر می‌کند" in text
    assert "به مرجع بالاتر ارجاع می‌شود" in text and 'name="confirm_' in text
    assert 'aria-current="page" href="/desk/municipality/deadlines/"' in text
    group = next(g for g in menu_for(admin)["staff"] if g["key"] == "municipality")
    assert {"label": "مهلت‌ها و پیامدها", "url": PAGE} in group["links"]


def test_saving_audits_before_and_after_and_the_page_shows_it(city: Any, admin: Any, authority: Any, shop: Any) -> None:
    answer = client_for(admin).post(
        PAGE,
        form(
            shop,
            staff_days="۳، 1 ,۳",
            head_days="1",
            head=str(authority.pk),
            **{f"consequence_{shop.pk}": DEEMED, f"confirm_{shop.pk}": "on"},
        ),
        follow=True,
    )
    assert answer.status_code == 200
    row = DeadlineSettings.objects.get(municipality=city)
    assert (row.staff_days, row.head_days, row.head_id) == ([3, 1], [1], authority.pk)  # no repeats, latest first
    assert DeadlineConsequence.objects.get(municipality=city, licence_type=shop).kind == DEEMED
    entry = AuditEntry.objects.get(action="deadline_rules.update")
    assert entry.actor_id == admin.pk and entry.municipality_id == city.pk
    assert entry.data["before"] == {"staff_days": [], "head_days": [], "head_id": None, "consequences": {}}
    assert entry.data["after"] == {
        "staff_days": [3, 1],
        "head_days": [1],
        "head_id": authority.pk,
        "consequences": {str(shop.pk): DEEMED},
    }
    assert set(entry.data["changed"]) == {"staff_days", "head_days", "head", "consequences"}
    text = answer.content.decode()
    assert "ذخیره شد" in text
    assert 'value="۳، ۱"' in text and "۳ و ۱ روز کاری پیش از پایان مهلت" in text
    assert "پیش‌فرض نمونهٔ سامانه</span>" not in text  # both lists are the municipality's own now
    assert "اکنون: صدور مجوز به حکم قانون" in text and f'name="confirm_{shop.pk}"' not in text
    assert "مینا کاظمی" in text
    # the sweep's readings of the municipality
    assert _reminder_days(city.pk) == ([1, 3], [1], authority.pk)
    case = SimpleNamespace(municipality_id=city.pk, call=SimpleNamespace(licence_type_id=shop.pk))
    assert consequence_of(case) == DEEMED  # type: ignore[arg-type]


def test_saving_nothing_new_writes_no_audit_entry(admin: Any, shop: Any) -> None:
    answer = client_for(admin).post(PAGE, form(shop), follow=True)
    assert "چیزی تغییر نکرد" in answer.content.decode()
    assert not AuditEntry.objects.filter(action="deadline_rules.update").exists()
    assert not DeadlineSettings.objects.exists()


def test_back_to_escalation_needs_no_confirmation(city: Any, admin: Any, shop: Any) -> None:
    DeadlineConsequence.objects.create(municipality=city, licence_type=shop, kind=DEEMED)
    client = client_for(admin)
    assert client.post(PAGE, form(shop, **{f"consequence_{shop.pk}": DEEMED})).status_code == 302  # kept: no box
    assert client.post(PAGE, form(shop)).status_code == 302
    assert DeadlineConsequence.objects.get(municipality=city, licence_type=shop).kind == ESCALATION
    entry = AuditEntry.objects.get(action="deadline_rules.update")
    assert entry.data["before"]["consequences"] == {str(shop.pk): DEEMED}
    assert entry.data["after"]["consequences"] == {str(shop.pk): ESCALATION}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "«-۱» در این بازه نیست"),
        ("11", "«۱۱» در این بازه نیست"),
        ("abc", "«abc» عدد روز نیست"),
        ("۱، ۲، ۳، ۴، ۵، ۶", "دست‌بالا ۵ روز یادآوری؛ ۶ روز نوشته‌اید."),
    ],
)
@pytest.mark.parametrize("field", ["staff_days", "head_days"])
def test_bad_reminder_days_are_refused_next_to_the_box_and_nothing_is_saved(
    city: Any, admin: Any, shop: Any, field: str, typed: str, message: str
) -> None:
    # a valid change of the other list and of the consequence goes with it, and is not saved either
    other = "head_days" if field == "staff_days" else "staff_days"
    data = form(shop, **{field: typed, other: "4", f"consequence_{shop.pk}": DEEMED, f"confirm_{shop.pk}": "on"})
    answer = client_for(admin).post(PAGE, data)
    assert answer.status_code == 400
    text = answer.content.decode()
    assert message in text and "چیزی ذخیره نشد" in text
    assert f'id="id_{field}_error"' in text
    box = text[text.index(f'name="{field}"') - 300 : text.index(f'name="{field}"') + 400]
    assert 'aria-invalid="true"' in box and f"id_{field}_error" in box
    assert f'id="id_{other}_error"' not in text
    assert nothing_saved(city)


def test_a_head_who_is_not_a_licensing_authority_here_is_refused(city: Any, admin: Any, shop: Any) -> None:
    reviewer = RoleAssignmentFactory(municipality=city, role="reviewer").user
    elsewhere = RoleAssignmentFactory(role="licensing_authority").user  # of another municipality
    client = client_for(admin)
    for head in (str(reviewer.pk), str(elsewhere.pk), "999999", "x", "9" * 5000):
        answer = client.post(PAGE, form(shop, head=head, staff_days="3"))
        assert answer.status_code == 400, head
        text = answer.content.decode()
        assert msg.HEAD_NOT_AUTHORITY in text and 'id="id_head_error"' in text
    assert nothing_saved(city)


def test_deemed_approval_without_the_confirmation_is_refused(city: Any, admin: Any, shop: Any) -> None:
    answer = client_for(admin).post(PAGE, form(shop, staff_days="3", **{f"consequence_{shop.pk}": DEEMED}))
    assert answer.status_code == 400
    text = answer.content.decode()
    assert msg.DEEMED_NOT_CONFIRMED in text
    assert f'id="id_consequence_{shop.pk}_error"' in text
    confirm = text[text.index(f'name="confirm_{shop.pk}"') - 200 : text.index(f'name="confirm_{shop.pk}"') + 200]
    assert 'aria-invalid="true"' in confirm
    assert nothing_saved(city)  # nor the valid reminder days sent with it


def test_only_the_municipality_administrator_may(city: Any, admin: Any, shop: Any) -> None:
    reviewer = RoleAssignmentFactory(municipality=city, role="reviewer").user
    assert client_for(reviewer).get(PAGE).status_code == 403
    assert client_for(reviewer).post(PAGE, form(shop, staff_days="3")).status_code == 403
    foreign = RoleAssignmentFactory(role="municipality_admin").user  # another municipality's
    assert client_for(foreign).get(f"{PAGE}?municipality={city.pk}").status_code == 404
    answer = client_for(foreign).post(PAGE, {**form(shop, staff_days="3"), "municipality": str(city.pk)})
    assert answer.status_code == 404
    assert Client().get(PAGE).status_code == 302  # to the sign-in page
    assert nothing_saved(city)


def test_the_service_refuses_what_the_page_cannot_send(city: Any, admin: Any, shop: Any) -> None:
    """A licence type without rules here, an unknown consequence, a stranger: nothing written."""
    elsewhere = LicenceType.objects.create(code="test-other", title="مجوز دیگر", issuing_body="شهرداری")
    common = {"municipality": city, "staff_days": "", "head_days": "", "head_id": None}
    with pytest.raises(ApplicationError) as refused:
        deadline_rules_save(actor=admin, consequences={elsewhere.pk: ESCALATION, shop.pk: "maybe"}, **common)
    assert refused.value.fields == {
        f"consequence_{elsewhere.pk}": [msg.CONSEQUENCE_TYPE_UNKNOWN],
        f"consequence_{shop.pk}": [msg.CONSEQUENCE_UNKNOWN],
    }
    with pytest.raises(ApplicationError) as refused:
        deadline_rules_save(actor=UserFactory(), consequences={}, **{**common, "staff_days": "3"})
    assert refused.value.status_code == 404
    assert nothing_saved(city)


def test_reminder_days_are_read_in_any_digits() -> None:
    assert days_parse("۲،۱ ,2") == [2, 1]
    assert days_parse("٣ 0") == [3, 0]
    assert days_parse("") == days_parse(None) == []
    assert days_parse([0, 10, 0]) == [10, 0]
    for bad in ([True], ["2"], [1.5], "2.5", {"a": 1}):
        with pytest.raises(ApplicationError):
            days_parse(bad)


# --- the sweep uses what was saved (demo Tehran, a case under review) ----------------------------


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=TEHRAN)


def test_the_clock_sweep_reminds_at_the_days_saved_on_the_page(tehran_rules: Any) -> None:
    Call.objects.update(opens_at=at("2026-01-01", 0), closes_at=at("2026-12-30", 0))
    with time_machine.travel(at("2026-05-04"), tick=False):
        case = Application.objects.get(pk=submitted_case(api_client(User.objects.get(mobile=APPLICANT)))["id"])
    authority = User.objects.get(mobile=AUTHORITY)
    type_id = case.call.licence_type_id
    answer = client_for(User.objects.get(mobile=ADMIN)).post(
        PAGE,
        {
            "staff_days": "۳",
            "head_days": "۳",
            "head": str(authority.pk),
            f"consequence_{type_id}": DEEMED,
            f"confirm_{type_id}": "on",
        },
    )
    assert answer.status_code == 302
    assert heads(case) == [authority] and consequence_of(case) == DEEMED
    clock = StageClock.objects.get(application=case, finished_at__isnull=True)
    calendar = calendar_for(case.municipality)
    moment = at("2026-05-04", 11)
    while calendar.working_days_between(moment, clock.due_at) > 3 or not calendar.is_working_day(moment.date()):
        moment += dt.timedelta(days=1)
    with time_machine.travel(moment, tick=False):  # 3 working days left: no default reminder is due
        clocks_tick()
    staff = OutboxMessage.objects.filter(kind="deadline_reminder")
    assert REVIEWER in {m.to for m in staff} and "۳ روز کاری" in staff[0].text
    assert [m.to for m in OutboxMessage.objects.filter(kind="deadline_reminder_head")] == [AUTHORITY]


# --- the Django admin: the same checks --------------------------------------------------------------


def test_the_django_admin_refuses_through_the_same_checks(city: Any, admin: Any, authority: Any, shop: Any) -> None:
    client = client_for(admin)
    add = "/admin/applications/deadlinesettings/add/"
    base = {"municipality": city.pk, "staff_days": "[2, 1]", "head_days": "[0]", "head": ""}
    refused = client.post(add, {**base, "staff_days": "[11]"})
    assert refused.status_code == 200
    assert msg.REMINDER_DAY_RANGE.format(most="۱۰", value="۱۱") in refused.content.decode()
    refused = client.post(add, {**base, "head_days": "[1, 2, 3, 4, 5, 6]"})
    assert msg.REMINDER_DAYS_TOO_MANY.format(most="۵", count="۶") in refused.content.decode()
    assert not DeadlineSettings.objects.exists()
    assert client.post(add, {**base, "staff_days": "[1, 3, 1]", "head": authority.pk}).status_code == 302
    assert DeadlineSettings.objects.get(municipality=city).staff_days == [3, 1]  # kept as the page keeps it

    consequence = "/admin/applications/deadlineconsequence/add/"
    row = {"municipality": city.pk, "licence_type": shop.pk, "kind": DEEMED}
    refused = client.post(consequence, row)
    assert refused.status_code == 200 and msg.DEEMED_NOT_CONFIRMED in refused.content.decode()
    assert not DeadlineConsequence.objects.exists()
    assert client.post(consequence, {**row, "confirm_deemed": "on"}).status_code == 302
    assert DeadlineConsequence.objects.get(municipality=city).kind == DEEMED
