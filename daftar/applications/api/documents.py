"""A case's documents through the API (S12): the applicant uploads, staff review, and a
download is access-checked and always an attachment (``daftar.kernel.files``).
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.documents.models import Document
from daftar.kernel.api import request_body
from daftar.kernel.errors import ApplicationError
from daftar.kernel.files import attachment_response
from daftar.kernel.parsers import NormalizingMultiPartParser
from daftar.runtime.idempotency import idempotent

from .. import messages as msg
from ..case_documents import document_review, document_upload
from ..selectors import cases_visible
from .cases import _case
from .serializers import DocumentSerializer


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
