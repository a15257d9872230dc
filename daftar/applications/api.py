"""REST API of application cases and their documents (API.md «Calls and applications»).

Every object is fetched through ``selectors.cases_visible`` (404 when not yours); every change
goes through ``services``. Creating requests accept an ``Idempotency-Key``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.calls.models import Call
from daftar.documents.models import Document
from daftar.inquiries import policy as inquiry_policy
from daftar.inquiries.services import inquiry_retry
from daftar.kernel.api import request_body
from daftar.kernel.errors import ApplicationError
from daftar.kernel.fields import jalali_twin
from daftar.kernel.files import attachment_response
from daftar.kernel.parsers import NormalizingMultiPartParser
from daftar.kernel.schema import page_parameters, paginated
from daftar.runtime.idempotency import idempotent

from . import casecache, exports, policy, services
from . import messages as msg
from .case_documents import document_review, document_upload
from .clocks import clock_summary
from .models import Application
from .pagination import CappedPaginator
from .presenters import needed_now
from .selectors import case_detail, cases_visible, is_overdue, is_staff_for, my_cases, queue
from .workflow import MOVES, STAFF_ACTIONS, Status

# --- serializers (output) -----------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="doc_type")
    review = serializers.CharField(source="review_state")
    review_display = serializers.CharField(source="get_review_state_display")
    uploaded_at_jalali = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "type",
            "version",
            "is_current",
            "original_name",
            "mime",
            "size",
            "sha256",
            "pages",
            "uploaded_at",
            "uploaded_at_jalali",
            "review",
            "review_display",
            "review_reason",
            "reviewed_at",
            "download_url",
        ]

    def get_uploaded_at_jalali(self, document: Document) -> str | None:
        return jalali_twin(document.uploaded_at)

    def get_download_url(self, document: Document) -> str:
        return f"/api/v1/documents/{document.pk}/download"


class QueueItemSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    applicant_name = serializers.SerializerMethodField()
    district_name = serializers.CharField(source="district.name")
    submitted_at_jalali = serializers.SerializerMethodField()
    due_at_jalali = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_code",
            "status",
            "status_display",
            "applicant_name",
            "district",
            "district_name",
            "submitted_at",
            "submitted_at_jalali",
            "due_at",
            "due_at_jalali",
            "is_overdue",
            "score_total",
            "acknowledged_at",
        ]

    def get_applicant_name(self, application: Application) -> str:
        return application.applicant.get_full_name()

    def get_submitted_at_jalali(self, application: Application) -> str | None:
        return jalali_twin(application.submitted_at)

    def get_due_at_jalali(self, application: Application) -> str | None:
        return jalali_twin(application.due_at)

    def get_is_overdue(self, application: Application) -> bool:
        return is_overdue(application, timezone.now())


_DATETIME = serializers.DateTimeField()  # the same rendering DocumentSerializer gives (local zone, ISO)


def _when(value: Any) -> Any:
    return None if value is None else _DATETIME.to_representation(value)


def document_row(document: Document) -> dict[str, Any]:
    """``DocumentSerializer(document).data`` without DRF's per-field machinery (issue 7: the
    case read is the hottest applicant endpoint); the same keys, values and order."""
    uploaded_at = document.uploaded_at
    return {
        "id": document.pk,
        "type": str(document.doc_type),
        "version": int(document.version),
        "is_current": bool(document.is_current),
        "original_name": str(document.original_name),
        "mime": str(document.mime),
        "size": int(document.size),
        "sha256": str(document.sha256),
        "pages": None if document.pages is None else int(document.pages),
        "uploaded_at": _when(uploaded_at),
        "uploaded_at_jalali": jalali_twin(uploaded_at),
        "review": str(document.review_state),
        "review_display": str(document.get_review_state_display()),
        "review_reason": str(document.review_reason),
        "reviewed_at": _when(document.reviewed_at),
        "download_url": f"/api/v1/documents/{document.pk}/download",
    }


def case_body(application: Application, actor: Any) -> dict[str, Any]:
    """The case as the API and the pages show it (API.md: status, tracking_code, timeline,
    deadlines, documents, conditions)."""
    now = timezone.now()
    documents = list(application.documents.all())
    # the verdict is judged live: inquiries and assessments settle facts after submission; a
    # draft just created carries the evaluation it was created with (the same facts, issue 7)
    evaluation = getattr(application, "evaluation_fresh", None) or services.case_evaluate(application)
    deadlines = [
        {**row, "started_at_jalali": jalali_twin(row["started_at"]), "due_at_jalali": jalali_twin(row["due_at"])}  # type: ignore[arg-type]
        for row in clock_summary(application, now)
    ]
    return {
        "id": application.pk,
        "status": application.status,
        "status_display": application.get_status_display(),
        "tracking_code": application.tracking_code,
        "call": {"id": application.call_id, "title": application.call.title},
        "municipality": application.municipality.slug,
        "district": {"id": application.district_id, "name": application.district.name},
        "applicant": {"name": application.applicant.get_full_name(), "mobile": application.applicant.mobile},
        "facts": application.facts,
        "eligible": evaluation.eligible,
        "conditions": [{"id": c.id, "result": c.result, "reason": c.reason} for c in evaluation.conditions],
        "rule_set_version": application.call.rule_set.version,
        "score": {"total": application.score_total, **(application.score or {})} if application.score else None,
        "created_at": application.created_at,
        "submitted_at": application.submitted_at,
        "submitted_at_jalali": jalali_twin(application.submitted_at),
        "due_at": application.due_at,
        "due_at_jalali": jalali_twin(application.due_at),
        "overdue": is_overdue(application, now),
        "deadlines": deadlines,
        "timeline": [
            {
                "at": e.at,
                "at_jalali": jalali_twin(e.at),
                "action": e.action,
                "label": MOVES[e.action].label if e.action in MOVES else e.action,
                "from": e.from_status,
                "to": e.to_status,
                "note": e.note,
            }
            for e in application.events.all()
        ],
        "documents": [document_row(d) for d in documents if d.is_current],
        "document_history": [document_row(d) for d in documents if not d.is_current],
        "inquiries": [
            {
                "kind": i.kind,
                "label": i.get_kind_display(),
                "status": i.status,
                "status_display": i.get_status_display(),
                "reason": i.reason,
            }
            for i in application.inquiries.all()
        ],
        "needed_now": needed_now(application, documents),
        "actions": [m.action for m in services.actions_available(application, actor)],
        "decision_reason": application.decision_reason,
        "failed_conditions": application.failed_conditions,
        "assessment": application.assessment,
        "licence_number": application.licence_number or None,
    }


CaseSchema = inline_serializer(
    "ApplicationCase",
    {
        "id": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=Status.choices),
        "status_display": serializers.CharField(),
        "tracking_code": serializers.CharField(allow_null=True),
        "timeline": serializers.ListField(child=serializers.DictField()),
        "deadlines": serializers.ListField(child=serializers.DictField()),
        "documents": DocumentSerializer(many=True),
        "conditions": serializers.ListField(child=serializers.DictField()),
        "needed_now": serializers.ListField(child=serializers.CharField()),
        "actions": serializers.ListField(child=serializers.CharField()),
        "licence_number": serializers.CharField(allow_null=True),
    },
)


def _case(request: Request, pk: int) -> Application:
    try:
        return case_detail(request.user, pk)
    except Application.DoesNotExist:
        raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404) from None


def _case_response(request: Request, pk: int, status: int = 200) -> Response:
    """The case body, from the cache while nothing it is made of changed (``casecache``); a
    miss goes through the scope (``case_detail``: 404 when not the reader's)."""
    body = casecache.case_body_cached(request.user, pk, lambda: case_body(_case(request, pk), request.user))
    return Response(body, status=status)


# --- views ----------------------------------------------------------------------------------


class CreateApplicationSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    district = serializers.IntegerField()
    facts = serializers.DictField(required=False, help_text="facts of API.md; validated one by one")


class QueuePagination(PageNumberPagination):
    page_size = settings.QUEUE_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_is_lower_bound"] = bool(self.page and getattr(self.page.paginator, "capped", False))
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_is_lower_bound"] = {"type": "boolean", "description": "more rows than `count`"}
        return out


class ApplicationListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_list",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                description="one or more statuses, comma-separated; `all` for every status; "
                "absent: the statuses the caller's roles work on",
            ),
            OpenApiParameter("district", int),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("acknowledged", bool),
            OpenApiParameter("sort", str, enum=["age", "-age", "deadline", "-deadline"]),
            OpenApiParameter("mine", bool, description="the caller's own cases, also for staff"),
            *page_parameters(),
        ],
        responses={
            200: paginated(
                "ApplicationPage",
                QueueItemSerializer(many=True),
                count_is_lower_bound=serializers.BooleanField(help_text="more rows than `count`"),
            ),
            400: ErrorSerializer,
        },
        summary="Staff: their municipality's queue; applicants: their own cases",
    )
    def get(self, request: Request) -> Response:
        mine = request.query_params.get("mine") in ("1", "true") or not is_staff_for(request.user)
        qs = my_cases(request.user) if mine else queue(request.user, request.query_params)
        paginator = QueuePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(QueueItemSerializer(page, many=True).data)

    @extend_schema(
        operation_id="applications_create",
        request=CreateApplicationSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            201: CaseSchema,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            429: ErrorSerializer,  # the admission gate, when configured (code "overloaded", Retry-After)
        },
    )
    def post(self, request: Request) -> Response:
        raw = dict(request.data)
        facts = raw.pop("facts", None)
        serializer = CreateApplicationSerializer(data=raw)
        serializer.is_valid(raise_exception=True)

        def run() -> Response:
            call = casecache.call_for_new_case(serializer.validated_data["call"])
            if call is None:
                raise ApplicationError(msg.CALL_UNKNOWN, code="not_found", status=404)
            application = services.application_create(
                call=call, district_id=serializer.validated_data["district"], facts_raw=facts, actor=request.user
            )
            # the new draft carries its rows: its body needs no second read of the case
            return Response(case_body(application, request.user), status=201)

        return idempotent(request, "applications.create", run)


class ApplicationDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="applications_read", responses={200: CaseSchema, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return _case_response(request, pk)

    @extend_schema(
        operation_id="applications_update",
        request=inline_serializer(
            "ApplicationUpdate",
            {"facts": serializers.DictField(required=False), "district": serializers.IntegerField(required=False)},
        ),
        responses={200: CaseSchema, 400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        application = _case(request, pk)
        if application.applicant_id != request.user.pk:
            raise ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)
        services.application_update(
            application_id=pk,
            actor=request.user,
            facts_raw=request_body(request).get("facts"),
            district_id=request_body(request).get("district"),
        )
        return _case_response(request, pk)


class DocumentUploadView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [NormalizingMultiPartParser]

    @extend_schema(
        operation_id="applications_documents_create",
        request={
            "multipart/form-data": inline_serializer(
                "DocumentUpload", {"type": serializers.CharField(), "file": serializers.FileField()}
            )
        },
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            201: DocumentSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
            413: ErrorSerializer,
            415: ErrorSerializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _case(request, pk)
        if application.applicant_id != request.user.pk:
            raise ApplicationError(msg.NOT_PERMITTED, code="permission_denied", status=403)

        def run() -> Response:
            document = document_upload(
                application=application,
                doc_type=request_body(request).get("type"),
                file=request.FILES.get("file"),
                actor=request.user,
            )
            return Response(DocumentSerializer(document).data, status=201)

        return idempotent(request, f"applications.documents.{pk}", run)


class SubmitView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_submit",
        request=None,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={200: CaseSchema, 404: ErrorSerializer, 409: ErrorSerializer, 429: ErrorSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        _case(request, pk)

        def run() -> Response:
            services.application_submit(application_id=pk, actor=request.user)
            return _case_response(request, pk)

        return idempotent(request, f"applications.submit.{pk}", run)


class WithdrawView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_withdraw",
        request=None,
        responses={200: CaseSchema, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        _case(request, pk)
        services.application_withdraw(application_id=pk, actor=request.user)
        return _case_response(request, pk)


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
        _case(request, pk)
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


class DocumentReviewView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="documents_review",
        request=inline_serializer(
            "DocumentReviewRequest",
            {
                "decision": serializers.ChoiceField(choices=["accept", "reject"]),
                "reason": serializers.CharField(required=False),
            },
        ),
        responses={
            200: DocumentSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        document = _document(request, pk)
        reviewed = document_review(
            document_id=document.pk,
            decision=request_body(request).get("decision"),
            reason=request_body(request).get("reason"),
            actor=request.user,
        )
        return Response(DocumentSerializer(reviewed).data)


def _document(request: Request, pk: int) -> Document:
    document = Document.objects.filter(pk=pk, application__in=cases_visible(request.user)).first()
    if document is None:
        raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404)
    return document


class DocumentDownloadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="documents_download",
        # the file in its checked type (documents.validation), as an attachment
        responses={
            **{(200, mime): bytes for mime in ("application/pdf", "image/jpeg", "image/png")},
            404: ErrorSerializer,
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return document_file_response(_document(request, pk))


def document_file_response(document: Document) -> FileResponse:
    """The stored file as an attachment, never rendered inline (``daftar.kernel.files``)."""
    name = str(document.file.name)
    extension = name.rsplit(".", 1)[-1]
    return attachment_response(name, f"{document.doc_type}-v{document.version}.{extension}", document.mime)


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
