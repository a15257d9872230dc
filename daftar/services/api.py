"""REST API of tariffs, transactions and daily closings (API.md «Offices, hours, appointments,
services»; S18, P6). The tariff table is public; an office's transactions and closings go
through ``daftar.offices.access`` (not yours = 404 like a wrong id; municipality readers may read
but get 403 on any write)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.core.api import error_body, request_body
from daftar.core.errors import ApplicationError
from daftar.core.fields import jalali_twin
from daftar.core.idempotency import idempotent
from daftar.core.normalize import normalize_text
from daftar.core.schema import page_parameters, paginated
from daftar.ledger.models import DailyClosing, Transaction
from daftar.municipalities.models import Municipality
from daftar.offices.access import office_access

from . import messages as msg
from .services import day_close, parse_day, today, transaction_record
from .tariffs import (
    municipality_pk_cached,
    municipality_pk_known,
    municipality_pks_forget,
    tariff_answer_cached,
    tariff_body_cached,
    tariff_table,
)

_RENDERER = JSONRenderer()  # DRF's own, so a cached answer is byte for byte what the view renders

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CHANGE_ERRORS = {**ERRORS, 409: ErrorSerializer}


# --- shapes ----------------------------------------------------------------------------------


def municipality_from(raw: object) -> Municipality:
    """A municipality by slug or id (400 when absent, 404 when unknown)."""
    text = normalize_text(str(raw or ""))
    if not text:
        raise ApplicationError(
            msg.MUNICIPALITY_REQUIRED, code="required", fields={"municipality": [msg.MUNICIPALITY_REQUIRED]}
        )
    qs = Municipality.objects.all()
    found = qs.filter(pk=int(text)).first() if text.isdigit() and len(text) < 10 else None
    found = found or qs.filter(slug=text.lower()[:64]).first()
    if found is None:
        raise ApplicationError(msg.MUNICIPALITY_UNKNOWN, code="not_found", status=404)
    return found


def tariff_table_body(municipality: Municipality, on: dt.date) -> dict[str, Any]:
    lines = tariff_table(municipality.pk, on)
    return {
        "municipality": {"id": municipality.pk, "slug": municipality.slug, "name": municipality.name},
        "on": on,
        "on_jalali": jalali_twin(on),
        "tariffs": [
            {
                "service": line.service.code,
                "title": line.service.title,
                "amount": line.amount,
                "effective_from": line.tariff.effective_from if line.tariff else None,
                "effective_from_jalali": jalali_twin(line.tariff.effective_from) if line.tariff else None,
            }
            for line in lines
        ],
    }


def transaction_body(t: Transaction) -> dict[str, Any]:
    return {
        "id": t.pk,
        "office": t.office_id,
        "service": t.service.code,
        "service_title": t.service.title,
        "tariff_amount": t.tariff_amount,
        "amount": t.amount,
        "payment_ref": t.payment_ref,
        "performed_at": t.performed_at,
        "performed_at_jalali": jalali_twin(t.performed_at),
        "day": t.day,
        "day_jalali": jalali_twin(t.day),
        "outside_hours": t.outside_hours,
        "appointment_code": t.appointment_code,
        "closed": t.closing_id is not None,
    }


def closing_body(c: DailyClosing) -> dict[str, Any]:
    return {
        "id": c.pk,
        "office": c.office_id,
        "day": c.day,
        "day_jalali": jalali_twin(c.day),
        "count": c.count,
        "total": c.total,
        "closed_at": c.closed_at,
    }


TariffLineSchema = inline_serializer(
    "TariffLine",
    {
        "service": serializers.CharField(),
        "title": serializers.CharField(),
        "amount": serializers.IntegerField(allow_null=True, help_text="rials; null: no tariff set yet"),
        "effective_from": serializers.DateField(allow_null=True),
        "effective_from_jalali": serializers.CharField(allow_null=True),
    },
    many=True,
)
TariffTableSchema = inline_serializer(
    "TariffTable",
    {
        "municipality": inline_serializer(
            "TariffMunicipality",
            {"id": serializers.IntegerField(), "slug": serializers.CharField(), "name": serializers.CharField()},
        ),
        "on": serializers.DateField(),
        "on_jalali": serializers.CharField(),
        "tariffs": TariffLineSchema,
    },
)


class OfficeTransactionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    office = serializers.IntegerField()
    service = serializers.CharField()
    service_title = serializers.CharField()
    tariff_amount = serializers.IntegerField(help_text="the tariff in force that day (rials)")
    amount = serializers.IntegerField(help_text="rials received")
    payment_ref = serializers.CharField()
    performed_at = serializers.DateTimeField()
    performed_at_jalali = serializers.CharField()
    day = serializers.DateField(help_text="Tehran calendar day")
    day_jalali = serializers.CharField()
    outside_hours = serializers.BooleanField(help_text="recorded outside the office's approved hours")
    appointment_code = serializers.CharField()
    closed = serializers.BooleanField(help_text="the day has been closed")


class OfficeTransactionInputSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="service code, e.g. property_inquiry")
    amount = serializers.IntegerField(help_text="rials; not above the tariff in force")
    payment_ref = serializers.CharField(help_text="payment tracking number; unique per office")
    performed_at = serializers.CharField(
        required=False,
        help_text=(
            "Jalali or ISO date-time (an offset is kept, none means Tehran); default now; at most "
            "TRANSACTION_BACKDATE_DAYS days back and after the office's last closed day"
        ),
    )
    appointment_code = serializers.CharField(
        required=False,
        help_text="a booked or done appointment of this office on the same day; a booked one is marked done",
    )


class OfficeClosingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    office = serializers.IntegerField()
    day = serializers.DateField()
    day_jalali = serializers.CharField()
    count = serializers.IntegerField()
    total = serializers.IntegerField()
    closed_at = serializers.DateTimeField()


class OfficeClosingInputSerializer(serializers.Serializer):
    day = serializers.CharField(help_text="Jalali or ISO date; today or earlier")


# --- views -----------------------------------------------------------------------------------


class TariffTableView(APIView):
    """The tariff table in force on a date (P6: posted where citizens can see it)."""

    authentication_classes: list[Any] = []  # public: no token or session to look up (issue 7)
    permission_classes = [permissions.AllowAny]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """A current cached answer for today goes out as it was rendered, before DRF's request
        handling (issue 7: the public read costs a cache read over a bare view); anything
        else (another day, a name this process has not seen, a miss) takes the full path."""
        if request.method == "GET" and not request.GET.get("on"):
            text = normalize_text(str(request.GET.get("municipality") or "")).lower()
            pk = municipality_pk_known(text)
            found = tariff_answer_cached(pk, today()) if pk is not None else None
            if found is not None and text in (str(pk), found[0]["municipality"]["slug"]):
                response = HttpResponse(found[1], content_type="application/json")
                response["Allow"] = ", ".join(self.allowed_methods)
                return response
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        operation_id="tariffs_table",
        auth=[],
        parameters=[
            OpenApiParameter("municipality", str, required=True, description="slug or id"),
            OpenApiParameter("on", str, description="Jalali or ISO date; default today (Tehran)"),
        ],
        responses={200: TariffTableSchema, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        # Cached per (municipality, day) and invalidated on change (services/signals.py):
        # a repeated answer costs no query (issue 7).
        raw_municipality = request.query_params.get("municipality")
        text = normalize_text(str(raw_municipality or "")).lower()
        raw = request.query_params.get("on")
        on = parse_day(raw, field_name="on") if raw not in (None, "") else today()
        pk = municipality_pk_cached(text, lambda: municipality_from(raw_municipality).pk)
        body = tariff_body_cached(pk, on, lambda: tariff_table_body(municipality_from(pk), on), _RENDERER.render)
        if text not in (str(pk), body["municipality"]["slug"]):
            # this process's memo is older than a change of slugs (another process saved it):
            # look the name up again; the body of the right municipality follows
            municipality_pks_forget()
            pk = municipality_pk_cached(text, lambda: municipality_from(raw_municipality).pk)
            body = tariff_body_cached(pk, on, lambda: tariff_table_body(municipality_from(pk), on), _RENDERER.render)
        return Response(body)


class _Pages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


class OfficeTransactionsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="office_transactions_list",
        parameters=[
            OpenApiParameter("day", str, description="Jalali or ISO date; absent: every day, newest first"),
            *page_parameters(),
        ],
        responses={200: paginated("OfficeTransactionPage", OfficeTransactionSerializer(many=True)), **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        rows = Transaction.objects.filter(office=access.office).select_related("service")
        raw = request.query_params.get("day")
        if raw not in (None, ""):
            rows = rows.filter(day=parse_day(raw))
        paginator = _Pages()
        page = paginator.paginate_queryset(rows.order_by("-performed_at", "-pk"), request, view=self)
        return paginator.get_paginated_response([transaction_body(t) for t in page or []])

    @extend_schema(
        operation_id="office_transactions_create",
        request=OfficeTransactionInputSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: OfficeTransactionSerializer, 200: OfficeTransactionSerializer, **CHANGE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        access.require_staff()
        data = request_body(request)

        def run() -> Response:
            try:
                recorded = transaction_record(
                    office=access,
                    service=data.get("service"),
                    amount=data.get("amount"),
                    payment_ref=data.get("payment_ref"),
                    performed_at=data.get("performed_at"),
                    appointment_code=data.get("appointment_code") or "",
                    actor=request.user,
                )
            except ApplicationError as exc:
                if exc.code != "above_tariff":
                    raise
                # answered, not raised: the overcharging report must commit even inside the
                # idempotency wrapper's transaction (nothing is stored for a non-2xx answer)
                return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
            return Response(transaction_body(recorded.transaction), status=201 if recorded.created else 200)

        return idempotent(request, f"services.transactions.{access.office.pk}", run)


class OfficeClosingsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="office_closings_list",
        parameters=page_parameters(),
        responses={200: paginated("OfficeClosingPage", OfficeClosingSerializer(many=True)), **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        paginator = _Pages()
        page = paginator.paginate_queryset(DailyClosing.objects.filter(office=access.office), request, view=self)
        return paginator.get_paginated_response([closing_body(c) for c in page or []])

    @extend_schema(
        operation_id="office_closings_create",
        request=OfficeClosingInputSerializer,
        responses={201: OfficeClosingSerializer, **CHANGE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        closing = day_close(office=access, day=request_body(request).get("day"), actor=request.user)
        return Response(closing_body(closing), status=201)
