"""The demo's citizens' ratings (issue 22 §1): the first demo office (the demo manager's and
clerk's) has been rated over the last three Jalali months, enough in each for its figures to
show, with a few comments and one comment held for the supervisor. Rows are written directly, as
the demo's transactions are (``offices._history``): they are what the office would have been
told, not SMS sent now. Nothing is created twice."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.utils import timezone
from django.utils.crypto import salted_hmac

from daftar.catalogue.models import Service
from daftar.feedback.models import FeedbackRequest, FeedbackStatus, Source
from daftar.feedback.moderation import reasons
from daftar.feedback.workflow import FEEDBACK
from daftar.kernel.jalali import jalali_year_month
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office
from daftar.runtime.inserts import insert_rows

# (rating, comment) — a plain Persian comment as citizens write them, or none
RATINGS = [
    (5, "کارمند با حوصله همه‌چیز را توضیح داد."),
    (5, ""),
    (4, "خوب بود، فقط جای پارک ندارد."),
    (5, "سریع و بدون صف."),
    (3, "کمی منتظر ماندم."),
    (4, "هزینه همان تعرفهٔ روی دیوار بود."),
    (2, "کارت‌خوان کار نمی‌کرد و دوباره آمدم."),
    (5, ""),
    (4, ""),
    (1, "کارمندش بی‌شعور بود"),  # held for the supervisor (an abusive word)
    (5, "از نوبت اینترنتی راضی بودم."),
    (4, ""),
]
UNANSWERED = 4  # links sent that nobody used before they expired


def demo_feedback_load(office: Office) -> None:
    if FeedbackRequest.objects.filter(office=office).exists():
        return
    service = Service.objects.filter(code="property_inquiry").first()
    if service is None:
        return
    rng = random.Random(22)  # noqa: S311 - the same demo every time; the links' nonces are secrets
    now = timezone.now()
    rows = []
    for n, (rating, comment) in enumerate(RATINGS):
        when = now - dt.timedelta(days=3 + 7 * n, hours=rng.randint(0, 5))
        day = when.astimezone(TEHRAN).date()
        held = reasons(comment)
        row = FeedbackRequest(
            office=office,
            municipality_id=office.municipality_id,
            service=service,
            source=Source.APPOINTMENT if n % 3 == 0 else Source.SERVICE,
            source_key=salted_hmac("daftar.feedback.source", f"demo:{office.pk}:{n}").hexdigest(),
            recipient_key=salted_hmac("daftar.feedback.recipient", f"demo:{n}").hexdigest(),
            day=day,
            nonce=secrets.token_hex(16),
            created_at=when,
            expires_at=when + dt.timedelta(days=7),
            rating=rating,
            comment=comment,
            flag_reasons=held,
            rated_at=when + dt.timedelta(hours=2),
        )
        row.jyear, row.jmonth = jalali_year_month((when + dt.timedelta(hours=2)).astimezone(TEHRAN).date())
        FEEDBACK.force(row, FeedbackStatus.FLAGGED if held else FeedbackStatus.RATED)
        rows.append(row)
    for n in range(UNANSWERED):
        when = now - dt.timedelta(days=10 + 9 * n)
        row = FeedbackRequest(
            office=office,
            municipality_id=office.municipality_id,
            service=service,
            source=Source.SERVICE,
            source_key=salted_hmac("daftar.feedback.source", f"demo:{office.pk}:unanswered:{n}").hexdigest(),
            recipient_key=salted_hmac("daftar.feedback.recipient", f"demo:unanswered:{n}").hexdigest(),
            day=when.astimezone(TEHRAN).date(),
            nonce=secrets.token_hex(16),
            created_at=when,
            expires_at=when + dt.timedelta(days=7),
        )
        rows.append(row)
    insert_rows(*rows)
