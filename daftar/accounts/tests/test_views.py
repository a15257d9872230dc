"""The HTML login journey (S15.1-S15.4), dashboard, profile and the admin door."""

from __future__ import annotations

import pytest

from conftest import captcha_answer, sms_code
from daftar.accounts import messages as msg
from daftar.accounts.constants import Role
from daftar.accounts.models import OneTimeCode, User
from daftar.accounts.services import role_grant
from daftar.accounts.tests.factories import UserFactory
from daftar.kernel import messages as cm
from daftar.municipalities.tests.factories import DistrictFactory, MunicipalityFactory

from .helpers import MOBILE, captcha_key, start_login

pytestmark = pytest.mark.django_db


def test_login_page_has_the_s15_fields_in_persian(client):
    html = client.get("/login/").content.decode()
    assert 'lang="fa" dir="rtl"' in html
    for text in (
        "ورود به سامانه",
        "نوع شخصیت",
        "حقیقی",
        "حقوقی",
        "تابعیت",
        "شماره تلفن همراه",
        "عدد امنیتی",
        "ارسال رمز یکبار مصرف",
    ):
        assert text in html, text
    assert '<label class="form-label" for="id_mobile">' in html


def test_full_login_rotates_the_session_and_lands_on_the_dashboard(client):
    client.get("/")
    response = start_login(client, mobile="۰۹۱۲ ۳۳۳ ۴۴۵۵")
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    before = client.session.session_key
    response = client.post("/login/code/", {"code": sms_code(MOBILE)})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.session.session_key != before
    dashboard = client.get("/dashboard/").content.decode()
    assert "پیشخوان" in dashboard and "متقاضی مجوز" in dashboard
    assert "۰۹۱۲۳۳۳۴۴۵۵" in dashboard  # Persian digits on the page


def test_wrong_captcha_shows_a_persian_error_and_a_new_captcha(client):
    page = client.get("/login/")
    key = captcha_key(page.content.decode())
    wrong = "2" if captcha_answer(key) != "2" else "3"
    response = client.post(
        "/login/",
        {"person_type": "natural", "nationality": "IR", "mobile": MOBILE, "captcha_key": key, "captcha_value": wrong},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert msg.CAPTCHA_WRONG in html
    assert captcha_key(html) != key
    assert 'aria-invalid="true"' in html
    assert not OneTimeCode.objects.exists()


def test_bad_mobile_shows_the_error_next_to_the_field(client):
    response = start_login(client, mobile="12345")
    assert response.status_code == 400
    html = response.content.decode()
    assert cm.MOBILE_INVALID in html
    assert 'id="id_mobile_error"' in html
    assert not OneTimeCode.objects.exists()


def test_wrong_code_stays_on_the_code_page(client):
    start_login(client)
    code = sms_code(MOBILE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post("/login/code/", {"code": wrong})
    assert response.status_code == 400 and msg.OTP_WRONG in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_resend_too_soon_is_explained(client):
    start_login(client)
    response = start_login(client)
    assert response.status_code == 400
    assert "رمز تازه را ۱ دقیقهٔ دیگر" in response.content.decode()


def test_code_page_without_a_started_login_goes_back(client):
    assert client.get("/login/code/")["Location"] == "/login/"


def test_next_is_kept_but_only_on_this_host(client):
    page = client.get("/login/?next=/profile/")
    key = captcha_key(page.content.decode())
    client.post(
        "/login/",
        {
            "person_type": "natural",
            "nationality": "IR",
            "mobile": MOBILE,
            "captcha_key": key,
            "captcha_value": captcha_answer(key),
            "next": "https://evil.example/",
        },
    )
    response = client.post("/login/code/", {"code": sms_code(MOBILE)})
    assert response["Location"] == "/dashboard/"


def test_dashboard_needs_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_dashboard_shows_each_role_and_municipality(client):
    city = MunicipalityFactory(slug="qom", name="شهرداری قم")
    user = UserFactory(mobile=MOBILE)
    role_grant(user=user, role=Role.INSPECTOR, municipality=city, actor=None)
    role_grant(user=user, role=Role.MUNICIPALITY_ADMIN, municipality=city, actor=None)
    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    assert "شهرداری قم" in html and "بازرس" in html and "مدیر سامانهٔ شهرداری" in html
    # the administrator works from the municipality's own pages, not from the technical admin
    assert 'data-menu-group="municipality"' in html and 'href="/admin/' not in html
    assert "آخرین رویدادهای شهرداری" in html and "اعطای نقش" in html


# The profile form of a natural person, as the page sends it (each test sets the code and date).
PROFILE = {
    "person_type": "natural",
    "nationality": "IR",
    "first_name": "نرگس",
    "last_name": "صفوی",
    "legal_name": "",
    "national_id": "",
}


def test_profile_form_saves_jalali_birth_date_and_refuses_bad_national_code(client):
    user = UserFactory(mobile=MOBILE, first_name="", last_name="")
    client.force_login(user)
    data = {**PROFILE, "national_code": "0012345678", "birth_date": "۱۳۶۵/۱۱/۰۲"}
    response = client.post("/profile/", data)
    assert response.status_code == 400 and cm.NATIONAL_CODE_CHECK in response.content.decode()
    assert User.objects.get(pk=user.pk).first_name == ""
    data["national_code"] = "0012345679"
    assert client.post("/profile/", data).status_code == 302
    user.refresh_from_db()
    assert str(user.birth_date) == "1987-01-22" and user.national_code == "0012345679"
    assert "۱۳۶۵/۱۱/۰۲" in client.get("/dashboard/").content.decode()


def test_a_bad_birth_date_is_explained_in_jalali_with_persian_digits(client):
    user = UserFactory(mobile=MOBILE, first_name="", last_name="")
    client.force_login(user)
    data = {**PROFILE, "national_code": "0012345679", "birth_date": "۱۳۷۰/۱۳/۰۱"}
    response = client.post("/profile/", data)
    html = response.content.decode()
    assert response.status_code == 400 and cm.DATE_INVALID in html
    assert "۱۳۷۰/۰۵/۱۲" in cm.DATE_INVALID and "میلادی" not in html
    assert not any(ch.isascii() and ch.isdigit() for ch in cm.DATE_INVALID)
    assert User.objects.get(pk=user.pk).birth_date is None


def test_logout_needs_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert "_auth_user_id" not in client.session


def test_admin_redirects_to_otp_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F"
    assert "ارسال رمز یکبار مصرف" in response.content.decode()


def test_admin_is_closed_to_ordinary_users(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_municipality_admin_sees_only_their_districts_in_the_admin(client):
    mine = MunicipalityFactory(slug="yazd", name="شهرداری یزد")
    other = MunicipalityFactory(slug="kerman", name="شهرداری کرمان")
    DistrictFactory(municipality=mine, name="منطقهٔ یک یزد")
    theirs = DistrictFactory(municipality=other, name="منطقهٔ یک کرمان")
    admin = UserFactory()
    role_grant(user=admin, role=Role.MUNICIPALITY_ADMIN, municipality=mine, actor=None)
    client.force_login(admin)
    html = client.get("/admin/municipalities/district/").content.decode()
    assert "منطقهٔ یک یزد" in html and "منطقهٔ یک کرمان" not in html
    assert client.get(f"/admin/municipalities/district/{theirs.pk}/change/").status_code == 302  # not found → index
    assert client.get("/admin/accounts/user/").status_code == 403


def test_municipality_admin_grants_a_role_by_mobile_in_the_admin(client):
    city = MunicipalityFactory(slug="rasht", name="شهرداری رشت")
    admin = UserFactory()
    role_grant(user=admin, role=Role.MUNICIPALITY_ADMIN, municipality=city, actor=None)
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/roleassignment/add/", {"mobile": "۰۹۱۱ ۱۲۳ ۴۵۶۷", "role": "reviewer", "municipality": city.pk}
    )
    assert response.status_code == 302
    granted = User.objects.get(mobile="09111234567").roles.get()
    assert (granted.role, granted.municipality_id, granted.granted_by_id) == ("reviewer", city.pk, admin.pk)
