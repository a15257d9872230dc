"""REST API of application cases and their documents (API.md «Calls and applications»).

Every object is fetched through ``selectors.cases_visible`` (404 when not yours); every change
goes through ``services``. Creating requests accept an ``Idempotency-Key``.

The package, by concept, each module importing only those before it: ``serializers`` (what the
API answers: the case's body, documents, queue rows), ``cases`` (the list, creating, reading
and editing a case, submitting and withdrawing it), ``staff`` (moves, inquiry retries,
acknowledgement, the export and the ranking) and ``documents`` (upload, review, download).
``api_urls`` routes to the views re-exported here.
"""

from .cases import ApplicationDetailView, ApplicationListView, SubmitView, WithdrawView
from .documents import DocumentDownloadView, DocumentReviewView, DocumentUploadView, document_file_response
from .serializers import CaseSchema, DocumentSerializer, QueueItemSerializer, case_body, document_row
from .staff import AcknowledgeView, ExportView, InquiryRetryView, RankingView, TransitionView

__all__ = [
    "AcknowledgeView",
    "ApplicationDetailView",
    "ApplicationListView",
    "CaseSchema",
    "DocumentDownloadView",
    "DocumentReviewView",
    "DocumentSerializer",
    "DocumentUploadView",
    "ExportView",
    "InquiryRetryView",
    "QueueItemSerializer",
    "RankingView",
    "SubmitView",
    "TransitionView",
    "WithdrawView",
    "case_body",
    "document_file_response",
    "document_row",
]
