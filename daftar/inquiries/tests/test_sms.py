"""The SMS of a failed inquiry is a declared text (issue 21 §4): the case municipality's own
wording reaches its applicants, another municipality's keep the default; it stays sensitive
(blanked once sent) and never carries the body's reason."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.inquiries import messages as msg
from daftar.inquiries import sms
from daftar.inquiries.services import inquiries_start
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications.backends import LocmemBackend
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import REDACTED, text_save

from .conftest import national_code

pytestmark = pytest.mark.django_db


def test_the_municipalitys_own_text_reaches_its_applicant_and_another_keeps_the_default(
    make_application: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ours = make_application(code=national_code("999"))  # the simulator refuses the criminal record
    theirs = make_application(code=national_code("999"))
    Application.objects.filter(pk=theirs.pk).update(municipality=MunicipalityFactory.create())
    theirs.refresh_from_db()
    body = "شهرداری تهران: {label} برای پروندهٔ {code} پاسخ منفی داشت؛ به صفحهٔ پرونده سر بزنید."
    text_save(
        key=sms.FAILED.key, municipality=ours.municipality, body=body, actor=User.objects.get(mobile="09120000007")
    )
    for app in (ours, theirs):
        with django_capture_on_commit_callbacks(execute=True):
            inquiries_start(application=app)
    sent = {s.to: s.text for s in LocmemBackend.outbox}
    label = "استعلام سوء پیشینهٔ کیفری"
    assert sent[ours.applicant.mobile] == body.format(label=label, code=ours.tracking_code)
    assert sent[theirs.applicant.mobile] == sms.FAILED.default.format(label=label, code=theirs.tracking_code)
    rows = OutboxMessage.objects.filter(kind="inquiry_failed").order_by("pk")
    assert [(m.recipient_id, m.municipality_id) for m in rows] == [
        (ours.applicant_id, ours.municipality_id),
        (theirs.applicant_id, theirs.municipality_id),
    ]
    assert all(m.sensitive and m.text == REDACTED for m in rows)  # sent, then blanked
    assert not any(msg.SIM_FAILED["criminal_record"] in text for text in sent.values())
