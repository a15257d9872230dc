"""REST API of revenue, the municipality revenue report and the planner (S18). An office's
costs are the ledger's (``daftar.ledger.api``).

* ``GET offices/{id}/revenue?from=&to=``: income, costs and profit per Jalali month, for the
  manager and the municipality's readers (a clerk: 403; anyone else: 404, the body of a
  missing id).
* ``GET reports/revenue?municipality=&from=&to=&by=district|service``: municipality readers
  (supervisor, licensing authority, municipality admin) of that municipality; others 404.
* ``POST planner``: public, rate-limited per address.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text
from daftar.ledger.api import RANGE_PARAMS
from daftar.ledger.months import month_range
from daftar.municipalities.models import Municipality
from daftar.offices.policy import Access, office_access
from daftar.runtime.ratelimit import client_address

from . import messages as msg
from .analytics import BY_DISTRICT, municipality_revenue, office_revenue
from .planner import planner_district, planner_estimate, planner_throttle
from .policy import report_municipalities

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def revenue_access(user: Any, office_id: Any) -> Any:
    """The office for its revenue and costs: manager or municipality reader; a clerk 403."""
    access = office_access(user, office_id)
    if access.level == Access.CLERK:
        access.require_manager()
    return access


def readable_municipality(user: Any, raw: object) -> Municipality:
    """The municipality of the report: by id or slug, among those where ``user`` is a
    municipality reader (or any, for a superuser); otherwise 404. Blank: the user's only one."""
    qs = report_municipalities(user)
    text = normalize_text(str(raw or ""))
    if not text:
        only = list(qs.order_by("pk")[:2])
        if len(only) == 1:
            return only[0]
        if not only:
            raise ApplicationError(msg.MUNICIPALITY_NOT_FOUND, code="not_found", status=404)
        raise ApplicationError(
            msg.MUNICIPALITY_REQUIRED, code="invalid", fields={"municipality": [msg.MUNICIPALITY_REQUIRED]}
        )
    found = (
        qs.filter(pk=int(text)).first()
        if text.isascii() and text.isdigit() and len(text) < 10
        else qs.filter(slug=text[:64]).first()
    )
    if found is None:
        raise ApplicationError(msg.MUNICIPALITY_NOT_FOUND, code="not_found", status=404)
    return found


MonthSchema = inline_serializer(
    "RevenueMonth",
    {"year": serializers.IntegerField(), "month": serializers.IntegerField(), "label": serializers.CharField()},
)
OfficeRevenueSchema = inline_serializer(
    "OfficeRevenue",
    {
        "office": serializers.DictField(),
        "from": MonthSchema,
        "to": MonthSchema,
        "months": inline_serializer(
            "OfficeRevenueMonth",
            {
                "year": serializers.IntegerField(),
                "month": serializers.IntegerField(),
                "label": serializers.CharField(),
                "income": serializers.IntegerField(),
                "costs": serializers.IntegerField(),
                "profit": serializers.IntegerField(),
                "transactions": serializers.IntegerField(),
            },
            many=True,
        ),
        "totals": inline_serializer(
            "OfficeRevenueTotals",
            {
                "income": serializers.IntegerField(),
                "costs": serializers.IntegerField(),
                "profit": serializers.IntegerField(),
                "transactions": serializers.IntegerField(),
            },
        ),
    },
)

CellSchema = inline_serializer(
    "RevenueCell",
    {
        "year": serializers.IntegerField(),
        "month": serializers.IntegerField(),
        "transactions": serializers.IntegerField(),
        "revenue": serializers.IntegerField(),
    },
)
MunicipalityRevenueSchema = inline_serializer(
    "MunicipalityRevenue",
    {
        "municipality": serializers.DictField(),
        "by": serializers.CharField(),
        "from": MonthSchema,
        "to": MonthSchema,
        "months": MonthSchema.__class__(many=True),
        "groups": inline_serializer(
            "RevenueGroup",
            {
                "id": serializers.IntegerField(),
                "code": serializers.CharField(required=False, help_text="services only"),
                "name": serializers.CharField(),
                "transactions": serializers.IntegerField(),
                "revenue": serializers.IntegerField(),
                "months": CellSchema.__class__(many=True),
            },
            many=True,
        ),
        "totals": serializers.DictField(),
    },
)


class OfficeRevenueView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="offices_revenue", parameters=RANGE_PARAMS, responses={200: OfficeRevenueSchema, **ERRORS}
    )
    def get(self, request: Request, pk: str) -> Response:
        access = revenue_access(request.user, pk)
        months = month_range(request.query_params.get("from"), request.query_params.get("to"))
        office = access.office
        return Response({"office": {"id": office.pk, "name": office.display_name}, **office_revenue(office.pk, months)})


class MunicipalityRevenueView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="reports_revenue",
        parameters=[
            OpenApiParameter("municipality", str, description="id or slug; default the caller's only municipality"),
            *RANGE_PARAMS,
            OpenApiParameter("by", str, enum=["district", "service"], description="default district"),
        ],
        responses={200: MunicipalityRevenueSchema, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        municipality = readable_municipality(request.user, request.query_params.get("municipality"))
        months = month_range(request.query_params.get("from"), request.query_params.get("to"))
        report = municipality_revenue(municipality.pk, months, request.query_params.get("by") or BY_DISTRICT)
        head = {"id": municipality.pk, "slug": municipality.slug, "name": municipality.name}
        return Response({"municipality": head, **report})


class PlannerInputSerializer(serializers.Serializer):
    district = serializers.IntegerField()
    staff_costs = serializers.IntegerField(help_text="rials per month")
    rent = serializers.IntegerField(help_text="rials per month")
    equipment = serializers.IntegerField(help_text="rials, one-off")
    other_costs = serializers.IntegerField(required=False, help_text="rials per month; default 0")


PlannerSchema = inline_serializer(
    "PlannerEstimate",
    {
        "district": serializers.DictField(),
        "window": serializers.DictField(),
        "min_offices": serializers.IntegerField(),
        "money_step": serializers.IntegerField(help_text="published income is rounded to this many rials"),
        "basis": serializers.CharField(help_text="district, municipality or none"),
        "basis_note": serializers.CharField(),
        "offices": serializers.IntegerField(allow_null=True),
        "demand": serializers.ListField(child=serializers.DictField()),
        "costs": serializers.DictField(),
        "monthly_income": serializers.IntegerField(),
        "monthly_costs": serializers.IntegerField(),
        "monthly_profit": serializers.IntegerField(),
        "break_even_month": serializers.IntegerField(allow_null=True),
        "break_even_note": serializers.CharField(allow_null=True),
        "horizon_months": serializers.IntegerField(),
        "cumulative_profit": serializers.ListField(child=serializers.DictField()),
        "tariffs_on": serializers.DateField(),
    },
)


class PlannerView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="planner_estimate",
        auth=[],
        request=PlannerInputSerializer,
        responses={200: PlannerSchema, 400: ErrorSerializer, 429: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        planner_throttle(client_address(request))
        body = request_body(request)
        district = planner_district(body.get("district"))
        estimate = planner_estimate(
            district=district,
            staff_costs=body.get("staff_costs"),
            rent=body.get("rent"),
            equipment=body.get("equipment"),
            other_costs=body.get("other_costs"),
        )
        return Response(estimate)
