"""HTML pages of application cases (issue 4 §7): the applicant's cases and case page, the
staff case page with document review and moves, and the staff work queue.

The views are thin: a form gathers the input, the same services as the API decide
(``services``, ``case_documents``), and every ``ApplicationError`` is shown in Persian on
the page with the status it carries (400/403/409/413/415), never as a 500. What a user may do
comes from ``services.actions_available`` (``workflow.MOVES``), never from the template.
A case that is not visible to the user is a 404, the same as a case that does not exist.

The package, by concept, each module importing only those before it: ``case_page`` (the case
page itself, for the applicant and staff alike), ``applicant`` (one's cases, the way in from
the catalogue, uploading, submitting, withdrawing), ``staff`` (document review, moves, inquiry
retries on the case page) and ``queue`` (the staff's work queue, its export and bulk
acknowledgement). ``urls`` routes to the pages re-exported here.
"""

from .applicant import (
    SUBMITTED,
    UPLOAD_ONLY_APPLICANT,
    UPLOADED,
    WITHDRAWN,
    mine,
    start,
    submit,
    upload,
    withdraw,
)
from .case_page import CREATED_EVENT, KINDS, STATE_LABELS, detail
from .queue import ACKNOWLEDGED, FILTER_INVALID, NONE_CHOSEN, PAGE_SIZE, acknowledge, export, queue_page
from .staff import (
    FORM_INVALID,
    INQUIRY_RETRIED,
    MOVED,
    NOT_PERMITTED,
    REVIEWED,
    act,
    document_file,
    document_viewer,
    retry_inquiry,
    review,
)

__all__ = [
    "ACKNOWLEDGED",
    "CREATED_EVENT",
    "FILTER_INVALID",
    "FORM_INVALID",
    "INQUIRY_RETRIED",
    "KINDS",
    "MOVED",
    "NONE_CHOSEN",
    "NOT_PERMITTED",
    "PAGE_SIZE",
    "REVIEWED",
    "STATE_LABELS",
    "SUBMITTED",
    "UPLOADED",
    "UPLOAD_ONLY_APPLICANT",
    "WITHDRAWN",
    "acknowledge",
    "act",
    "detail",
    "document_file",
    "document_viewer",
    "export",
    "mine",
    "queue_page",
    "retry_inquiry",
    "review",
    "start",
    "submit",
    "upload",
    "withdraw",
]
