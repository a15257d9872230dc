"""REST API of complaints (issue 21 §3; API.md «National portal, complaints and public
figures»). A complaint that is not the caller's to read is the same 404 as an unknown tracking
code; ``policy.py`` decides, here and in the services. Errors are Persian (``ApplicationError``).
The answer, reopen and violation endpoints are this app's additions (docs/complaints.md)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body
from daftar.kernel.fields import jalali_twin
from daftar.runtime.idempotency import idempotent

from . import policy
from .models import Complaint
from .services import complaint_answer, complaint_file, complaint_reopen, complaint_violation
from .workflow import COMPLAINT

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CHANGE_ERRORS = {**ERRORS, 409: ErrorSerializer}


def find(actor: Any, code: str) -> Complaint:
    """The complaint ``actor`` may read, or the 404 of an unknown code."""
    found = (
        policy.visible(actor)
        .select_related("municipality", "complainant", "office", "office__licence", "application")
        .filter(tracking_code=str(code).strip().upper())
        .first()
    )
    if found is None:
        raise policy.missing()
    return found


def created_body(c: Complaint) -> dict[str, Any]:
    return {"tracking_code": c.tracking_code, "status": c.status, "due": c.due}


def complaint_body(c: Complaint, actor: Any) -> dict[str, Any]:
    return {
        "tracking_code": c.tracking_code,
        "target": "application" if c.application_id else "office",
        "application": c.application_id,
        "office": c.office_id,
        "ground": c.ground,
        "ground_display": c.ground_label,
        "text": c.text,
        "status": c.status,
        "status_display": c.get_status_display(),
        "due": c.due,
        "due_jalali": jalali_twin(c.due),
        "decision": c.decision,
        "answer": c.answer,
        "answered_at": c.answered_at,
        "violation": c.violation_id,
        "history": [
            {"kind": e.kind, "title": e.get_kind_display(), "text": e.text, "at": e.at, "at_jalali": jalali_twin(e.at)}
            for e in c.events.all()
        ],
        "actions": [m.action for m in _available(c, actor)],
    }


def _available(c: Complaint, actor: Any) -> list[Any]:
    return COMPLAINT.available(c, actor, may=policy.may_move)


CreatedSchema = inline_serializer(
    "ComplaintCreated",
    {"tracking_code": serializers.CharField(), "status": serializers.CharField(), "due": serializers.DateTimeField()},
)
ComplaintSchema = inline_serializer(
    "Complaint",
    {
        "tracking_code": serializers.CharField(),
        "target": serializers.ChoiceField(choices=["application", "office"]),
        "application": serializers.IntegerField(allow_null=True),
        "office": serializers.IntegerField(allow_null=True),
        "ground": serializers.CharField(),
        "ground_display": serializers.CharField(),
        "text": serializers.CharField(),
        "status": serializers.ChoiceField(choices=["received", "answered", "reopened"]),
        "status_display": serializers.CharField(),
        "due": serializers.DateTimeField(),
        "due_jalali": serializers.CharField(),
        "decision": serializers.CharField(help_text="upheld, rejected, or empty before the answer"),
        "answer": serializers.CharField(),
        "answered_at": serializers.DateTimeField(allow_null=True),
        "violation": serializers.IntegerField(allow_null=True, help_text="the violation recorded from it"),
        "history": serializers.ListField(child=serializers.DictField()),
        "actions": serializers.ListField(
            child=serializers.CharField(), help_text="answer, reopen: what the caller may do now"
        ),
    },
)


class ComplaintInputSerializer(serializers.Serializer):
    application = serializers.IntegerField(required=False, help_text="one of your own cases; or give office")
    office = serializers.IntegerField(required=False, help_text="an office's id; or give application")
    ground = serializers.CharField(
        help_text="case: extra_condition, extra_fee, deadline_passed, refusal_without_reason, in_person_demand, "
        "other; office: overcharge, closed_in_hours, conduct, other"
    )
    text = serializers.CharField(help_text="at least 10 characters")


class AnswerInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["upheld", "rejected"])
    answer = serializers.CharField(help_text="the reasons, at least 30 characters")


class ReopenInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="why it should be looked at again, at least 10 characters")


class ViolationInputSerializer(serializers.Serializer):
    type = serializers.CharField(
        required=False, help_text="violation type code; default from the ground (overcharge, closed_in_hours)"
    )


class ComplaintsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="complaints_create",
        request=ComplaintInputSerializer,
        responses={201: CreatedSchema, **ERRORS},
        description="A logged-in person complains about their own case or an office. Honours Idempotency-Key.",
    )
    def post(self, request: Request) -> Response:
        def run() -> Response:
            data = request_body(request)
            complaint = complaint_file(
                request.user,
                application=data.get("application"),
                office=data.get("office"),
                ground=data.get("ground"),
                text=data.get("text"),
            )
            return Response(created_body(complaint), status=201)

        return idempotent(request, "complaints.file", run)


class ComplaintView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="complaints_read", responses={200: ComplaintSchema, **ERRORS})
    def get(self, request: Request, code: str) -> Response:
        return Response(complaint_body(find(request.user, code), request.user))


class ComplaintAnswerView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="complaints_answer",
        request=AnswerInputSerializer,
        responses={200: ComplaintSchema, **CHANGE_ERRORS},
        description="A supervisor of the complaint's municipality answers with a reasoned decision.",
    )
    def post(self, request: Request, code: str) -> Response:
        data = request_body(request)
        changed = complaint_answer(
            find(request.user, code), actor=request.user, decision=data.get("decision"), answer=data.get("answer")
        )
        return Response(complaint_body(changed, request.user))


class ComplaintReopenView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="complaints_reopen",
        request=ReopenInputSerializer,
        responses={200: ComplaintSchema, **CHANGE_ERRORS},
        description="The complainant asks for a second look at an answered complaint, once.",
    )
    def post(self, request: Request, code: str) -> Response:
        changed = complaint_reopen(find(request.user, code), actor=request.user, text=request_body(request).get("text"))
        return Response(complaint_body(changed, request.user))


class ComplaintViolationView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="complaints_violation",
        request=ViolationInputSerializer,
        responses={
            201: inline_serializer(
                "ComplaintViolation",
                {"violation": serializers.IntegerField(), "tracking_code": serializers.CharField()},
            ),
            200: inline_serializer(
                "ComplaintViolationAgain",
                {"violation": serializers.IntegerField(), "tracking_code": serializers.CharField()},
            ),
            **CHANGE_ERRORS,
        },
        description="A supervisor turns an upheld office complaint into a violation of the office's licence in one "
        "step; again, the same violation is answered with 200.",
    )
    def post(self, request: Request, code: str) -> Response:
        complaint = find(request.user, code)
        result = complaint_violation(complaint, actor=request.user, type_code=request_body(request).get("type"))
        body = {"violation": result.violation.pk, "tracking_code": complaint.tracking_code}
        return Response(body, status=201 if result.created else 200)
