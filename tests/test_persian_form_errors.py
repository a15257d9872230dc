"""Form errors, help texts and flash messages reach the pages in Persian digits (issue 19 §1):
Django's own errors («… 16 نویسه …»), the services' errors and the messages go through the
``fa_text`` filter; a word with Latin letters (a tracking code) stays as it was written, and
nothing a person typed becomes markup."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.contrib.messages import INFO
from django.contrib.messages.storage.base import Message
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client
from django.utils.safestring import mark_safe

from daftar.accounts.tests.factories import UserFactory
from daftar.catalogue.tests.factories import NOW, make_city, set_tariffs
from daftar.complaints.models import Complaint
from daftar.kernel.forms import PersianForm
from daftar.kernel.normalize import persian_digits
from daftar.offices.tests.factories import make_office, staff

LATIN_DIGIT = re.compile(r"[0-9]")


def fa_text(value: Any, autoescape: bool = True) -> str:
    source = "{% load persian %}" + (
        "{{ v|fa_text }}" if autoescape else "{% autoescape off %}{{ v|fa_text }}{% endautoescape %}"
    )
    return Template(source).render(Context({"v": value}))


def test_fa_text_turns_the_digits_of_a_sentence_and_keeps_a_code() -> None:
    said = fa_text("حداکثر 16 نویسه (طولش 20 است). کد پیگیری: SHK-1405-000123")
    assert said == "حداکثر ۱۶ نویسه (طولش ۲۰ است). کد پیگیری: SHK-1405-000123"
    assert fa_text(None) == "" and fa_text(3) == "۳"


def test_fa_text_escapes_what_a_person_typed() -> None:
    said = fa_text('<img src=x onerror=alert(1)> "5" & 6')
    assert "<img" not in said and "&lt;img" in said
    assert "&quot;۵&quot; &amp; ۶" in said
    assert fa_text("<b> 5", autoescape=False) == "<b> ۵"  # a text template: no escaping


def test_fa_text_keeps_the_markup_of_a_safe_text() -> None:
    safe = mark_safe('<a href="/applications/12/" data-n="3">پروندهٔ 12</a> &#39;7&#39; &amp;')
    assert fa_text(safe) == '<a href="/applications/12/" data-n="3">پروندهٔ ۱۲</a> &#39;۷&#39; &amp;'
    # a flash message is an object whose text is kept safe or not, as it was given
    assert fa_text(Message(INFO, safe)) == fa_text(safe)
    assert fa_text(Message(INFO, "<i>2</i> 3")) == "&lt;i&gt;2&lt;/i&gt; ۳"


class _Form(PersianForm):
    code = forms.CharField(label="کد", max_length=5, help_text="دست‌کم 3 نویسه")


def test_the_field_and_the_form_errors_read_in_persian_digits() -> None:
    form = _Form({"code": "123456"})
    assert not form.is_valid()
    form.add_error(None, "پروندهٔ 4AS92-KX7 تا 3 روز دیگر بسته می‌شود.")
    field = render_to_string("includes/field.html", {"field": form["code"]})
    errors = render_to_string("includes/form_errors.html", {"form": form})
    assert "۵" in field and "۶" in field and "دست‌کم ۳ نویسه" in field
    assert not LATIN_DIGIT.search(re.sub(r"<[^>]+>", " ", field))
    assert "پروندهٔ 4AS92-KX7 تا ۳ روز دیگر" in errors  # the code as it was written


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(NOW, tick=False)


@pytest.mark.django_db
@pytest.mark.usefixtures("_frozen")
def test_an_over_long_value_on_the_transactions_page_is_refused_in_persian_digits() -> None:
    municipality, district = make_city()
    set_tariffs(municipality)
    office = make_office(municipality, district)
    clerk = Client()
    clerk.force_login(staff(office))
    body = {"service": "property_inquiry", "amount": "250000", "payment_ref": "1", "appointment_code": "7" * 17}
    response = clerk.post(f"/offices/{office.pk}/transactions/", body)
    error = re.search(r'id="id_appointment_code_error">([^<]*)<', response.content.decode())
    assert response.status_code == 400 and error is not None
    assert "۱۶" in error.group(1) and "۱۷" in error.group(1)  # Django's max_length error
    assert not LATIN_DIGIT.search(error.group(1)), error.group(1)


@pytest.mark.django_db
def test_a_complaint_too_short_is_refused_and_the_filed_one_shows_its_code() -> None:
    municipality, district = make_city()
    office = make_office(municipality, district)
    me = Client()
    me.force_login(UserFactory.create(mobile="09121112233"))
    body = {"office": office.pk, "ground": "overcharge"}
    refused = me.post("/complaints/new/", {**body, "text": "کوتاه"})
    error = re.search(r'id="id_text_error">([^<]*)<', refused.content.decode())
    assert refused.status_code == 400 and error is not None and "۱۰" in error.group(1), error
    assert not LATIN_DIGIT.search(error.group(1))

    filed = me.post("/complaints/new/", {**body, "text": "در این دفتر ۲ برابر تعرفه از من پول گرفتند."}, follow=True)
    code = Complaint.objects.get().tracking_code
    assert LATIN_DIGIT.search(code)
    # The flash message writes the code as the complaint's page and lists do: in Persian digits
    # (typed back in any digits, it is still found).
    assert f"کد پیگیری: {persian_digits(code)}" in filed.content.decode()
