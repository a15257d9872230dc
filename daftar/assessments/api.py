"""REST API of exam sessions and interview panels (S10.3, S10.4). Only an examiner of the
municipality acts (``policy``); others get 404 when they cannot see the session or case, 403
otherwise; an examiner acting on their own case gets 404, as for a case that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.accounts.scoping import scope_queryset
from daftar.applications.models import Application
from daftar.applications.selectors import cases_visible
from daftar.applications.workflow import STAFF_ROLES_FOR_CASES
from daftar.calls.models import Call
from daftar.kernel.api import request_body
from daftar.kernel.errors import ApplicationError
from daftar.kernel.fields import jalali_twin
from daftar.kernel.jalali import parse_datetime
from daftar.kernel.parsers import NormalizingJSONParser, NormalizingMultiPartParser

from . import messages as msg
from . import policy, services
from .models import ExamSession, InterviewPanel, PanelRule, PassRule, policy_for

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _examiner(request: Request, municipality_id: int) -> None:
    if not policy.is_examiner(request.user, municipality_id):
        raise policy.forbidden()


def _session(request: Request, pk: int) -> ExamSession:
    qs = scope_queryset(ExamSession.objects.select_related("municipality"), request.user, roles=STAFF_ROLES_FOR_CASES)
    session = qs.filter(pk=pk).first()
    if session is None:
        raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404)
    _examiner(request, session.municipality_id)
    return session


def _case(request: Request, pk: int, may: Callable[[Any, Any], bool] = policy.may_assess) -> Application:
    """A case whose interview the caller examines (``may``): not visible, or their own case, is
    404."""
    application = cases_visible(request.user).filter(pk=pk).first()
    if application is None:
        raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404)
    if not may(request.user, application):
        raise policy.refuse(request.user, application)
    return application


def session_body(session: ExamSession) -> dict[str, Any]:
    seats = list(session.seat_set.select_related("application").order_by("pk"))
    return {
        "id": session.pk,
        "call": session.call_id,
        "title": session.title,
        "starts_at": session.starts_at,
        "starts_at_jalali": jalali_twin(session.starts_at),
        "place": session.place,
        "seats": session.seats,
        "pass_rule": session.pass_rule,
        "fixed_pass_mark": session.fixed_pass_mark,
        "relative_share": session.relative_share,
        "top_share": session.top_share,
        "weights": session.weights,
        "pass_mark": session.pass_mark,
        "decided_at": session.decided_at,
        "seat_list": [
            {
                "id": s.pk,
                "application": s.application_id,
                "tracking_code": s.application.tracking_code,
                "status": s.application.status,
                "parts": s.parts,
                "total": s.total,
            }
            for s in seats
        ],
    }


SessionSchema = inline_serializer(
    "ExamSession",
    {
        "id": serializers.IntegerField(),
        "call": serializers.IntegerField(),
        "title": serializers.CharField(),
        "starts_at": serializers.DateTimeField(),
        "starts_at_jalali": serializers.CharField(),
        "place": serializers.CharField(),
        "seats": serializers.IntegerField(),
        "pass_rule": serializers.ChoiceField(choices=PassRule.choices),
        "fixed_pass_mark": serializers.FloatField(),
        "relative_share": serializers.FloatField(),
        "top_share": serializers.FloatField(),
        "weights": serializers.DictField(child=serializers.FloatField()),
        "pass_mark": serializers.FloatField(allow_null=True),
        "decided_at": serializers.DateTimeField(allow_null=True),
        "seat_list": serializers.ListField(child=serializers.DictField()),
    },
)


class SessionCreateSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    title = serializers.CharField(max_length=200)
    starts_at = serializers.CharField(help_text="Jalali «1405/01/15 08:00» or Gregorian, Tehran time")
    place = serializers.CharField(max_length=300)
    seats = serializers.IntegerField(min_value=1, max_value=100000)
    # the pass rule, its figures and the weights are the municipality's (AssessmentPolicy), copied
    # into the session: a request that sends any of them is refused (decision 0026)


class ExamSessionCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="exam_sessions_create",
        request=SessionCreateSerializer,
        responses={201: SessionSchema, **ERRORS},
        description="The session copies its municipality's pass rule, figures and weights. A body that "
        "sends pass_rule, fixed_pass_mark, relative_share, top_share or weights is refused "
        "(400, code pass_rule_from_policy) and nothing is created.",
    )
    def post(self, request: Request) -> Response:
        body = request_body(request)
        serializer = SessionCreateSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        call = Call.objects.filter(pk=data["call"]).first()
        if call is None:
            raise ApplicationError(msg.CALL_UNKNOWN, code="not_found", status=404)
        _examiner(request, call.municipality_id)
        services.refuse_pass_rule(body, services.SESSION_RULE_FIELDS)
        try:
            starts_at = parse_datetime(data["starts_at"])
        except (ValidationError, ValueError):
            raise ApplicationError(msg.STARTS_AT, fields={"starts_at": [msg.STARTS_AT]}) from None
        session = services.session_create(
            call=call,
            title=data["title"],
            starts_at=starts_at,
            place=data["place"],
            seats=data["seats"],
            actor=request.user,
        )
        return Response(session_body(session), status=201)


class SeatSerializer(serializers.Serializer):
    application = serializers.IntegerField()


class SeatAssignView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="exam_sessions_seats_create", request=SeatSerializer, responses={201: SessionSchema, **ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        session = _session(request, pk)
        serializer = SeatSerializer(data=request_body(request))
        serializer.is_valid(raise_exception=True)
        application = cases_visible(request.user).filter(pk=serializer.validated_data["application"]).first()
        if application is None:
            raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404)
        services.seat_assign(session=session, application=application, actor=request.user)
        return Response(session_body(session), status=201)


class ScoreRowSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    general = serializers.FloatField()
    specialised = serializers.FloatField()


class ScoresRequestSerializer(serializers.Serializer):
    scores = ScoreRowSerializer(many=True, required=False)
    file = serializers.FileField(required=False, help_text="CSV or XLSX: tracking_code,general,specialised")


class ExamSessionView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="exam_sessions_retrieve", responses={200: SessionSchema, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(session_body(_session(request, pk)))


class ScoresView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes: list[type[BaseParser]] = [NormalizingJSONParser, NormalizingMultiPartParser]

    @extend_schema(
        operation_id="exam_sessions_scores_create",
        request={"application/json": ScoresRequestSerializer, "multipart/form-data": ScoresRequestSerializer},
        responses={200: SessionSchema, **ERRORS},
        description="All rows are checked first: one bad row and nothing is recorded; "
        "the Persian error names every bad row.",
    )
    def post(self, request: Request, pk: int) -> Response:
        session = _session(request, pk)
        upload = request.FILES.get("file")
        if upload is not None:
            services.scores_import(session=session, actor=request.user, file=upload)
        else:
            services.scores_import(session=session, actor=request.user, rows=request_body(request).get("scores"))
        return Response(session_body(session))


class SessionDecideView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="exam_sessions_decide", request=None, responses={200: SessionSchema, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        session = services.session_decide(session=_session(request, pk), actor=request.user)
        return Response(session_body(session))


InterviewSchema = inline_serializer(
    "InterviewPanel",
    {
        "application": serializers.IntegerField(),
        "status": serializers.CharField(),
        "rule": serializers.ChoiceField(choices=PanelRule.choices),
        "pass_mark": serializers.FloatField(),
        "scores": serializers.ListField(child=serializers.FloatField()),
        "starts_at": serializers.DateTimeField(allow_null=True),
        "starts_at_jalali": serializers.CharField(allow_null=True),
        "place": serializers.CharField(),
    },
)


def _interview_body(application: Application) -> dict[str, Any]:
    application.refresh_from_db()
    panel = InterviewPanel.objects.filter(application=application).first()
    scores = [s.score for s in panel.scores.order_by("pk")] if panel else []
    # the panel's copy of the rule and mark is taken with its first score (S10.4, decision 0026);
    # until then, what it will start with
    if panel is not None and scores:
        rule, mark = panel.rule, panel.pass_mark
    else:
        rules = policy_for(application.municipality_id)
        rule, mark = rules.interview_rule, rules.interview_pass_mark
    starts_at = panel.starts_at if panel else None
    return {
        "application": application.pk,
        "status": application.status,
        "rule": rule,
        "pass_mark": mark,
        "scores": scores,
        "starts_at": starts_at,
        "starts_at_jalali": jalali_twin(starts_at),
        "place": panel.place if panel else "",
    }


class InterviewScoreSerializer(serializers.Serializer):
    score = serializers.FloatField()
    # the panel's rule and pass mark are the municipality's (AssessmentPolicy), copied into the
    # panel with its first score: a request that sends "rule" or "pass_mark" is refused (0026)


class InterviewView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_interview_retrieve",
        responses={200: InterviewSchema, **ERRORS},
        summary="The case's interview panel: its rule, pass mark and scores so far (examiners)",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_interview_body(_case(request, pk)))


class InterviewScoreView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_interview_scores_create",
        request=InterviewScoreSerializer,
        responses={200: InterviewSchema, **ERRORS},
        description="The panel's rule and pass mark are its municipality's, copied with the first score. "
        "A body that sends rule or pass_mark is refused (400, code pass_rule_from_policy) and no "
        "score is recorded.",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _case(request, pk)
        body = request_body(request)
        services.refuse_pass_rule(body, services.PANEL_RULE_FIELDS)
        services.interview_score(application=application, examiner=request.user, score=body.get("score"))
        return Response(_interview_body(application))


class InterviewScheduleSerializer(serializers.Serializer):
    starts_at = serializers.CharField(
        help_text="Jalali «1405/01/15 09:30» or Gregorian/ISO, Tehran time; in the future"
    )
    place = serializers.CharField(max_length=200, help_text="3–200 characters, as the SMS shows it")


class InterviewScheduleView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_interview_schedule",
        request=InterviewScheduleSerializer,
        responses={200: InterviewSchema, **ERRORS},
        summary="Set or change the interview's time and place; the applicant gets an SMS (examiners)",
        description="The case must be in the interview stage and its panel undecided (409 otherwise, code "
        "illegal_state or panel_decided). The time must be in the future and at most "
        "INTERVIEW_SCHEDULE_HORIZON_DAYS ahead (an example setting), the place 3–200 characters: "
        "otherwise 400 with the Persian error under fields.starts_at or fields.place. The first time "
        "sends the SMS interview_invitation, a change interview_rescheduled; the same time and place "
        "again is 409 unchanged. A refused request changes nothing and sends nothing.",
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _case(request, pk, policy.may_schedule_interview)
        body = request_body(request)
        services.interview_schedule(
            application=application, starts_at=body.get("starts_at"), place=body.get("place"), actor=request.user
        )
        return Response(_interview_body(application))


class InterviewDecideView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_interview_decide", request=None, responses={200: InterviewSchema, **ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _case(request, pk)
        services.interview_decide(application=application, actor=request.user)
        return Response(_interview_body(application))


class TrainingCreditSerializer(serializers.Serializer):
    course_title = serializers.CharField()
    hours = serializers.IntegerField()
    approving_body = serializers.CharField()
    certificate_date = serializers.CharField(help_text="ISO or Jalali date")


class TrainingCreditView(APIView):
    """Training-course credits (S10.3), recorded by an examiner or reviewer of the case's municipality."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_training_credits_create",
        request=TrainingCreditSerializer,
        responses={201: TrainingCreditSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = cases_visible(request.user).filter(pk=pk).first()
        if application is None:
            raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404)
        if not policy.may_credit(request.user, application):
            raise policy.refuse(request.user, application, policy.CREDIT_ROLES)
        body = request_body(request)
        credit = services.training_credit_add(
            application=application,
            course_title=body.get("course_title"),
            hours=body.get("hours"),
            approving_body=body.get("approving_body"),
            certificate_date=body.get("certificate_date"),
            actor=request.user,
        )
        return Response(
            {
                "course_title": credit.course_title,
                "hours": credit.hours,
                "approving_body": credit.approving_body,
                "certificate_date": credit.certificate_date,
            },
            status=201,
        )
