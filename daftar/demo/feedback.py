"""The demo's citizens' ratings (issue 22 §1): the first demo office (the demo manager's and
clerk's) has been rated in each of the three Jalali months before this one, four ratings a month
(enough for its figures to show whatever today's date), with a few comments, one comment held for
the supervisor, and four links that expired unused. Rows are written directly, as the demo's
transactions are (``offices._history``): they are what the office would have been told, not SMS
sent now. Nothing is created twice."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from daftar.catalogue.models import Service
from daftar.feedback.models import FeedbackRequest, FeedbackStatus, Source
from daftar.feedback.moderation import reasons
from daftar.feedback.selectors import months_before
from daftar.feedback.services import keyed
from daftar.feedback.workflow import FEEDBACK
from daftar.kernel.jalali import jalali_month_bounds, jalali_year_month
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office
from daftar.runtime.inserts import insert_rows

# (rating, comment), four a month from the oldest month on: a plain Persian comment or none
RATINGS = [
    (5, "کارمند با حوصله همه‌چیز را توضیح داد."),
    (5, ""),
    (4, "خوب بود، فقط جای پارک ندارد."),
    (3, "کمی منتظر ماندم."),
    (4, "هزینه همان تعرفهٔ روی دیوار بود."),
    (2, "کارت‌خوان کار نمی‌کرد و دوباره آمدم."),
    (5, ""),
    (1, "کارمندش بی‌شعور بود"),  # held for the supervisor (an abusive word)
    (5, "از نوبت اینترنتی راضی بودم."),
    (4, ""),
    (5, "سریع و بدون صف."),
    (4, ""),
]
DAYS = (5, 12, 19, 26)  # of each month
UNANSWERED = 4  # links sent that nobody used before they expired
MONTHS = 3


def _row(office: Office, service: Service, n: int, day: dt.date, source: str) -> FeedbackRequest:
    sent_on = dt.datetime.combine(day, dt.time(), tzinfo=TEHRAN)
    return FeedbackRequest(
        office=office,
        municipality_id=office.municipality_id,
        service=service,
        source=source,
        source_key=keyed("source", f"demo:{office.pk}:{n}"),
        recipient_key=keyed("recipient", f"{office.pk}:{day.isoformat()}:demo:{n}"),
        day=day,
        nonce=secrets.token_hex(16),
        created_at=sent_on,
        expires_at=sent_on + dt.timedelta(days=8),
    )


def demo_feedback_load(office: Office) -> None:
    if FeedbackRequest.objects.filter(office=office).exists():
        return
    service = Service.objects.filter(code="property_inquiry").first()
    if service is None:
        return
    rows = []
    months = list(reversed(months_before(timezone.localdate(), MONTHS)))  # oldest first
    for n, (rating, comment) in enumerate(RATINGS):
        first, _last = jalali_month_bounds(*months[n // len(DAYS)])
        day = first + dt.timedelta(days=DAYS[n % len(DAYS)] - 1)
        row = _row(office, service, n, day, Source.APPOINTMENT if n % 3 == 0 else Source.SERVICE)
        held = reasons(comment)
        row.rating, row.comment, row.flag_reasons = rating, comment, held
        row.rated_at = row.created_at + dt.timedelta(hours=14)
        row.jyear, row.jmonth = jalali_year_month(day)
        FEEDBACK.force(row, FeedbackStatus.FLAGGED if held else FeedbackStatus.RATED)
        rows.append(row)
    for k in range(UNANSWERED):
        first, _last = jalali_month_bounds(*months[k % MONTHS])
        rows.append(_row(office, service, len(RATINGS) + k, first + dt.timedelta(days=8), Source.SERVICE))
    insert_rows(*rows)
