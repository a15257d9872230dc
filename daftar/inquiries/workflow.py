"""The inquiry's lifecycle, declared once with the kernel (issue 16; S9.2–S9.4, S14).

``INQUIRY`` is the one table of what happens to an inquiry: the worker records the outside
body's answer (``passed``, or ``failed`` for a refusal) or, out of attempts, gives up
(``error``); an inquiry that got no answer is asked again when the case is resubmitted (the
system) or when the case's reviewer or licensing authority asks (``retry``); a renewal asks
again every answer older than its limit (``refresh``). A refusal is the body's answer, not ours
to overrule: staff cannot re-run a ``failed`` inquiry. Who may take a move is ``policy.may_move``;
the effects are bound in ``services``. Nothing else changes ``Inquiry.status``.

Creating the row is not a move: it starts ``pending`` (the lifecycle's initial state). Claiming a
pending row for an attempt (its lease) and scheduling the next attempt are not moves either:
the status stays ``pending``.
"""

from __future__ import annotations

from django.db import models

from daftar.accounts.constants import Role
from daftar.kernel.lifecycle import SYSTEM, Lifecycle, move

from . import messages as msg


class InquiryStatus(models.TextChoices):
    PENDING = "pending", "در صف"
    PASSED = "passed", "تأیید شد"
    FAILED = "failed", "رد شد"
    ERROR = "error", "پاسخ نگرفت"


# Staff who may ask again an inquiry that got no answer (of the case's municipality).
RETRY_ROLES = frozenset({Role.REVIEWER, Role.LICENSING_AUTHORITY})

INQUIRY = Lifecycle.declare(
    name="inquiry",
    title="an inquiry with an outside body (Inquiry.status)",
    states=InquiryStatus,
    initial={InquiryStatus.PENDING},
    illegal_message=msg.RETRY_NOT_ERROR,
    illegal_code="inquiry_not_error",
    moves=(
        move(
            "answer",
            "ثبت پاسخ مرجع",
            {InquiryStatus.PENDING},
            InquiryStatus.PASSED,
            {SYSTEM},
            effect="answered",
            fail_target=InquiryStatus.FAILED,
        ),
        move(
            "give_up",
            "پایان تلاش‌ها بی‌پاسخ",
            {InquiryStatus.PENDING},
            InquiryStatus.ERROR,
            {SYSTEM},
            effect="gave_up",
        ),
        move(
            "ask_again",
            "درخواست دوباره با ثبت دوبارهٔ پرونده",
            {InquiryStatus.ERROR},
            InquiryStatus.PENDING,
            {SYSTEM},
            effect="reset",
        ),
        move("retry", "درخواست دوباره", {InquiryStatus.ERROR}, InquiryStatus.PENDING, RETRY_ROLES, effect="reset"),
        move(
            "refresh",
            "درخواست دوباره برای تمدید",
            {InquiryStatus.PASSED, InquiryStatus.FAILED, InquiryStatus.ERROR},
            InquiryStatus.PENDING,
            {SYSTEM},
            effect="reset",
        ),
    ),
)
