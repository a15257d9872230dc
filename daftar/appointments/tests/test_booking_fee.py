"""The booking fee is said before booking: on the service step and on the confirmation — the
booking is free, and the service's tariff in force (or «رایگان», or «not set yet») is shown."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from daftar.catalogue.tests.factories import TariffFactory

pytestmark = pytest.mark.django_db

START = quote("2026-12-19T08:00:00+03:30")


def test_the_fee_is_shown_on_the_booking_page_and_the_confirmation(
    clock: Any, client: Any, office: Any, citizen: Any, inquiry: Any
) -> None:
    TariffFactory(municipality=office.municipality, service=inquiry, amount=250_000)
    html = client.get(f"/offices/{office.pk}/book/?service=property_inquiry").content.decode()
    assert "نوبت‌گیری رایگان است" in html and "هزینهٔ خدمت ۲۵۰٬۰۰۰ ریال است" in html
    client.force_login(citizen)
    html = client.get(f"/offices/{office.pk}/book/confirm/?service=property_inquiry&start={START}").content.decode()
    fee = html.split('id="confirm-fee"', 1)[1].split("</dd>", 1)[0]
    assert "۲۵۰٬۰۰۰ ریال" in fee and "در دفتر پرداخت می‌شود" in fee


def test_a_free_service_says_free_and_an_unpriced_one_says_so(
    clock: Any, client: Any, office: Any, inquiry: Any
) -> None:
    html = client.get(f"/offices/{office.pk}/book/?service=property_inquiry").content.decode()
    assert "تعرفهٔ این خدمت هنوز تعیین نشده است" in html
    TariffFactory(municipality=office.municipality, service=inquiry, amount=0)
    html = client.get(f"/offices/{office.pk}/book/?service=property_inquiry").content.decode()
    assert "خود خدمت هم رایگان است" in html and "None" not in html
