"""What the supervisor's oversight pages show in the demo (issue 18): six-monthly reports of the
last closed half-year (the first office on time, the second late, both awaiting review; the
third sent none) and a supervision visit of the first office tomorrow at 10:00, sent by the
demo supervisor to the demo inspector. Idempotent: nothing is created twice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daftar.accounts.models import User
from daftar.inspections.models import SupervisionVisit
from daftar.inspections.services import visit_schedule
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office
from daftar.supervision.models import OfficeReport
from daftar.supervision.reports import is_closed, last_closed_period, period_deadline
from daftar.supervision.services import period_bounds, period_of, report_submit

SUPERVISOR = "09120000006"
INSPECTOR = "09120000004"
REPORTS = [
    "در این نیم‌سال دفتر ۱٬۲۴۰ خدمت ارائه کرد؛ بیشترین درخواست‌ها استعلام ملک و پرداخت عوارض نوسازی بود. "
    "دو کارمند دورهٔ آموزشی سامانهٔ جدید را گذراندند و هیچ شکایتی از شهروندان ثبت نشد.",
    "دفتر در این دوره ۸۶۰ خدمت ارائه کرد. به سبب تعمیر سامانهٔ برق ساختمان، دفتر دو روز تعطیل بود و "
    "نوبت‌های آن روزها با هماهنگی شهروندان جابه‌جا شد.",
]


def _period_for(office: Office) -> str:
    """The last closed half-year, or the current one when the licence began after it ended."""
    period = last_closed_period()
    assert office.licence is not None
    if period_bounds(period)[1] < office.licence.valid_from:
        return period_of(timezone.localdate())
    return period


def demo_oversight_load(offices: list[Office]) -> None:
    licensed = [o for o in offices if o.licence_id]
    for index, office in enumerate(licensed[: len(REPORTS)]):
        licence = office.licence
        assert licence is not None
        if OfficeReport.objects.filter(licence=licence).exists():
            continue
        period = _period_for(office)
        try:
            report = report_submit(licence, period=period, content=REPORTS[index], actor=licence.holder)
        except ApplicationError:  # a licence no longer under supervision: no report
            continue
        if index == 0 and is_closed(period):  # the first office sent it three days before the deadline
            day = max(licence.valid_from, period_deadline(period).date() - dt.timedelta(days=3))
            sent = dt.datetime.combine(day, dt.time(10, 20), tzinfo=TEHRAN)
            OfficeReport.objects.filter(pk=report.pk).update(submitted_at=sent)
    supervisor = User.objects.filter(mobile=SUPERVISOR).first()
    inspector = User.objects.filter(mobile=INSPECTOR).first()
    if not (licensed and supervisor and inspector):
        return
    licence = licensed[0].licence
    if licence is None or SupervisionVisit.objects.filter(licence=licence).exists():
        return
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    try:
        visit_schedule(licence, inspector, dt.datetime.combine(tomorrow, dt.time(10), tzinfo=TEHRAN), actor=supervisor)
    except ApplicationError:  # a licence no longer under supervision: no visit
        return
