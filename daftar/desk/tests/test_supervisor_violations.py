"""The supervisor's violations and notices (issue 18 §2): the inbox and its filters, a
violation's page with its evidence in words and files, recording a violation with evidence
files (and every bad input refused with nothing written and no file left), issuing a notice
with its deadline, following notices to the decision, and the dashboard panels."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.audit.models import AuditEntry
from daftar.desk.supervisor import violations as pages
from daftar.desk.supervisor.work_violations import panels
from daftar.inspections.services import visit_record, visit_schedule
from daftar.ledger.services import transaction_record
from daftar.licences.models import Licence, LicenceStatus
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications.models import OutboxMessage
from daftar.supervision import services
from daftar.supervision.models import Decision, Notice, Violation, ViolationEvidence, ViolationSource
from daftar.supervision.services import decision_make, notice_issue, notice_respond, violation_record

from .supervision_world import (
    APPLICANT,
    AUTHORITY,
    DESCRIPTION,
    INSPECTOR,
    REVIEWER,
    SUPERVISOR,
    TARIFF,
    pdf_file,
    person,
    png_file,
    supervised,
)

pytestmark = pytest.mark.django_db

INBOX = "/desk/supervision/violations/"
NEW = "/desk/supervision/violations/new/"
NOTICES = "/desk/supervision/notices/"
REASON = "دفتر در دو نوبت بیش از تعرفه دریافت کرده است."
MOBILE = re.compile(r"09\d{9}|۰۹[۰-۹]{9}")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(make_licence: Any) -> Any:
    return supervised(make_licence)


def browse(mobile_or_user: Any) -> Client:
    client = Client()
    client.force_login(person(mobile_or_user) if isinstance(mobile_or_user, str) else mobile_or_user)
    return client


def foreign(role: str = "supervisor") -> Any:
    return RoleAssignmentFactory(municipality=MunicipalityFactory(), role=role).user


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def counts() -> tuple[int, ...]:
    return (
        Violation.objects.count(),
        ViolationEvidence.objects.count(),
        Notice.objects.count(),
        AuditEntry.objects.count(),
        OutboxMessage.objects.count(),
        len(stored_files()),
    )


def text(response: Any) -> str:
    return response.content.decode()


# --- 1. the inbox ---------------------------------------------------------------------------------


def test_the_inbox_shows_the_municipalitys_violations_in_words(world: Any) -> None:
    response = browse(SUPERVISOR).get(INBOX)
    assert response.status_code == 200
    body = text(response)
    for shown in (
        "تخلف‌های دفاتر",
        "شناسایی سامانه",  # the overcharge's source
        "ناظر",
        "دفتر خدمات الکترونیک شهر نمونه",
        world.licence.number,
        "دریافت وجه بیش از تعرفهٔ مصوب",
        "شدید",
        "نصب‌نکردن جدول تعرفه در معرض دید",
        "باز",
        "ندارد",
    ):
        assert shown in body, shown
    assert f'href="/desk/supervision/violations/{world.overcharge.pk}/"' in body
    assert "۲ تخلف" in body
    assert "None" not in body and not MOBILE.search(body)
    # newest first: the supervisor's record (observed now) before the overcharge (a moment earlier)
    assert body.index(f'data-violation="{world.recorded.pk}"') < body.index(f'data-violation="{world.overcharge.pk}"')


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("source=system", {"overcharge"}),
        ("source=supervisor", {"recorded"}),
        ("source=inspector", set()),
        ("source=complaint", set()),
        ("type=overcharging", {"overcharge"}),
        ("status=open", {"overcharge", "recorded"}),
        ("status=decided", set()),
        ("noticed=no", {"overcharge", "recorded"}),
        ("noticed=yes", set()),
        ("q=نمونه", {"overcharge", "recorded"}),
        ("q=ناموجود", set()),
    ],
)
def test_the_inbox_filters(world: Any, query: str, expected: set[str]) -> None:
    body = text(browse(SUPERVISOR).get(f"{INBOX}?{query}"))
    shown = {name for name in ("overcharge", "recorded") if f'data-violation="{getattr(world, name).pk}"' in body}
    assert shown == expected


def test_the_inbox_filters_by_district_and_licence_number(world: Any) -> None:
    client = browse(SUPERVISOR)
    body = text(client.get(f"{INBOX}?district={world.licence.district_id}"))
    assert f'data-violation="{world.overcharge.pk}"' in body
    other = world.licence.municipality.districts.exclude(pk=world.licence.district_id).first()
    assert "data-violation=" not in text(client.get(f"{INBOX}?district={other.pk}"))
    assert f'data-violation="{world.overcharge.pk}"' in text(client.get(f"{INBOX}?q={world.licence.number[-4:]}"))


def test_a_bad_filter_is_a_persian_400(world: Any) -> None:
    response = browse(SUPERVISOR).get(f"{INBOX}?source=robot")
    assert response.status_code == 400 and pages.FILTER_INVALID in text(response)


def test_the_inbox_is_paged(world: Any) -> None:
    for n in range(pages.PAGE_SIZE):
        text_n = f"{DESCRIPTION} {n}"
        violation_record(world.licence, type_code="outside_hours", description=text_n, actor=person(SUPERVISOR))
    client = browse(SUPERVISOR)
    first = text(client.get(INBOX))
    assert first.count("data-violation=") == pages.PAGE_SIZE and "صفحهٔ ۱ از ۲" in first
    assert text(client.get(f"{INBOX}?page=2")).count("data-violation=") == 2


def test_who_reads_the_inbox(world: Any) -> None:
    anonymous = Client().get(INBOX)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for mobile in (APPLICANT, REVIEWER):
        response = browse(mobile).get(INBOX)
        assert response.status_code == 403 and "دسترسی" in text(response)
    for mobile in (INSPECTOR, AUTHORITY):
        assert f'data-violation="{world.overcharge.pk}"' in text(browse(mobile).get(INBOX))
    # another municipality's supervisor sees none of Tehran's
    assert "data-violation=" not in text(browse(foreign()).get(INBOX))


def test_a_supervisor_does_not_see_their_own_offices_violations(world: Any, make_licence: Any) -> None:
    own = make_licence(holder=UserFactory.create())
    RoleAssignmentFactory(user=own.holder, municipality=own.municipality, role="supervisor")
    body = text(browse(own.holder).get(INBOX))
    assert f'data-violation="{world.overcharge.pk}"' in body
    mine = violation_record(own, type_code="outside_hours", description=DESCRIPTION, actor=person(SUPERVISOR))
    assert f'data-violation="{mine.pk}"' not in text(browse(own.holder).get(INBOX))


# --- 2. a violation's page ------------------------------------------------------------------------


def test_a_detected_overcharge_shows_its_evidence_in_words(world: Any) -> None:
    response = browse(SUPERVISOR).get(f"{INBOX}{world.overcharge.pk}/")
    assert response.status_code == 200
    body = text(response)
    assert "دریافت ۳۰۰٬۰۰۰ ریال بابت «استعلام ملک» در برابر تعرفهٔ ۲۵۰٬۰۰۰ ریال" in body
    assert "۵۰٬۰۰۰ ریال" in body  # above the tariff
    assert "PAY-4411" in body
    assert '<dd class="col-sm-8" id="recorder">سامانه</dd>' in body
    assert f'href="/offices/{world.office.pk}/"' in body
    assert world.licence.number in body
    assert "هنوز اخطاریه‌ای به این تخلف استناد نکرده است" in body
    assert f"/desk/supervision/licences/{world.licence.number}/notice/" in body
    assert "None" not in body and not MOBILE.search(body)


def test_after_hours_work_shows_the_days_transactions_and_hours(world: Any) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for ref, hour in (("LATE-1", 22), ("LATE-2", 23)):
        transaction_record(
            office=world.office,
            service="property_inquiry",
            amount=TARIFF,
            payment_ref=ref,
            performed_at=f"{yesterday.isoformat()} {hour}:10",
            actor=world.clerk,
        )
    violation = Violation.objects.get(violation_type__code="outside_hours", licence=world.licence)
    body = text(browse(SUPERVISOR).get(f"{INBOX}{violation.pk}/"))
    assert f"۲ تراکنش در روز {services.to_jalali(yesterday)} خارج از ساعات مصوب دفتر ثبت شد" in body
    assert "۲۲:۱۰" in body and "۲۳:۱۰" in body and "LATE-2" in body and "۲۵۰٬۰۰۰" in body
    # the day's approved hours in words (none on a Thursday, Friday or holiday)
    assert "ساعات مصوب آن روز" in body
    assert "۰۸:۰۰ تا ۱۴:۰۰" in body or "دفتر در این روز ساعت کار مصوب نداشت" in body
    assert '<dd class="col-sm-8" id="recorder">سامانه</dd>' in body


def test_a_recorded_violation_names_its_recorder_never_their_mobile(world: Any) -> None:
    body = text(browse(SUPERVISOR).get(f"{INBOX}{world.recorded.pk}/"))
    assert '<dd class="col-sm-8" id="recorder">امیر کریمی</dd>' in body
    nameless = UserFactory.create(first_name="", last_name="")
    RoleAssignmentFactory(user=nameless, municipality=world.licence.municipality, role="supervisor")
    violation = violation_record(world.licence, type_code="outside_hours", description=DESCRIPTION, actor=nameless)
    body = text(browse(SUPERVISOR).get(f"{INBOX}{violation.pk}/"))
    assert "کاربر بی‌نام" in body and nameless.mobile not in body


def test_an_inspectors_visit_violation_shows_the_visit_and_its_failed_items(world: Any) -> None:
    inspector = person(INSPECTOR)
    visit = visit_schedule(world.licence, inspector, timezone.now() + dt.timedelta(hours=1))
    observed = {"equipment": [], "hours_posted": "false", "tariff_posted": "true", "premises_use": "commercial"}
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        visit_record(visit, observed, inspector)
    violation = Violation.objects.filter(source=ViolationSource.INSPECTOR, licence=world.licence).first()
    assert violation is not None and violation.evidence["visit"] == visit.pk
    body = text(browse(SUPERVISOR).get(f"{INBOX}{violation.pk}/"))
    assert "بازرس در بازدید نظارتی" in body and "محمدحسین رضایی" in body
    assert f"در بازدید نظارتی شمارهٔ {services.persian_digits(visit.pk)}" in body
    assert f'href="/inspections/visits/{visit.pk}/"' in body


def not_found_alike(user: Any, url: str, missing_url: str, method: str = "get", **data: Any) -> None:
    """``url`` answers ``user`` exactly as a nonexistent id does (the same status and body)."""
    client = browse(user)
    missing = getattr(client, method)(missing_url, data)
    response = getattr(client, method)(url, data)
    assert missing.status_code == 404
    assert (response.status_code, _without_csrf(response.content)) == (404, _without_csrf(missing.content))


def _without_csrf(content: bytes) -> bytes:
    """The page without its CSRF tokens (masked afresh on every render)."""
    content = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_who_reads_a_violation(world: Any, make_licence: Any) -> None:
    url = f"{INBOX}{world.overcharge.pk}/"
    for user in (foreign(), foreign("inspector"), world.licence.holder, world.clerk, person(APPLICANT)):
        not_found_alike(user, url, f"{INBOX}999999/")
    assert browse(REVIEWER).get(url).status_code == 403
    for mobile in (SUPERVISOR, INSPECTOR, AUTHORITY):
        assert browse(mobile).get(url).status_code == 200
    assert Client().get(url).status_code == 302
    # a supervisor who holds the licence: their own office is not on their desk
    RoleAssignmentFactory(user=world.licence.holder, municipality=world.licence.municipality, role="supervisor")
    not_found_alike(world.licence.holder, url, f"{INBOX}999999/")


# --- 3. recording a violation -----------------------------------------------------------------------


def form(world: Any, **over: Any) -> dict[str, Any]:
    return {
        "licence": world.licence.number,
        "type": "tariff_not_posted",
        "observed_at": "",
        "description": "جدول تعرفه در پیشخوان نصب نشده بود و مراجعان آن را نمی‌دیدند.",
        **over,
    }


def test_recording_a_violation_with_evidence_files(world: Any) -> None:
    client = browse(SUPERVISOR)
    page = client.get(NEW)
    assert page.status_code == 200
    body = text(page)
    assert 'data-jalali="datetime"' in body and "multiple" in body and "licence-options" in body
    assert "نصب‌نکردن جدول تعرفه در معرض دید" in body
    before = Violation.objects.count()
    observed = timezone.localtime() - dt.timedelta(hours=3)
    jalali = services.to_jalali(observed, digits=False) + observed.strftime(" %H:%M")
    response = client.post(
        NEW, form(world, observed_at=jalali, evidence_files=[png_file("عکس پیشخوان.png"), pdf_file()])
    )
    assert response.status_code == 302, text(response)
    violation = Violation.objects.latest("pk")
    assert Violation.objects.count() == before + 1
    assert response["Location"] == f"{INBOX}{violation.pk}/"
    assert violation.source == ViolationSource.SUPERVISOR and violation.recorded_by == person(SUPERVISOR)
    assert violation.observed_at.replace(second=0, microsecond=0) == observed.replace(second=0, microsecond=0)
    files = list(violation.files.order_by("pk"))
    assert [f.mime for f in files] == ["image/png", "application/pdf"]
    assert files[0].original_name == "عکس پیشخوان.png" and len(files[0].sha256) == 64
    assert not files[0].file.name.startswith("عکس") and files[0].file.name.startswith("supervision/evidence/")
    assert len(stored_files()) == 2
    entry = AuditEntry.objects.filter(action="supervision.violation_record").latest("pk")
    assert entry.data["files"] == [f.sha256 for f in files]
    page = client.get(response["Location"])
    assert RECORDED_TEXT in text(page) and "عکس پیشخوان.png" in text(page)
    # the evidence is downloaded only through the desk
    download = client.get(f"{INBOX}{violation.pk}/files/{files[0].pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert "attachment" in download["Content-Disposition"] and download["X-Content-Type-Options"] == "nosniff"
    for user in (foreign(), world.licence.holder):
        not_found_alike(user, f"{INBOX}{violation.pk}/files/{files[0].pk}/", f"{INBOX}{violation.pk}/files/999999/")
    assert browse(REVIEWER).get(f"{INBOX}{violation.pk}/files/{files[0].pk}/").status_code == 403
    assert client.get(f"{INBOX}{world.overcharge.pk}/files/{files[0].pk}/").status_code == 404


RECORDED_TEXT = pages.RECORDED


def test_an_inspector_records_as_an_inspector(world: Any) -> None:
    response = browse(INSPECTOR).post(NEW, form(world))
    assert response.status_code == 302
    assert Violation.objects.latest("pk").source == ViolationSource.INSPECTOR


def _bad(world: Any, make_licence: Any, case: str) -> tuple[dict[str, Any], str, int]:
    if case == "unknown licence":
        return form(world, licence="TEH-1404-999999"), pages.LICENCE_UNKNOWN, 404
    if case == "another municipality's licence":  # posted by another municipality's supervisor
        return form(world), pages.LICENCE_UNKNOWN, 404
    if case == "own licence":
        return form(world), pages.LICENCE_UNKNOWN, 404
    if case == "revoked licence":
        revoked = make_licence(status=LicenceStatus.REVOKED)
        return form(world, licence=revoked.number), "لغوشده", 409
    if case == "expired licence":
        expired = make_licence(status=LicenceStatus.EXPIRED)
        return form(world, licence=expired.number), "منقضی", 409
    if case == "observed in the future":
        later = timezone.localtime() + dt.timedelta(days=1)
        return form(world, observed_at=later.strftime("%Y-%m-%d %H:%M")), "نمی‌تواند در آینده باشد", 400
    if case == "bad date":
        return form(world, observed_at="۱۴۰۵/۱۳/۴۰ ۱۰:۰۰"), "", 400
    if case == "short description":
        return form(world, description="کوتاه"), "دست‌کم در ۱۰ نویسه", 400
    if case == "unknown type":
        return form(world, type="flying"), "", 400
    if case == "fake pdf":
        fake = SimpleUploadedFile("madrak.pdf", b"just some text, not a PDF at all", content_type="application/pdf")
        return form(world, evidence_files=[png_file(), fake]), "«madrak.pdf»", 415
    if case == "too large file":
        big = SimpleUploadedFile("bozorg.png", b"\x89PNG\r\n\x1a\n" + b"0" * services.EVIDENCE_MAX_BYTES)
        return form(world, evidence_files=[big]), "«bozorg.png»", 413
    if case == "too many files":
        many = [png_file(f"a{n}.png") for n in range(services.EVIDENCE_MAX_FILES + 1)]
        return form(world, evidence_files=many), "دست‌بالا ۵ فایل شاهد", 400
    raise AssertionError(case)


BAD = [
    "unknown licence",
    "another municipality's licence",
    "own licence",
    "revoked licence",
    "expired licence",
    "observed in the future",
    "bad date",
    "short description",
    "unknown type",
    "fake pdf",
    "too large file",
    "too many files",
]


@pytest.mark.parametrize("case", BAD)
def test_a_bad_recording_is_refused_in_persian_and_writes_nothing(world: Any, make_licence: Any, case: str) -> None:
    data, message, status = _bad(world, make_licence, case)
    actor: Any = person(SUPERVISOR)
    if case == "another municipality's licence":
        actor = foreign("supervisor")
    if case == "own licence":
        actor = world.licence.holder
        RoleAssignmentFactory(user=actor, municipality=world.licence.municipality, role="supervisor")
    before = counts()
    response = browse(actor).post(NEW, data)
    assert response.status_code == status, text(response)[:2000]
    body = text(response)
    assert message in body
    assert 'class="invalid-feedback d-block"' in body or 'id="form-errors"' in body
    assert counts() == before
    assert stored_files() == []


def test_unknown_foreign_and_own_licences_read_the_same(world: Any) -> None:
    """Another municipality's licence and one's own answer exactly as a number that does not exist."""
    holder = world.licence.holder
    RoleAssignmentFactory(user=holder, municipality=world.licence.municipality, role="supervisor")
    unknown = browse(SUPERVISOR).post(NEW, form(world, licence="TEH-1404-999999"))
    messages = []
    for response in (unknown, browse(foreign()).post(NEW, form(world)), browse(holder).post(NEW, form(world))):
        found = re.findall(r'id="id_licence_error">([^<]+)<', text(response))
        messages.append((response.status_code, found))
    assert messages[0] == messages[1] == messages[2] == (404, [pages.LICENCE_UNKNOWN])
    assert f'value="{world.licence.number}"' not in text(browse(holder).post(NEW, form(world)))


def test_an_announced_body_over_the_limit_is_refused_before_reading(world: Any) -> None:
    before = counts()
    response = browse(SUPERVISOR).post(NEW, form(world), CONTENT_LENGTH=str(pages.RECORD_MAX_BODY + 1))
    assert response.status_code == 413 and "مگابایت" in text(response)
    assert counts() == before


def test_a_failed_recording_leaves_no_file(world: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "_audit", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        browse(SUPERVISOR).post(NEW, form(world, evidence_files=[png_file()]))
    assert counts() == before and stored_files() == []


def test_who_records(world: Any) -> None:
    assert Client().get(NEW).status_code == 302
    for mobile in (APPLICANT, REVIEWER, AUTHORITY):
        assert browse(mobile).get(NEW).status_code == 403
        assert browse(mobile).post(NEW, form(world)).status_code == 403
    assert browse(INSPECTOR).get(NEW).status_code == 200


def test_the_licence_search_lists_only_supervisable_licences(world: Any, make_licence: Any) -> None:
    revoked = make_licence(status=LicenceStatus.REVOKED)
    body = text(browse(SUPERVISOR).get(f"{NEW}?q=TEH"))
    assert world.licence.number in body and revoked.number not in body
    assert f"?licence={world.licence.number}" in body
    chosen = text(browse(SUPERVISOR).get(f"{NEW}?licence={world.licence.number}"))
    assert f'value="{world.licence.number}"' in chosen
    assert world.licence.number not in text(browse(foreign()).get(f"{NEW}?q=TEH"))


# --- 4. issuing a notice --------------------------------------------------------------------------


def notice_url(licence: Licence) -> str:
    return f"/desk/supervision/licences/{licence.number}/notice/"


def test_issuing_a_notice_shows_the_proposal_and_deadline_then_issues(world: Any) -> None:
    client = browse(SUPERVISOR)
    page = text(client.get(notice_url(world.licence)))
    assert "تخلف‌های رسیدگی‌نشده" in page and "دیدن پیامد پیشنهادی" in page
    chosen = f"?v={world.recorded.pk}"
    preview = text(client.get(notice_url(world.licence) + chosen))
    assert "پیامد پیشنهادی: تذکر" in preview
    assert "نخستین پلهٔ نردبان «تذکر» است" in preview
    due = services.notice_due(world.licence)
    assert f"مهلت پاسخ دفتر: ۵ روز کاری، تا <strong>{services.to_jalali(due, with_time=False)}" in preview
    assert "صدور اخطاریه" in preview
    # the grave overcharge lifts the proposal to a suspension
    both = text(client.get(notice_url(world.licence) + f"{chosen}&v={world.overcharge.pk}"))
    assert "پیامد پیشنهادی: تعلیق موقت ۳۰ روزه" in both
    assert "نخستین پلهٔ نردبان «تذکر» است" in both
    assert "«شدید» است، پیشنهاد تا «تعلیق موقت ۳۰ روزه» بالا می‌رود" in both

    before = counts()
    unconfirmed = client.post(notice_url(world.licence), {"v": [world.recorded.pk]})
    assert unconfirmed.status_code == 400 and "نخست آن را تأیید کنید" in text(unconfirmed)
    assert counts() == before
    response = client.post(notice_url(world.licence), {"v": [world.recorded.pk], "confirm": "on"})
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert response["Location"] == f"{NOTICES}{notice.pk}/"
    assert list(notice.violations.all()) == [world.recorded]
    assert notice.proposed_outcome == "warning"
    shown = text(client.get(response["Location"]))
    assert "مهلت پاسخ تا" in shown  # the flash message
    assert services.to_jalali(notice.response_due) in shown and "هنوز پاسخی نرسیده است" in shown
    # a second notice while this one is open: explained, no form
    again = text(client.get(notice_url(world.licence)))
    assert "اخطاریهٔ بازی هست" in again and 'name="confirm"' not in again


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"confirm": "on"}, 400, pages.NONE_CHOSEN),
        ({"v": ["abc"], "confirm": "on"}, 400, pages.NONE_CHOSEN),
        ({"v": ["999999"], "confirm": "on"}, 400, "معتبر نیستند"),
    ],
)
def test_bad_notice_requests_write_nothing(world: Any, data: dict[str, Any], status: int, message: str) -> None:
    before = counts()
    response = browse(SUPERVISOR).post(notice_url(world.licence), data)
    assert response.status_code == status and message in text(response)
    assert counts() == before


def test_who_issues_a_notice(world: Any) -> None:
    url = notice_url(world.licence)
    missing = "/desk/supervision/licences/TEH-1404-999999/notice/"
    not_found_alike(foreign(), url, missing)
    RoleAssignmentFactory(user=world.licence.holder, municipality=world.licence.municipality, role="supervisor")
    not_found_alike(world.licence.holder, url, missing)
    not_found_alike(world.licence.holder, url, missing, "post", v=[world.recorded.pk], confirm="on")
    assert browse(REVIEWER).get(url).status_code == 403
    assert browse(INSPECTOR).get(url).status_code == 403
    assert browse(AUTHORITY).get(url).status_code == 200
    assert Client().get(url).status_code == 302
    assert Notice.objects.count() == 0


# --- 5. following notices -------------------------------------------------------------------------


def test_a_notice_is_followed_to_the_decision(world: Any) -> None:
    notice = notice_issue(world.licence, actor=person(SUPERVISOR), violation_ids=[world.overcharge.pk])
    notice_respond(notice, text="مبلغ اضافه به شهروند بازگردانده شد و رسید آن موجود است.", actor=world.licence.holder)
    listing = text(browse(SUPERVISOR).get(NOTICES))
    assert f'data-notice="{notice.pk}"' in listing and "تعلیق موقت" in listing
    supervisor_view = text(browse(SUPERVISOR).get(f"{NOTICES}{notice.pk}/"))
    assert "مبلغ اضافه به شهروند بازگردانده شد" in supervisor_view
    assert "پاسخ دفتر رسیده یا مهلت آن گذشته است" in supervisor_view
    assert "/desk/authority/notices/" not in supervisor_view  # the decision is not the supervisor's
    authority_view = text(browse(AUTHORITY).get(f"{NOTICES}{notice.pk}/"))
    assert f'href="/desk/authority/notices/{notice.pk}/"' in authority_view

    decision_make(notice, actor=person(AUTHORITY), reason=REASON)
    decided = text(browse(SUPERVISOR).get(f"{NOTICES}{notice.pk}/"))
    decision = Decision.objects.get()
    assert "تصمیم‌گیری‌شده" in decided and REASON in decided and "فاطمه یزدانی" in decided
    assert services.to_jalali(decision.suspension_until) in decided
    violation_page = text(browse(SUPERVISOR).get(f"{INBOX}{world.overcharge.pk}/"))
    assert "تصمیم: تعلیق موقت" in violation_page and "رسیدگی‌شده" in violation_page
    assert "None" not in decided and not MOBILE.search(decided)


def test_the_notices_filter_overdue(world: Any) -> None:
    notice = notice_issue(world.licence, actor=person(SUPERVISOR))
    client = browse(SUPERVISOR)
    assert f'data-notice="{notice.pk}"' not in text(client.get(f"{NOTICES}?status=overdue"))
    with time_machine.travel(notice.response_due + dt.timedelta(minutes=1)):
        client = browse(SUPERVISOR)
        assert f'data-notice="{notice.pk}"' in text(client.get(f"{NOTICES}?status=overdue"))
        page = text(client.get(f"{NOTICES}{notice.pk}/"))
        assert "مهلت گذشت و دفتر پاسخی نداد" in page


def test_who_reads_a_notice(world: Any) -> None:
    notice = notice_issue(world.licence, actor=person(SUPERVISOR))
    url = f"{NOTICES}{notice.pk}/"
    for user in (foreign(), world.licence.holder, world.clerk):
        not_found_alike(user, url, f"{NOTICES}999999/")
    assert browse(REVIEWER).get(url).status_code == 403
    assert browse(REVIEWER).get(NOTICES).status_code == 403
    assert Client().get(NOTICES).status_code == 302


# --- the dashboard panels ---------------------------------------------------------------------------


def test_the_panels_list_what_waits_for_the_supervisor(world: Any) -> None:
    notice = notice_issue(world.licence, actor=person(SUPERVISOR), violation_ids=[world.recorded.pk])
    assert panels(person(REVIEWER)) == []
    waiting, late = panels(person(SUPERVISOR))
    assert waiting.count == 1 and waiting.items[0].url == f"{INBOX}{world.overcharge.pk}/"
    assert late.count == 0
    with time_machine.travel(notice.response_due + dt.timedelta(minutes=1)):
        _, late = panels(person(SUPERVISOR))
        assert late.count == 1 and late.items[0].url == f"{NOTICES}{notice.pk}/" and late.items[0].overdue


def test_odd_digits_in_the_address_are_refused_not_a_server_error(make_licence):
    """«²» passes str.isdigit() but not int(): the chosen violations are refused, never a 500."""
    licence = make_licence()
    from daftar.accounts.models import User  # the demo supervisor

    client = Client()
    client.force_login(User.objects.get(mobile="09120000006"))
    response = client.get(f"/desk/supervision/licences/{licence.number}/notice/?v=²")
    assert response.status_code in (200, 400)
