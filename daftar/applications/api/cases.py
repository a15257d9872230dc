"""The case endpoints: the list (a staff member's queue or one's own cases), creating a draft in
an open call (S7), reading and editing one case, submitting and withdrawing it.

Every case is fetched through the reader's scope (``_case``: 404 when not theirs) and answered
from the case cache while nothing it is made of changed (``_case_response``); the staff and
document endpoints use the same two.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body
from daftar.kernel.errors import ApplicationError
from daftar.kernel.schema import page_parameters, paginated
from daftar.runtime.idempotency import idempotent

from .. import casecache, services
from .. import messages as msg
from ..models import Application
from ..pagination import CappedPaginator
from ..selectors import case_detail, cases_visible, is_staff_for, my_cases, queue
from .serializers import CaseSchema, QueueItemSerializer, case_body


def _case(request: Request, pk: int) -> Application:
    try:
        return case_detail(request.user, pk)
    except Application.DoesNotExist:
        raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404) from None


def _visible_or_404(request: Request, pk: int) -> None:
    """The case is the reader's to see (404 otherwise, as ``_case``): one query, for a move whose
    answer is read afresh afterwards (a submit in a call's first minute pays for nothing more)."""
    if not cases_visible(request.user).filter(pk=pk).exists():
        raise ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


def _case_response(request: Request, pk: int, status: int = 200) -> Response:
    """The case body, from the cache while nothing it is made of changed (``casecache``); a
    miss goes through the scope (``case_detail``: 404 when not the reader's)."""
    body = casecache.case_body_cached(request.user, pk, lambda: case_body(_case(request, pk), request.user))
    return Response(body, status=status)


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
            OpenApiParameter("q", str, description="tracking code, applicant name, national code or mobile"),
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


class SubmitView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="applications_submit",
        request=None,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={200: CaseSchema, 404: ErrorSerializer, 409: ErrorSerializer, 429: ErrorSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        _visible_or_404(request, pk)

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
        _visible_or_404(request, pk)
        services.application_withdraw(application_id=pk, actor=request.user)
        return _case_response(request, pk)
