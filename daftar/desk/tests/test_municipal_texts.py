"""The municipality administrator's SMS pages (issue 21 §4): every text as the municipality has
it, edited with a preview and reset, audited; and the log of what was sent in the municipality."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.audit.models import AuditEntry
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import MessageText, OutboxMessage
from daftar.notifications.services import notify

pytestmark = pytest.mark.django_db

KEY = "test_visit_set"
LIST, SENT = "/desk/municipality/texts/", "/desk/municipality/sent/"
EDIT = f"{LIST}{KEY}/"


@pytest.fixture(autouse=True)
def declared() -> Iterator[texts.Text]:
    text = texts.define(
        KEY,
        title="بازدید آزمایشی",
        when="وقتی بازدید آزمایشی تعیین می‌شود",
        audience="holder",
        default="بازدید دفتر شما در {when} است. کد {code}",
        fields={"when": ("زمان بازدید", "۱۴۰۵/۰۹/۲۰ ساعت ۱۰:۰۰"), "code": ("کد پرونده", "ABCD-1234")},
        required=("when",),
    )
    texts.cache_clear()
    yield text
    texts.REGISTRY.pop(KEY, None)
    texts.cache_clear()


@pytest.fixture
def city() -> Any:
    return MunicipalityFactory(name="شهرداری آزمون")


@pytest.fixture
def admin(city: Any) -> Any:
    return RoleAssignmentFactory(municipality=city, role="municipality_admin", user=UserFactory()).user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_each_text_with_a_sample_in_persian_digits(admin: Any) -> None:
    text = client_for(admin).get(LIST).content.decode()
    assert "بازدید آزمایشی" in text and "وقتی بازدید آزمایشی تعیین می‌شود" in text
    assert "بازدید دفتر شما در ۱۴۰۵/۰۹/۲۰ ساعت ۱۰:۰۰ است. کد ABCD-1234" in text
    assert KEY not in re.sub(r'"[^"]*"', "", text)  # the key only in attributes (a link), never read


def test_editing_saves_the_municipality_s_text_and_the_next_sms_uses_it(city: Any, admin: Any) -> None:
    response = client_for(admin).post(EDIT, {"text": "بازديد {when} انجام مي‌شود"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ذخیره شد" in page and "متن ویژهٔ این شهرداری" in page
    assert MessageText.objects.get(key=KEY, municipality=city).text == "بازدید {when} انجام می‌شود"
    entry = AuditEntry.objects.get(action="sms_text.save")
    assert entry.actor_id == admin.pk and entry.municipality_id == city.pk
    holder = UserFactory()
    notify(KEY, to=holder, municipality=city, when="1405/09/20", code="X")
    assert OutboxMessage.objects.get(recipient=holder).text == "بازدید ۱۴۰۵/۰۹/۲۰ انجام می‌شود"
    # another municipality keeps the default
    notify(KEY, to=holder, municipality=MunicipalityFactory(), when="فردا", code="X")
    assert OutboxMessage.objects.filter(recipient=holder, text__startswith="بازدید دفتر شما").exists()


@pytest.mark.parametrize(
    ("body", "says"),
    [("", "خالی"), ("بازدید {where}", "{where}"), ("بازدید انجام می‌شود", "{when}"), ("بازدید {when} }", "آکولاد")],
)
def test_a_bad_text_is_a_persian_400_and_changes_nothing(admin: Any, body: str, says: str) -> None:
    response = client_for(admin).post(EDIT, {"text": body})
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page and 'aria-invalid="true"' in page
    assert not MessageText.objects.exists() and not AuditEntry.objects.exists()


def test_resetting_returns_to_the_default(city: Any, admin: Any) -> None:
    client = client_for(admin)
    client.post(EDIT, {"text": "بازدید {when}"})
    page = client.post(EDIT, {"action": "reset"}, follow=True).content.decode()
    assert "به متن پیش‌فرض بازگشت" in page and "متن پیش‌فرض" in page
    assert not MessageText.objects.exists()
    assert AuditEntry.objects.filter(action="sms_text.reset", data__before="بازدید {when}").exists()


def test_other_people_do_not_reach_the_texts(city: Any, admin: Any) -> None:
    reviewer = RoleAssignmentFactory(municipality=city, role="reviewer", user=UserFactory()).user
    assert client_for(reviewer).get(LIST).status_code == 403
    assert client_for(reviewer).get(EDIT).status_code == 404
    assert client_for(reviewer).post(EDIT, {"text": "بازدید {when}"}).status_code == 404
    elsewhere = MunicipalityFactory()
    foreign = RoleAssignmentFactory(municipality=elsewhere, role="municipality_admin", user=UserFactory()).user
    assert client_for(foreign).post(EDIT, {"text": "بازدید {when}", "municipality": city.pk}).status_code == 404
    assert client_for(admin).get(f"{LIST}no_such_text/").status_code == 404
    assert not MessageText.objects.exists()


def test_the_log_lists_the_municipality_s_messages_masked_and_filtered(city: Any, admin: Any) -> None:
    holder = UserFactory(mobile="09123334455", first_name="نرگس", last_name="کاظمی")
    notify(KEY, to=holder, municipality=city, when="فردا", code="A1")
    failed = notify(KEY, to=holder, municipality=city, when="پس‌فردا", code="A2")
    assert failed is not None
    OutboxMessage.objects.filter(pk=failed.pk).update(status="failed", attempts=3)
    notify(KEY, to=UserFactory(), municipality=MunicipalityFactory(), when="جای دیگر", code="B")
    notify(KEY, to="09120000000", when="بی‌شهرداری", code="C")
    client = client_for(admin)
    page = client.get(SENT).content.decode()
    assert "۲ پیامک" in page and "نرگس کاظمی" in page and "•••۴۴۵۵" in page and "۰۹۱۲•••" not in page
    assert "09123334455" not in page and "۰۹۱۲۳۳۳۴۴۵۵" not in page
    assert "جای دیگر" not in page and "بی‌شهرداری" not in page
    only_failed = client.get(SENT, {"status": "failed"}).content.decode()
    assert "پس‌فردا" in only_failed and "در فردا است" not in only_failed and "۳ بار کوشش شد" in only_failed
    assert client.get(SENT, {"status": "nonsense", "kind": "<script>"}).status_code == 200


def test_the_log_is_the_administrator_s(city: Any) -> None:
    supervisor = RoleAssignmentFactory(municipality=city, role="supervisor", user=UserFactory()).user
    assert client_for(supervisor).get(SENT).status_code == 403


def test_a_stored_text_that_no_longer_passes_is_shown_to_be_fixed(city: Any, admin: Any) -> None:
    MessageText.objects.create(key=KEY, municipality=city, text="بازدید {when} با {removed}")
    client = client_for(admin)
    listed = client.get(LIST).content.decode()
    assert "نیازمند اصلاح" in listed
    page = client.get(EDIT).content.decode()
    assert "بازدید {when} با {removed}" in page and "دیگر فرستادنی نیست" in page and "{removed}" in page
    assert "بازگرداندن متن پیش‌فرض" in page  # the reset is offered
    client.post(EDIT, {"action": "reset"})
    assert not MessageText.objects.exists()


def test_login_code_texts_are_not_the_municipality_s_to_edit(city: Any, admin: Any) -> None:
    client = client_for(admin)
    assert "رمز ورود" not in client.get(LIST).content.decode()
    assert client.get(f"{LIST}otp/").status_code == 404
    assert client.post(f"{LIST}otp/", {"text": "کد {code}"}).status_code == 404
    assert not MessageText.objects.exists()


def test_the_list_reads_every_stored_text_in_one_query(
    city: Any, admin: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(admin)
    client.get(LIST)  # the session and the user, warmed
    texts.cache_clear()
    with django_assert_max_num_queries(10):
        client.get(LIST)
