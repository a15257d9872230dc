"""No developer text reaches a person: no rule or fact id (S9.1, P6, «DOMAIN …»), no «None»
and, in SMS, no Latin digits.

(a) Every SMS text constant of every app (``*/messages.py``, names with ``SMS``) and every text
    declared in an app's ``sms.py`` is filled with sample values and passed through the outbox's
    own ``sms_text``, as a real send is.
(b) The demo is loaded; each demo role signs in and every page reachable from the pages it lands
    on (the menu, and the object pages those pages link to) is fetched with the test client; the
    visible text (tags, attributes, scripts and styles stripped) must show no id, no «None» and
    no «DOMAIN»; the text a person reads (with the values, placeholders and labels of the
    controls) no Latin digit outside a word with Latin letters (a tracking code, a licence
    number «ABC-123»); a few forms posted wrong answer without a Latin digit either.
(c) Every template's own text (comments and template tags removed) and every text constant of
    every app's ``messages.py`` (filled with sample values) shows no id and no «DOMAIN».
"""

from __future__ import annotations

import html
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

import daftar
from daftar.notifications.services import sms_text

pytestmark = pytest.mark.django_db

# An id such as S9.1, S12 or P6; not a part of a tracking or booking code («ABCD-EFGH-P7»), also
# when the code is shown in Persian digits («۴AS۹۲-…»: a Persian digit is a digit on either side).
ID_PATTERN = re.compile(r"(?<![A-Za-z\d-])[SP]\d+(\.\d+)*(?![A-Za-z\d-])")
LATIN_DIGIT = re.compile(r"[0-9]")


def sms_templates() -> Iterator[tuple[str, str]]:
    """Every app's ``messages.py`` and its sub-packages' (``desk.authority.messages`` …)."""
    root = Path(daftar.__file__).parent
    for path in sorted(root.rglob("messages.py")):
        if "tests" in path.parts:
            continue
        module_name = ".".join(("daftar", *path.relative_to(root).with_suffix("").parts))
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if "SMS" in name and isinstance(value, str):
                yield f"{module_name}.{name}", value


SMS_TEMPLATES = sorted(sms_templates())
# names with «SMS» in a messages.py that are not an SMS of their own: the login code's default,
# named for the providers' tests, and a line of a page that says an SMS will go
NOT_SMS_TEXTS = {"daftar.accounts.messages.OTP_SMS_TEXT", "daftar.desk.authority.messages.HOLDER_SMS"}


def test_every_sms_is_declared_in_an_sms_module() -> None:
    """Texts in messages.py would be sent as written, out of the administrator's reach (issue 21
    §4): every SMS is declared in its app's sms.py instead."""
    stray = {name for name, _ in SMS_TEMPLATES} - NOT_SMS_TEXTS
    assert not stray, f"SMS texts outside sms.py: {sorted(stray)}"


def test_the_declared_texts_are_found() -> None:
    from daftar.notifications.texts import REGISTRY

    assert {"otp", "supervision_notice", "notice_deadline_reminder", "appointment_booked"} <= REGISTRY.keys()
    assert len(REGISTRY) >= 40


def test_the_login_code_sms_is_in_persian_digits() -> None:
    from daftar.accounts import messages as msg  # a plain import would shadow the loop's name

    text = sms_text(msg.OTP_SMS_TEXT.format(code="860322", minutes=2))
    assert "رمز ورود شما ۸۶۰۳۲۲" in text and "۲ دقیقه" in text and not LATIN_DIGIT.search(text)


def declared_texts() -> list[Any]:
    """Every SMS declared in an app's ``sms.py`` (``notifications.texts.define``, issue 21 §4)."""
    from daftar.notifications.texts import REGISTRY  # filled by NotificationsConfig.ready

    return sorted(REGISTRY.values(), key=lambda text: text.key)


@pytest.mark.parametrize("text", declared_texts(), ids=lambda text: text.key)
def test_declared_sms_reads_as_plain_persian(text: Any) -> None:
    """The default filled with its own samples, as the administrator's preview shows it, and
    with neutral values: no id, no «None», Latin digits only inside a code."""
    from daftar.notifications.texts import fill

    for values in (text.sample(), dict.fromkeys(text.fields, "نمونه ۱۲ و 34")):
        body = sms_text(fill(text.default, values))
        assert not ID_PATTERN.search(body), body
        assert "DOMAIN" not in body and "None" not in body, body
        latin_words = [w for w in body.split() if LATIN_DIGIT.search(w) and not re.search("[A-Za-z]", w)]
        assert not latin_words, body


# --- (c) the templates' own text and the messages ----------------------------------------------

ROOT = Path(daftar.__file__).parent
_TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.S)
_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def template_files() -> list[Path]:
    """``daftar/templates`` and every app's ``templates`` folder."""
    return sorted(p for p in ROOT.rglob("*.html") if "templates" in p.relative_to(ROOT).parts)


def template_text(source: str) -> str:
    """What a template writes itself: without its comments and its ``{{ }}``/``{% %}`` tags."""
    return _TEMPLATE_TAG.sub(" ", _TEMPLATE_COMMENT.sub(" ", source))


def test_the_template_scan_sees_literal_text_only() -> None:
    source = '{# S9.1 #}{% comment %}P4 DOMAIN{% endcomment %}{{ rule.id }}{% if x == "S2" %}سلام S12{% endif %}'
    assert [m.group(0) for m in ID_PATTERN.finditer(template_text(source))] == ["S12"]
    assert len(template_files()) > 100


def test_no_template_writes_an_id() -> None:
    found = []
    for path in template_files():
        text = template_text(path.read_text(encoding="utf-8"))
        problems = [m.group(0) for m in ID_PATTERN.finditer(text)] + (["DOMAIN"] if "DOMAIN" in text else [])
        if problems:
            found.append(f"{path.relative_to(ROOT.parent)}: {sorted(set(problems))}")
    assert not found, "\n".join(found)


_FIELD = re.compile(r"\{[^{}]*\}")


def message_texts() -> Iterator[tuple[str, str]]:
    """Every str constant of every ``messages.py`` (sub-packages' too), its ``{…}`` fields filled
    with a sample value, as a view would fill them."""
    for path in sorted(ROOT.rglob("messages.py")):
        if "tests" in path.parts:
            continue
        module_name = ".".join(("daftar", *path.relative_to(ROOT).with_suffix("").parts))
        for name, value in vars(importlib.import_module(module_name)).items():
            if name.isupper() and isinstance(value, str):
                yield f"{module_name}.{name}", _FIELD.sub("نمونه ۱۲", value.replace("{{", "{").replace("}}", "}"))


def test_no_message_shows_an_id() -> None:
    texts = dict(message_texts())
    assert len(texts) > 300, len(texts)
    found = {name: text for name, text in texts.items() if ID_PATTERN.search(text) or "DOMAIN" in text}
    assert not found, "\n".join(f"{name}: {text}" for name, text in found.items())


# --- (b) the pages --------------------------------------------------------------------------

DEMO_MOBILES = ["09120000001", "09120000002", "09120000004", "09120000005", "09120000006", "09120000007",
                "09120000008", "09120000009"]  # fmt: skip
SKIP = ("/admin/", "/api/", "/logout", "/captcha/", "/static/", "/media/", "/login")
SKIP_SUFFIX = (".csv", ".pdf", ".json", ".xlsx", "/download", "/file", "/export")
PAGES_PER_ROLE = 45

_HREF = re.compile(r'href="([^"#]*)"')
_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    return html.unescape(_TAG.sub(" ", _INVISIBLE.sub(" ", page)))


# What a person reads besides the text: a box's value and placeholder, a button's label, the
# labels a screen reader says. Not: a hidden input, a choice's value.
_READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "value")
_ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
_OPEN_TAG = re.compile(r"<(input|button|img|a|abbr|span|div|textarea|select|th|td|i)\b([^>]*)>", re.I)
_COORDINATE = re.compile(r"(?<![\d.])-?\d{1,3}\.\d{3,}(?![\d.])")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _read_attributes(match: re.Match[str]) -> str:
    tag, attributes = match.group(1).lower(), dict(_ATTRIBUTE.findall(match.group(2)))
    if tag == "input" and attributes.get("type", "text") in ("hidden", "radio", "checkbox"):
        return " "
    said = [
        value for name, value in attributes.items() if name in _READ_ATTRIBUTES and (name != "value" or tag == "input")
    ]
    return f" {' '.join(said)} "


def reader_text(page: str) -> str:
    """The visible text with what the controls show and say (see ``_READ_ATTRIBUTES``)."""
    return visible_text(_OPEN_TAG.sub(_read_attributes, _INVISIBLE.sub(" ", page)))


def latin_digit_words(text: str) -> list[str]:
    """Words with a Latin digit and no Latin letter (a code «AB2C-9H» or a link is as typed);
    a coordinate («35.6892») is a map's number."""
    return [
        word
        for word in _COORDINATE.sub(" ", text).split()
        if LATIN_DIGIT.search(word) and not _LATIN_LETTER.search(word)
    ]


def _links(page: str) -> list[str]:
    out = []
    for href in _HREF.findall(page):
        url = urldefrag(html.unescape(href)).url
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/"):
            continue
        if url.startswith(SKIP) or parts.path.endswith(SKIP_SUFFIX):
            continue
        out.append(url)
    return out


def _crawl(client: Client) -> dict[str, str]:
    """Pages reachable from the landing pages, breadth first: their HTML by URL."""
    seen: dict[str, str] = {}
    queue = ["/", "/dashboard/"]
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        page = response.content.decode()
        seen[url] = page
        queue += [link for link in _links(page) if link not in seen]
    return seen


@pytest.fixture(scope="module")
def crawled(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, dict[str, str]]]:
    from django.db import transaction

    from daftar.accounts.models import User
    from daftar.demo.services import demo_load  # the demo is the world these pages are read in

    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        pages: dict[str, dict[str, str]] = {"anonymous": _crawl(Client())}
        for mobile in DEMO_MOBILES:
            client = Client()
            client.force_login(User.objects.get(mobile=mobile))
            pages[mobile] = _crawl(client)
        yield pages
        transaction.set_rollback(True)


def _page_key(url: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(url).path)


def _findings(crawled: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for who, pages in crawled.items():
        for url, page in pages.items():
            text = visible_text(page)
            problems = [m.group(0) for m in ID_PATTERN.finditer(text)]
            problems += [word for word in ("None", "DOMAIN") if re.search(rf"\b{word}\b", text)]
            if problems:
                found.setdefault(_page_key(url), []).append(f"{who} {url}: {sorted(set(problems))}")
    return found


def test_the_crawl_reaches_the_pages(crawled: dict[str, dict[str, str]]) -> None:
    assert all(len(pages) >= 5 for pages in crawled.values()), {k: len(v) for k, v in crawled.items()}


def test_the_reader_text_has_what_the_controls_show() -> None:
    page = (
        '<p>ساعت 10</p><input type="hidden" name="next" value="/a/12/"><input name="lat" value="35.7">'
        '<input type="text" name="code" value="AB-12" placeholder="مثلاً 34"><input type="radio" value="7">'
        '<button aria-label="برگ 5">»</button><script>var n = 9;</script><span data-lng="51.4">۵۱٫۴ 35.68921</span>'
    )
    assert latin_digit_words(reader_text(page)) == ["10", "35.7", "34", "5"]


def test_no_page_shows_internal_text(crawled: dict[str, dict[str, str]]) -> None:
    found = _findings(crawled)
    assert not found, "\n".join(row for rows in found.values() for row in rows)


def test_no_page_shows_a_latin_digit(crawled: dict[str, dict[str, str]]) -> None:
    """Persian digits in every output: a number, a date, a count, a form's error, a box's value."""
    found: dict[str, str] = {}
    for who, pages in crawled.items():
        for url, page in pages.items():
            words = latin_digit_words(reader_text(page))
            if words:
                found.setdefault(_page_key(url), f"{who} {url}: {sorted(set(words))[:8]}")
    assert not found, "\n".join(found.values())


def _signed_in(mobile: str) -> Client:
    from daftar.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(mobile=mobile))
    return client


def _no_latin_digit(response: Any, *expected: str) -> None:
    """The page answered the wrong input with its Persian error and has no Latin digit."""
    page = response.content.decode()
    text = reader_text(page)
    assert response.status_code == 400, response.status_code
    assert all(part in text for part in expected), (expected, text)
    assert not latin_digit_words(text), latin_digit_words(text)


def test_forms_answer_wrong_input_in_persian_digits(crawled: dict[str, dict[str, str]]) -> None:
    """Django's own errors (a length, a number) and the services' errors, as the pages show them;
    on the demo the crawl loaded (the posts are rolled back with the test)."""
    from daftar.complaints.services import grounds_for
    from daftar.demo.data import DEMO_CLERK
    from daftar.offices.models import Office

    office = Office.objects.filter(staff__user__mobile=DEMO_CLERK).order_by("pk").first()
    assert office is not None
    ledger = f"/offices/{office.pk}/transactions/"
    code = office.offered.order_by("pk").values_list("service__code", flat=True).first()
    clerk = _signed_in(DEMO_CLERK)
    too_long = {"service": code, "amount": "1000", "payment_ref": "1" * 81, "appointment_code": "2" * 17}
    _no_latin_digit(clerk.post(ledger, too_long), "۸۰", "۱۶")  # Django's max_length, in Persian digits

    applicant = _signed_in(DEMO_MOBILES[0])
    ground = grounds_for("office")[0][0]
    complaint = {"office": office.pk, "ground": ground}
    _no_latin_digit(applicant.post("/complaints/new/", {**complaint, "text": "کوتاه"}), "۱۰")  # the service's minimum
    _no_latin_digit(applicant.post("/complaints/new/", {**complaint, "text": "ب" * 4001}), "۴۰۰۰")  # Django's

    booking = _signed_in(DEMO_MOBILES[0]).get(f"/offices/{office.pk}/book/", {"service": code, "date": "1499/01/01"})
    _no_latin_digit(booking)
