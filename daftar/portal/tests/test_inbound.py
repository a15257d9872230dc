"""Applications filed on the portal arrive as cases, once each, with an account made by mobile
for an applicant who had none (recorded in the audit chain)."""

from __future__ import annotations

import pytest

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.audit.models import AuditEntry
from daftar.municipalities.tests.factories import MunicipalityFactory
from daftar.notifications import texts
from daftar.notifications.models import OutboxMessage
from daftar.notifications.services import sms_text, text_save
from daftar.portal import sms
from daftar.portal.adapters import SIMULATED_APPLICATIONS, _national_code, simulator_down, simulator_file
from daftar.portal.models import PortalApplication
from daftar.portal.services import portal_import
from daftar.portal.tasks import pull_portal_applications

pytestmark = pytest.mark.django_db


def test_portal_applications_become_cases_once(tehran_rules) -> None:
    assert not User.objects.filter(mobile="09127770001").exists()
    first = portal_import()
    assert first.created == ["NLP-1405-00000001", "NLP-1405-00000002"] and first.refused == {}
    links = {p.reference: p.application for p in PortalApplication.objects.select_related("application")}
    case = links["NLP-1405-00000001"]
    assert case.municipality.slug == "tehran" and case.call.licence_type.code == "e-city-office"
    assert case.district.number == 1 and case.facts["degree_level"] == "bachelor"
    applicant = User.objects.get(mobile="09127770001")
    assert case.applicant == applicant
    assert (applicant.first_name, applicant.last_name) == ("نرگس", "کاظمی")
    assert applicant.national_code == SIMULATED_APPLICATIONS[0]["applicant"]["national_code"]
    assert not applicant.has_usable_password()  # they log in with a one-time code by SMS
    assert AuditEntry.objects.filter(action="portal.account_created", object_id=str(applicant.pk)).exists()
    assert AuditEntry.objects.filter(action="portal.application_received", object_id=str(case.pk)).exists()
    # no documents came with it: the case waits as a draft and the applicant is told what to do
    assert case.status == "draft"
    sms = OutboxMessage.objects.filter(to="09127770001", kind="portal_application").get()
    assert "درگاه ملی مجوزها" in sms.text and "بارگذاری" in sms.text
    assert (sms.recipient_id, sms.municipality_id) == (applicant.pk, case.municipality_id)

    # the same portal applications again: nothing new
    again = portal_import()
    assert again.created == [] and sorted(again.known) == sorted(first.created)
    assert Application.objects.filter(applicant__mobile__in=["09127770001", "09127770002"]).count() == 2
    assert pull_portal_applications() == 0


def test_an_existing_account_is_used_and_a_bad_application_refused(tehran_rules) -> None:
    sara = User.objects.get(mobile="09120000001")
    base = SIMULATED_APPLICATIONS[0]
    sara_applicant = {**base["applicant"], "mobile": "+989120000001", "national_code": sara.national_code}
    simulator_file({**base, "reference": "NLP-1405-00000010", "applicant": sara_applicant})
    simulator_file({**base, "reference": "NLP-1405-00000011", "municipality": "nowhere"})
    simulator_file({**base, "reference": "NLP-1405-00000012", "district": 99})
    simulator_file({**base, "reference": "NLP-1405-00000013", "applicant": {"mobile": "12"}})
    result = portal_import()
    assert "NLP-1405-00000010" in result.created
    assert set(result.refused) == {"NLP-1405-00000011", "NLP-1405-00000012", "NLP-1405-00000013"}
    case = PortalApplication.objects.get(reference="NLP-1405-00000010").application
    assert case.applicant == sara
    assert not AuditEntry.objects.filter(action="portal.account_created", object_id=str(sara.pk)).exists()
    assert not PortalApplication.objects.filter(reference__in=result.refused).exists()


def test_narges_application_with_saras_mobile_is_refused(tehran_rules) -> None:
    """The mobile's account has another national code: the case is not attached to Sara."""
    sara = User.objects.get(mobile="09120000001")
    base = SIMULATED_APPLICATIONS[0]
    simulator_file(
        {**base, "reference": "NLP-1405-00000010", "applicant": {**base["applicant"], "mobile": "+989120000001"}}
    )
    before = Application.objects.count()
    result = portal_import()
    assert "NLP-1405-00000010" in result.refused and "NLP-1405-00000010" not in result.created
    assert Application.objects.count() == before + 2  # the two simulated ones only
    assert not Application.objects.filter(applicant=sara, portal_link__isnull=False).exists()
    refused = PortalApplication.objects.get(reference="NLP-1405-00000010")
    assert refused.application is None and "another national code" in refused.refused_reason
    assert AuditEntry.objects.filter(action="portal.application_refused", object_id=str(refused.pk)).count() == 1
    # not taken again on the next pull
    again = portal_import()
    assert "NLP-1405-00000010" in again.known and again.refused == {}
    assert AuditEntry.objects.filter(action="portal.application_refused").count() == 1


def test_a_known_national_code_never_gets_a_second_account(tehran_rules) -> None:
    sara = User.objects.get(mobile="09120000001")
    base = SIMULATED_APPLICATIONS[0]
    applicant = {**base["applicant"], "mobile": "09127779999", "national_code": sara.national_code}
    simulator_file({**base, "reference": "NLP-1405-00000020", "applicant": applicant})
    result = portal_import()
    assert "NLP-1405-00000020" in result.refused
    assert not User.objects.filter(mobile="09127779999").exists()
    assert User.objects.filter(national_code=sara.national_code).count() == 1
    refused = PortalApplication.objects.get(reference="NLP-1405-00000020")
    assert refused.application is None and "another account" in refused.refused_reason


def test_the_pull_waits_while_the_portal_is_down(tehran_rules) -> None:
    simulator_down(True)
    assert pull_portal_applications() == 0
    assert not PortalApplication.objects.exists()
    simulator_down(False)
    assert pull_portal_applications() == 2


def test_the_sms_text_is_the_one_declared() -> None:
    assert texts.spec("portal_application") is sms.ARRIVED and "{call}" in sms.ARRIVED.default
    assert sms.ARRIVED.audience == "applicant"


def test_the_municipalitys_own_text_is_sent_and_another_municipalitys_is_not(tehran_rules) -> None:
    admin = User.objects.get(mobile="09120000007")
    elsewhere = MunicipalityFactory.create()
    text_save(key=sms.ARRIVED.key, municipality=elsewhere, body="جای دیگر: {call}", actor=admin)
    portal_import()
    first = OutboxMessage.objects.get(to="09127770001", kind="portal_application")
    assert first.text.startswith("درخواست شما در درگاه ملی مجوزها برای «")  # Tehran: the default
    ours = "شهرداری تهران: درخواست «{call}» از درگاه ملی رسید؛ مدارک را بارگذاری کنید."
    text_save(key=sms.ARRIVED.key, municipality=first.municipality, body=ours, actor=admin)
    row = dict(SIMULATED_APPLICATIONS[0], reference="NLP-1405-00000101", district=3)
    row["applicant"] = dict(row["applicant"], mobile="09127770101", national_code=_national_code("007770101"))
    simulator_file(row)
    assert portal_import().created == ["NLP-1405-00000101"]
    later = OutboxMessage.objects.get(to="09127770101", kind="portal_application")
    call = PortalApplication.objects.get(reference="NLP-1405-00000101").application.call
    assert later.text == sms_text(ours.format(call=call.title))
    assert later.municipality_id == first.municipality_id == call.municipality_id
