"""The municipality administrator's "what needs me now" panels of the calendar (issue 18 §4):
the estimated official holidays of the next 30 days still waiting for a decision, and the
offices whose weekly hours lie outside the municipality's hours directive. The lead wires
``panels`` into ``daftar/desk/work.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from daftar.accounts.constants import Role
from daftar.accounts.events import WorkItem, WorkPanel
from daftar.municipalities.models import HolidayCorrection, Municipality
from daftar.municipalities.workdays import is_estimated, official_holidays_between, without_estimate
from daftar.offices import policy as office_policy
from daftar.offices.services import directive_offices_out_of_line

HOLIDAY_HORIZON_DAYS = 30
OLDEST = 3


def _url(name: str, municipality: Municipality, many: bool, **query: Any) -> str:
    params = {**query, **({"municipality": municipality.pk} if many else {})}
    url = reverse(f"municipal:{name}")
    return f"{url}?{urlencode(params)}" if params else url


def panels(user: Any) -> list[WorkPanel]:
    """The panels of each municipality ``user`` keeps the calendar of (none for a platform
    administrator, who holds no municipality's role, nor for anyone else)."""
    ids = office_policy.calendar_municipalities(user)
    if not ids:
        return []
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("name"))
    many = len(municipalities) > 1
    today = timezone.localdate()
    last = today + dt.timedelta(days=HOLIDAY_HORIZON_DAYS)
    estimated = {d: n for d, n in official_holidays_between(today, last).items() if is_estimated(n)}
    out: list[WorkPanel] = []
    for municipality in municipalities:
        where = f" ({municipality.name})" if many else ""
        decided = set(
            HolidayCorrection.objects.filter(municipality=municipality, holiday_date__in=list(estimated)).values_list(
                "holiday_date", flat=True
            )
        )
        waiting = [(d, n) for d, n in estimated.items() if d not in decided]
        out.append(
            WorkPanel(
                role=Role.MUNICIPALITY_ADMIN.value,
                title=f"تعطیلات تخمینی ۳۰ روز آینده{where}",
                count=len(waiting),
                url=_url("days_off", municipality, many),
                items=tuple(
                    WorkItem(
                        label=without_estimate(name),
                        url=_url("holiday_decide", municipality, many, date=day.isoformat()),
                        due=day,
                        note="تأیید یا لغو کنید",
                    )
                    for day, name in waiting[:OLDEST]
                ),
                order=60,
                empty_text="تعطیل تخمینی‌ای در ۳۰ روز آینده در انتظار تصمیم نیست.",
            )
        )
        out_of_line = directive_offices_out_of_line(municipality_id=municipality.pk, notify=False, actor=user)
        out.append(
            WorkPanel(
                role=Role.MUNICIPALITY_ADMIN.value,
                title=f"دفترهای بیرون از دستورالعمل ساعات کار{where}",
                count=len(out_of_line),
                url=_url("hours", municipality, many),
                items=tuple(
                    WorkItem(label=office.display_name, url=reverse("offices:manage", args=[office.pk]), note=problem)
                    for office, problem in out_of_line[:OLDEST]
                ),
                order=61,
                empty_text="ساعات کار همهٔ دفترها درون دستورالعمل است.",
            )
        )
    return out
