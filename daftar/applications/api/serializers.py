"""What the case API answers: a case's body, its documents and a queue's rows (API.md «Calls
and applications»).

``case_body`` is the case as the API and the pages show it: status, tracking code, timeline,
legal deadlines (P1), documents (S12), inquiries, the conditions judged live by the call's rule
set (S9–S11), the score (P4), the exam and interview the applicant is to attend, what is
needed now and the moves the reader may take.
``document_row`` renders a document without DRF's per-field machinery (issue 7); ``CaseSchema``
describes the body in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from daftar.documents.models import Document
from daftar.kernel.fields import jalali_twin

from .. import services
from ..clocks import clock_summary
from ..models import Application
from ..presenters import appointments_for, needed_now
from ..selectors import is_overdue
from ..workflow import MOVES, Status


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
    # the exam session and interview the applicant is to attend, set by the assessments app
    appointments = [
        {**row, "starts_at_jalali": jalali_twin(row["starts_at"])}
        for row in appointments_for([application]).get(application.pk, [])
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
        "appointments": appointments,
        "needed_now": needed_now(application, documents, appointments=appointments),
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
        "appointments": serializers.ListField(
            child=inline_serializer(
                "CaseAppointment",
                {
                    "kind": serializers.ChoiceField(choices=["exam", "interview"]),
                    "title": serializers.CharField(),
                    "starts_at": serializers.DateTimeField(),
                    "starts_at_jalali": serializers.CharField(),
                    "place": serializers.CharField(),
                },
            )
        ),
        "needed_now": serializers.ListField(child=serializers.CharField()),
        "actions": serializers.ListField(child=serializers.CharField()),
        "licence_number": serializers.CharField(allow_null=True),
    },
)
