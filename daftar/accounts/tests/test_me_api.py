"""GET/PATCH /api/v1/me: the profile, normalised and validated on the API path."""

from __future__ import annotations

import pytest

from conftest import api_login
from daftar.accounts import messages as msg
from daftar.accounts.models import User
from daftar.audit.models import AuditEntry
from daftar.kernel import messages as cm

pytestmark = pytest.mark.django_db
MOBILE = "09351112233"


@pytest.fixture
def me(api):
    api_login(api, MOBILE)
    return api


def test_anonymous_gets_401_in_the_error_shape(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "detail": cm.NOT_AUTHENTICATED, "fields": {}}


def test_patch_normalises_persian_input_and_answers_with_a_jalali_twin(me):
    response = me.patch(
        "/api/v1/me",
        {
            "first_name": " علي‌اكبر ",
            "last_name": "دهخدا",
            "national_code": "۰۰۱۲۳۴۵۶۷۹",
            "birth_date": "۱۳۷۰/۰۵/۱۲",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["first_name"] == "علی‌اکبر"  # Arabic ي/ك → Persian, ZWNJ kept, trimmed
    assert body["national_code"] == "0012345679"
    assert body["birth_date"] == "1991-08-03"
    assert body["birth_date_jalali"] == "1370/05/12"
    assert AuditEntry.objects.filter(action="user_profile_updated").count() == 1


def test_gregorian_birth_date_is_accepted(me):
    response = me.patch("/api/v1/me", {"birth_date": "1991-08-03"}, format="json")
    assert response.json()["birth_date_jalali"] == "1370/05/12"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0012345678", cm.NATIONAL_CODE_CHECK),
        ("12345", cm.NATIONAL_CODE_LENGTH),
        ("1111111111", cm.NATIONAL_CODE_CHECK),
        ("00123x5679", cm.NATIONAL_CODE_DIGITS),
    ],
)
def test_bad_national_code_is_a_400_and_changes_nothing(me, value, message):
    me.patch("/api/v1/me", {"first_name": "سارا"}, format="json")
    response = me.patch("/api/v1/me", {"national_code": value, "first_name": "دیگر"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["national_code"] == [message]
    user = User.objects.get(mobile=MOBILE)
    assert (user.national_code, user.first_name) == ("", "سارا")


@pytest.mark.parametrize("value", ["1370/13/01", "2999-01-01", "yesterday", "1279/01/01"])
def test_bad_birth_date_is_refused(me, value):
    response = me.patch("/api/v1/me", {"birth_date": value}, format="json")
    assert response.status_code == 400
    message = response.json()["fields"]["birth_date"][0]
    assert "میلادی" not in message and not any(ch.isascii() and ch.isdigit() for ch in message)
    assert User.objects.get(mobile=MOBILE).birth_date is None


def test_legal_person_gets_a_national_id_not_a_national_code(me):
    response = me.patch("/api/v1/me", {"national_id": "10380284790"}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["national_id"] == [msg.NATIONAL_ID_FOR_LEGAL]
    response = me.patch(
        "/api/v1/me", {"person_type": "legal", "legal_name": "شرکت نمونه", "national_id": "10380284790"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["national_id"] == "10380284790"
    response = me.patch("/api/v1/me", {"national_id": "10380284792"}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["national_id"] == [cm.LEGAL_ID_CHECK]


def test_mobile_and_unknown_fields_cannot_be_changed_here(me):
    response = me.patch("/api/v1/me", {"mobile": "09129999999", "is_superuser": True}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"mobile", "is_superuser"}
    user = User.objects.get(mobile=MOBILE)
    assert not user.is_superuser


def test_a_body_that_is_not_an_object_is_refused(me):
    for body in ("[1, 2]", '"text"', "42", "null"):
        response = me.patch("/api/v1/me", body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "body_not_object"
        assert response.json()["detail"] == cm.BODY_NOT_OBJECT


def test_malformed_json_is_refused(me):
    response = me.patch("/api/v1/me", '{"first_name": ', content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"


def test_oversized_body_is_413_and_changes_nothing(me, settings):
    settings.API_MAX_BODY_BYTES = 1024
    response = me.patch("/api/v1/me", {"first_name": "ب" * 2000}, format="json")
    assert response.status_code == 413
    assert response.json() == {"code": "body_too_large", "detail": cm.BODY_TOO_LARGE, "fields": {}}
    assert User.objects.get(mobile=MOBILE).first_name == ""


def test_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_me_lists_roles_per_municipality(me):
    from daftar.accounts.services import role_grant
    from daftar.municipalities.tests.factories import MunicipalityFactory

    city = MunicipalityFactory(slug="shiraz", name="شهرداری شیراز")
    role_grant(user=User.objects.get(mobile=MOBILE), role="reviewer", municipality=city, actor=None)
    roles = me.get("/api/v1/me").json()["roles"]
    assert roles == [
        {
            "role": "reviewer",
            "role_display": "کارشناس بررسی مدارک",
            "municipality": "shiraz",
            "municipality_name": "شهرداری شیراز",
        }
    ]
