"""Public pages of the portal shell."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse

from daftar.kernel import messages as m
from daftar.kernel.api import api_bad_request, api_forbidden, api_not_found, api_server_error, error_body
from daftar.kernel.branding import site_context
from daftar.kernel.normalize import persian_digits
from daftar.municipalities.models import Municipality
from daftar.runtime.outage import current_outage_response
from daftar.runtime.pagecache import cached_page


def hello(request: HttpRequest) -> JsonResponse:
    """A trivial JSON answer: the baseline the HTTP benchmark compares every endpoint with
    (bench/http_bench.py, issue 7). No database, no session, no authentication; a plain
    Django view, so it is not part of the OpenAPI schema (docs/scaling.md)."""
    return JsonResponse({"hello": "daftar"})


@cached_page("municipalities", ttl=300)
def home(request: HttpRequest) -> HttpResponse:
    """What the platform is and where to go next (S15.1: «ورود» starts the journey)."""
    municipalities = Municipality.objects.filter(is_active=True).select_related("province")[:12]
    return render(request, "site/home.html", {"municipalities": municipalities, "cards": _cards(), "steps": STEPS})


# S7, S13, S14: the stages a case goes through, shown to newcomers.
STEPS = [
    "ورود با شماره همراه و رمز یکبار مصرف",
    "سنجش شرایط تأسیس و ثبت‌نام در فراخوان",
    "بارگذاری مدارک و بررسی آن‌ها",
    "آزمون تخصصی و مصاحبه",
    "بازدید میدانی از محل دفتر",
    "صدور مجوز با کد QR قابل استعلام",
]

# The public sections. A section whose page has not landed yet has no URL and is shown as
# "coming soon" (docs/decisions/0007-home-sections.md); later issues fill in the URL name.
SECTIONS = [
    (
        "licence_catalogue",
        "فهرست مجوزها و شرایط",
        "شرایط عمومی، تخصصی و محل فعالیت و مدارک لازم را ببینید و بسنجید کدام را دارید.",
        "جست‌وجوی مجوز",
    ),
    (
        "offices:finder",
        "یافتن دفتر",
        "دفتر خدمات الکترونیک شهر باز در نزدیکی خود را بیابید و نوبت بگیرید.",
        "یافتن دفتر",
    ),
    ("licence_verify", "استعلام مجوز", "با شمارهٔ مجوز یا کد QR، اعتبار مجوز یک دفتر را بسنجید.", "استعلام مجوز"),
    (
        "figures:index",
        "آمار عملکرد شهرداری",
        "درخواست‌های رسیده، تصمیم‌های در مهلت قانونی، مدت هر مرحله و مجوزهای فعال هر منطقه را ببینید.",
        "دیدن آمار",
    ),
]


def _cards() -> list[dict[str, str | None]]:
    cards = []
    for name, title, text, action in SECTIONS:
        try:
            url: str | None = reverse(name)
        except NoReverseMatch:
            url = None
        cards.append({"title": title, "text": text, "action": action, "url": url})
    return cards


def api_index(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"schema": "/api/schema/", "docs": "/api/docs/", "version": "v1"})


def _error_page(template: str, status: int, title: str = "", text: str = "") -> HttpResponse:
    """An error page rendered without the request: no context processor, no user, no database
    (templates/errors/base.html), so the page that explains a failure cannot fail itself."""
    context = {**site_context(), "code": persian_digits(str(status)), "title": title, "text": text}
    return HttpResponse(loader.get_template(template).render(context), status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return _error_page("404.html", 404, "صفحه یافت نشد")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_bad_request(request)
    return _error_page("errors/page.html", 400, "درخواست نادرست", m.BAD_REQUEST)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_forbidden(request)
    return _error_page("errors/page.html", 403, "دسترسی مجاز نیست", m.PERMISSION_DENIED)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("csrf_failed", m.CSRF_FAILED), status=403)
    return _error_page("errors/page.html", 403, "فرم منقضی شده", m.CSRF_FAILED)


def server_error(request: HttpRequest) -> HttpResponse:
    outage = current_outage_response(request)  # a lost database: 503 + Retry-After (daftar/runtime/outage.py)
    if outage is not None:
        return outage
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return _error_page("500.html", 500, "خطای داخلی سامانه")
