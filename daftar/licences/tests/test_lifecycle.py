"""The licence lifecycle (S16, P5): suspend, reinstate, revoke, renew, and the hourly sweep.
Every legal move writes an event, an audit entry and an SMS; every illegal one is a 409 that
names the current status; a renewal is judged by the rule-set version in force today."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from daftar.accounts.models import User
from daftar.audit.models import AuditEntry
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.licences import messages as msg
from daftar.licences.models import Licence, LicenceStatus
from daftar.licences.moves import (
    add_years,
    licence_reinstate,
    licence_renew,
    licence_revoke,
    licence_suspend,
    licences_sweep,
)
from daftar.licences.services import licence_is_verifiable
from daftar.licences.tasks import sweep_licences
from daftar.licences.tests.factories import authority
from daftar.notifications.models import OutboxMessage
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory
from daftar.rules.models import Condition
from daftar.rules.services import rule_set_new_version, rule_set_publish

pytestmark = pytest.mark.django_db

REASON = "تخلف مالی: دریافت وجه بیش از تعرفهٔ مصوب (P5)"
AUTHORITY = "09120000005"


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def sms_of(licence: Licence, kind: str) -> list[str]:
    return list(OutboxMessage.objects.filter(to=licence.holder.mobile, kind=kind).values_list("text", flat=True))


def refusal(call, *args, **kwargs) -> ApplicationError:
    """What ``call`` refuses, taken by the licensing authority unless another actor is given."""
    kwargs.setdefault("actor", authority())
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- legal moves ------------------------------------------------------------------------------


def test_suspend_writes_event_audit_and_persian_sms(make_licence):
    licence = make_licence()
    authority = User.objects.get(mobile=AUTHORITY)
    until = days(14)
    changed = licence_suspend(licence, until=until, reason=REASON, actor=authority)
    assert (changed.status, changed.suspended_until, changed.status_reason) == ("suspended", until, REASON)
    event = changed.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor, event.reason) == (
        "suspend",
        "active",
        "suspended",
        authority,
        REASON,
    )
    entry = AuditEntry.objects.get(action="licence.suspend")
    assert entry.object_id == str(licence.pk) and entry.actor == authority and entry.data["until"] == str(until)
    [text] = sms_of(licence, "licence_suspend")
    assert licence.number in text and to_jalali(until) in text and "تعلیق" in text and REASON in text


def test_reinstate_lifts_a_suspension(make_licence):
    licence = make_licence(status=LicenceStatus.SUSPENDED, suspended_until=days(30))
    changed = licence_reinstate(licence, reason="تعهد کتبی دفتر به رعایت تعرفه‌ها", actor=authority())
    assert (changed.status, changed.suspended_until) == ("active", None)
    assert AuditEntry.objects.filter(action="licence.reinstate").count() == 1
    [text] = sms_of(licence, "licence_reinstate")
    assert to_jalali(licence.valid_until) in text


def test_revoke_from_active_and_from_suspended_is_final(make_licence):
    active = licence_revoke(make_licence(), reason=REASON, actor=authority())
    suspended = licence_revoke(
        make_licence(status=LicenceStatus.SUSPENDED, suspended_until=days(5)), reason=REASON, actor=authority()
    )
    for licence in (active, suspended):
        assert licence.status == LicenceStatus.REVOKED and licence.suspended_until is None
        assert sms_of(licence, "licence_revoke")
        for move, kwargs in [
            (licence_suspend, {"until": days(3)}),
            (licence_reinstate, {}),
            (licence_revoke, {}),
            (licence_renew, {}),
        ]:
            error = refusal(move, licence, reason=REASON, **kwargs)
            assert error.status_code == 409 and error.message == msg.ILLEGAL_MOVE.format(status="لغوشده")
    assert AuditEntry.objects.filter(action="licence.revoke").count() == 2


def test_renew_within_the_window_extends_validity_and_re_signs(make_licence):
    licence = make_licence(valid_until=days(20))
    old_payload = licence.payload
    changed = licence_renew(licence, reason="درخواست تمدید در مهلت مقرر", actor=authority())
    assert changed.valid_until == add_years(days(20), settings.LICENCE_VALIDITY_YEARS)
    assert changed.renewals == 1 and changed.status == LicenceStatus.ACTIVE
    stored = Licence.objects.get(pk=licence.pk)
    assert stored.payload != old_payload and stored.valid_until.isoformat() in stored.payload
    assert licence_is_verifiable(stored)
    event = stored.events.get(action="renew")
    assert event.data["rule_set_version"] == 1 and event.data["until"] == str(stored.valid_until)
    assert AuditEntry.objects.filter(action="licence.renew").count() == 1
    [text] = sms_of(licence, "licence_renew")
    assert to_jalali(stored.valid_until) in text


def test_renew_in_the_grace_period_after_the_end(make_licence):
    licence = make_licence(valid_until=days(-10))
    assert licence_renew(
        licence, reason="تمدید در مهلت پس از پایان اعتبار", actor=authority()
    ).valid_until == add_years(days(-10), 3)


def test_add_years_handles_leap_day():
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "کوتاه", None])
def test_every_move_needs_a_reason_of_ten_characters(make_licence, reason):
    licence = make_licence(valid_until=days(20))
    suspended = make_licence(status=LicenceStatus.SUSPENDED, suspended_until=days(5))
    for move, target, kwargs in [
        (licence_suspend, licence, {"until": days(3)}),
        (licence_reinstate, suspended, {}),
        (licence_revoke, licence, {}),
        (licence_renew, licence, {}),
    ]:
        error = refusal(move, target, reason=reason, **kwargs)
        assert error.status_code == 400 and error.message == msg.REASON_REQUIRED
        assert error.fields == {"reason": [msg.REASON_REQUIRED]}
    assert not Licence.objects.exclude(status__in=["active", "suspended"]).exists()
    assert not OutboxMessage.objects.filter(kind__startswith="licence_").exists()


def test_suspension_needs_an_end_in_the_future(make_licence):
    licence = make_licence()
    assert refusal(licence_suspend, licence, until=None, reason=REASON).message == msg.UNTIL_REQUIRED
    for until in (today(), days(-3)):
        assert refusal(licence_suspend, licence, until=until, reason=REASON).message == msg.UNTIL_NOT_FUTURE
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.ACTIVE


def test_illegal_moves_name_the_current_status(make_licence):
    active = make_licence()
    suspended = make_licence(status=LicenceStatus.SUSPENDED, suspended_until=days(5))
    lapsed = make_licence(valid_until=days(-3))  # active in the row, expired in fact
    expired = make_licence(status=LicenceStatus.EXPIRED, valid_until=days(-90))
    cases = [
        (licence_reinstate, active, {}, "فعال"),
        (licence_suspend, suspended, {"until": days(9)}, "تعلیق‌شده"),
        (licence_renew, suspended, {}, "تعلیق‌شده"),
        (licence_suspend, lapsed, {"until": days(9)}, "منقضی"),
        (licence_reinstate, expired, {}, "منقضی"),
        (licence_revoke, expired, {}, "منقضی"),
        (licence_suspend, expired, {"until": days(9)}, "منقضی"),
    ]
    for move, licence, kwargs, label in cases:
        error = refusal(move, licence, reason=REASON, **kwargs)
        assert (error.status_code, error.code) == (409, "illegal_move")
        assert error.message == msg.ILLEGAL_MOVE.format(status=label)
    assert not Licence.objects.filter(pk=active.pk).exclude(status="active").exists()


def test_renewal_refused_outside_the_window(make_licence):
    early = make_licence(valid_until=days(settings.LICENCE_RENEWAL_WINDOW_DAYS + 1))
    late = make_licence(valid_until=days(-settings.LICENCE_GRACE_DAYS - 1), status=LicenceStatus.EXPIRED)
    for licence in (early, late):
        error = refusal(licence_renew, licence, reason="درخواست تمدید مجوز دفتر")
        assert (error.status_code, error.code) == (409, "renewal_window")
        assert to_jalali(licence.valid_until + dt.timedelta(days=settings.LICENCE_GRACE_DAYS)) in error.message
        assert Licence.objects.get(pk=licence.pk).renewals == 0
    assert not OutboxMessage.objects.filter(kind="licence_renew").exists()


def test_renewal_refused_when_a_condition_fails_under_the_new_rule_set_version(make_licence, tehran_rules):
    licence = make_licence(valid_until=days(20))  # premises 75 m², enough under version 1 (60 m²)
    admin = User.objects.get(mobile="09120000007")
    draft = rule_set_new_version(rule_set=tehran_rules, actor=admin, effective_from=today())
    condition = Condition.objects.get(rule_set=draft, cid="S11.2")
    condition.parameters = {**condition.parameters, "min": 100}
    condition.save(update_fields=["parameters"])
    rule_set_publish(rule_set=draft, actor=admin)

    error = refusal(licence_renew, licence, reason="درخواست تمدید در مهلت مقرر")
    assert (error.status_code, error.code) == (409, "conditions_failed")
    assert error.fields == {"conditions": ["S11.2"]}
    assert "S11.2" not in error.message and "۲" in error.message  # version 2, in Persian digits
    assert "۱۰۰ متر مربع" in error.message  # the failing condition's reason, in words
    stored = Licence.objects.get(pk=licence.pk)
    assert (stored.valid_until, stored.renewals) == (days(20), 0)
    assert not stored.events.exists() and not AuditEntry.objects.filter(action="licence.renew").exists()


# --- the sweep --------------------------------------------------------------------------------


def test_sweep_ends_a_suspension_after_its_last_day(make_licence):
    licence = make_licence()
    licence_suspend(licence, until=days(2), reason=REASON, actor=authority())
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        # the last day itself: still suspended, so its sanction is announced again
        assert licences_sweep() == {"suspensions_ended": 0, "expired": 0, "sanctions_reapplied": 1}
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        assert licences_sweep() == {"suspensions_ended": 1, "expired": 0, "sanctions_reapplied": 0}
        assert licences_sweep() == {"suspensions_ended": 0, "expired": 0, "sanctions_reapplied": 0}  # nothing twice
    stored = Licence.objects.get(pk=licence.pk)
    assert (stored.status, stored.suspended_until) == ("active", None)
    event = stored.events.get(action="suspension_end")
    assert (event.from_status, event.to_status, event.actor) == ("suspended", "active", None)
    assert AuditEntry.objects.filter(action="licence.suspension_end", actor_label="system").exists()
    assert sms_of(licence, "licence_suspension_end")


def test_sweep_expires_after_the_grace_period(make_licence):
    grace = settings.LICENCE_GRACE_DAYS
    licence = make_licence(valid_until=days(-grace))  # the last day of grace is today
    revoked = licence_revoke(make_licence(valid_until=days(-grace - 5)), reason=REASON, actor=authority())
    # the revoked licence's sanction is announced again at every sweep (idempotent)
    assert licences_sweep() == {"suspensions_ended": 0, "expired": 0, "sanctions_reapplied": 1}
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        assert sweep_licences() == {"suspensions_ended": 0, "expired": 1, "sanctions_reapplied": 1}
    stored = Licence.objects.get(pk=licence.pk)
    assert stored.status == LicenceStatus.EXPIRED
    assert stored.events.get(action="expire").from_status == "active"
    assert AuditEntry.objects.filter(action="licence.expire").count() == 1
    [text] = sms_of(licence, "licence_expire")
    assert to_jalali(licence.valid_until) in text
    assert Licence.objects.get(pk=revoked.pk).status == LicenceStatus.REVOKED


def test_sweep_is_scheduled_hourly():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == sweep_licences.name)
    assert entry["schedule"] == 3600


# --- the actions API --------------------------------------------------------------------------


def actions(client, licence: Licence, **body):
    return client.post(f"/api/v1/licences/{licence.number}/actions", body, format="json")


def test_actions_access_matrix(make_licence):
    from rest_framework.test import APIClient

    from daftar.accounts.tests.factories import RoleAssignmentFactory
    from daftar.applications.tests.helpers import client_for

    licence = make_licence()
    foreign_authority = RoleAssignmentFactory(role="licensing_authority").user
    operator = User.objects.create_superuser(mobile="09127770001")  # the platform's, no municipal office
    body = {"action": "suspend", "reason": REASON, "until": "1499/01/01"}
    expected = [
        (APIClient(), 401),
        (client_for(operator), 403),  # a licence's sanctions are the licensing authority's alone
        (client_for(licence.holder), 403),
        (client_for(User.objects.get(mobile="09120000002")), 403),  # reviewer of Tehran
        (client_for(foreign_authority), 404),
        (client_for(User.objects.get(mobile=AUTHORITY)), 200),
    ]
    for client, status in expected:
        response = actions(client, licence, **body)
        assert response.status_code == status, (status, response.content)
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.SUSPENDED
    assert licence.events.count() == 1  # only the authority's call changed anything
    unknown = Licence(number="TEH-1404-999999")
    assert actions(client_for(User.objects.get(mobile=AUTHORITY)), unknown, **body).status_code == 404
    assert actions(client_for(foreign_authority), licence, **body).json()["code"] == "not_found"


def test_actions_api_takes_a_jalali_date_and_answers_with_the_history(make_licence):
    from daftar.applications.tests.helpers import client_for

    licence = make_licence()
    client = client_for(User.objects.get(mobile=AUTHORITY))
    until = days(40)
    response = actions(client, licence, action="suspend", reason=REASON, until=to_jalali(until))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "suspended" and body["suspended_until"] == until.isoformat()
    assert body["status_reason"] == REASON
    assert [(e["action"], e["label"], e["from"], e["to"]) for e in body["events"]] == [
        ("suspend", "تعلیق", "active", "suspended")
    ]
    assert body["events"][0]["actor"] == "فاطمه یزدانی"

    reinstated = actions(client, licence, action="reinstate", reason="رفع تخلف و تعهد کتبی دفتر")
    assert reinstated.json()["status"] == "active" and len(reinstated.json()["events"]) == 2
    again = actions(client, licence, action="reinstate", reason="رفع تخلف و تعهد کتبی دفتر")
    assert again.status_code == 409 and again.json()["detail"] == msg.ILLEGAL_MOVE.format(status="فعال")


def test_actions_api_refuses_bad_input_in_persian(make_licence):
    from daftar.applications.tests.helpers import client_for

    licence = make_licence()
    client = client_for(User.objects.get(mobile=AUTHORITY))
    unknown = actions(client, licence, action="delete", reason=REASON)
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_action"
    bad_date = actions(client, licence, action="suspend", reason=REASON, until="فردا")
    assert bad_date.status_code == 400 and "until" in bad_date.json()["fields"]
    no_until = actions(client, licence, action="suspend", reason=REASON)
    assert no_until.status_code == 400 and no_until.json()["detail"] == msg.UNTIL_REQUIRED
    short = actions(client, licence, action="revoke", reason="بد")
    assert short.status_code == 400 and short.json()["fields"] == {"reason": [msg.REASON_REQUIRED]}
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.ACTIVE


def test_renewal_asks_the_outside_bodies_again_when_their_answers_are_old(make_licence):
    from daftar.inquiries.models import Inquiry

    licence = make_licence(valid_until=timezone.localdate() + dt.timedelta(days=20))
    Inquiry.objects.filter(application=licence.application).update(completed_at=timezone.now() - dt.timedelta(days=400))
    error = refusal(licence_renew, licence, reason="درخواست تمدید در مهلت مقرر")
    assert (error.status_code, error.code) == (409, "renewal_inquiries_pending")
    assert set(Inquiry.objects.filter(application=licence.application).values_list("status", flat=True)) == {"pending"}
    Inquiry.objects.filter(application=licence.application).update(status="passed", completed_at=timezone.now())
    Inquiry.objects.filter(application=licence.application, kind="criminal_record").update(
        status="failed", reason="سابقهٔ کیفری مؤثر"
    )
    error = refusal(licence_renew, licence, reason="درخواست تمدید در مهلت مقرر")
    assert error.code == "inquiry_failed" and "سابقهٔ کیفری" in error.message
    Inquiry.objects.filter(application=licence.application).update(status="passed")
    assert licence_renew(licence, reason="درخواست تمدید در مهلت مقرر", actor=authority()).renewals == 1


# --- nobody acts on their own licence ----------------------------------------------------------


def test_a_licensing_authority_cannot_act_on_a_licence_they_hold_or_work_under(make_licence):
    """The holder, or a clerk of the licensed office, who is also the municipality's licensing
    authority is answered "not found" (as an unknown number) and nothing changes; the holder
    without the role still gets 403."""
    from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
    from daftar.applications.tests.helpers import client_for
    from daftar.offices.models import StaffRole

    licence = make_licence(status=LicenceStatus.SUSPENDED, suspended_until=days(30))
    office = OfficeFactory(municipality=licence.municipality, district=licence.district, licence=licence)
    clerk = UserFactory.create()
    OfficeStaffFactory(office=office, user=clerk, role=StaffRole.CLERK)
    body = {"action": "reinstate", "reason": "رفع تعلیق مجوز خود برای آزمون"}
    assert actions(client_for(licence.holder), licence, **body).status_code == 403  # no role: as before
    unknown = actions(client_for(authority()), Licence(number="TEH-1404-999999"), **body)
    for person in (licence.holder, clerk):
        RoleAssignmentFactory(user=person, municipality=licence.municipality, role="licensing_authority")
        response = actions(client_for(User.objects.get(pk=person.pk)), licence, **body)
        assert (response.status_code, response.json()) == (404, unknown.json())
        error = refusal(licence_reinstate, licence, reason=body["reason"], actor=User.objects.get(pk=person.pk))
        assert (error.status_code, error.code) == (404, "not_found")
    stored = Licence.objects.get(pk=licence.pk)
    assert (stored.status, stored.events.count()) == (LicenceStatus.SUSPENDED, 0)
    assert not AuditEntry.objects.filter(action__startswith="licence.").exists()
    assert actions(client_for(authority()), licence, **body).status_code == 200  # anyone else may
