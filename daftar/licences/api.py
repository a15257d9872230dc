"""REST API of licences for their holders and the municipality's staff (API.md «Licences (S16)»).

Licences are fetched through ``policy.visible``: a holder sees their own, staff of a
municipality see that municipality's; anything else is "not found" (404), never "forbidden".
The public key that verifies certificate QR codes is public.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.errors import ApplicationError
from daftar.kernel.fields import jalali_twin
from daftar.kernel.schema import page_parameters, paginated

from . import policy, signing
from .certificate import certificate_pdf
from .models import Licence

NOT_FOUND = "مجوزی با این شماره یافت نشد یا به آن دسترسی ندارید."


def licences_visible(actor: Any) -> Any:
    """Licences ``actor`` may see: their own, and their municipalities' when they are staff."""
    return policy.visible(actor).select_related("municipality", "district", "licence_type")


class LicenceSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    licence_type = serializers.CharField(source="licence_type.title")
    municipality = serializers.SerializerMethodField()
    district = serializers.SerializerMethodField()
    issued_at_jalali = serializers.SerializerMethodField()
    valid_from_jalali = serializers.SerializerMethodField()
    valid_until_jalali = serializers.SerializerMethodField()
    certificate_url = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = [
            "number",
            "status",
            "status_display",
            "licence_type",
            "holder_name",
            "office_name",
            "municipality",
            "district",
            "premises_area_m2",
            "issued_at",
            "issued_at_jalali",
            "valid_from",
            "valid_from_jalali",
            "valid_until",
            "valid_until_jalali",
            "suspended_until",
            "renewals",
            "application",
            "certificate_url",
            "actions",
        ]

    def get_municipality(self, licence: Licence) -> dict[str, str]:
        return {"slug": licence.municipality.slug, "name": licence.municipality.name}

    def get_district(self, licence: Licence) -> dict[str, Any]:
        return {"id": licence.district_id, "name": licence.district.name}

    def get_issued_at_jalali(self, licence: Licence) -> str | None:
        return jalali_twin(licence.issued_at)

    def get_valid_from_jalali(self, licence: Licence) -> str | None:
        return jalali_twin(licence.valid_from)

    def get_valid_until_jalali(self, licence: Licence) -> str | None:
        return jalali_twin(licence.valid_until)

    def get_certificate_url(self, licence: Licence) -> str:
        return f"/api/v1/licences/{licence.number}/certificate.pdf"

    def get_actions(self, licence: Licence) -> list[str]:
        """The moves the caller may take now (``POST …/actions``): the licence's table asked
        through the policy; empty for the holder and for staff without the role."""
        return policy.actions(self.context["request"].user, licence)


class LicencePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


class LicenceListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="licences_list",
        parameters=[
            OpenApiParameter("mine", bool, description="only the caller's own licences (also for staff)"),
            *page_parameters(),
        ],
        responses={200: paginated("LicencePage", LicenceSerializer(many=True))},
        summary="Holders: their licences; staff: their municipality's licences",
    )
    def get(self, request: Request) -> Response:
        qs = licences_visible(request.user)
        if request.query_params.get("mine") in ("1", "true"):
            qs = qs.filter(holder=request.user)
        paginator = LicencePagination()
        page: list[Licence] | None = paginator.paginate_queryset(qs.order_by("-issued_at", "-pk"), request, view=self)
        policy.remember_owners(page or [])
        body = LicenceSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(body)


class CertificateView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="licences_certificate",
        responses={(200, "application/pdf"): bytes, 404: ErrorSerializer},
        summary="The certificate PDF (holder and the municipality's staff only)",
    )
    def get(self, request: Request, number: str) -> HttpResponse:
        licence = licences_visible(request.user).filter(number=number.upper()).first()
        if licence is None:
            raise ApplicationError(NOT_FOUND, code="not_found", status=404)
        response = HttpResponse(certificate_pdf(licence), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="licence-{licence.number}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class PublicKeyView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="licences_public_key",
        responses={(200, "text/plain"): str},
        summary="The Ed25519 public key (PEM) that verifies certificate QR codes offline",
    )
    def get(self, request: Request) -> HttpResponse:
        return public_key_response()


def public_key_response() -> HttpResponse:
    response = HttpResponse(signing.public_key_pem(), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def public_key_pem_view(request: HttpRequest) -> HttpResponse:
    """``/licences/public-key.pem``: the same key for people and scripts outside the API."""
    return public_key_response()
