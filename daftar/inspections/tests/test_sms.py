"""The visits' SMS are declared texts (issue 21 §4), each sent under its key to the person's
account with the municipality of the case or licence: the applicant hears when and where the
site inspection is, the holder when the supervision visit is, and an inspector who is sent
one hears where to go. A municipality's own wording reaches its people only."""

from __future__ import annotations

from typing import Any

import pytest

from daftar.accounts.constants import Role
from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.inspections import sms
from daftar.inspections.services import inspection_schedule, visit_schedule
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import sms_text, text_save
from daftar.offices.tests.factories import OfficeFactory

from .helpers import case_at_inspection, inspector

pytestmark = pytest.mark.django_db
WHEN, WHEN_FA = "1478/10/11 09:30", "۱۴۷۸/۱۰/۱۱، ساعت ۰۹:۳۰"
SUPERVISOR, ADMIN = "09120000006", "09120000007"


def _for(message: OutboxMessage, person: User, municipality_id: int) -> None:
    assert (message.to, message.recipient_id, message.municipality_id) == (person.mobile, person.pk, municipality_id)


def test_the_applicant_hears_when_and_where_the_site_inspection_is(tehran_rules) -> None:
    case = case_at_inspection()
    inspection_schedule(case, inspector(), WHEN)
    message = OutboxMessage.objects.get(kind="inspection_scheduled")
    _for(message, case.applicant, case.municipality_id)
    assert WHEN_FA in message.text and str(case.tracking_code) in message.text
    assert f"{case.district.name}، {case.municipality.name}" in message.text


def test_the_holder_and_the_inspector_sent_hear_of_the_supervision_visit(make_licence: Any) -> None:
    supervisor = User.objects.get(mobile=SUPERVISOR)
    with_office = make_licence()
    OfficeFactory(
        municipality=with_office.municipality,
        district=with_office.district,
        licence=with_office,
        name="دفتر خدمات الکترونیک شهر آزادی",
        address="تهران، خیابان آزادی، پلاک ۷",
    )
    visit_schedule(with_office, inspector(), WHEN, actor=supervisor)
    held = OutboxMessage.objects.get(kind="supervision_visit_scheduled")
    _for(held, with_office.holder, with_office.municipality_id)
    assert WHEN_FA in held.text and with_office.number in held.text and "دفتر خدمات الکترونیک شهر آزادی" in held.text
    sent = OutboxMessage.objects.get(kind="supervision_visit_assigned")
    _for(sent, inspector(), with_office.municipality_id)
    assert "تهران، خیابان آزادی، پلاک ۷" in sent.text and WHEN_FA in sent.text and with_office.number in sent.text

    without_office = make_licence()  # no office linked yet: the district says where
    visit_schedule(without_office, inspector(), WHEN, actor=supervisor)
    sent = OutboxMessage.objects.filter(kind="supervision_visit_assigned").latest("pk")
    place = f"{without_office.district.name}، {without_office.municipality.name}"
    assert place in sent.text and without_office.number in sent.text

    own = make_licence()  # the inspector's own visit: nobody else to tell
    visit_schedule(own, inspector(), WHEN)
    assert OutboxMessage.objects.filter(kind="supervision_visit_scheduled").count() == 3
    assert OutboxMessage.objects.filter(kind="supervision_visit_assigned").count() == 2


def test_a_municipalitys_own_text_reaches_its_applicants_and_another_keeps_the_default(tehran_rules) -> None:
    ours = case_at_inspection()
    elsewhere = MunicipalityFactory.create()
    theirs = case_at_inspection(municipality=elsewhere)
    their_inspector = UserFactory.create()
    RoleAssignmentFactory(user=their_inspector, role=Role.INSPECTOR, municipality=elsewhere)
    body = "شهرداری تهران: بازرس ما {when} برای پروندهٔ {code} به محل شما می‌آید."
    text_save(key=sms.SCHEDULED.key, municipality=ours.municipality, body=body, actor=User.objects.get(mobile=ADMIN))
    inspection_schedule(ours, inspector(), WHEN)
    inspection_schedule(theirs, their_inspector, WHEN)
    mine = OutboxMessage.objects.get(kind="inspection_scheduled", recipient=ours.applicant)
    assert mine.text == sms_text(body.format(when=WHEN_FA, code=ours.tracking_code))
    other = OutboxMessage.objects.get(kind="inspection_scheduled", recipient=theirs.applicant)
    assert other.municipality_id == elsewhere.pk and other.text.startswith("بازدید میدانی محل دفتر شما")
    assert sms_text(elsewhere.name) in other.text  # the default names the case's own municipality


def test_an_edited_visit_text_must_keep_the_time() -> None:
    with pytest.raises(ApplicationError) as refused:
        text_save(key=sms.VISIT.key, municipality=None, body="بازدید نظارتی دفتر «{office}» در راه است.", actor=None)
    assert "{when}" in refused.value.message
    assert texts.current(sms.VISIT.key, None)[1] == "default"
