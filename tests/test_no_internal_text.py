"""No developer text reaches a person: no rule or fact id (S9.1, P6, «DOMAIN …»), no «None»
and, in SMS, no Latin digits.

(a) Every SMS text constant of every app (``*/messages.py``, names with ``SMS``) and every text
    declared in an app's ``sms.py`` is filled with sample values and passed through the outbox's
    own ``sms_text``, as a real send is.
(b) The demo is loaded; each demo role signs in and every page reachable from the pages it lands
    on (the menu, and the object pages those pages link to) is fetched with the test client; the
    visible text (tags, attributes, scripts and styles stripped) must show no id, no «None» and
    no «DOMAIN».
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
    """Pages reachable from the landing pages, breadth first: their visible text by URL."""
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
        seen[url] = visible_text(page)
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
        for url, text in pages.items():
            problems = [m.group(0) for m in ID_PATTERN.finditer(text)]
            problems += [word for word in ("None", "DOMAIN") if re.search(rf"\b{word}\b", text)]
            if problems:
                found.setdefault(_page_key(url), []).append(f"{who} {url}: {sorted(set(problems))}")
    return found


def test_the_crawl_reaches_the_pages(crawled: dict[str, dict[str, str]]) -> None:
    assert all(len(pages) >= 5 for pages in crawled.values()), {k: len(v) for k, v in crawled.items()}


def test_no_page_shows_internal_text(crawled: dict[str, dict[str, str]]) -> None:
    found = _findings(crawled)
    assert not found, "\n".join(row for rows in found.values() for row in rows)
