"""The states of a feedback request (issue 22 §1), declared once with the kernel's lifecycle.

sent → rated (the citizen's one use of the link; a comment with abusive words, a phone number
or a link goes to ``flagged`` instead, the move's failure target) → flagged comments are
published or kept hidden by a supervisor of the office's municipality. The rating counts in the
office's figures in every state after ``sent``; only the comment's visibility differs. An
expired link is not a state: the link's guard refuses it (404, like an unknown one). The
diagram is ``docs/lifecycles/feedback.md`` (``make diagrams``).
"""

from __future__ import annotations

from django.db import models

from daftar.accounts.constants import Role
from daftar.kernel.lifecycle import Lifecycle, move

from . import messages as msg


class FeedbackStatus(models.TextChoices):
    SENT = "sent", "در انتظار نظر"
    RATED = "rated", "ثبت‌شده"
    FLAGGED = "flagged", "نگه‌داشته برای بازبینی"
    PUBLISHED = "published", "منتشرشده پس از بازبینی"
    HIDDEN = "hidden", "پنهان‌مانده پس از بازبینی"


LINK_HOLDER = "link_holder"  # whoever holds the signed link: no account, the link is the key
MODERATORS = frozenset({Role.SUPERVISOR})
# the states whose rating counts, and those whose comment the office reads
RATED_STATES = frozenset(
    {FeedbackStatus.RATED, FeedbackStatus.FLAGGED, FeedbackStatus.PUBLISHED, FeedbackStatus.HIDDEN}
)
SHOWN_STATES = frozenset({FeedbackStatus.RATED, FeedbackStatus.PUBLISHED})

FEEDBACK = Lifecycle.declare(
    name="feedback",
    title="a citizen's rating of a service, asked by an SMS link (FeedbackRequest.status)",
    states=FeedbackStatus,
    initial={FeedbackStatus.SENT},
    illegal_message=msg.ILLEGAL,
    moves=(
        move(
            "rate",
            "ثبت نظر",
            {FeedbackStatus.SENT},
            FeedbackStatus.RATED,
            {LINK_HOLDER},
            guard="link_live",
            effect="keep_rating",
            fields=("rating", "comment"),
            fail_target=FeedbackStatus.FLAGGED,
        ),
        move("publish", "انتشار", {FeedbackStatus.FLAGGED}, FeedbackStatus.PUBLISHED, MODERATORS, effect="moderated"),
        move("hide", "پنهان ماندن", {FeedbackStatus.FLAGGED}, FeedbackStatus.HIDDEN, MODERATORS, effect="moderated"),
    ),
)
