"""REST API of site inspections (S11, S14). An inspection or case outside the user's
municipality is a 404; a reader without the inspector role gets 403 on changes."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body
from daftar.kernel.fields import jalali_twin
from daftar.kernel.files import attachment_response
from daftar.kernel.parsers import NormalizingMultiPartParser

from . import policy
from .checklist import checklist, visit_checklist
from .models import Inspection, InspectionPhoto, SupervisionVisit
from .selectors import (
    case_for_inspector,
    inspection_for,
    licence_for_inspector,
    photo_download_name,
    photo_for,
    visit_for,
)
from .services import PHOTO_TYPES, inspection_record, inspection_schedule, photo_add, visit_record, visit_schedule

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def photo_body(p: InspectionPhoto) -> dict[str, Any]:
    return {
        "id": p.pk,
        "original_name": p.original_name,
        "mime": p.mime,
        "size": p.size,
        "sha256": p.sha256,
        "uploaded_at": p.uploaded_at,
        "download_url": f"/api/v1/inspections/{p.inspection_id}/photos/{p.pk}",
    }


def inspection_body(i: Inspection, actor: Any) -> dict[str, Any]:
    """The inspection, with the moves ``actor`` may take on it now (``record``)."""
    return {
        "id": i.pk,
        "application": i.application_id,
        "application_status": i.application.status,
        "inspector": i.inspector_id,
        "scheduled_at": i.scheduled_at,
        "scheduled_at_jalali": jalali_twin(i.scheduled_at),
        "status": i.status,
        "status_display": i.get_status_display(),
        "checklist": [item.as_dict() for item in checklist(i.application)],
        "result": i.result,
        "passed": i.passed,
        "photos": [photo_body(p) for p in i.photos.all()],
        "actions": policy.actions(actor, i),
    }


class InspectionChecklistItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    condition = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=["use", "area", "equipment", "zone", "distance"])
    threshold = serializers.JSONField(allow_null=True)


class InspectionResultItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    condition = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField()
    threshold = serializers.JSONField(allow_null=True)
    measured = serializers.JSONField(allow_null=True)
    result = serializers.ChoiceField(choices=["pass", "fail"])
    reason = serializers.CharField()


class InspectionPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    mime = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class InspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField()
    application_status = serializers.CharField()
    inspector = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()
    scheduled_at_jalali = serializers.CharField()
    status = serializers.ChoiceField(choices=["scheduled", "done"])
    status_display = serializers.CharField()
    checklist = InspectionChecklistItemSerializer(many=True)
    result = InspectionResultItemSerializer(many=True)
    passed = serializers.BooleanField(allow_null=True)
    photos = InspectionPhotoSerializer(many=True)
    actions = serializers.ListField(child=serializers.CharField(), help_text="the moves the caller may take now")


class InspectionScheduleInputSerializer(serializers.Serializer):
    scheduled_at = serializers.CharField(help_text="Jalali or ISO date and time, Tehran time: 1405/01/15 09:30")


class InspectionLocationSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()


class InspectionResultInputSerializer(serializers.Serializer):
    premises_use = serializers.CharField(help_text="commercial, office, residential, industrial or other")
    measured_area_m2 = serializers.FloatField()
    equipment = serializers.ListField(child=serializers.CharField(), help_text="codes of the equipment present")
    location = InspectionLocationSerializer()


class ApplicationInspectionsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="inspections_schedule",
        request=InspectionScheduleInputSerializer,
        responses={201: InspectionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = case_for_inspector(request.user, pk)
        inspection = inspection_schedule(application, request.user, request_body(request).get("scheduled_at"))
        return Response(inspection_body(inspection_for(request.user, inspection.pk), request.user), status=201)


class InspectionView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="inspections_read", responses={200: InspectionSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(inspection_body(inspection_for(request.user, pk), request.user))


class InspectionPhotosView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [NormalizingMultiPartParser]

    @extend_schema(
        operation_id="inspections_photos_create",
        request={"multipart/form-data": inline_serializer("InspectionPhotoUpload", {"file": serializers.FileField()})},
        responses={201: InspectionPhotoSerializer, 413: ErrorSerializer, 415: ErrorSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        inspection = inspection_for(request.user, pk)
        photo = photo_add(inspection, request.FILES.get("file"), actor=request.user)
        return Response(photo_body(photo), status=201)


class InspectionPhotoView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="inspections_photos_download",
        responses={**{(200, mime): bytes for mime in PHOTO_TYPES}, 404: ErrorSerializer},
        summary="A photo of a visit, as an attachment (inspectors and the licensing authority)",
    )
    def get(self, request: Request, pk: int, photo_id: int) -> FileResponse:
        photo = photo_for(request.user, pk, photo_id)
        return attachment_response(str(photo.file.name), photo_download_name(photo), photo.mime)


class InspectionResultView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="inspections_result_create",
        request=InspectionResultInputSerializer,
        responses={200: InspectionSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        inspection = inspection_for(request.user, pk)
        inspection_record(inspection, request_body(request), request.user)
        return Response(inspection_body(inspection_for(request.user, pk), request.user))


# --- supervision visits of licensed offices (S11.3, S17, P6) --------------------------------


def visit_body(v: SupervisionVisit, actor: Any) -> dict[str, Any]:
    """The visit, with the moves ``actor`` may take on it now (``record``)."""
    return {
        "id": v.pk,
        "licence": v.licence.number,
        "office_name": v.licence.display_name,
        "inspector": v.inspector_id,
        "scheduled_at": v.scheduled_at,
        "scheduled_at_jalali": jalali_twin(v.scheduled_at),
        "status": v.status,
        "status_display": v.get_status_display(),
        "checklist": [item.as_dict() for item in visit_checklist(v.licence)],
        "result": v.result,
        "passed": v.passed,
        "actions": policy.actions(actor, v),
    }


class VisitChecklistItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    condition = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=["equipment", "hours", "tariff", "use"])
    threshold = serializers.JSONField(allow_null=True)


class SupervisionVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    licence = serializers.CharField()
    office_name = serializers.CharField()
    inspector = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()
    scheduled_at_jalali = serializers.CharField()
    status = serializers.CharField(help_text="scheduled or done")
    status_display = serializers.CharField()
    checklist = VisitChecklistItemSerializer(many=True)
    result = InspectionResultItemSerializer(many=True)
    passed = serializers.BooleanField(allow_null=True)
    actions = serializers.ListField(child=serializers.CharField(), help_text="the moves the caller may take now")


class VisitResultInputSerializer(serializers.Serializer):
    equipment = serializers.ListField(child=serializers.CharField(), help_text="codes of the equipment still present")
    hours_posted = serializers.BooleanField(help_text="the approved working hours are posted (S17)")
    tariff_posted = serializers.BooleanField(help_text="the tariff table is posted (P6)")
    premises_use = serializers.CharField(help_text="the premises use seen: commercial, office, residential, ...")


class LicenceVisitsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="supervision_visits_schedule",
        request=InspectionScheduleInputSerializer,
        responses={201: SupervisionVisitSerializer, **ERRORS},
    )
    def post(self, request: Request, number: str) -> Response:
        licence = licence_for_inspector(request.user, number)
        visit = visit_schedule(licence, request.user, request_body(request).get("scheduled_at"))
        return Response(visit_body(visit_for(request.user, visit.pk), request.user), status=201)


class VisitView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="supervision_visits_read", responses={200: SupervisionVisitSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(visit_body(visit_for(request.user, pk), request.user))


class VisitResultView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="supervision_visits_result_create",
        request=VisitResultInputSerializer,
        responses={200: SupervisionVisitSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = visit_for(request.user, pk)
        visit_record(visit, request_body(request), request.user)
        return Response(visit_body(visit_for(request.user, pk), request.user))
