"""Every page each person can reach, checked in the browser (issue 19 §10).

For each demo role (and a visitor who is not signed in) the crawl opens the dashboard, every
link of the menu, and from each of those pages the first link to an object page (a case, a
licence, an office…), then checks each page once, at 360 and at 1366 px: no serious or critical
axe-core finding (WCAG 2.1 A/AA), nothing wider than a phone's window, and no developer text in
what a person reads (a rule id such as «S9.1», «None», «DOMAIN»). A page reached by two roles is
checked once. A failing page's screenshot is written to test-artifacts/every-page-*.png.

The journeys' own browser tests take the screenshots to look at; this one makes sure no page is
left out of them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from conftest import axe_findings, screenshot
from daftar.accounts.tests.helpers import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo's people, one per role (README «Demo»): applicant, reviewer, examiner, inspector,
# licensing authority, supervisor, municipality administrator, office manager, clerk.
ROLES = (
    "09120000001",
    "09120000002",
    "09120000003",
    "09120000004",
    "09120000005",
    "09120000006",
    "09120000007",
    "09120000008",
    "09120000009",
)

# Not pages to check: leaving, files, the API and its documents, the admin (Django's own pages).
SKIP = re.compile(
    r"^/(logout|api/|admin/|static/|media/)|/(download|export|pdf|csv|xlsx)(/|$)|\.(pdf|csv|xlsx|png|jpg)$"
)
# An object's page: a number, a tracking code («AB-1403-12», «AB12…»), a date, an appointment's
# code («K7QM-3XPA»: its own alphabet of capitals and digits 2–9).
APPOINTMENT = r"[2-9A-Z]{4}-[2-9A-Z]{4}"
OBJECT = re.compile(rf"/\d+/|/\d+$|/[A-Z]{{2,}}-?\d|/[0-9۰-۹-]{{6,}}/|/{APPOINTMENT}(/|$)")
# A rule or fact id (S9.1, P6; not a part of a tracking code «ABCD-EFGH-P7»), «DOMAIN», «None».
INTERNAL = re.compile(r"(?<![A-Za-z0-9-])[SP]\d+(?:\.\d+)*(?![A-Za-z0-9-])|\bDOMAIN\b|\bNone\b")


def _links(page: Any, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href') || '')")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return list(dict.fromkeys(paths))


def _check(page: Any, base: str, path: str, who: str, problems: list[str]) -> None:
    response = page.goto(base + path)
    status = response.status if response else 0
    if status >= 400:  # a link the menu or a list offers must lead somewhere
        problems.append(f"{who} {path}: HTTP {status}")
        return
    name = "every-page-" + re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[:80]
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    leaked = sorted(set(INTERNAL.findall(text)))
    if leaked:
        problems.append(f"{who} {path}: developer text on the page: {leaked}")
    for width in (360, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        # charts follow the new width a frame or two later (Chart.js listens for resizes)
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        findings = axe_findings(page)
        if overflow > 1 or findings:
            screenshot(page, f"{name}-{width}")
            if overflow > 1:
                problems.append(f"{who} {path} at {width}px: {overflow}px wider than the window")
            problems.extend(f"{who} {path} at {width}px: {f}" for f in findings)


# Pages a visitor reaches from the home page's cards and the footer rather than the menu.
VISITOR_SEEDS = (
    "/licences/",
    "/licences/registry/",
    "/licences/e-city-office/",
    "/licences/e-city-office/check/",
    "/figures/",
    "/figures/tehran/",
)
# Each role's pages reached from its dashboard or from an object page rather than the menu: the
# applicant's change of mobile (from the profile), the work lists, a district's ranking in a call
# (from the call's page; one with ranked cases).
STAFF_SEEDS = {
    "09120000001": ("/profile/mobile/",),
    "09120000002": ("/staff/queue/", "/calls/{call}/ranking/?district={district}"),
    "09120000004": ("/inspections/",),
    "09120000005": ("/staff/queue/",),
}
# The office manager's and clerk's day, reached from the office's management page.
OFFICE_SEEDS = ("/offices/{office}/revenue/", "/offices/{office}/transactions/", "/offices/{office}/appointments/")


def _shape(path: str) -> str:
    """A path with its numbers and codes blanked: one of each kind of object page is enough."""
    return re.sub(rf"(?<=/){APPOINTMENT}(?=/|$)|[A-Z]{{2,}}-\d{{4}}-\d+|[0-9۰-۹]+", "#", path.split("?")[0])


def _exam_session() -> None:
    """The demo has no exam: one session, with a seat, for the examiner's pages (a case of the
    demo's document review put at the exam, as the reviewer's acceptance would)."""
    from daftar.accounts.models import User
    from daftar.applications.models import Application
    from daftar.applications.workflow import Status
    from daftar.assessments.services import seat_assign, session_create

    case = Application.objects.filter(status=Status.DOCUMENT_REVIEW).order_by("-pk").first()
    assert case is not None, "the demo has no case in document review"
    Application.objects.filter(pk=case.pk).update(status=Status.EXAM)
    examiner = User.objects.get(mobile="09120000003")
    starts = timezone.now() + dt.timedelta(days=7)
    session = session_create(
        call=case.call, title="آزمون کتبی نوبت اول", starts_at=starts, place="تالار شهرداری", seats=10, actor=examiner
    )
    seat_assign(session=session, application=case, actor=examiner)


def test_every_reachable_page_is_accessible_and_plain(live_server: Any, browser: Any, csp_guard: Any) -> None:
    from daftar.applications.models import Application  # a case in a call's ranking
    from daftar.applications.workflow import PASSED_REVIEW
    from daftar.demo.services import demo_load  # the demo's people and data, once the test database exists
    from daftar.offices.models import OfficeStaff  # the office manager's own office and its licence

    demo_load()
    base = live_server.url
    member = OfficeStaff.objects.select_related("office__licence").get(user__mobile=ROLES[-2], role="manager")
    office, number = member.office_id, member.office.licence.number
    ranked = Application.objects.filter(status__in=PASSED_REVIEW).order_by("pk").first()
    assert ranked is not None, "the demo has no case past document review to rank"
    where = {"office": office, "call": ranked.call_id, "district": ranked.district_id}
    _exam_session()
    seen: set[str] = set()  # pages, checked once whoever reaches them
    shapes: set[tuple[str, str]] = set()  # (who, kind of object page): each role sees its own
    problems: list[str] = []
    for who in ("visitor", *ROLES):
        context = csp_guard(browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900}))
        page = context.new_page()
        if who == "visitor":
            page.goto(base + "/")
            seeds: tuple[str, ...] = (*VISITOR_SEEDS, f"/licences/verify/{number}/", f"/offices/{office}/book/")
        else:
            browser_login(page, base, who)
            seeds = STAFF_SEEDS.get(who, ())
            if who in ROLES[-2:]:
                seeds = OFFICE_SEEDS
            seeds = tuple(seed.format(**where) for seed in seeds)
        start = page.url.removeprefix(base) or "/"
        menu = list(dict.fromkeys([start, *_links(page, "#nav a[href], nav.navbar a[href]"), *seeds]))
        for path in menu:
            if path in seen:
                continue
            seen.add(path)
            _check(page, base, path, who, problems)
            # up to two kinds of object page this list leads to (a case, a licence, an office)
            followed = 0
            for link in _links(page, "main a[href]"):
                if followed == 2 or not OBJECT.search(link) or (who, _shape(link)) in shapes:
                    continue
                shapes.add((who, _shape(link)))
                seen.add(link)
                followed += 1
                _check(page, base, link, who, problems)
        context.close()
    assert len(seen) >= 50, f"the crawl reached only {len(seen)} pages: {sorted(seen)}"
    assert not problems, f"{len(problems)} problems on {len(seen)} pages:\n" + "\n".join(problems)
