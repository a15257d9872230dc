"""The error pages a person meets in production (``DEBUG=False``): Persian, on the site's own
minimal frame, with a way back — for an unknown address, a failing page, a refused form."""

import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PROD = {"DEBUG": False, "ALLOWED_HOSTS": ["testserver"]}


def _text(response) -> str:
    return response.content.decode()


def _assert_persian_page(body: str) -> None:
    assert 'lang="fa" dir="rtl"' in body
    assert "بازگشت به صفحهٔ اصلی" in body
    assert "None" not in body
    visible = re.sub(r"<[^>]+>", " ", body.split("<body", 1)[1].split(">", 1)[1])
    assert not re.search(r"[A-Za-z]{4,}", visible), visible


@override_settings(**PROD)
def test_unknown_address_is_a_persian_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = _text(response)
    assert "صفحه یافت نشد" in body
    assert "۴۰۴" in body
    _assert_persian_page(body)


@override_settings(**PROD, ROOT_URLCONF="daftar.site.tests.error_urls")
def test_a_failing_page_is_a_persian_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    body = _text(response)
    assert "خطای داخلی سامانه" in body
    assert "۵۰۰" in body
    assert "RuntimeError" not in body
    _assert_persian_page(body)


@override_settings(**PROD)
def test_a_form_without_its_csrf_token_is_refused_in_persian():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/offices/1/book/", {"service": "x"})
    assert response.status_code == 403
    body = _text(response)
    assert "فرم منقضی شده" in body
    assert "دوباره بار کنید" in body
    _assert_persian_page(body)


@override_settings(**PROD, ROOT_URLCONF="daftar.site.tests.error_urls")
def test_forbidden_and_bad_request_pages_are_persian(rf):
    from daftar.site.views import bad_request, forbidden  # the handlers themselves, as Django calls them

    for view, status, title in ((forbidden, 403, "دسترسی مجاز نیست"), (bad_request, 400, "درخواست نادرست")):
        response = view(rf.get("/some/page/"), Exception("x"))
        assert response.status_code == status
        assert title in _text(response)
        _assert_persian_page(_text(response))


def test_home_page_links_the_working_office_finder(client):
    body = _text(client.get("/"))
    assert 'href="/offices/"' in body
    assert "به‌زودی" not in body
