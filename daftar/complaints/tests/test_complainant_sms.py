"""The complainant's SMS are the declared texts of ``complaints/sms.py`` (issue 21 §4): sent with
their key to the complainant's account, with the complaint's municipality, in the text that
municipality's administrator saved (another municipality keeps the default)."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.complaints import sms
from daftar.complaints.models import Complaint
from daftar.complaints.services import complaint_answer, complaint_file
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import sms_text, text_save
from daftar.offices.tests.factories import make_office

pytestmark = pytest.mark.django_db

SUPERVISOR = "09120000006"  # Tehran's demo supervisor
ADMIN = "09120000007"  # Tehran's demo municipality administrator
TEXT = "در این دفتر برای استعلام ملک دو برابر تعرفه از من پول گرفتند."
ANSWER = "بررسی رسید پرداخت و تعرفهٔ مصوب نشان داد که دفتر بیش از تعرفه دریافت کرده است."


@pytest.fixture
def office(make_licence: Any) -> Any:
    licence = make_licence()
    return make_office(licence.municipality, licence.district, licence=licence)


def filed(office: Any, citizen: User | None = None) -> Complaint:
    citizen = citizen or UserFactory.create()
    return complaint_file(citizen, office=office.pk, ground="overcharge", text=TEXT)


def only(key: str, complaint: Complaint) -> OutboxMessage:
    [message] = OutboxMessage.objects.filter(kind=key, recipient=complaint.complainant)
    assert (message.to, message.municipality) == (complaint.complainant.mobile, complaint.municipality)
    return message


def test_the_complainant_is_told_of_the_filing_and_the_answer(office):
    complaint = filed(office)
    received = only("complaint_received", complaint)
    assert received.text == sms_text(
        sms.RECEIVED.default.format(code=complaint.tracking_code, due=to_jalali(complaint.due))
    )
    answered = complaint_answer(complaint, actor=User.objects.get(mobile=SUPERVISOR), decision="upheld", answer=ANSWER)
    text = only("complaint_answered", answered).text
    assert complaint.tracking_code in text and "وارد است" in text
    assert {m.kind for m in OutboxMessage.objects.all()} == {"complaint_received", "complaint_answered"}
    assert texts.REGISTRY["complaint_received"] is sms.RECEIVED and sms.ANSWERED.audience == "citizen"


def test_a_complainant_without_a_mobile_gets_nothing_and_the_complaint_stands(office):
    citizen = UserFactory.create()
    User.objects.filter(pk=citizen.pk).update(mobile="")
    citizen.refresh_from_db()
    complaint = filed(office, citizen)
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert not OutboxMessage.objects.exists()


def test_the_municipality_edited_text_is_what_its_complainants_receive(office):
    admin = User.objects.get(mobile=ADMIN)
    text_save(key="complaint_received", municipality=MunicipalityFactory(), body="کد {code}", actor=admin)
    first = filed(office)
    assert only("complaint_received", first).text == sms_text(
        sms.RECEIVED.default.format(code=first.tracking_code, due=to_jalali(first.due))
    )

    body = "شهرداری تهران شکایت {code} را گرفت و تا {due} پاسخ می‌دهد."
    text_save(key="complaint_received", municipality=office.municipality, body=body, actor=admin)
    second = filed(office)
    assert only("complaint_received", second).text == sms_text(
        body.format(code=second.tracking_code, due=to_jalali(second.due))
    )
