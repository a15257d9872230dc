"""Public licence pages (S16, issue 5 §4): verification by number or by the certificate's QR
code, and the registry of licensed offices per district. No login; the same selectors as the
API (``verification``), every check logged and rate-limited per address."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from daftar.kernel.errors import ThrottledError
from daftar.kernel.normalize import normalize_text
from daftar.municipalities.models import District, Municipality
from daftar.runtime.pagecache import cached_page
from daftar.runtime.ratelimit import client_address

from . import messages as msg
from .models import Licence, LicenceStatus
from .sanctions import sanction_on
from .verification import (
    CHANNEL_PAGE,
    licence_by_number,
    licence_verify_body,
    normalize_number,
    qr_check,
    verification_body,
)

STATUS_STYLE = {"active": "success", "suspended": "warning", "revoked": "danger", "expired": "secondary"}


@require_GET
def verify_start(request: HttpRequest) -> HttpResponse:
    """The form: one field, the licence number; sends the reader to the result page."""
    if "number" in request.GET:
        number = normalize_text(request.GET.get("number", "")).upper()
        if not number or "/" in number:
            return render(request, "licences/verify.html", {"error": msg.NUMBER_REQUIRED}, status=400)
        url = reverse("licences:verify_detail", args=[number])
        token = request.GET.get("p")
        return redirect(f"{url}?{urlencode({'p': token})}" if token else url)
    return render(request, "licences/verify.html", {})


@require_GET
def verify_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The live status of one licence; with ``?p=`` also whether the QR code is genuine. Every
    check is throttled and logged (the API's fast path: one cache round trip); the page itself
    is kept while no licence, sanction or office changed (``_verify_result``)."""
    try:
        body = licence_verify_body(raw_number=number, address=client_address(request), channel=CHANNEL_PAGE)
    except ThrottledError as exc:
        response = render(request, "licences/verify.html", {"error": exc.message}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    if body is None:
        return _verify_unknown(request)
    return _verify_result(request, number)


def _verify_unknown(request: HttpRequest) -> HttpResponse:
    # no echo of the number: an unknown and a malformed one read the same
    return render(request, "licences/verify.html", {"error": msg.NOT_FOUND}, status=404)


@cached_page("licences", "supervision", "offices", "municipalities", ttl=300, params=("p",))
def _verify_result(request: HttpRequest, number: str) -> HttpResponse:
    licence = licence_by_number(normalize_number(number))
    if licence is None:  # gone since the check: as unknown
        return _verify_unknown(request)
    body = verification_body(licence)
    token = request.GET.get("p")
    context: dict[str, Any] = {
        "licence": licence,
        "result": body,
        "status_text": msg.STATUS_TEXT[body["status"]],
        "status_style": STATUS_STYLE[body["status"]],
        "qr": qr_check(licence, token) if token else None,
        "number": licence.number,
    }
    return render(request, "licences/verify.html", context)


@require_GET
@cached_page("licences", "offices", "supervision", "municipalities", ttl=300, params=("municipality", "district"))
def registry(request: HttpRequest) -> HttpResponse:
    """Licensed offices in force, per district of one municipality (three queries however many)."""
    municipalities = list(Municipality.objects.filter(is_active=True).order_by("name"))
    slug = request.GET.get("municipality", "")
    chosen = next((m for m in municipalities if m.slug == slug), None)
    if chosen is None and len(municipalities) == 1:
        chosen = municipalities[0]
    districts: list[District] = []
    district: District | None = None
    groups: list[dict[str, Any]] = []
    if chosen is not None:
        districts = list(District.objects.filter(municipality=chosen).order_by("number"))
        wanted = request.GET.get("district", "")
        district = next((d for d in districts if str(d.pk) == wanted), None)
        licences = (
            # a suspended licence stays in the register, marked, until its office works again;
            # a revoked one leaves it (issue 17: the registry follows the sanction)
            Licence.objects.filter(
                municipality=chosen,
                status__in=[LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED],
                valid_until__gte=timezone.localdate(),
            )
            .select_related("district", "office")
            .order_by("district__number", "number")
        )
        if district is not None:
            licences = licences.filter(district=district)
        today = timezone.localdate()
        groups = [
            {"district": key, "licences": [(lic, sanction_on(lic, today)) for lic in rows]}
            for key, rows in groupby(licences, key=lambda lic: lic.district)
        ]
    context = {
        "municipalities": municipalities,
        "chosen": chosen,
        "districts": districts,
        "district": district,
        "groups": groups,
        "total": sum(len(g["licences"]) for g in groups),
        "stopped": sum(1 for g in groups for _, sanction in g["licences"] if sanction),
    }
    return render(request, "licences/registry.html", context)
