"""SMS texts as templates an administrator edits (issue 21 §4): the checks of an edited text,
which version is sent, and what the outbox records about whom and where."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from daftar.accounts.tests.factories import UserFactory
from daftar.audit.models import AuditEntry
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import MessageText, OutboxMessage
from daftar.notifications.services import notify, text_reset, text_save

pytestmark = pytest.mark.django_db

KEY = "test_case_moved"


@pytest.fixture(autouse=True)
def declared() -> Iterator[texts.Text]:
    text = texts.define(
        KEY,
        title="جابه‌جایی آزمایشی",
        audience="applicant",
        default="پروندهٔ {code} تا {due} بررسی می‌شود.",
        fields={"code": ("کد رهگیری", "ABCD-1234"), "due": ("مهلت", "۱۴۰۵/۰۹/۱۵")},
        required=("code",),
    )
    texts.cache_clear()
    yield text
    texts.REGISTRY.pop(KEY, None)
    texts.cache_clear()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "خالی"),
        ("   \n ", "خالی"),
        ("پروندهٔ {code} {name}", "{name}"),  # a field the text does not have
        ("پروندهٔ {code} {Code}", "آکولاد"),  # not a field name: a stray brace
        ("پروندهٔ {code} {", "آکولاد"),
        ("پروندهٔ {code} }", "آکولاد"),
        ("پروندهٔ {{code}}", "آکولاد"),
        ("پرونده تا {due}", "{code}"),  # the required field dropped
        ("{code}" + "ا" * 480, "۴۸۰"),
    ],
)
def test_a_text_that_cannot_be_sent_is_refused_in_persian(body: str, says: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        texts.check(KEY, body)
    assert says in caught.value.message
    assert caught.value.fields["text"] == [caught.value.message]


def test_an_edited_text_is_normalised() -> None:
    assert texts.check(KEY, "  كد {code} ي\r\nپايان ") == "کد {code} ی\nپایان"


def test_a_default_that_does_not_pass_is_refused_at_declaration() -> None:
    with pytest.raises(ValueError):
        texts.define("test_broken", title="خراب", audience="applicant", default="{x}", fields={})
    with pytest.raises(ValueError):
        texts.define("test_broken", title="خراب", audience="nobody", default="متن", fields={})
    assert "test_broken" not in texts.REGISTRY


def test_the_municipality_s_own_text_wins_then_the_installation_s_then_the_default() -> None:
    tabriz, shiraz = MunicipalityFactory(), MunicipalityFactory()
    admin = UserFactory()
    assert texts.render(KEY, tabriz, code="X1", due="فردا") == "پروندهٔ X1 تا فردا بررسی می‌شود."
    text_save(key=KEY, municipality=None, body="سراسری: {code}", actor=admin)
    text_save(key=KEY, municipality=tabriz, body="تبریز: {code} تا {due}", actor=admin)
    assert texts.render(KEY, tabriz, code="X1", due="فردا") == "تبریز: X1 تا فردا"
    assert texts.render(KEY, shiraz.pk, code="X1") == "سراسری: X1"
    assert text_reset(key=KEY, municipality=tabriz, actor=admin) is True
    assert texts.render(KEY, tabriz, code="X1") == "سراسری: X1"
    assert text_reset(key=KEY, municipality=tabriz, actor=admin) is False


def test_saving_twice_keeps_one_row_and_audits_before_and_after() -> None:
    city, admin = MunicipalityFactory(), UserFactory()
    text_save(key=KEY, municipality=city, body="اول {code}", actor=admin)
    text_save(key=KEY, municipality=city, body="دوم {code}", actor=admin)
    assert MessageText.objects.filter(key=KEY, municipality=city).count() == 1
    entries = list(AuditEntry.objects.filter(action="sms_text.save").order_by("seq"))
    assert [e.data["after"] for e in entries] == ["اول {code}", "دوم {code}"]
    assert entries[0].data["before"] == texts.REGISTRY[KEY].default
    assert entries[1].data["before"] == "اول {code}"
    assert entries[1].municipality_id == city.pk and entries[1].actor_id == admin.pk


def test_a_refused_text_changes_nothing() -> None:
    city, admin = MunicipalityFactory(), UserFactory()
    with pytest.raises(ApplicationError):
        text_save(key=KEY, municipality=city, body="بدون کد", actor=admin)
    assert not MessageText.objects.exists() and not AuditEntry.objects.filter(action__startswith="sms_text").exists()
    with pytest.raises(ApplicationError) as caught:
        text_save(key="no_such_text", municipality=city, body="متن", actor=admin)
    assert caught.value.status_code == 404


def test_a_stored_text_that_no_longer_passes_is_not_sent_broken(caplog: Any) -> None:
    city = MunicipalityFactory()
    MessageText.objects.create(key=KEY, municipality=city, text="کهنه {removed_field}")
    assert texts.render(KEY, city, code="X1", due="فردا") == "پروندهٔ X1 تا فردا بررسی می‌شود."
    assert "sms_text_invalid" in caplog.text


def test_an_edit_reaches_the_next_message_at_once_in_this_process() -> None:
    city, admin = MunicipalityFactory(), UserFactory()
    assert texts.render(KEY, city, code="A").startswith("پروندهٔ A")  # now cached
    text_save(key=KEY, municipality=city, body="تازه {code}", actor=admin)
    assert texts.render(KEY, city, code="A") == "تازه A"


def test_notify_records_the_person_and_the_municipality_in_persian_digits() -> None:
    city = MunicipalityFactory()
    person = UserFactory(mobile="09121112233")
    message = notify(KEY, to=person, municipality=city, code="ABCD-1234", due="1405/09/15")
    assert message is not None
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.kind, stored.to, stored.recipient_id, stored.municipality_id) == (
        KEY,
        "09121112233",
        person.pk,
        city.pk,
    )
    assert stored.text == "پروندهٔ ABCD-1234 تا ۱۴۰۵/۰۹/۱۵ بررسی می‌شود."  # a code keeps its digits


def test_notify_to_a_bare_number_or_a_person_without_one() -> None:
    message = notify(KEY, to="09121112233", code="X")
    assert message is not None and message.recipient_id is None and message.municipality_id is None
    assert notify(KEY, to=UserFactory.build(mobile=""), code="X") is None
    assert OutboxMessage.objects.count() == 1


def test_an_unknown_text_is_not_sent() -> None:
    with pytest.raises(ApplicationError):
        notify("no_such_text", to="09121112233")
    assert not OutboxMessage.objects.exists()


def test_a_municipality_may_be_named_by_its_id() -> None:
    city, admin = MunicipalityFactory(), UserFactory()
    text_save(key=KEY, municipality=city.pk, body="با شناسه {code}", actor=admin)
    assert texts.render(KEY, city, code="A") == "با شناسه A"
    assert AuditEntry.objects.get(action="sms_text.save").municipality_id == city.pk
    assert text_reset(key=KEY, municipality=city.pk, actor=admin) is True


def test_the_platform_admin_saves_the_installation_s_text_through_the_admin() -> None:
    from django.test import Client

    admin_client = Client()
    admin_client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = admin_client.post(
        "/admin/notifications/messagetext/add/", {"key": KEY, "municipality": "", "text": "سراسری {code}"}
    )
    assert response.status_code == 302
    assert texts.render(KEY, MunicipalityFactory(), code="B") == "سراسری B"
    assert AuditEntry.objects.filter(action="sms_text.save", municipality=None).exists()
    bad = admin_client.post("/admin/notifications/messagetext/add/", {"key": KEY, "municipality": "", "text": "{x}"})
    assert bad.status_code == 200 and "{x}" in bad.content.decode()
    assert MessageText.objects.count() == 1


def test_a_long_value_is_cut_so_one_message_stays_an_sms() -> None:
    body = texts.render(KEY, None, code="X", due="ا" * 1000)
    assert len(body) < 300 and "ا" * (texts.VALUE_MAX - 1) + "…" in body and "ا" * texts.VALUE_MAX not in body


def test_two_first_saves_at_once_keep_one_row(monkeypatch: Any) -> None:
    from daftar.notifications import services

    city, admin = MunicipalityFactory(), UserFactory()
    real = services._texts_of
    calls = {"n": 0}

    def racing(key: str, municipality_id: int | None) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:  # the other save inserts its row just after this one looked
            MessageText.objects.create(key=KEY, municipality=city, text="دیگری {code}")
            return MessageText.objects.none()
        return real(key, municipality_id)

    monkeypatch.setattr(services, "_texts_of", racing)
    text_save(key=KEY, municipality=city, body="این یکی {code}", actor=admin)
    assert list(MessageText.objects.values_list("text", flat=True)) == ["این یکی {code}"]


def test_an_installation_only_text_has_no_municipal_version() -> None:
    texts.define(
        "test_login_like", title="ورود آزمایشی", audience="account", default="کد {code}", fields={"code": ("کد", "1")}
    )
    try:
        with pytest.raises(ApplicationError) as caught:
            text_save(key="test_login_like", municipality=MunicipalityFactory(), body="کد {code}", actor=UserFactory())
        assert caught.value.status_code == 404
        text_save(key="test_login_like", municipality=None, body="رمز {code}", actor=UserFactory())
        assert texts.render("test_login_like", MunicipalityFactory(), code="9") == "رمز 9"
    finally:
        texts.REGISTRY.pop("test_login_like", None)
