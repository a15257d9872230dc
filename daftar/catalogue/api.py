"""REST API of the catalogue (API.md «Offices, hours, appointments, services»; P6): the public
tariff table in force on a date, per municipality, cached and invalidated on change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.errors import ApplicationError
from daftar.kernel.fields import jalali_twin
from daftar.kernel.normalize import normalize_text
from daftar.municipalities.models import Municipality

from . import messages as msg
from .inputs import parse_day, today
from .tariffs import (
    municipality_pk_cached,
    municipality_pk_known,
    municipality_pks_forget,
    tariff_answer_cached,
    tariff_body_cached,
    tariff_table,
)

_RENDERER = JSONRenderer()  # DRF's own, so a cached answer is byte for byte what the view renders


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
        # Cached per (municipality, day) and invalidated on change (signals.py):
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
