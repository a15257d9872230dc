"""The licence register of the municipality's staff: search (number, holder, office, national
code in any digits), filters (district, live status, expiring within N days), pages, and its
CSV/XLSX export of the filtered list."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from daftar.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from daftar.applications import messages as case_msg
from daftar.kernel import messages as site_msg
from daftar.licences.moves import licence_suspend
from daftar.municipalities.tests.factories import MunicipalityFactory

from ..authority import messages as msg
from .authority_helpers import ADMIN, AUTHORITY, REASON, REVIEWER, SUPERVISOR, client_of, days, office_of, user

pytestmark = pytest.mark.django_db
URL = "/desk/authority/licences/"


@pytest.fixture
def licences(make_licence):
    first = make_licence(valid_until=days(20))
    holder = UserFactory(first_name="کیوان", last_name="رستمی", national_code="0084575948")
    second = make_licence(holder=holder, valid_until=days(300))
    office_of(second, name="دفتر پیشخوان نارمک")
    third = make_licence(valid_until=days(-5))  # lapsed: reads expired
    fourth = make_licence(valid_until=days(200))
    licence_suspend(fourth, until=days(10), reason=REASON, actor=user(AUTHORITY))
    return {"first": first, "second": second, "third": third, "fourth": fourth}


def numbers(html: str, licences: dict) -> set[str]:
    return {k for k, lic in licences.items() if f'data-licence="{lic.number}"' in html}


def test_the_register_lists_its_municipalitys_licences(licences):
    response = client_of(AUTHORITY).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert numbers(html, licences) == {"first", "second", "third", "fourth"}
    assert "۴ مجوز" in html
    assert "منقضی" in html and "تعلیق‌شده" in html


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("000002", {"second"}),
        ("teh-1404-000002", {"second"}),
        ("رستمی", {"second"}),
        ("نارمک", {"second"}),
        ("0084575948", {"second"}),
        ("۰۰۸۴۵۷۵۹۴۸", {"second"}),  # Persian digits
        ("رستمي", {"second"}),  # Arabic yeh
        ("ناموجود", set()),
    ],
)
def test_search(licences, q, expected):
    html = client_of(AUTHORITY).get(URL, {"q": q}).content.decode()
    assert numbers(html, licences) == expected


def test_filters(licences):
    client = client_of(AUTHORITY)
    assert numbers(client.get(URL, {"status": "expired"}).content.decode(), licences) == {"third"}
    assert numbers(client.get(URL, {"status": "active"}).content.decode(), licences) == {"first", "second"}
    assert numbers(client.get(URL, {"status": "suspended"}).content.decode(), licences) == {"fourth"}
    assert numbers(client.get(URL, {"expiring": "30"}).content.decode(), licences) == {"first"}
    assert numbers(client.get(URL, {"expiring": "۲۵۰"}).content.decode(), licences) == {"first", "fourth"}
    district = licences["first"].district_id
    assert numbers(client.get(URL, {"district": district}).content.decode(), licences) == set(licences)


@pytest.mark.parametrize("params", [{"expiring": "0"}, {"expiring": "abc"}, {"status": "lost"}, {"district": "x"}])
def test_bad_filters_are_a_persian_400(licences, params):
    response = client_of(AUTHORITY).get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "invalid-feedback" in html
    if "expiring" in params:
        assert msg.EXPIRING_INVALID in html


def test_pages(make_licence):
    for _ in range(27):
        make_licence()
    html = client_of(AUTHORITY).get(URL).content.decode()
    assert "صفحهٔ ۱ از ۲" in html and 'rel="next"' in html
    assert client_of(AUTHORITY).get(URL, {"page": "2"}).content.decode().count("data-licence=") == 2


def test_csv_export_of_the_filtered_list(licences):
    response = client_of(AUTHORITY).get(URL + "export/", {"as": "csv", "status": "active"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeffشمارهٔ مجوز,دارنده")
    assert licences["first"].number in body and licences["second"].number in body
    assert licences["third"].number not in body and licences["fourth"].number not in body
    assert "فعال" in body and "/" in body  # Jalali dates


def test_export_cells_are_never_formulas(make_licence):
    evil = make_licence()
    type(evil).objects.filter(pk=evil.pk).update(holder_name='=HYPERLINK("http://x","y")')  # test set-up
    body = b"".join(client_of(AUTHORITY).get(URL + "export/", {"as": "csv"}).streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_xlsx_export(licences):
    from openpyxl import load_workbook

    response = client_of(SUPERVISOR).get(URL + "export/", {"as": "xlsx", "q": "رستمی"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.values)
    assert rows[0][0] == "شمارهٔ مجوز" and len(rows) == 2 and rows[1][0] == licences["second"].number


def test_a_bad_export_format_is_refused_in_persian(licences):
    client = client_of(AUTHORITY)
    response = client.get(URL + "export/", {"as": "pdf"}, follow=True)
    assert case_msg.EXPORT_FORMAT in response.content.decode()


def test_who_may_read_the_register(licences, client):
    assert client.get(URL)["Location"].startswith("/login/")
    assert client.get(URL + "export/")["Location"].startswith("/login/")
    for mobile in (SUPERVISOR, ADMIN):
        assert client_of(mobile).get(URL).status_code == 200
    for mobile in (REVIEWER,):
        response = client_of(mobile).get(URL)
        assert response.status_code == 403 and site_msg.PERMISSION_DENIED in response.content.decode()
        assert client_of(mobile).get(URL + "export/").status_code == 403
    citizen = Client()
    citizen.force_login(UserFactory())
    assert citizen.get(URL).status_code == 403


def test_own_and_foreign_licences_are_not_listed(make_licence):
    own = make_licence(holder=user(AUTHORITY))
    other = make_licence()
    html = client_of(AUTHORITY).get(URL).content.decode()
    assert own.number not in html and other.number in html
    body = b"".join(client_of(AUTHORITY).get(URL + "export/").streaming_content).decode()
    assert own.number not in body and other.number in body
    foreign = Client()
    foreign.force_login(RoleAssignmentFactory(municipality=MunicipalityFactory(), role="supervisor").user)
    html = foreign.get(URL).content.decode()
    assert other.number not in html and "۰ مجوز" in html
