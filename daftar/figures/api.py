"""``GET /api/v1/municipalities/{slug}/statistics`` (and ``.csv``): the public figures of one
municipality (API.md «National portal, complaints and public figures»). Public, no login and no
session; ``?from=&to=`` are dates (Jalali or ISO) or Jalali months (``period.py``). An unknown
municipality is a Persian 404, a bad date or period a Persian 400 naming the field."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.errors import ApplicationError
from daftar.kernel.tabular import table_response
from daftar.runtime.ratelimit import client_address

from . import messages as msg
from .figures import CSV_HEADER, cache_seconds, csv_rows, public_municipality, statistics
from .period import parse_period


class CSVRenderer(BaseRenderer):
    """Lets DRF accept ``?format=csv``; the CSV itself is streamed by ``kernel.tabular``."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return b""  # only an error body would come here; the view answers CSV itself


StatisticsSchema = inline_serializer(
    "MunicipalityStatistics",
    {
        "municipality": serializers.DictField(help_text="slug, name"),
        "from": serializers.DateField(),
        "from_jalali": serializers.CharField(),
        "to": serializers.DateField(help_text="never later than today"),
        "to_jalali": serializers.CharField(),
        "applications_received": serializers.IntegerField(help_text="cases first submitted in the period"),
        "decided": serializers.IntegerField(help_text="cases approved or refused in the period"),
        "decided_on_time_ratio": serializers.FloatField(
            allow_null=True, help_text="0..1: decided with no legal clock overrun; null when withheld"
        ),
        "median_working_days": serializers.DictField(
            child=serializers.FloatField(allow_null=True),
            help_text="stage → median working days of the stays that ended in the period; null when withheld",
        ),
        "refused": serializers.IntegerField(),
        "refusals_by_condition": serializers.DictField(
            child=serializers.IntegerField(allow_null=True), help_text="condition id → refused cases failing it"
        ),
        "active_licences": serializers.IntegerField(help_text="active now, issued before the period ended"),
        "active_licences_by_district": serializers.DictField(
            child=serializers.IntegerField(allow_null=True), help_text="district number → active licences"
        ),
        "min_group": serializers.IntegerField(help_text="a figure over a smaller group is withheld"),
        "withheld": serializers.ListField(
            child=serializers.CharField(), help_text="keys withheld, e.g. refusals_by_condition.S9.1"
        ),
        "labels": serializers.DictField(
            child=serializers.DictField(child=serializers.CharField()),
            help_text="Persian names of the keys of each breakdown",
        ),
        "computed_at": serializers.DateTimeField(help_text="figures are cached; this is when they were computed"),
        "computed_at_jalali": serializers.CharField(),
    },
)


class MunicipalityStatisticsView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer, CSVRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        try:
            return super().perform_content_negotiation(request, force=force)
        except Exception:  # an unknown ?format=: a Persian 400, not DRF's English 404
            if force:
                return (JSONRenderer(), JSONRenderer.media_type)
            self.request.accepted_renderer = JSONRenderer()  # type: ignore[attr-defined]
            self.request.accepted_media_type = JSONRenderer.media_type  # type: ignore[attr-defined]
            raise ApplicationError(msg.FORMAT_INVALID, fields={"format": [msg.FORMAT_INVALID]}) from None

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and response.status_code >= 400:
            # an error is always the JSON error body, even when CSV was asked for
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        operation_id="municipalities_statistics",
        auth=[],
        parameters=[
            OpenApiParameter("from", str, description="a date (1405/01/01 or 2026-03-21) or a Jalali month (1405/01)"),
            OpenApiParameter("to", str, description="a date or a Jalali month (its last day); default today"),
            OpenApiParameter("format", str, enum=["json", "csv"], description="csv: the same figures as CSV"),
        ],
        responses={200: StatisticsSchema, 400: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer},
    )
    def get(self, request: Request, slug: str, fmt: str | None = None) -> HttpResponseBase:
        municipality = public_municipality(slug)
        if municipality is None:
            raise ApplicationError(msg.MUNICIPALITY_NOT_FOUND, code="not_found", status=404)
        period = parse_period(request.query_params.get("from"), request.query_params.get("to"))
        body = statistics(municipality, period, address=client_address(request))
        if fmt == "csv" or request.accepted_renderer.format == "csv":
            response: HttpResponseBase = table_response(
                fmt="csv",
                name=f"figures-{municipality.slug}-{period.start.isoformat()}-{period.end.isoformat()}",
                sheet="آمار",
                header=CSV_HEADER,
                rows=lambda: csv_rows(body),
                count=lambda: 0,
            )
        else:
            response = Response(body)
        response["Cache-Control"] = f"public, max-age={cache_seconds()}"
        return response


class MunicipalityStatisticsCSVView(MunicipalityStatisticsView):
    """``…/statistics.csv``: the same figures as CSV (its own operation in the schema)."""

    @extend_schema(
        operation_id="municipalities_statistics_csv",
        auth=[],
        parameters=[
            OpenApiParameter("from", str, description="a date (1405/01/01 or 2026-03-21) or a Jalali month (1405/01)"),
            OpenApiParameter("to", str, description="a date or a Jalali month (its last day); default today"),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="rows: figure key, breakdown key, Persian label, value, withheld"
            ),
            400: ErrorSerializer,
            404: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def get(self, request: Request, slug: str, fmt: str | None = "csv") -> HttpResponseBase:
        return super().get(request, slug, fmt="csv")
