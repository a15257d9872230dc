"""What an office reads of its citizens' feedback (issue 22 §1), and the supervisor's queue.

The office sees monthly figures and the comments shown to it, never a row, and only of months
that have ended: figures that moved as each citizen answered would tell the clerk who had just
served them what that citizen said. A month with fewer than ``FEEDBACK_MIN_GROUP`` ratings shows
neither its count, nor its average, nor its comments (few citizens served is few people to guess
among), and the comments of a month are listed by rating and text, not by time. Nor does the
office see whether a comment is waiting for the supervisor. Three queries whatever the number
of ratings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet

from daftar.kernel.jalali import jalali_month_bounds, jalali_month_label, jalali_year_month
from daftar.kernel.normalize import persian_digits
from daftar.offices.models import Office

from .models import FeedbackRequest
from .workflow import RATED_STATES, SHOWN_STATES

MONTHS = 12


def decimal_text(value: float | None) -> str:
    """«۳٫۹»: Persian digits and the Persian decimal separator ("" for none)."""
    return "" if value is None else persian_digits(f"{value:.1f}").replace(".", "٫")


def min_group() -> int:
    return max(1, int(settings.FEEDBACK_MIN_GROUP))


def months_before(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` Jalali months before today's, newest first (today's has not ended)."""
    year, month = jalali_year_month(today)
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


@dataclass
class Month:
    year: int
    month: int
    count: int = 0
    total: int = 0
    shown: bool = False
    comments: list[tuple[int, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return jalali_month_label(self.year, self.month)

    @property
    def average(self) -> float | None:
        return round(self.total / self.count, 1) if self.shown and self.count else None

    @property
    def average_text(self) -> str:
        return decimal_text(self.average)


@dataclass
class Satisfaction:
    months: list[Month]  # newest first
    distribution: dict[int, int]  # rating -> count, over the shown months
    count: int  # ratings over the period, shown months or not
    asked: int  # links sent over the period
    min_group: int
    current: str  # the month under way, whose figures come when it ends

    @property
    def shown_count(self) -> int:
        return sum(m.count for m in self.months if m.shown)

    @property
    def average(self) -> float | None:
        shown = [m for m in self.months if m.shown]
        count = sum(m.count for m in shown)
        return round(sum(m.total for m in shown) / count, 1) if count else None

    @property
    def average_text(self) -> str:
        return decimal_text(self.average)

    @property
    def response_percent(self) -> int | None:
        return min(100, round(100 * self.shown_count / self.asked)) if self.asked else None

    @property
    def chart_max(self) -> int:
        return max(self.distribution.values(), default=0)


def office_satisfaction(office: Office, *, today: dt.date, months: int = MONTHS) -> Satisfaction:
    keys = months_before(today, months)
    by_key = {key: Month(*key) for key in keys}
    oldest = keys[-1]
    rows = FeedbackRequest.objects.filter(office=office, status__in=RATED_STATES, jyear__gte=oldest[0])
    tally: dict[tuple[int, int], dict[int, int]] = {}
    for row in rows.values("jyear", "jmonth", "rating").annotate(n=Count("pk")).order_by():
        key = (row["jyear"], row["jmonth"])
        if key in by_key:
            tally.setdefault(key, {})[row["rating"] or 0] = row["n"]
    smallest = min_group()
    distribution = dict.fromkeys(range(5, 0, -1), 0)
    for key, ratings in tally.items():
        tallied = by_key[key]
        tallied.count = sum(ratings.values())
        tallied.total = sum(r * n for r, n in ratings.items())
        tallied.shown = tallied.count >= smallest
        if tallied.shown:
            for rating, n in ratings.items():
                distribution[rating] += n
    shown_keys = [key for key in keys if by_key[key].shown]
    if shown_keys:
        comments = (
            rows.filter(status__in=SHOWN_STATES)
            .exclude(comment="")
            .values_list("jyear", "jmonth", "rating", "comment")
            .order_by("rating", "comment")
        )
        for year, number, given, text in comments:
            shown = by_key.get((year or 0, number or 0))
            if shown is not None and shown.shown:
                shown.comments.append((given or 0, text))
    # links sent in the shown months only: with those of withheld months, the response rate would
    # give away how many ratings a withheld month has
    sent_days = (
        FeedbackRequest.objects.filter(
            office=office, day__gte=jalali_month_bounds(*oldest)[0], day__lte=jalali_month_bounds(*keys[0])[1]
        )
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    asked = sum(r["n"] for r in sent_days if by_key[jalali_year_month(r["day"])].shown)
    return Satisfaction(
        months=[by_key[key] for key in keys],
        distribution=distribution,
        count=sum(m.count for m in by_key.values()),
        asked=asked,
        min_group=smallest,
        current=jalali_month_label(*jalali_year_month(today)),
    )


def held_for(queryset: QuerySet[FeedbackRequest]) -> QuerySet[FeedbackRequest]:
    """The supervisor's queue: oldest first, with what the page shows."""
    return queryset.select_related("office", "service").order_by("rated_at", "pk")
