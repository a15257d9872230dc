"""Reads of the offices app: the citizens' office finder (S5, S17) and the public facts of one
office. A list costs a constant number of queries whatever its length: offices with their
district and municipality (one query), their weekly rows and offered services (one prefetch
each), and today's exceptions for all of them (``hours.HoursBook``, three queries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from daftar.catalogue.models import Service
from daftar.catalogue.tariffs import tariff_table
from daftar.kernel.errors import ApplicationError
from daftar.kernel.events import emit
from daftar.kernel.jalali import jalali_iso, jalali_period_label, to_jalali
from daftar.kernel.normalize import normalize_text
from daftar.municipalities.models import District, Municipality
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import OfficeService

from . import messages as msg
from .events import CrowdWanted
from .hours import DayHours, HoursBook, day_text, interval_text, next_opening, next_opening_text, office_sanction
from .models import WEEKDAYS, Office, OfficeStaff, WeeklyHours
from .policy import not_found

LIST_CAP = 500  # offices examined for «open now» in one request (a city has a few hundred)
DETAIL_DAYS = 14
NEXT_OPENING_DAYS = 14  # how far ahead a closed office's next opening is looked for


def _bad(name: str) -> ApplicationError:
    message = msg.FILTER_INVALID.format(field=name)
    return ApplicationError(message, code="invalid", fields={name: [message]})


def public_offices() -> QuerySet[Office]:
    """Active offices with what a public card shows, prefetched."""
    offered = OfficeService.objects.filter(service__active=True).select_related("service").order_by("service__position")
    return (
        Office.objects.filter(active=True)
        .select_related("municipality", "district", "licence")
        .prefetch_related(
            Prefetch("weekly_hours", queryset=WeeklyHours.objects.order_by("weekday", "start")),
            Prefetch("offered", queryset=offered),
        )
        .order_by("district__number", "name", "pk")
    )


@dataclass
class FinderFilters:
    municipality: Municipality | None = None
    district: District | None = None
    service: Service | None = None
    open_now: bool = False
    sort: str = ""  # "" (district, name), "wait" (open first, shortest wait) or "rank" (best first)
    errors: dict[str, str] = field(default_factory=dict)


SORTS = {"": "منطقه و نام", "wait": "کمترین انتظار (دفترهای باز)", "rank": "بهترین رتبه"}


def _truthy(raw: str, name: str) -> bool:
    value = normalize_text(raw).strip().lower()
    if value in {"", "0", "false", "no", "off"}:
        return False
    if value in {"1", "true", "yes", "on"}:
        return True
    raise _bad(name)


def finder_filters(params: Any) -> FinderFilters:
    """Read ``municipality`` (slug or id), ``district`` (its number in the municipality when a
    municipality is given, else its id), ``service`` (catalogue code) and ``open_now``. A value
    that names nothing is a Persian ``ApplicationError`` (400)."""
    out = FinderFilters()
    raw = normalize_text(str(params.get("municipality") or "")).strip()
    if raw:
        query = Q(slug=raw)
        if raw.isdigit() and len(raw) < 10:
            query |= Q(pk=int(raw))
        out.municipality = Municipality.objects.filter(query).first()
        if out.municipality is None:
            raise _bad("municipality")
    raw = normalize_text(str(params.get("district") or "")).strip()
    if raw:
        if not raw.isdigit() or len(raw) > 9:
            raise _bad("district")
        if out.municipality is not None:
            out.district = District.objects.filter(municipality=out.municipality, number=int(raw)).first()
            out.district = out.district or District.objects.filter(municipality=out.municipality, pk=int(raw)).first()
        else:
            out.district = District.objects.select_related("municipality").filter(pk=int(raw)).first()
        if out.district is None:
            raise _bad("district")
    raw = normalize_text(str(params.get("service") or "")).strip()
    if raw:
        out.service = Service.objects.filter(code=raw, active=True).first()
        if out.service is None:
            raise _bad("service")
    out.open_now = _truthy(str(params.get("open_now") or ""), "open_now")
    raw = normalize_text(str(params.get("sort") or "")).strip().lower()
    if raw not in SORTS:
        raise _bad("sort")
    out.sort = raw
    return out


def finder_queryset(filters: FinderFilters) -> QuerySet[Office]:
    qs = public_offices()
    if filters.sort == "rank":
        # ranks are per municipality: without one chosen, each municipality's offices by rank
        first = [] if filters.municipality is not None else ["municipality__name", "municipality_id"]
        qs = qs.order_by(*first, F("standing_rank").asc(nulls_last=True), "district__number", "name", "pk")
    if filters.municipality is not None:
        qs = qs.filter(municipality=filters.municipality)
    if filters.district is not None:
        qs = qs.filter(district=filters.district)
    if filters.service is not None:
        qs = qs.filter(offered__service=filters.service)
    return qs


@dataclass
class FinderPage:
    offices: list[Office]
    count: int
    book: HoursBook
    open_ids: set[int]
    now: dt.datetime
    # the open offices' crowds (``waiting``, ``wait_minutes``), answered by the hall queue
    crowds: dict[int, Any] = field(default_factory=dict)
    # the closed offices' next openings, read once for the whole page (``next_opening``)
    openings: dict[int, dt.datetime | None] | None = None

    def next_opening(self, office: Office) -> dt.datetime | None:
        """When ``office``, closed now, next opens within ``NEXT_OPENING_DAYS`` (None when it
        is open now or opens later than that). The first call reads the fortnight of every
        closed office of the page in one ``HoursBook`` (four queries however many offices)."""
        if office.pk in self.open_ids:
            return None
        if self.openings is None:
            self.openings = openings_of([o for o in self.offices if o.pk not in self.open_ids], self.now)
        return self.openings.get(office.pk)


def openings_of(offices: list[Office], now: dt.datetime) -> dict[int, dt.datetime | None]:
    """When each of ``offices`` next opens from ``now`` within ``NEXT_OPENING_DAYS`` (None: not
    within them), read in one ``HoursBook``: four queries however many offices."""
    if not offices:
        return {}
    first = now.astimezone(TEHRAN).date()
    ahead = HoursBook(offices, first, first + dt.timedelta(days=NEXT_OPENING_DAYS - 1))
    return {o.pk: next_opening(ahead, o, now, NEXT_OPENING_DAYS) for o in offices}


def crowds_of(offices: list[Office], now: dt.datetime) -> dict[int, Any]:
    """How crowded ``offices`` are now, from the app that keeps the queue (issue 22 §4); empty
    when none answers."""
    if not offices:
        return {}
    out: dict[int, Any] = {}
    for answer in emit(CrowdWanted(offices=offices, now=now)):
        out.update(answer)
    return out


def finder_page(
    filters: FinderFilters, *, page: int = 1, page_size: int = 25, now: dt.datetime | None = None
) -> FinderPage:
    """One page of the finder with today's hours of its offices and the open ones' current wait
    (a constant number of queries). With ``open_now`` or ``sort=wait`` every candidate (at most
    ``LIST_CAP``) is examined first: sorted by wait, the open offices come first, the shortest
    wait first (then the fewest waiting), then the open ones whose wait is not known, the closed
    ones last, each group in the usual order."""
    moment = (now or timezone.now()).astimezone(TEHRAN)
    qs = finder_queryset(filters)
    start = (page - 1) * page_size
    if filters.open_now or filters.sort == "wait":
        candidates = list(qs.prefetch_related(None).prefetch_related("weekly_hours")[:LIST_CAP])
        book = HoursBook(candidates, moment.date())
        open_ids = {o.pk for o in candidates if book.is_open_at(o, moment)}
        chosen = [o for o in candidates if o.pk in open_ids or not filters.open_now]
        crowds: dict[int, Any] = {}
        if filters.sort == "wait":
            crowds = crowds_of([o for o in chosen if o.pk in open_ids], moment)
            order = {o.pk: n for n, o in enumerate(chosen)}

            def by_wait(o: Office) -> tuple[int, int, int, int]:
                crowd = crowds.get(o.pk)
                if o.pk not in open_ids:
                    return (2, 0, 0, order[o.pk])
                if crowd is None:  # open, but its queue is not kept here: its wait is unknown
                    return (1, 0, 0, order[o.pk])
                return (0, crowd.wait_minutes, crowd.waiting, order[o.pk])

            chosen.sort(key=by_wait)
        count = len(chosen)
        page_ids = [o.pk for o in chosen[start : start + page_size]]
        rows = {o.pk: o for o in public_offices().filter(pk__in=page_ids)}
        offices = [rows[pk] for pk in page_ids if pk in rows]
        # the exceptions already loaded are the same for the page's offices
        book.offices = offices
        if not crowds:
            crowds = crowds_of([o for o in offices if o.pk in open_ids], moment)
        return FinderPage(offices, count, book, open_ids, moment, crowds)
    count = qs.count()
    offices = list(qs[start : start + page_size])
    book = HoursBook(offices, moment.date())
    open_ids = {o.pk for o in offices if book.is_open_at(o, moment)}
    return FinderPage(
        offices, count, book, open_ids, moment, crowds_of([o for o in offices if o.pk in open_ids], moment)
    )


def crowd_body(page: FinderPage, office: Office) -> dict[str, Any] | None:
    """``{"waiting", "estimated_wait_minutes"}`` for an open office; ``None`` when closed."""
    crowd = page.crowds.get(office.pk)
    if office.pk not in page.open_ids or crowd is None:
        return None
    return {"waiting": crowd.waiting, "estimated_wait_minutes": crowd.wait_minutes}


# --- bodies shared by the API and the pages ----------------------------------------------------


def weekly_body(office: Office) -> list[dict[str, Any]]:
    return [
        {
            "weekday": w.weekday,
            "weekday_display": WEEKDAYS[w.weekday],
            "start": f"{w.start:%H:%M}",
            "end": f"{w.end:%H:%M}",
        }
        for w in office.weekly_hours.all()
    ]


def weekly_by_day(office: Office) -> list[dict[str, Any]]:
    """Saturday … Friday with the day's intervals in Persian («تعطیل» when none)."""
    days: dict[int, list[str]] = {d: [] for d in range(7)}
    for w in office.weekly_hours.all():
        days[w.weekday].append(interval_text(w.start, w.end))
    return [{"weekday": d, "name": WEEKDAYS[d], "hours": " و ".join(v) or "تعطیل"} for d, v in days.items()]


def day_body(hours: DayHours) -> dict[str, Any]:
    text = day_text(hours)
    return {
        "date": hours.day.isoformat(),
        "date_jalali": jalali_iso(hours.day),
        "weekday": text["weekday"],
        "open": hours.is_open_day,
        "intervals": [{"start": s, "end": e} for s, e in text["intervals"]],  # type: ignore[attr-defined]
        "hours_text": text["hours"],
        "closed_reason": hours.closed_reason,
        "extended": hours.extended,
    }


def services_body(office: Office) -> list[dict[str, Any]]:
    return [
        {
            "code": row.service.code,
            "title": row.service.title,
            "duration_minutes": row.service.duration_minutes,
            "bookable": row.service.bookable,
        }
        for row in office.offered.all()  # type: ignore[attr-defined]
    ]


def sanction_body(office: Office, day: dt.date) -> dict[str, Any]:
    """``operating`` and, when a sanction on the licence stops the office today, ``sanction``
    (its kind, days and the public notice; issue 17)."""
    sanction = office_sanction(office, day)
    return {"operating": sanction is None, "sanction": sanction.body() if sanction else None}


def opening_body(opening: dt.datetime | None, now: dt.datetime) -> dict[str, Any]:
    """``next_opening`` (ISO date-time, Tehran) and ``next_opening_text`` («بسته است؛ شنبه
    ساعت ۸:۰۰ باز می‌شود»), both null when there is none to tell."""
    if opening is None:
        return {"next_opening": None, "next_opening_text": None}
    return {
        "next_opening": opening.astimezone(TEHRAN).isoformat(),
        "next_opening_text": next_opening_text(opening, now),
    }


def office_card(office: Office, page: FinderPage) -> dict[str, Any]:
    today = page.book.day(office, page.now.date())
    sanction = sanction_body(office, page.now.date())
    # a sanction that stops the office is told by its notice, not by a reopening time
    opening = page.next_opening(office) if sanction["operating"] else None
    return {
        "id": office.pk,
        "name": office.display_name,
        "address": office.address,
        "phone": office.phone,
        "lat": office.lat,
        "lng": office.lng,
        "municipality": {
            "id": office.municipality_id,
            "slug": office.municipality.slug,
            "name": office.municipality.name,
        },
        "district": {"id": office.district_id, "number": office.district.number, "name": office.district.name},
        "counters": office.counters,
        "open_now": office.pk in page.open_ids,
        **opening_body(opening, page.now),
        "today": day_body(today),
        "weekly_hours": weekly_body(office),
        "services": services_body(office),
        "url": f"/offices/{office.pk}/",
        "book_url": f"/offices/{office.pk}/book/",
        **sanction,
        "standing": standing_body(office),  # issue 22 §2
        "queue": crowd_body(page, office),  # issue 22 §4: the wait now, for an open office
    }


def public_office(pk: Any) -> Office:
    """An active office by id, or the 404 error (an inactive office is not public)."""
    try:
        number = int(normalize_text(str(pk)))
    except (TypeError, ValueError):
        raise not_found() from None
    office = public_offices().filter(pk=number).first()
    if office is None:
        raise not_found()
    return office


def office_public_detail(office: Office, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The public facts of one office (S17, P6): hours of the week, the next 14 days with their
    exceptions, and the services offered with the tariff in force today."""
    moment = (now or timezone.now()).astimezone(TEHRAN)
    today = moment.date()
    book = HoursBook([office], today, today + dt.timedelta(days=max(DETAIL_DAYS, NEXT_OPENING_DAYS) - 1))
    days = [day_text(h) for h in book.days(office)][:DETAIL_DAYS]
    open_now = book.is_open_at(office, moment)
    sanction = sanction_body(office, today)
    opening = None if open_now or not sanction["operating"] else next_opening(book, office, moment, NEXT_OPENING_DAYS)
    offered = {row.service_id for row in office.offered.all()}  # type: ignore[attr-defined]
    lines = [line for line in tariff_table(office.municipality_id, today) if line.service.pk in offered]
    licence = office.licence
    return {
        "id": office.pk,
        "name": office.display_name,
        "address": office.address,
        "phone": office.phone,
        "lat": office.lat,
        "lng": office.lng,
        "municipality": {
            "id": office.municipality_id,
            "slug": office.municipality.slug,
            "name": office.municipality.name,
        },
        "district": {"id": office.district_id, "number": office.district.number, "name": office.district.name},
        "counters": office.counters,
        "licence": {"number": licence.number, "status": licence.status} if licence else None,
        "open_now": open_now,
        **opening_body(opening, moment),
        "weekly_hours": weekly_body(office),
        "days": [
            {
                "date": d["date"].isoformat(),  # type: ignore[attr-defined]
                "date_jalali": jalali_iso(d["date"]),  # type: ignore[arg-type]
                "weekday": d["weekday"],
                "open": d["open"],
                "intervals": [{"start": s, "end": e} for s, e in d["intervals"]],  # type: ignore[attr-defined]
                "hours_text": d["hours"],
                "closed_reason": d["closed_reason"],
                "extended": d["extended"],
            }
            for d in days
        ],
        "services": [
            {
                "code": line.service.code,
                "title": line.service.title,
                "duration_minutes": line.service.duration_minutes,
                "bookable": line.service.bookable,
                "tariff": line.amount,
                "tariff_effective_from": line.tariff.effective_from.isoformat() if line.tariff else None,
                "tariff_effective_from_jalali": jalali_iso(line.tariff.effective_from) if line.tariff else None,
            }
            for line in lines
        ],
        "tariff_date": today.isoformat(),
        "tariff_date_jalali": jalali_iso(today),
        "book_url": f"/offices/{office.pk}/book/",
        **sanction,
        "standing": standing_body(office),  # issue 22 §2
    }


def standing_body(office: Office) -> dict[str, Any] | None:
    """The office's published standing (issue 22 §2: ``daftar.scorecard`` computes it per period
    and municipality): its rank among the municipality's ``ranked`` offices (1 = best), its band
    and score out of 100; ``None`` when it was not ranked in the last computed period."""
    if office.standing_rank is None:
        return None
    return {
        "rank": office.standing_rank,
        "ranked": office.standing_ranked,
        "band": office.standing_band,
        "band_label": office.standing_band_label,
        "score": float(office.standing_score) if office.standing_score is not None else None,
        "period": office.standing_period,
        "period_label": jalali_period_label(office.standing_period),
    }


def my_offices(user: Any) -> list[OfficeStaff]:
    """The user's active memberships, with their offices."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        OfficeStaff.objects.filter(user=user, active=True, office__active=True)
        .select_related("office__municipality", "office__district")
        .order_by("office__name")
    )


def jalali_today() -> str:
    return to_jalali(timezone.localdate())
