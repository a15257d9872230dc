"""A licence's page for the licensing authority and its moves through the confirmation step:
what the page shows, what the confirmation says (with the real number of bookings a sanction
cancels), the move when confirmed, the refusals (Persian, nothing changed) and who may open it."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import jdatetime
import pytest
from django.test import Client
from django.utils import timezone

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.licences import messages as licence_msg
from daftar.licences.models import Licence, LicenceStatus
from daftar.licences.moves import licence_suspend
from daftar.municipalities.tests.factories import MunicipalityFactory

from ..authority import messages as msg
from .authority_helpers import (
    ADMIN,
    AUTHORITY,
    REASON,
    REVIEWER,
    SUPERVISOR,
    book,
    client_of,
    counts,
    days,
    office_of,
    open_notice,
    user,
)

pytestmark = pytest.mark.django_db


def url(licence: Licence, suffix: str = "") -> str:
    return f"/desk/authority/licences/{licence.number}/{suffix}"


def jalali_latin(day: dt.date) -> str:
    return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")


@pytest.fixture
def licence(make_licence):
    lic = make_licence()
    office = office_of(lic)
    book(office, days(2), 3)  # inside a 10-day suspension
    book(office, days(5), 1)
    book(office, days(20), 2)  # after it
    return lic


def test_the_page_shows_the_licence_its_office_history_violations_and_moves(licence):
    open_notice(licence)
    html = client_of(AUTHORITY).get(url(licence)).content.decode()
    assert licence.holder_name in html and "دفتر خدمات الکترونیک شهر آزمون" in html
    assert f'href="/offices/{licence.office.pk}/"' in html
    assert to_jalali(licence.valid_until) in html
    assert "کار در خارج از ساعات مصوب" in html  # the violation's type
    assert "بازدید ساعت" in html  # its evidence
    assert "امیر کریمی" in html  # who recorded it, by name
    assert "09120000006" not in html  # never a bare mobile number
    for action in ("suspend", "revoke"):
        assert f'data-action="{action}"' in html
    assert 'data-action="reinstate"' not in html  # not suspended: the lifecycle does not offer it
    # far from its end, the licence is outside its renewal window: renewal is not offered yet
    assert 'data-action="renew"' not in html and "مهلت تمدید" in html


def test_history_names_the_actor_never_a_mobile_number(licence):
    licence_suspend(licence, until=days(10), reason=REASON, actor=user(AUTHORITY))
    html = client_of(AUTHORITY).get(url(licence)).content.decode()
    assert "فاطمه یزدانی" in html and AUTHORITY not in html
    assert "تعلیق" in html and f"تا پایان {to_jalali(days(10))}" in html
    assert REASON in html
    assert 'data-action="reinstate"' in html and 'data-action="suspend"' not in html
    assert 'id="sanction-now"' in html


def test_suspend_shows_the_consequences_with_the_number_of_bookings_then_suspends(licence):
    client = client_of(AUTHORITY)
    form = client.get(url(licence, "act/") + "?action=suspend")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'data-jalali="date"' in html and 'name="until"' in html and "بررسی پیامدها" in html
    before = counts()
    until = days(10)
    preview = client.post(
        url(licence, "act/"), {"action": "suspend", "until": jalali_latin(until), "reason": REASON, "step": "preview"}
    )
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "۴ نوبت آینده در این روزها لغو می‌شود" in text  # 3 + 1 inside, the 2 after it not
    assert f"تا پایان {to_jalali(until)}" in text and "نوبت نمی‌پذیرد" in text
    assert msg.REGISTRY_MARKED in text and "تأیید و تعلیق" in text
    assert counts() == before  # the preview changes nothing
    done = client.post(
        url(licence, "act/"), {"action": "suspend", "until": jalali_latin(until), "reason": REASON, "step": "confirm"}
    )
    assert done.status_code == 302 and done["Location"] == url(licence)
    licence.refresh_from_db()
    assert (licence.status, licence.suspended_until) == (LicenceStatus.SUSPENDED, until)
    cancelled = Appointment.objects.filter(office__licence=licence, status=AppointmentStatus.CANCELLED).count()
    assert cancelled == 4
    page = client.get(url(licence)).content.decode()
    assert "۴ نوبت لغو" in page


def test_suspend_with_persian_digits_in_the_date(licence):
    until = days(10)
    response = client_of(AUTHORITY).post(
        url(licence, "act/"),
        {"action": "suspend", "until": persian_digits(jalali_latin(until)), "reason": REASON, "step": "confirm"},
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.suspended_until == until


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"until": "", "reason": REASON}, msg.UNTIL_REQUIRED),
        ({"until": "1400/01/01", "reason": REASON}, licence_msg.UNTIL_NOT_FUTURE),
        ({"until": "1405/13/40", "reason": REASON}, None),  # not a date: the field's own message
        ({"until": "today", "reason": REASON}, None),
        ({"until": "__future__", "reason": "کوتاه"}, licence_msg.REASON_REQUIRED),
        ({"until": "__future__", "reason": ""}, licence_msg.REASON_REQUIRED),
    ],
)
@pytest.mark.parametrize("step", ["preview", "confirm"])
def test_bad_input_is_a_persian_error_on_the_form_and_changes_nothing(licence, body, message, step):
    data = {"action": "suspend", "step": step, **body}
    if data["until"] == "__future__":
        data["until"] = jalali_latin(days(10))
    before = counts()
    response = client_of(AUTHORITY).post(url(licence, "act/"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html
    if message:
        assert message in html
    assert counts() == before
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE


def test_today_is_not_a_suspension_end(licence):
    response = client_of(AUTHORITY).post(
        url(licence, "act/"),
        {"action": "suspend", "until": jalali_latin(timezone.localdate()), "reason": REASON, "step": "preview"},
    )
    assert response.status_code == 400 and licence_msg.UNTIL_NOT_FUTURE in response.content.decode()


def test_revoke_counts_every_future_booking_and_is_final(licence):
    client = client_of(AUTHORITY)
    preview = client.post(url(licence, "act/"), {"action": "revoke", "reason": REASON, "step": "preview"})
    text = preview.content.decode()
    assert "۶ نوبت آینده" in text and msg.FINAL in text and msg.REGISTRY_REMOVED in text
    client.post(url(licence, "act/"), {"action": "revoke", "reason": REASON, "step": "confirm"})
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    assert Appointment.objects.filter(office__licence=licence, status=AppointmentStatus.BOOKED).count() == 0


def test_reinstate_says_bookings_reopen_then_reinstates(licence):
    licence_suspend(licence, until=days(10), reason=REASON, actor=user(AUTHORITY))
    client = client_of(AUTHORITY)
    preview = client.post(url(licence, "act/"), {"action": "reinstate", "reason": REASON, "step": "preview"})
    text = preview.content.decode()
    assert "دوباره نوبت می‌پذیرد" in text and msg.NOT_RESTORED in text
    assert (
        client.post(url(licence, "act/"), {"action": "reinstate", "reason": REASON, "step": "confirm"}).status_code
        == 302
    )
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE and licence.suspended_until is None


def test_renew_says_the_new_validity(make_licence):
    lic = make_licence(valid_until=days(20))
    client = client_of(AUTHORITY)
    assert 'data-action="renew"' in client.get(url(lic)).content.decode()  # within its window: offered
    preview = client.post(url(lic, "act/"), {"action": "renew", "reason": REASON, "step": "preview"})
    text = preview.content.decode()
    new = lic.valid_until.replace(year=lic.valid_until.year + 3)
    assert preview.status_code == 200 and to_jalali(new) in text and "گواهی مجوز دوباره امضا" in text


def test_renew_outside_its_window_is_refused_at_the_preview(licence):
    before = counts()
    response = client_of(AUTHORITY).post(url(licence, "act/"), {"action": "renew", "reason": REASON, "step": "preview"})
    assert response.status_code == 409
    assert "تمدید فقط از" in response.content.decode()
    assert counts() == before


def test_a_move_the_lifecycle_does_not_allow_now_is_refused(licence):
    before = counts()
    response = client_of(AUTHORITY).post(
        url(licence, "act/"), {"action": "reinstate", "reason": REASON, "step": "confirm"}
    )
    assert response.status_code == 409
    assert msg.ACTION_NOT_NOW.format(status="فعال") in response.content.decode()
    assert counts() == before


def test_an_unknown_action_is_a_persian_error(licence):
    response = client_of(AUTHORITY).get(url(licence, "act/") + "?action=explode")
    assert response.status_code == 400 and msg.ACTION_UNKNOWN in response.content.decode()


def test_a_move_taken_meanwhile_is_shown_on_the_form(licence):
    """Two tabs: the second confirmation finds the licence suspended already (409, nothing more)."""
    until = jalali_latin(days(10))
    client = client_of(AUTHORITY)
    data = {"action": "suspend", "until": until, "reason": REASON, "step": "confirm"}
    assert client.post(url(licence, "act/"), data).status_code == 302
    before = counts()
    again = client.post(url(licence, "act/"), data)
    assert again.status_code == 409
    assert counts() == before


# --- who may open it -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(licence, client):
    for path in (url(licence), url(licence, "act/") + "?action=suspend"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_readers_see_the_page_without_moves(licence):
    for mobile in (SUPERVISOR, ADMIN):
        response = client_of(mobile).get(url(licence))
        assert response.status_code == 200
        assert "data-action=" not in response.content.decode().split('id="licence-history"')[0]


def test_staff_without_the_role_get_403(licence):
    assert client_of(REVIEWER).get(url(licence)).status_code == 403
    for mobile in (SUPERVISOR, ADMIN, REVIEWER):
        before = counts()
        response = client_of(mobile).post(
            url(licence, "act/"), {"action": "revoke", "reason": REASON, "step": "confirm"}
        )
        assert response.status_code == 403 and "دسترسی" in response.content.decode()
        assert counts() == before


@pytest.fixture
def pinned_csrf():
    """Two renders of one page are byte-identical only with the CSRF token's random parts pinned."""
    with mock.patch("django.middleware.csrf._get_new_csrf_string", return_value="authoritydeskauthoritydeskauthor"):
        yield


def test_another_municipality_and_ones_own_licence_are_the_missing_page(licence, pinned_csrf):
    missing = client_of(AUTHORITY).get("/desk/authority/licences/TEH-1404-999999/")
    assert missing.status_code == 404
    elsewhere = RoleAssignmentFactory(municipality=MunicipalityFactory(), role="licensing_authority").user
    foreign = Client()
    foreign.force_login(elsewhere)
    foreign_missing = foreign.get("/desk/authority/licences/TEH-1404-999999/")
    assert (foreign.get(url(licence)).status_code, foreign.get(url(licence)).content) == (
        404,
        foreign_missing.content,
    )
    # the holder, made the municipality's licensing authority
    holder = licence.holder
    RoleAssignmentFactory(user=holder, municipality=licence.municipality, role="licensing_authority")
    own = Client()
    own.force_login(holder)
    before = counts()
    for path, data in (
        (url(licence), None),
        (url(licence, "act/"), {"action": "revoke", "reason": REASON, "step": "confirm"}),
    ):
        response = own.post(path, data) if data else own.get(path)
        missing_own = (
            own.post("/desk/authority/licences/TEH-1404-999999/act/", data)
            if data
            else own.get("/desk/authority/licences/TEH-1404-999999/")
        )
        assert (response.status_code, response.content) == (404, missing_own.content)
    assert counts() == before


def test_a_citizen_gets_403_on_the_register_and_404_on_a_licence(licence):
    citizen = UserFactory()
    c = Client()
    c.force_login(citizen)
    assert c.get("/desk/authority/licences/").status_code == 403
    assert c.get(url(licence)).status_code == 404


def test_the_administrator_reads_the_licence_but_not_its_supervision_record(licence):
    """The register's readers include the municipality administrator; the violations and notices
    are supervision's to show, to those its policy lets read them."""
    open_notice(licence)
    html = client_of("09120000007").get(url(licence)).content.decode()
    assert licence.holder_name in html
    assert "کار در خارج از ساعات مصوب" not in html and 'id="violations-table"' not in html


def test_the_message_after_a_suspension_counts_what_it_cancelled_not_the_preview(licence):
    """A citizen cancels one of the 4 bookings while the suspension is being confirmed (after the
    count was read, before the act): the suspension cancels 3, and says 3."""
    from daftar.desk.authority import views as authority_views  # the act is wrapped to stage the race

    client = client_of(AUTHORITY)
    until = days(10)
    body = {"action": "suspend", "until": jalali_latin(until), "reason": REASON}
    preview = client.post(url(licence, "act/"), {**body, "step": "preview"})
    assert "۴ نوبت آینده در این روزها لغو می‌شود" in preview.content.decode()
    real_act = authority_views.licence_act

    def citizen_cancels_first(*args, **kwargs):
        gone = Appointment.objects.filter(
            office__licence=licence, status=AppointmentStatus.BOOKED, day__lte=until, start__gt=timezone.now()
        ).first()
        assert gone is not None
        Appointment.objects.filter(pk=gone.pk).update(
            status=AppointmentStatus.CANCELLED, cancelled_at=timezone.now() - dt.timedelta(minutes=1)
        )
        return real_act(*args, **kwargs)

    with mock.patch.object(authority_views, "licence_act", side_effect=citizen_cancels_first):
        done = client.post(url(licence, "act/"), {**body, "step": "confirm"})
    assert done.status_code == 302
    page = client.get(url(licence)).content.decode()
    assert "۳ نوبت لغو" in page and "۴ نوبت لغو" not in page
