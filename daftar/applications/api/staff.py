"""The staff's endpoints on cases: the moves a case allows them and taking one (``workflow.MOVES``),
asking an inquiry again, acknowledging queue items, exporting the queue, and a district's
quota ranking (P4).

No key of a request's body reaches an assessment's verdict (``services.AssessmentVerdict``);
who may do what is the case policy's answer.
"""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.calls.models import Call
from daftar.inquiries import policy as inquiry_policy
from daftar.inquiries.services import inquiry_retry
from daftar.kernel.api import request_body
from daftar.kernel.errors import ApplicationError

from .. import exports, policy, services
from .. import messages as msg
from ..models import Application
from ..selectors import is_staff_for, queue
from ..workflow import STAFF_ACTIONS
from .cases import _case, _case_response, _visible_or_404
from .serializers import CaseSchema


class TransitionRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=STAFF_ACTIONS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    conditions = serializers.ListField(child=serializers.CharField(max_length=16), required=False, max_length=50)
    documents = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=500)
    score = serializers.FloatField(required=False)
    scores = serializers.ListField(child=serializers.FloatField(), required=False, max_length=15)
    premises_use = serializers.CharField(required=False)
    measured_area_m2 = serializers.FloatField(required=False)
    equipment = serializers.ListField(child=serializers.CharField(), required=False, max_length=20)
    location = serializers.DictField(required=False)


class TransitionView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_transitions_list",
        responses={
            200: inline_serializer(
                "TransitionChoices",
                {"status": serializers.CharField(), "actions": serializers.ListField(child=serializers.DictField())},
            ),
            404: ErrorSerializer,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        application = _case(request, pk)
        moves = [m for m in services.actions_available(application, request.user) if m.action in STAFF_ACTIONS]
        return Response(
            {
                "status": application.status,
                "actions": [
                    {"action": m.action, "label": m.label, "target": m.target, "fields": list(m.fields)} for m in moves
                ],
            }
        )

    @extend_schema(
        operation_id="applications_transitions_create",
        request=TransitionRequestSerializer,
        responses={
            200: CaseSchema,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        _visible_or_404(request, pk)
        action = request_body(request).get("action")
        if action not in STAFF_ACTIONS:
            raise ApplicationError(
                msg.UNKNOWN_ACTION.format(actions="، ".join(STAFF_ACTIONS)),
                code="unknown_action",
                fields={"action": [msg.UNKNOWN_ACTION.format(actions="، ".join(STAFF_ACTIONS))]},
            )
        # no key of the body reaches an assessment's verdict (services.AssessmentVerdict, a typed
        # argument of its own); "_" keys are dropped all the same
        body = {k: v for k, v in request_body(request).items() if k != "action" and not str(k).startswith("_")}
        services.application_move(application_id=pk, action=action, actor=request.user, data=body)
        return _case_response(request, pk)


class InquiryRetryView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_inquiries_retry",
        request=None,
        responses={200: CaseSchema, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        summary="Staff ask again an inquiry that got no answer (status error)",
    )
    def post(self, request: Request, pk: int, kind: str) -> Response:
        application = _case(request, pk)
        inquiry = application.inquiries.filter(kind=kind).first()
        if inquiry is None:
            raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404)
        if not inquiry_policy.may_retry(request.user, application):  # answered as the case answers
            raise policy.refuse_move(request.user, inquiry_policy.RETRY, application)
        inquiry_retry(inquiry=inquiry, actor=request.user)
        return _case_response(request, pk)


class AcknowledgeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_acknowledge",
        request=inline_serializer(
            "AcknowledgeRequest", {"ids": serializers.ListField(child=serializers.IntegerField())}
        ),
        responses={
            200: inline_serializer("AcknowledgeResult", {"acknowledged": serializers.IntegerField()}),
            400: ErrorSerializer,
        },
        summary="Bulk acknowledgement of queue items (staff); ids not visible to the caller are ignored",
    )
    def post(self, request: Request) -> Response:
        visible = queue(request.user, {"status": "all"}) if is_staff_for(request.user) else Application.objects.none()
        count = services.applications_acknowledge(
            ids=request_body(request).get("ids"), actor=request.user, visible=visible
        )
        return Response({"acknowledged": count})


class ExportView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_export",
        parameters=[
            OpenApiParameter("as", str, enum=["csv", "xlsx"]),
            OpenApiParameter("status", str),
            OpenApiParameter("district", int),
            OpenApiParameter("overdue", bool),
        ],
        responses={
            (200, "text/csv"): bytes,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes,
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def get(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        if not is_staff_for(request.user):
            raise ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)
        return exports.export_response(queue(request.user, request.query_params), request.query_params.get("as", "csv"))


class RankingView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="calls_ranking",
        parameters=[OpenApiParameter("district", int, required=True)],
        responses={
            200: inline_serializer(
                "Ranking",
                {"quota": serializers.IntegerField(), "ranking": serializers.ListField(child=serializers.DictField())},
            ),
            404: ErrorSerializer,
        },
        summary="Staff: a district's ranking by score (P4), ties by first submission",
    )
    def get(self, request: Request, pk: int) -> Response:
        call = Call.objects.filter(pk=pk).first()
        allowed = call is not None and policy.may_see_ranking(request.user, call)
        district = services.parse_id(request.query_params.get("district", ""))
        if not allowed or call is None or district is None:
            raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404)
        rows = services.district_ranking(call, district)
        quota = call.districts.filter(district_id=district).values_list("quota", flat=True).first() or 0
        return Response(
            {
                "quota": quota,
                "ranking": [
                    {
                        "application": r.application_id,
                        "tracking_code": r.tracking_code,
                        "score": r.score,
                        "submitted_at": r.submitted_at,
                        "rank": r.rank,
                        "within_quota": r.within_quota,
                    }
                    for r in rows
                ],
            }
        )
