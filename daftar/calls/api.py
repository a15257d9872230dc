"""REST API of calls (API.md «Calls and applications»): public, no login."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.errors import ApplicationError
from daftar.kernel.fields import jalali_twin

from . import messages as msg
from .models import Call, CallState
from .selectors import calls_list


class CallDistrictSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="district.id")
    number = serializers.IntegerField(source="district.number")
    name = serializers.CharField(source="district.name")
    quota = serializers.IntegerField()


class CallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    municipality = serializers.CharField(source="municipality.slug")
    licence_type = serializers.CharField(source="licence_type.code")
    rule_set_version = serializers.IntegerField(source="rule_set.version")
    opens_at = serializers.DateTimeField()
    opens_at_jalali = serializers.SerializerMethodField()
    closes_at = serializers.DateTimeField()
    closes_at_jalali = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    districts = CallDistrictSerializer(many=True)

    def get_opens_at_jalali(self, call: Call) -> str | None:
        return jalali_twin(call.opens_at)

    def get_closes_at_jalali(self, call: Call) -> str | None:
        return jalali_twin(call.closes_at)

    def get_status(self, call: Call) -> str:
        return call.state()


class CallListView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="calls_list",
        parameters=[
            OpenApiParameter("municipality", str, description="municipality slug, e.g. tehran"),
            OpenApiParameter("status", str, enum=list(CallState.values)),
        ],
        responses={200: CallSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("status") or None
        if state is not None and state not in CallState.values:
            raise ApplicationError(msg.STATUS_UNKNOWN, fields={"status": [msg.STATUS_UNKNOWN]})
        calls = calls_list(municipality_slug=request.query_params.get("municipality") or None, state=state)
        return Response(CallSerializer(calls[:200], many=True).data)


class CallDetailView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(operation_id="calls_read", responses={200: CallSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        call: Any = calls_list().filter(pk=pk).first()
        if call is None:
            raise ApplicationError(msg.CALL_UNKNOWN, code="not_found", status=404)
        return Response(CallSerializer(call).data)
