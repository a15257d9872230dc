"""The application case's state machine, declared once (API.md «Moving a case»).

``CASE`` (its table ``MOVES``) is the single table of what may happen: each action names the
states it starts from, where it goes, the roles that may take it and the guard that must hold.
Services, the API (``GET …/transitions``), the HTML pages and the tests all read this table;
who may take a move is answered by ``policy.may_move``; nothing else decides whether a move is
legal. Declared with the kernel's lifecycle (``daftar.kernel.lifecycle``) like every other
stateful model.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from daftar.accounts.constants import Role
from daftar.kernel.lifecycle import SYSTEM, Lifecycle, Move, move

from . import messages as msg


class Status(models.TextChoices):
    DRAFT = "draft", "پیش‌نویس"
    SUBMITTED = "submitted", "ثبت‌شده"
    DOCUMENT_REVIEW = "document_review", "بررسی مدارک"
    CORRECTION_REQUESTED = "correction_requested", "نیازمند اصلاح"
    EXAM = "exam", "آزمون"
    INTERVIEW = "interview", "مصاحبه"
    SITE_INSPECTION = "site_inspection", "بازدید میدانی"
    FINAL_REVIEW = "final_review", "بررسی نهایی"
    APPROVED = "approved", "تأییدشده"
    LICENCE_ISSUED = "licence_issued", "مجوز صادر شد"
    REJECTED = "rejected", "ردشده"
    WITHDRAWN = "withdrawn", "انصراف"
    EXPIRED = "expired", "منقضی"


FINAL = frozenset({Status.LICENCE_ISSUED, Status.REJECTED, Status.WITHDRAWN, Status.EXPIRED})
# The states in which staff are reviewing the case (``reject`` is allowed from these).
REVIEW_STATES = frozenset(
    {
        Status.SUBMITTED,
        Status.DOCUMENT_REVIEW,
        Status.EXAM,
        Status.INTERVIEW,
        Status.SITE_INSPECTION,
        Status.FINAL_REVIEW,
    }
)
# The states in which the legal clock runs against the municipality (P1); in
# ``correction_requested`` the applicant's own deadline runs instead and the municipality's pauses.
CLOCKED = REVIEW_STATES | {Status.APPROVED}
# Cases that passed document review and compete for a district's quota (P4).
PASSED_REVIEW = frozenset(
    {Status.EXAM, Status.INTERVIEW, Status.SITE_INSPECTION, Status.FINAL_REVIEW, Status.APPROVED, Status.LICENCE_ISSUED}
)

APPLICANT = "applicant"  # the case's owner, not a municipal role


def _m(
    action: str,
    label: str,
    sources: Iterable[str],
    target: str,
    roles: Iterable[str],
    guard: str | None = None,
    fields: tuple[str, ...] = (),
    fail_target: str | None = None,
) -> Move:
    return move(action, label, sources, target, roles, guard=guard, fields=fields, fail_target=fail_target)


CASE = Lifecycle.declare(
    name="application",
    title="the application case (Application.status)",
    states=Status,
    initial={Status.DRAFT},
    illegal_message=msg.ILLEGAL_MOVE,
    unknown_message=msg.UNKNOWN_ACTION,
    moves=(
        _m(
            "submit",
            "ثبت نهایی درخواست",
            {Status.DRAFT, Status.CORRECTION_REQUESTED},
            Status.SUBMITTED,
            {APPLICANT},
            "documents_complete",
        ),
        _m("withdraw", "انصراف از درخواست", set(Status) - FINAL, Status.WITHDRAWN, {APPLICANT}),
        _m("start_review", "آغاز بررسی مدارک", {Status.SUBMITTED}, Status.DOCUMENT_REVIEW, {Role.REVIEWER}),
        _m(
            "request_correction",
            "درخواست اصلاح مدارک",
            {Status.DOCUMENT_REVIEW},
            Status.CORRECTION_REQUESTED,
            {Role.REVIEWER},
            "has_rejected_documents",
            ("reason", "documents"),
        ),
        _m(
            "accept_documents",
            "تأیید مدارک و ارجاع به آزمون",
            {Status.DOCUMENT_REVIEW},
            Status.EXAM,
            {Role.REVIEWER},
            "documents_accepted",
        ),
        _m(
            "record_exam",
            "ثبت نتیجهٔ آزمون",
            {Status.EXAM},
            Status.INTERVIEW,
            {Role.EXAMINER},
            None,
            ("score",),
            Status.REJECTED,
        ),
        _m(
            "record_interview",
            "ثبت نتیجهٔ مصاحبه",
            {Status.INTERVIEW},
            Status.SITE_INSPECTION,
            {Role.EXAMINER},
            None,
            ("scores",),
            Status.REJECTED,
        ),
        _m(
            "record_inspection",
            "ثبت نتیجهٔ بازدید میدانی",
            {Status.SITE_INSPECTION},
            Status.FINAL_REVIEW,
            {Role.INSPECTOR},
            None,
            ("premises_use", "measured_area_m2", "equipment", "location"),
            Status.REJECTED,
        ),
        _m("approve", "تأیید نهایی", {Status.FINAL_REVIEW}, Status.APPROVED, {Role.LICENSING_AUTHORITY}, "approvable"),
        _m(
            "reject",
            "رد درخواست",
            REVIEW_STATES,
            Status.REJECTED,
            {Role.REVIEWER, Role.LICENSING_AUTHORITY},
            "rejection_justified",
            ("reason", "conditions"),
        ),
        _m("issue_licence", "صدور مجوز", {Status.APPROVED}, Status.LICENCE_ISSUED, {Role.LICENSING_AUTHORITY}),
        # P1 (the business-licence facilitation law): the body's silence past the legal time is
        # approval; the system issues the licence (consequences.py, per municipality and type)
        _m("deemed_approval", "صدور مجوز به حکم قانون", CLOCKED, Status.LICENCE_ISSUED, {SYSTEM}, "approvable"),
        _m(
            "expire",
            "انقضای مهلت اصلاح",
            {Status.CORRECTION_REQUESTED, Status.DRAFT},
            Status.EXPIRED,
            {SYSTEM},
            "expirable",
        ),
    ),
)
MOVES: dict[str, Move] = CASE.moves
# Staff may take these through ``POST …/transitions``; the applicant's own moves have their own endpoints.
STAFF_ACTIONS = [a for a, m in MOVES.items() if not m.roles & {APPLICANT, SYSTEM}]
STAFF_ROLES_FOR_CASES = frozenset(
    {Role.REVIEWER, Role.EXAMINER, Role.INSPECTOR, Role.LICENSING_AUTHORITY, Role.MUNICIPALITY_ADMIN}
)
