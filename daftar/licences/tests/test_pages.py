"""Public licence pages: verification by number and QR code, and the registry per district."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from daftar.kernel.jalali import to_jalali
from daftar.licences import messages as msg
from daftar.licences import signing
from daftar.licences.models import LicenceStatus, VerificationLog
from daftar.licences.moves import licence_revoke, licence_suspend
from daftar.licences.tests.factories import authority

pytestmark = pytest.mark.django_db

REASON = "تخلف مالی: دریافت وجه بیش از تعرفهٔ مصوب"


def page(client: Client, number: str, **extra):
    return client.get(f"/licences/verify/{number}/", **extra)


def test_home_card_links_to_the_verification_page(client, tehran_rules):
    home = client.get("/").content.decode()
    assert 'href="/licences/verify/"' in home
    form = client.get("/licences/verify/")
    assert form.status_code == 200
    assert "شمارهٔ مجوز" in form.content.decode() and 'name="number"' in form.content.decode()


def test_form_sends_the_reader_to_the_result_keeping_the_qr_token(client, make_licence):
    licence = make_licence()
    response = client.get("/licences/verify/", {"number": f" {licence.number.lower()} ", "p": "abc.def"})
    assert response.status_code == 302
    assert response["Location"] == f"/licences/verify/{licence.number}/?p=abc.def"
    assert client.get("/licences/verify/", {"number": ""}).status_code == 400


def test_active_licence_page(client, make_licence):
    licence = make_licence()
    response = page(client, licence.number)
    assert response.status_code == 200
    html = response.content.decode()
    assert msg.STATUS_TEXT["active"] in html and 'data-status="active"' in html
    assert "س*** م***ی" in html and "محمدی" not in html
    assert licence.office_name in html and licence.district.name in html and "تهران" in html
    assert to_jalali(licence.valid_until) in html
    assert "✔ معتبر" in html
    log = VerificationLog.objects.get()
    assert (log.channel, log.found, log.licence_id) == ("page", True, licence.pk)


def test_suspended_licence_page_shows_the_end_of_suspension(client, make_licence):
    licence = make_licence()
    until = timezone.localdate() + dt.timedelta(days=25)
    licence_suspend(licence, until=until, reason=REASON, actor=authority())
    html = page(client, licence.number).content.decode()
    assert msg.STATUS_TEXT["suspended"] in html and "تعلیق‌شده" in html
    assert f"تعلیق تا پایان روز <strong>{to_jalali(until)}</strong>" in html
    assert REASON not in html


def test_revoked_licence_page_shows_the_revocation_date(client, make_licence):
    licence = licence_revoke(make_licence(), reason=REASON, actor=authority())
    html = page(client, licence.number).content.decode()
    assert msg.STATUS_TEXT["revoked"] in html
    assert f"<strong>{to_jalali(timezone.localdate())}</strong> لغو شد" in html


def test_unknown_and_malformed_numbers_read_the_same(client, make_licence):
    make_licence()
    answers = [page(client, n) for n in ("TEH-1404-424242", "<b>x", "۱۲")]
    for response in answers:
        html = response.content.decode()
        assert response.status_code == 404
        assert msg.NOT_FOUND in html
        assert "424242" not in html and "&lt;b&gt;" not in html
    assert VerificationLog.objects.filter(found=False, channel="page").count() == 3


def test_qr_link_without_trailing_slash_checks_the_signed_payload(client, make_licence):
    licence = make_licence()
    token = signing.token(licence.payload, licence.signature)
    html = client.get(f"/licences/verify/{licence.number}", {"p": token}).content.decode()
    assert msg.QR_VALID in html
    forged = signing.token(licence.payload.replace("TEH", "TEX"), licence.signature)
    assert msg.QR_INVALID in page(client, licence.number, data={"p": forged}).content.decode()


def test_page_rate_limit_is_a_persian_429(client, make_licence, settings):
    settings.LICENCE_VERIFY_PER_ADDRESS_HOURLY = 2
    licence = make_licence()
    assert page(client, licence.number).status_code == 200
    assert page(client, "TEH-1404-777777").status_code == 404
    throttled = page(client, licence.number)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "از حد مجاز گذشته است" in throttled.content.decode()


# --- registry -----------------------------------------------------------------------------------


def test_registry_lists_licences_in_force_of_the_chosen_district_with_suspensions_marked(
    client, make_licence, districts
):
    first, second = districts[0], districts[1]
    shown = make_licence(district=first)
    make_licence(district=second)  # another district
    suspended = make_licence(district=first, status=LicenceStatus.SUSPENDED, suspended_until=timezone.localdate())
    licence_revoke(make_licence(district=first), reason=REASON, actor=authority())
    make_licence(district=first, status=LicenceStatus.EXPIRED, valid_until=timezone.localdate() - dt.timedelta(days=99))
    make_licence(district=first, valid_until=timezone.localdate() - dt.timedelta(days=1))  # lapsed, not yet swept
    response = client.get("/licences/registry/", {"municipality": "tehran", "district": first.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-licence=") == 2
    assert f'data-licence="{shown.number}" data-operating="1"' in html
    assert f'href="/licences/verify/{shown.number}/"' in html and to_jalali(shown.valid_until) in html
    # a suspended office stays in the register, marked as not operating until its last day (issue 17)
    assert f'data-licence="{suspended.number}" data-operating="0"' in html
    assert f"تعلیق مجوز دفتر تا پایان {to_jalali(timezone.localdate())}" in html

    everything = client.get("/licences/registry/", {"municipality": "tehran"}).content.decode()
    assert everything.count("data-licence=") == 3
    assert f'id="district-{first.pk}"' in everything and f'id="district-{second.pk}"' in everything


def test_registry_costs_the_same_queries_for_one_or_many(client, make_licence, districts, django_assert_num_queries):
    make_licence(district=districts[0])
    with django_assert_num_queries(3) as few:
        client.get("/licences/registry/", {"municipality": "tehran"})
    for i in range(6):
        make_licence(district=districts[i % len(districts)])
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get("/licences/registry/", {"municipality": "tehran"}).content.decode()
    assert html.count("data-licence=") == 7


def test_registry_without_licences_says_so(client, tehran_rules):
    html = client.get("/licences/registry/", {"municipality": "tehran"}).content.decode()
    assert "هنوز دفتری با مجوز فعال نیست" in html


@pytest.mark.django_db(transaction=True)
def test_the_verification_page_from_the_page_cache_still_logs_each_check_and_shows_a_revocation_at_once(
    make_licence, django_assert_max_num_queries
):
    """Issue 23: the result page is kept (decision 0054), but every check is throttled and logged
    first, and a revocation shows in the very next answer."""
    licence = make_licence()
    first = page(Client(), licence.number)
    with django_assert_max_num_queries(3):  # the log row (in its own transaction); no page query
        again = page(Client(), licence.number)
    assert first.status_code == again.status_code == 200
    assert 'data-status="active"' in again.content.decode()
    assert VerificationLog.objects.filter(licence=licence).count() == 2
    licence_revoke(licence, reason=REASON, actor=authority())
    after = page(Client(), licence.number).content.decode()
    assert 'data-status="revoked"' in after
    assert VerificationLog.objects.filter(licence=licence).count() == 3
