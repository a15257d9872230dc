"""Pages of an office's transactions (S18): ``/offices/<id>/transactions/`` — the clerk records
services delivered, sees the day's list and total; the manager closes the day.

Who is not staff of the office (nor one of its municipality's readers) gets 404, as for a wrong
id; a reader gets 403 on any write."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from daftar.catalogue.forms import errors_to_form
from daftar.catalogue.inputs import parse_day, rials, today
from daftar.catalogue.models import Service
from daftar.catalogue.tariffs import tariff_in_force, tariff_table
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_iso, to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits, persian_number
from daftar.offices.hours import office_sanction
from daftar.offices.models import OfficeService
from daftar.offices.policy import OfficeAccess, office_access

from . import messages as msg
from .forms import TransactionForm
from .models import DailyClosing, Transaction
from .services import day_close, transaction_record

# --- the office's transactions ----------------------------------------------------------------


def _office(request: HttpRequest, pk: int) -> OfficeAccess:
    try:
        return office_access(request.user, pk)
    except ApplicationError:
        raise Http404 from None


def _offered(access: OfficeAccess, on: dt.date) -> list[tuple[Service, int | None]]:
    ids = set(OfficeService.objects.filter(office=access.office).values_list("service_id", flat=True))
    return [
        (line.service, line.amount)
        for line in tariff_table(access.office.municipality_id, on)
        if line.service.pk in ids
    ]


def _transactions_page(
    request: HttpRequest, access: OfficeAccess, *, form: TransactionForm | None = None, status: int = 200
) -> HttpResponse:
    now = today()
    day = now
    raw = request.GET.get("day")
    day_error = ""
    if raw:
        try:
            day = parse_day(raw)
        except ApplicationError as exc:
            day_error = exc.message
    office = access.office
    offered = _offered(access, now)
    sanction = office_sanction(office, now)
    if form is None and access.is_staff:
        # the first service with a tariff today, chosen, with its tariff in the amount box
        first = next(((s, amount) for s, amount in offered if amount), offered[0] if offered else None)
        form = TransactionForm(services=offered, chosen=(first[0].code, first[1]) if first else None)
    rows = list(
        Transaction.objects.filter(office=office, day=day).select_related("service").order_by("-performed_at", "-pk")
    )
    totals = Transaction.objects.filter(office=office, day=day).aggregate(count=Count("pk"), total=Sum("amount"))
    closing = DailyClosing.objects.filter(office=office, day=day).first()
    return render(
        request,
        "ledger/transactions.html",
        {
            "office": office,
            "access": access,
            "form": form,
            "offered": offered,
            "day": day,
            "is_today": day == now,
            "day_error": day_error,
            "rows": rows,
            "count": totals["count"] or 0,
            "total": totals["total"] or 0,
            "outside_count": sum(1 for r in rows if r.outside_hours),
            "closing": closing,
            "closings": list(DailyClosing.objects.filter(office=office).order_by("-day")[:14]),
            "can_close": access.is_manager and closing is None and day <= now,
            "sanction": sanction,
            "show_form": bool(
                access.is_staff
                and day == now
                and form is not None
                and sanction is None
                and (closing is None or form.is_bound)
            ),
            "day_input": persian_digits((raw if day_error else jalali_iso(day)) or ""),
        },
        status=status,
    )


@login_required
def transactions(request: HttpRequest, pk: int) -> HttpResponse:
    access = _office(request, pk)
    if request.method != "POST":
        return _transactions_page(request, access)
    if not access.is_staff:
        raise PermissionDenied
    form = TransactionForm(request.POST, services=_offered(access, today()))
    if not form.is_valid():
        return _transactions_page(request, access, form=form, status=400)
    data = form.cleaned_data
    try:
        recorded = transaction_record(
            office=access,
            service=data["service"],
            amount=data["amount"],
            payment_ref=data["payment_ref"],
            appointment_code=data.get("appointment_code", ""),
            citizen_mobile=data.get("citizen_mobile", ""),
            actor=request.user,
        )
    except ApplicationError as exc:
        errors_to_form(form, exc)
        return _transactions_page(request, access, form=form, status=exc.status_code)
    row = recorded.transaction
    if not recorded.created:
        messages.info(request, msg.TRANSACTION_REPEATED)
    elif row.outside_hours:
        messages.warning(request, msg.TRANSACTION_SAVED_OUTSIDE)
    else:
        messages.success(request, msg.TRANSACTION_SAVED.format(service=row.service.title, amount=rials(row.amount)))
    return redirect("ledger:transactions", access.office.pk)


@login_required
@require_GET
def transaction_amount(request: HttpRequest, pk: int) -> HttpResponse:
    """The amount field prefilled with the chosen service's tariff today (htmx fragment)."""
    access = _office(request, pk)
    if not access.is_staff:
        raise PermissionDenied
    code = normalize_text(request.GET.get("service", ""))[:40]
    service = Service.objects.filter(code=code, active=True, offered_at__office=access.office).first()
    tariff = tariff_in_force(access.office.municipality_id, service.pk, today()) if service else None
    # the page's own field (its AmountInput: grouped Persian digits, the amount in words)
    form = TransactionForm(services=[], chosen=(code, tariff.amount if tariff else None))
    return render(request, "ledger/_amount_field.html", {"field": form["amount"]})


@login_required
@require_POST
def day_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = _office(request, pk)
    if not access.is_manager:
        raise PermissionDenied
    raw = request.POST.get("day", "")
    try:
        closing = day_close(office=access, day=raw, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        url = reverse("ledger:transactions", args=[access.office.pk])
        return redirect(f"{url}?{urlencode({'day': normalize_text(raw)})}")
    messages.success(
        request,
        msg.DAY_CLOSED_DONE.format(
            date=to_jalali(closing.day), count=persian_number(closing.count), total=rials(closing.total)
        ),
    )
    url = reverse("ledger:transactions", args=[access.office.pk])
    return redirect(f"{url}?{urlencode({'day': jalali_iso(closing.day)})}")
