"""REST API of an office's books (API.md «Offices, hours, appointments, services»; S18): its
transactions, daily closings and costs. They go through ``daftar.offices.policy`` (not yours =
404 like a wrong id; municipality readers may read but get 403 on any write).

* ``GET/POST offices/{id}/transactions``, ``GET/POST offices/{id}/closings``: the clerk and the
  manager record, the manager closes the day;
* ``GET/POST offices/{id}/costs``, ``DELETE offices/{id}/costs/{cost_id}``: the office manager
  writes; the manager and the municipality's readers read; a clerk gets 403; others 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.catalogue.inputs import parse_day
from daftar.kernel.api import error_body, request_body
from daftar.kernel.errors import ApplicationError
from daftar.kernel.fields import jalali_twin
from daftar.kernel.schema import page_parameters, paginated
from daftar.offices.policy import office_access
from daftar.runtime.idempotency import idempotent

from .costs import cost_add, cost_body, cost_delete, costs_list
from .models import DailyClosing, Transaction
from .months import month_range
from .services import day_close, transaction_record

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CHANGE_ERRORS = {**ERRORS, 409: ErrorSerializer}


# --- shapes ----------------------------------------------------------------------------------


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
    citizen_mobile = serializers.CharField(
        required=False,
        help_text="a walk-in citizen's mobile: they get an SMS link to rate the service (issue 22); kept on no row "
        "the office reads",
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
                    citizen_mobile=data.get("citizen_mobile") or "",
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


# --- costs ------------------------------------------------------------------------------------

CostSchema = inline_serializer(
    "OfficeCost",
    {
        "id": serializers.IntegerField(),
        "year": serializers.IntegerField(),
        "month": serializers.IntegerField(),
        "label": serializers.CharField(help_text="«آبان ۱۴۰۵»"),
        "category": serializers.CharField(help_text="salaries, rent, equipment or other"),
        "category_display": serializers.CharField(),
        "amount": serializers.IntegerField(help_text="rials"),
        "note": serializers.CharField(),
        "deletable": serializers.BooleanField(help_text="the month is the current one or the one before"),
        "created_at": serializers.DateTimeField(),
    },
)


class OfficeCostInputSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="Jalali month, e.g. 1405/08 or ۱۴۰۵/۰۸; not after the current one")
    category = serializers.ChoiceField(choices=["salaries", "rent", "equipment", "other"])
    amount = serializers.IntegerField(help_text="rials, above zero")
    note = serializers.CharField(required=False, allow_blank=True)


RANGE_PARAMS = [
    OpenApiParameter(
        "from", str, description="Jalali month (1405/03), Jalali or ISO date; default 5 months before `to`"
    ),
    OpenApiParameter("to", str, description="Jalali month, Jalali or ISO date; default the current Jalali month"),
]


class OfficeCostsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="offices_costs_list",
        parameters=RANGE_PARAMS,
        responses={200: CostSchema.__class__(many=True), **ERRORS},
    )
    def get(self, request: Request, pk: str) -> Response:
        has_range = any(request.query_params.get(k) for k in ("from", "to"))
        months = month_range(request.query_params.get("from"), request.query_params.get("to")) if has_range else None
        return Response([cost_body(e) for e in costs_list(office_id=pk, actor=request.user, months=months)])

    @extend_schema(
        operation_id="offices_costs_create",
        request=OfficeCostInputSerializer,
        responses={201: CostSchema, **ERRORS},
    )
    def post(self, request: Request, pk: str) -> Response:
        body = request_body(request)

        def run() -> Response:
            entry = cost_add(
                office_id=pk,
                month=body.get("month"),
                category=body.get("category"),
                amount=body.get("amount"),
                note=body.get("note", ""),
                actor=request.user,
            )
            return Response(cost_body(entry), status=status.HTTP_201_CREATED)

        return idempotent(request, f"services.costs.{pk}", run)


class OfficeCostDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="offices_costs_delete", responses={204: None, 409: ErrorSerializer, **ERRORS})
    def delete(self, request: Request, pk: str, cost_id: str) -> Response:
        cost_delete(office_id=pk, cost_id=cost_id, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
