"""REST API of supervision (S16, P5). Who cannot see the licence (or notice) gets 404; who
can see it but lacks the role gets 403 (``policy.py`` answers both, here and in the services).
Errors are Persian (``ApplicationError``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body
from daftar.kernel.errors import ApplicationError
from daftar.kernel.fields import jalali_twin
from daftar.licences import policy as licence_policy
from daftar.licences.models import Licence
from daftar.licences.verification import normalize_number

from . import messages as msg
from . import policy
from .models import Decision, Notice, OfficeReport, Outcome, Violation
from .services import decision_make, notice_issue, notice_respond, report_submit, violation_record

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CHANGE_ERRORS = {**ERRORS, 409: ErrorSerializer}


def _not_found() -> ApplicationError:
    return ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


def _forbidden() -> ApplicationError:
    return ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)


def _licence(request: Request, number: str) -> Licence:
    visible = licence_policy.visible(request.user)
    licence = visible.select_related("holder", "municipality").filter(number=normalize_number(number) or "").first()
    if licence is None:
        raise _not_found()
    return licence


def _notice(request: Request, pk: int) -> Notice:
    """The notice a move is asked on: found in the municipalities where the caller is staff (or
    theirs as holder), so a role without the move gets 403 from the service, as on the desk."""
    notice = (
        policy.municipal_notices(request.user)
        .select_related("licence__holder", "licence__municipality")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise _not_found()
    return notice


def violation_body(v: Violation) -> dict[str, Any]:
    return {
        "id": v.pk,
        "type": v.violation_type.code,
        "title": v.violation_type.title,
        "severity": v.violation_type.severity,
        "observed_at": v.observed_at,
        "observed_at_jalali": jalali_twin(v.observed_at),
        "description": v.description,
        "status": v.status,
        "status_display": v.get_status_display(),
    }


def notice_body(n: Notice, actor: Any) -> dict[str, Any]:
    """The notice, with the moves ``actor`` may take on it now (``respond``, ``decide``)."""
    return {
        "id": n.pk,
        "licence": n.licence.number,
        "proposed_outcome": n.proposed_outcome,
        "proposed_outcome_display": Outcome(n.proposed_outcome).label,
        "proposed_suspension_days": n.proposed_suspension_days,
        "violations": sorted(n.violations.values_list("pk", flat=True)),
        "response_due": n.response_due,
        "response_due_jalali": jalali_twin(n.response_due),
        "response_text": n.response_text,
        "responded_at": n.responded_at,
        "status": n.status,
        "actions": policy.actions(actor, n),
    }


def decision_body(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "licence": d.licence.number,
        "licence_status": d.licence.status,
        "outcome": d.outcome,
        "outcome_display": Outcome(d.outcome).label,
        "reason": d.reason,
        "violations": sorted(d.violations.values_list("pk", flat=True)),
        "suspension_until": d.suspension_until,
        "suspension_until_jalali": jalali_twin(d.suspension_until),
    }


class SupervisionViolationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.CharField()
    observed_at = serializers.DateTimeField()
    observed_at_jalali = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()


NoticeSchema = inline_serializer(
    "SupervisionNotice",
    {
        "id": serializers.IntegerField(),
        "licence": serializers.CharField(),
        "proposed_outcome": serializers.CharField(),
        "proposed_outcome_display": serializers.CharField(),
        "proposed_suspension_days": serializers.IntegerField(),
        "violations": serializers.ListField(child=serializers.IntegerField()),
        "response_due": serializers.DateTimeField(),
        "response_due_jalali": serializers.CharField(),
        "response_text": serializers.CharField(),
        "responded_at": serializers.DateTimeField(allow_null=True),
        "status": serializers.CharField(),
        "actions": serializers.ListField(
            child=serializers.CharField(), help_text="the moves the caller may take now: respond, decide"
        ),
    },
)
DecisionSchema = inline_serializer(
    "SupervisionDecision",
    {
        "id": serializers.IntegerField(),
        "licence": serializers.CharField(),
        "licence_status": serializers.CharField(),
        "outcome": serializers.CharField(),
        "outcome_display": serializers.CharField(),
        "reason": serializers.CharField(),
        "violations": serializers.ListField(child=serializers.IntegerField()),
        "suspension_until": serializers.DateField(allow_null=True),
        "suspension_until_jalali": serializers.CharField(allow_null=True),
    },
)
ReportSchema = inline_serializer(
    "SupervisionReport",
    {"id": serializers.IntegerField(), "period": serializers.CharField(), "submitted_at": serializers.DateTimeField()},
)


class SupervisionViolationInputSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="code of the violation type, e.g. outside_hours")
    description = serializers.CharField(help_text="at least 10 characters")
    observed_at = serializers.CharField(required=False, help_text="Jalali or ISO date and time; default now")


class SupervisionNoticeInputSerializer(serializers.Serializer):
    violations = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="default: all open violations"
    )


class SupervisionResponseInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="at least 10 characters")


class SupervisionDecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="at least 10 characters")
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, help_text="default: the proposed one")


class SupervisionReportInputSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="Jalali half-year, e.g. 1404-H2")
    content = serializers.CharField(help_text="at least 20 characters")


class LicenceViolationsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="supervision_violations_list", responses={200: SupervisionViolationSerializer(many=True), **ERRORS}
    )
    def get(self, request: Request, number: str) -> Response:
        licence = _licence(request, number)
        if not policy.may_read_violations(request.user, licence):
            raise _forbidden()
        rows = Violation.objects.filter(licence=licence).select_related("violation_type")
        return Response([violation_body(v) for v in rows])

    @extend_schema(
        operation_id="supervision_violations_create",
        request=SupervisionViolationInputSerializer,
        responses={201: SupervisionViolationSerializer, **CHANGE_ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        licence = _licence(request, number)
        data = request_body(request)
        violation = violation_record(
            licence,
            type_code=data.get("type", ""),
            description=data.get("description", ""),
            observed_at=data.get("observed_at"),
            actor=request.user,
        )
        return Response(violation_body(violation), status=201)


class LicenceNoticesView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="supervision_notices_create",
        request=SupervisionNoticeInputSerializer,
        responses={201: NoticeSchema, **CHANGE_ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        licence = _licence(request, number)
        raw = request_body(request).get("violations")
        ids = None
        if raw is not None:
            try:
                ids = [int(i) for i in raw] if isinstance(raw, list) else [int(raw)]
            except (TypeError, ValueError):
                raise ApplicationError(
                    msg.VIOLATIONS_INVALID, code="violations_invalid", fields={"violations": [msg.VIOLATIONS_INVALID]}
                ) from None
        notice = notice_issue(licence, actor=request.user, violation_ids=ids)
        return Response(notice_body(notice, request.user), status=201)


class NoticeResponseView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="supervision_notices_respond",
        request=SupervisionResponseInputSerializer,
        responses={200: NoticeSchema, **CHANGE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        notice = _notice(request, pk)
        changed = notice_respond(notice, text=request_body(request).get("text", ""), actor=request.user)
        return Response(notice_body(changed, request.user))


class NoticeDecisionView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="supervision_notices_decide",
        request=SupervisionDecisionInputSerializer,
        responses={201: DecisionSchema, **CHANGE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        notice = _notice(request, pk)
        data = request_body(request)
        decision = decision_make(notice, actor=request.user, reason=data.get("reason", ""), outcome=data.get("outcome"))
        decision.licence.refresh_from_db()
        return Response(decision_body(decision), status=201)


class LicenceReportsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="supervision_reports_create",
        request=SupervisionReportInputSerializer,
        responses={201: ReportSchema, **CHANGE_ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        licence = _licence(request, number)
        data = request_body(request)
        report: OfficeReport = report_submit(
            licence, period=data.get("period", ""), content=data.get("content", ""), actor=request.user
        )
        return Response({"id": report.pk, "period": report.period, "submitted_at": report.submitted_at}, status=201)
