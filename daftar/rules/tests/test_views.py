"""The public catalogue pages and the self-check journey (S15.5-S15.6) in HTML."""

from __future__ import annotations

import pytest

from daftar.accounts.tests.factories import UserFactory
from daftar.rules.models import EligibilityCheck

pytestmark = pytest.mark.django_db
URL = "/licences/e-city-office/check/?municipality=tehran"

GOOD_FORM = {
    "nationality": "IR",
    "person_type": "natural",
    "has_criminal_record": "no",
    "has_addiction_certificate": "yes",
    "health_certified": "yes",
    "government_employee": "no",
    "represents_other_office": "no",
    "degree_level": "master",
    "degree_field": "architecture",
    "experience_years": "۴",
    "training_completed": "yes",
    "training_hours": "120",
    "premises_use": "office",
    "premises_area_m2": "۷۵٫۵",
    "equipment": ["computers", "high_speed_internet", "signboard", "client_facilities"],
    "lat": "۳۵٫۷۴۵",
    "lng": "51.553",
}


def test_home_links_the_catalogue_now(client, tehran_rules):
    html = client.get("/").content.decode()
    assert 'href="/licences/"' in html


def test_catalogue_search_in_persian(client, tehran_rules):
    html = client.get("/licences/", {"q": "خدمات شهر"}).content.decode()
    assert "دفتر خدمات الکترونیک شهر" in html
    empty = client.get("/licences/", {"q": "ماهیگیری"})
    assert empty.status_code == 200 and "یافت نشد" in empty.content.decode()


def test_licence_page_shows_conditions_by_group_and_documents(client, tehran_rules):
    html = client.get("/licences/e-city-office/").content.decode()
    for text in (
        "شرایط عمومی",
        "شرایط تخصصی",
        "شرایط محل فعالیت",
        "حداقل مساحت مفید ۶۰ متر مربع (تهران)",
        "مدارک هویتی",
        "کروکی محل",
        "سنجش شرایط من",
        "شرط چهارم از شرایط محل فعالیت، در آیین‌نامهٔ شهرداری",  # the legal basis in words…
        "۵ مگابایت",
    ):
        assert text in html, text
    assert "S11.4" not in html and "DOMAIN" not in html  # …never the fact id


def test_unknown_licence_or_municipality_is_404(client, tehran_rules):
    assert client.get("/licences/nothing/").status_code == 404
    assert client.get("/licences/e-city-office/?municipality=atlantis").status_code == 404


def test_self_check_with_all_conditions_met_except_exam(client, tehran_rules):
    response = client.post(URL, GOOD_FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "شرطی رد نشده، اما برخی شرایط هنوز نامعلوم است." in html  # S10.4 comes after document review
    assert 'data-condition="S11.2"' in html and "۷۵٫۵" in html
    assert "درخواست صدور مجوز" in html
    assert "اعداد جدول امتیاز نمونه‌اند" in html
    assert "مدرک کارشناسی ارشد: ۲۰" in html  # the score's breakdown
    assert "پس از بررسی مدارک برگزار می‌شود" in html


def test_self_check_with_a_failing_condition(client, tehran_rules):
    response = client.post(URL, {**GOOD_FORM, "premises_area_m2": "59.9"})
    html = response.content.decode()
    assert "برخی شرایط را ندارید." in html
    assert "مساحت مفید محل شما ۵۹٫۹ متر مربع است؛ دست‌کم ۶۰ متر مربع در تهران لازم است." in html
    assert "پس از برآوردن شرایط ردشده می‌توانید درخواست دهید." in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"premises_area_m2": "-3"}, "باید بزرگ‌تر از صفر باشد"),
        ({"experience_years": "سه سال"}, "باید عدد باشد"),
        ({"lat": "35.7", "lng": ""}, "عرض و طول جغرافیایی را با هم وارد کنید"),
        ({"lat": "95", "lng": "51"}, "عرض جغرافیایی باید بین"),
        ({"degree_level": "phd"}, "phd"),
    ],
)
def test_bad_form_input_is_explained_next_to_the_field(client, tehran_rules, changes, message):
    response = client.post(URL, {**GOOD_FORM, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "برخی شرایط را ندارید" not in html and "همهٔ شرایط را دارید" not in html


def test_logged_in_self_check_is_kept_and_prefilled(client, tehran_rules):
    user = UserFactory(nationality="IR")
    client.force_login(user)
    assert 'value="IR" selected' in client.get(URL).content.decode()
    client.post(URL, GOOD_FORM)
    assert EligibilityCheck.objects.get(user=user).rule_set == tehran_rules
