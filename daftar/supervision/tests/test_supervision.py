"""Supervision (S16, S17, P5): violations, the ladder warning → suspension → revocation, the
office's right to respond, six-monthly reports and their reminders, and API access."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.tests.helpers import client_for
from daftar.audit.models import AuditEntry
from daftar.kernel.errors import ApplicationError
from daftar.licences.models import Licence, LicenceStatus
from daftar.municipalities.workdays import TEHRAN
from daftar.notifications.models import OutboxMessage
from daftar.supervision.models import Decision, Notice, OfficeReport, Violation, ViolationStatus
from daftar.supervision.services import (
    decision_make,
    notice_issue,
    notice_respond,
    period_bounds,
    period_of,
    report_submit,
    reports_remind,
    violation_record,
)

pytestmark = pytest.mark.django_db

AUTHORITY = "09120000005"
SUPERVISOR = "09120000006"
REVIEWER = "09120000002"
INSPECTOR = "09120000004"
REASON = "دفتر پس از ساعت ۱۸ بدون مجوز کار کرده است"
ANSWER = "دفتر در آن روز به دستور شهرداری ساعت کار تمدیدی داشت."


def user(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


def refusal(call, *args, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kwargs)
    return caught.value


def later(notice: Notice) -> time_machine.travel:
    return time_machine.travel(notice.response_due + dt.timedelta(minutes=1), tick=False)


def record(licence: Licence, code: str = "outside_hours") -> Violation:
    return violation_record(licence, type_code=code, description=REASON, actor=user(SUPERVISOR))


# --- the ladder -------------------------------------------------------------------------------


def test_escalation_ladder_warning_then_suspension_then_revocation(make_licence):
    licence = make_licence()
    supervisor, authority = user(SUPERVISOR), user(AUTHORITY)

    record(licence)
    first = notice_issue(licence, actor=supervisor)
    assert first.proposed_outcome == "warning"
    notice_respond(first, text=ANSWER, actor=licence.holder)
    warning = decision_make(first, actor=authority, reason=REASON)
    assert warning.outcome == "warning"
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE
    assert Violation.objects.filter(licence=licence, status=ViolationStatus.DECIDED).count() == 1

    record(licence, "tariff_not_posted")
    second = notice_issue(licence, actor=supervisor)
    assert (second.proposed_outcome, second.proposed_suspension_days) == ("suspension", 30)
    with later(second):
        suspension = decision_make(second, actor=authority, reason=REASON)
        licence.refresh_from_db()
        assert licence.status == LicenceStatus.SUSPENDED
        assert suspension.suspension_until == timezone.localdate() + dt.timedelta(days=30)
        assert licence.suspended_until == suspension.suspension_until

        record(licence, "unauthorised_closure")
        third = notice_issue(licence, actor=supervisor)
        assert third.proposed_outcome == "revocation"
        notice_respond(third, text=ANSWER, actor=licence.holder)
        decision_make(third, actor=authority, reason=REASON)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    assert list(licence.events.values_list("action", flat=True)) == ["suspend", "revoke"]
    assert Decision.objects.filter(licence=licence).count() == 3
    assert AuditEntry.objects.filter(action="supervision.decision_make").count() == 3
    kinds = set(OutboxMessage.objects.filter(to=licence.holder.mobile).values_list("kind", flat=True))
    assert {"supervision_violation", "supervision_notice", "supervision_decision"} <= kinds
    # a revoked licence is out of supervision
    assert refusal(record, licence).status_code == 409


def test_grave_violation_skips_the_warning(make_licence):
    licence = make_licence()
    record(licence, "overcharging")
    notice = notice_issue(licence, actor=user(SUPERVISOR))
    assert notice.proposed_outcome == "suspension"


def test_outcome_must_be_the_ladders(make_licence):
    licence = make_licence()
    record(licence)
    notice = notice_issue(licence, actor=user(SUPERVISOR))
    notice_respond(notice, text=ANSWER, actor=licence.holder)
    error = refusal(decision_make, notice, actor=user(AUTHORITY), reason=REASON, outcome="revocation")
    assert error.code == "off_ladder" and "تذکر" in error.message
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE


def test_decision_before_the_deadline_is_refused_until_the_office_responds(make_licence):
    licence = make_licence()
    record(licence)
    notice = notice_issue(licence, actor=user(SUPERVISOR))
    assert notice.response_due > timezone.now() + dt.timedelta(days=5)
    error = refusal(decision_make, notice, actor=user(AUTHORITY), reason=REASON)
    assert (error.code, error.status_code) == ("response_pending", 409) and "مهلت" in error.message
    # only the holder may respond
    assert refusal(notice_respond, notice, text=ANSWER, actor=user(SUPERVISOR)).status_code == 403
    notice_respond(notice, text=ANSWER, actor=licence.holder)
    assert refusal(notice_respond, notice, text=ANSWER, actor=licence.holder).code == "already_responded"
    assert decision_make(notice, actor=user(AUTHORITY), reason=REASON).outcome == "warning"
    assert refusal(decision_make, notice, actor=user(AUTHORITY), reason=REASON).code == "notice_closed"


def test_response_after_the_deadline_is_refused_and_decision_allowed(make_licence):
    licence = make_licence()
    record(licence)
    notice = notice_issue(licence, actor=user(SUPERVISOR))
    with later(notice):
        error = refusal(notice_respond, notice, text=ANSWER, actor=licence.holder)
        assert error.code == "response_late" and "گذشته" in error.message
        assert decision_make(notice, actor=user(AUTHORITY), reason=REASON).outcome == "warning"


def test_one_open_notice_at_a_time_and_none_without_violations(make_licence):
    licence = make_licence()
    assert refusal(notice_issue, licence, actor=user(SUPERVISOR)).code == "no_open_violations"
    record(licence)
    notice_issue(licence, actor=user(SUPERVISOR))
    record(licence)
    assert refusal(notice_issue, licence, actor=user(SUPERVISOR)).code == "notice_open"


# --- six-monthly reports --------------------------------------------------------------------------


def test_periods_are_jalali_half_years():
    assert period_of(dt.date(2026, 3, 20)) == "1404-H2"
    assert period_of(dt.date(2026, 3, 21)) == "1405-H1"
    assert period_bounds("1404-H2") == (dt.date(2025, 9, 23), dt.date(2026, 3, 20))
    assert refusal(period_bounds, "1404-H3").code == "period_invalid"


def test_report_reminders_and_missing_report_violation_are_idempotent(make_licence):
    # 19 Esfand 1404: ten days before the end of 1404-H2 (29 Esfand)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=TEHRAN), tick=False):
        late = make_licence()
        diligent = make_licence()
        report_submit(
            diligent, period="۱۴۰۴-H2", content="گزارش عملکرد شش‌ماههٔ دفتر با آمار خدمات", actor=diligent.holder
        )
        assert reports_remind() == {"reminded": 1, "missing": 0}
        assert reports_remind() == {"reminded": 0, "missing": 0}
        [text] = OutboxMessage.objects.filter(kind="supervision_report_reminder").values_list("text", flat=True)
        assert late.number in text and "۱۴۰۴" in text
    assert OfficeReport.objects.get(licence=diligent).period == "1404-H2"
    # 5 Farvardin 1405: 1404-H2 is over
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=TEHRAN), tick=False):
        assert reports_remind() == {"reminded": 0, "missing": 1}
        assert reports_remind() == {"reminded": 0, "missing": 0}
    [violation] = Violation.objects.filter(violation_type__code="report_missing")
    assert (violation.licence, violation.report_period, violation.recorded_by) == (late, "1404-H2", None)
    assert not Violation.objects.filter(licence=diligent).exists()


def test_report_submit_refusals(make_licence):
    licence = make_licence()
    content = "گزارش عملکرد شش‌ماههٔ دفتر با آمار خدمات"
    current = period_of(timezone.localdate())
    report_submit(licence, period=current, content=content, actor=licence.holder)
    assert refusal(report_submit, licence, period=current, content=content, actor=licence.holder).code == "report_twice"
    assert refusal(report_submit, licence, period="1499-H1", content=content, actor=licence.holder).code == (
        "period_future"
    )
    assert refusal(report_submit, licence, period=current, content="کوتاه", actor=licence.holder).code == (
        "content_required"
    )
    assert refusal(report_submit, licence, period=current, content=content, actor=user(SUPERVISOR)).status_code == 403


# --- the API --------------------------------------------------------------------------------------


def url(licence: Licence, tail: str) -> str:
    return f"/api/v1/licences/{licence.number}/{tail}"


def test_violations_api_access(make_licence):
    licence = make_licence()
    body = {"type": "outside_hours", "description": REASON}
    foreign = RoleAssignmentFactory(role="supervisor").user
    for client, status in [
        (client_for(licence.holder), 403),
        (client_for(user(AUTHORITY)), 403),
        (client_for(user(REVIEWER)), 403),
        (client_for(foreign), 404),
        (client_for(User.objects.exclude(pk=licence.holder_id).filter(roles__isnull=True).first()), 404),
    ]:
        response = client.post(url(licence, "violations"), body, format="json")
        assert response.status_code == status, (status, response.content)
    assert client_for(user(SUPERVISOR)).post(url(licence, "violations"), body, format="json").status_code == 201
    for client, status in [
        (client_for(licence.holder), 200),
        (client_for(user(SUPERVISOR)), 200),
        (client_for(user(AUTHORITY)), 200),
        (client_for(user(REVIEWER)), 403),
        (client_for(foreign), 404),
    ]:
        response = client.get(url(licence, "violations"))
        assert response.status_code == status, (status, response.content)
    [row] = client_for(licence.holder).get(url(licence, "violations")).json()
    assert row["type"] == "outside_hours" and row["status"] == "open"


def test_an_inspector_records_what_they_saw_and_the_holder_is_told(make_licence):
    licence = make_licence()
    inspector = client_for(user(INSPECTOR))
    body = {"type": "tariff_not_posted", "description": "جدول تعرفه در محل دفتر نصب نشده بود."}
    response = inspector.post(url(licence, "violations"), body, format="json")
    assert response.status_code == 201, response.content
    violation = Violation.objects.get(pk=response.json()["id"])
    assert violation.recorded_by == user(INSPECTOR)
    assert AuditEntry.objects.filter(action="supervision.violation_record", object_id=str(violation.pk)).exists()
    assert OutboxMessage.objects.filter(to=licence.holder.mobile, kind="supervision_violation").exists()
    assert [r["type"] for r in inspector.get(url(licence, "violations")).json()] == ["tariff_not_posted"]


def test_persian_errors_on_bad_input(make_licence):
    licence = make_licence()
    client = client_for(user(SUPERVISOR))
    response = client.post(url(licence, "violations"), {"type": "nope", "description": REASON}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "type_unknown"
    assert "تخلف" in response.json()["detail"]
    response = client.post(url(licence, "violations"), {"type": "outside_hours", "description": "کم"}, format="json")
    assert response.status_code == 400 and "description" in response.json()["fields"]
    response = client.post(
        url(licence, "violations"),
        {"type": "outside_hours", "description": REASON, "observed_at": "1499/01/01 10:00"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "observed_in_future"
    response = client_for(licence.holder).post(
        url(licence, "reports"), {"period": "H2", "content": "گزارش عملکرد شش‌ماههٔ دفتر"}, format="json"
    )
    assert response.status_code == 400 and "نیم‌سال" in response.json()["detail"]


def test_api_flow_notice_response_decision(make_licence):
    licence = make_licence()
    supervisor, authority, holder = (
        client_for(user(SUPERVISOR)),
        client_for(user(AUTHORITY)),
        client_for(licence.holder),
    )
    violation = supervisor.post(
        url(licence, "violations"), {"type": "overcharging", "description": REASON}, format="json"
    ).json()
    assert holder.post(url(licence, "notices"), {}, format="json").status_code == 403
    response = supervisor.post(url(licence, "notices"), {"violations": [violation["id"]]}, format="json")
    assert response.status_code == 201, response.content
    notice = response.json()
    assert notice["proposed_outcome"] == "suspension" and notice["violations"] == [violation["id"]]
    decide = f"/api/v1/notices/{notice['id']}/decision"
    respond = f"/api/v1/notices/{notice['id']}/response"
    assert authority.post(decide, {"reason": REASON}, format="json").json()["code"] == "response_pending"
    assert supervisor.post(decide, {"reason": REASON}, format="json").status_code == 403
    assert authority.post(respond, {"text": ANSWER}, format="json").status_code == 403
    foreign = client_for(RoleAssignmentFactory(role="licensing_authority").user)
    assert foreign.post(decide, {"reason": REASON}, format="json").status_code == 404
    assert holder.post(respond, {"text": ANSWER}, format="json").status_code == 200
    response = authority.post(decide, {"reason": REASON}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["licence_status"] == "suspended" and response.json()["outcome"] == "suspension"
    response = holder.post(
        url(licence, "reports"),
        {"period": period_of(timezone.localdate()), "content": "گزارش عملکرد شش‌ماههٔ دفتر با آمار خدمات"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert supervisor.post(url(licence, "reports"), {}, format="json").status_code == 403


# --- nobody acts on their own office ------------------------------------------------------------


def test_staff_cannot_record_notice_or_decide_about_their_own_office(make_licence):
    """The holder who is also the municipality's supervisor and licensing authority records no
    violation, issues no notice and decides no notice of their own office: each answered "not
    found" exactly like a nonexistent one, and nothing changes."""
    licence = make_licence()
    record(licence)
    notice = notice_issue(licence, actor=user(SUPERVISOR))
    holder = licence.holder
    for role in ("supervisor", "licensing_authority"):
        RoleAssignmentFactory(user=holder, municipality=licence.municipality, role=role)
    me = client_for(User.objects.get(pk=holder.pk))
    missing = client_for(user(AUTHORITY)).post("/api/v1/notices/999999999/decision", {"reason": REASON}, format="json")
    before = (Violation.objects.count(), Notice.objects.count(), Decision.objects.count(), AuditEntry.objects.count())
    with later(notice):
        attempts = [
            me.post(f"/api/v1/licences/{licence.number}/violations", {"type": "outside_hours", "description": REASON}),
            me.post(f"/api/v1/licences/{licence.number}/notices", {}, format="json"),
            me.post(f"/api/v1/notices/{notice.pk}/decision", {"reason": REASON}, format="json"),
        ]
    for response in attempts:
        assert (response.status_code, response.json()) == (404, missing.json()), response.content
    assert (
        Violation.objects.count(),
        Notice.objects.count(),
        Decision.objects.count(),
        AuditEntry.objects.count(),
    ) == (before)
    assert Notice.objects.get(pk=notice.pk).status == "open"
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.ACTIVE
