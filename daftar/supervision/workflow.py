"""The states of a violation and of a notice (S16, P5), declared once with the kernel's lifecycle.

``VIOLATION``: a recorded violation is open until a disciplinary decision cites it.
``NOTICE``: a notice of an intended decision is open while the office may respond (once, until
its deadline) and until the licensing authority decides; the decision applies the ladder's
outcome to the licence through the licence's own lifecycle and decides the cited violations.

Their diagrams are ``docs/lifecycles/violation.md`` and ``notice.md`` (``make diagrams``); who
may take a move is answered by ``policy.may_move``; the guards and effects are bound, and the
moves taken, by ``services.py``. Recording a violation and issuing a notice create the rows in
their first state: they are staff actions of ``policy.STAFF_ACTIONS``, not moves.
"""

from __future__ import annotations

from django.db import models

from daftar.accounts.constants import Role
from daftar.kernel.lifecycle import Lifecycle, move

from . import messages as msg


class ViolationStatus(models.TextChoices):
    OPEN = "open", "باز"
    DECIDED = "decided", "رسیدگی‌شده"


class NoticeStatus(models.TextChoices):
    OPEN = "open", "در انتظار تصمیم"
    DECIDED = "decided", "تصمیم‌گیری‌شده"


HOLDER = "holder"  # the licence's holder, not a municipal role
# the disciplinary decision is the licensing authority's (S16: it issues, suspends, revokes)
DECIDERS = {Role.LICENSING_AUTHORITY}

VIOLATION = Lifecycle.declare(
    name="violation",
    title="a violation of a licensed office (Violation.status)",
    states=ViolationStatus,
    initial={ViolationStatus.OPEN},
    moves=(
        # taken for each violation a notice cites, by that notice's decision
        move("decide", "رسیدگی در تصمیم انضباطی", {ViolationStatus.OPEN}, ViolationStatus.DECIDED, DECIDERS),
    ),
)

NOTICE = Lifecycle.declare(
    name="notice",
    title="a notice of an intended disciplinary decision (Notice.status)",
    states=NoticeStatus,
    initial={NoticeStatus.OPEN},
    illegal_message=msg.NOTICE_CLOSED,
    illegal_code="notice_closed",
    moves=(
        # the office's right to respond: once, until response_due; the notice stays open
        move(
            "respond",
            "پاسخ دفتر به اخطاریه",
            {NoticeStatus.OPEN},
            NoticeStatus.OPEN,
            {HOLDER},
            guard="respondable",
            effect="keep_response",
            fields=("text",),
        ),
        # after the response or its deadline; the outcome is the ladder's (the notice's proposal)
        move(
            "decide",
            "تصمیم انضباطی",
            {NoticeStatus.OPEN},
            NoticeStatus.DECIDED,
            DECIDERS,
            guard="decidable",
            effect="apply_decision",
            fields=("reason", "outcome"),
        ),
    ),
)


# --- the review of a six-monthly office report (P5) ------------------------------------------


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "در انتظار بررسی"
    ACCEPTED = "accepted", "پذیرفته‌شده"
    CLARIFY = "clarify", "نیازمند توضیح"


# the supervisor reads the office's report and accepts it or asks the office to clarify it
REPORT_REVIEWERS = {Role.SUPERVISOR}

OFFICE_REPORT = Lifecycle.declare(
    name="office_report",
    title="the review of a six-monthly office report (OfficeReport.status)",
    states=ReportStatus,
    initial={ReportStatus.SUBMITTED},
    illegal_message=msg.REPORT_REVIEWED,
    illegal_code="report_reviewed",
    moves=(
        # also after a clarification was asked and the office gave it (by telephone, in writing)
        move(
            "accept",
            "پذیرش گزارش",
            {ReportStatus.SUBMITTED, ReportStatus.CLARIFY},
            ReportStatus.ACCEPTED,
            REPORT_REVIEWERS,
            effect="keep_review",
            fields=("note",),
        ),
        # the holder is told by SMS what to clarify
        move(
            "clarify",
            "درخواست توضیح از دفتر",
            {ReportStatus.SUBMITTED},
            ReportStatus.CLARIFY,
            REPORT_REVIEWERS,
            effect="keep_review",
            fields=("note",),
        ),
    ),
)
