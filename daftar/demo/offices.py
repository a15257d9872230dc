"""The demo offices (issue 6): three licensed offices in Tehran with hours, staff, services,
Tehran's example tariffs and about three Jalali months of transactions and costs, so that the
office finder, the public office page, the revenue charts and the feasibility planner show
something. Idempotent: a second run finds everything in place and changes nothing.

Every figure here (tariffs, costs, volumes) is an example (نمونه), see ``data.py``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.apps import apps
from django.db.models import Sum
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications.models import Application
from daftar.applications.services.drafts import tracking_code_new
from daftar.applications.workflow import Status
from daftar.audit.services import audit_record
from daftar.calls.models import Call
from daftar.catalogue.models import RevisionStatus, Service, Tariff, TariffRevision
from daftar.catalogue.seed import catalogue_seed
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import jalali_month_bounds, jalali_year_month, parse_date
from daftar.ledger.models import CostEntry, Transaction
from daftar.licences.models import Licence, LicenceEvent, LicenceStatus
from daftar.licences.services import OFFICE_NAME, licence_sign, number_prefix
from daftar.municipalities.models import District, Municipality
from daftar.offices.hours import HoursBook
from daftar.offices.models import HoursDirective, Office, OfficeService, OfficeStaff, StaffRole
from daftar.offices.services import hours_set, office_create, staff_add

from .data import (
    DEMO_CLERK,
    DEMO_COMMISSION,
    DEMO_COSTS,
    DEMO_DAILY,
    DEMO_DIRECTIVE,
    DEMO_EQUIPMENT,
    DEMO_HISTORY_DAYS,
    DEMO_OFFICES,
    DEMO_PURCHASE,
    DEMO_SUPPLIES,
    DEMO_TARIFF_RESOLUTION,
    DEMO_TARIFFS,
    DEMO_TARIFFS_FROM,
)
from .feedback import demo_feedback_load
from .hall import demo_hall_load
from .supervision import demo_supervision_load

# How often each service is delivered on a demo day (weights; examples).
SERVICE_MIX = {
    "building_permit": 4,
    "property_inquiry": 5,
    "completion_certificate": 3,
    "charges_payment": 4,
    "other_inquiry": 2,
}
# What the demo licence holders declared (they passed every condition, S9-S11).
HOLDER_FACTS = {
    "has_criminal_record": False,
    "has_addiction_certificate": True,
    "health_certified": True,
    "government_employee": False,
    "represents_other_office": False,
    "degree_level": "bachelor",
    "degree_field": "civil_engineering",
    "experience_years": 6,
    "training_completed": True,
    "premises_area_m2": 80,
    "premises_use": "commercial",
    "equipment": DEMO_EQUIPMENT,
}


def _time(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def demo_directive(tehran: Municipality) -> HoursDirective:
    evening_start, evening_end = DEMO_DIRECTIVE["evening"]
    directive, _ = HoursDirective.objects.get_or_create(
        municipality=tehran,
        defaults={
            "day_start": _time(str(DEMO_DIRECTIVE["day_start"])),
            "day_end": _time(str(DEMO_DIRECTIVE["day_end"])),
            "thursday_end": _time(str(DEMO_DIRECTIVE["thursday_end"])),
            "evening_start": _time(evening_start),
            "evening_end": _time(evening_end),
        },
    )
    return directive


def catalogue_ensure() -> None:
    """The service catalogue seeded by the migrations (a flushed test database, as after a
    transactional test, has lost it), created again when missing."""
    catalogue_seed(apps)


def demo_tariffs(tehran: Municipality) -> None:
    """Tehran's example tariffs (``DEMO_TARIFFS``), as one table whose council resolution says
    they are examples (``DEMO_TARIFF_RESOLUTION``): the public tariff table and the office pages
    show the resolution beside the amounts. Rows an earlier demo wrote without it are given it."""
    start = parse_date(DEMO_TARIFFS_FROM)
    services = {s.code: s for s in Service.objects.filter(code__in=DEMO_TARIFFS)}
    table = TariffRevision.objects.filter(
        municipality=tehran, effective_from=start, resolution=DEMO_TARIFF_RESOLUTION
    ).first() or TariffRevision.objects.create(
        municipality=tehran, percent=0, effective_from=start, resolution=DEMO_TARIFF_RESOLUTION
    )
    for code, amount in DEMO_TARIFFS.items():
        if code in services:
            tariff, _ = Tariff.objects.get_or_create(
                municipality=tehran,
                service=services[code],
                effective_from=start,
                defaults={"amount": amount, "revision": table},
            )
            if tariff.revision_id is None and tariff.amount == amount:
                tariff.revision = table
                tariff.save(update_fields=["revision"])


def _licence(call: Call, holder: User, district: District, location: dict[str, float]) -> Licence:
    """The holder's issued licence for ``district`` (their case in the demo call, made directly
    in the state ``licence_issued``, as daftar/licences/tests/factories.py does)."""
    found = Licence.objects.filter(application__call=call, holder=holder).first()
    if found is not None:
        return found
    today = timezone.localdate()
    prefix = number_prefix(call.municipality, today)
    last = Licence.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    number = f"{prefix}{(int(last[0][len(prefix) :]) + 1 if last else 1):06d}"
    submitted = timezone.now() - dt.timedelta(days=120)
    application = Application.objects.create(
        call=call,
        applicant=holder,
        municipality=call.municipality,
        district=district,
        status=Status.LICENCE_ISSUED,
        facts={**HOLDER_FACTS, "location": location},
        eligible=True,
        submitted_at=submitted,
        tracking_code=tracking_code_new(),  # every submitted case has one; the call's ranking links by it
        licence_number=number,
    )
    licence = Licence.objects.create(
        number=number,
        application=application,
        licence_type=call.licence_type,
        municipality=call.municipality,
        district=district,
        holder=holder,
        holder_name=holder.get_full_name(),
        office_name=OFFICE_NAME.format(district=district.name),
        premises_location=location,
        valid_from=today - dt.timedelta(days=100),
        valid_until=today + dt.timedelta(days=5 * 365),
        status=LicenceStatus.ACTIVE,
    )
    licence_sign(licence)
    LicenceEvent.objects.create(licence=licence, action="issue", to_status=LicenceStatus.ACTIVE, data={"demo": True})
    audit_record(
        actor=None,
        action="licence.issue",
        obj=licence,
        municipality=call.municipality,
        data={"number": number, "application": application.pk, "holder": holder.pk, "demo": True},
        actor_label="system",
    )
    return licence


def _weekly(thursday: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"weekday": d, "start": "08:00", "end": "14:00"} for d in range(5)]
    if thursday:
        rows.append({"weekday": 5, "start": "08:00", "end": "12:00"})
    return rows


def _tariff_at(rows: dict[int, list[Tariff]], service_id: int, day: dt.date) -> Tariff | None:
    best = None
    for tariff in rows.get(service_id, []):
        if tariff.effective_from <= day:
            best = tariff
    return best


def demo_transactions(
    office: Office,
    first: dt.date,
    last: dt.date,
    *,
    rng: random.Random,
    recorder: User | None,
    ref: str,
    extra: int = 0,
) -> int:
    """A few services each working day of the office from ``first`` to ``last`` (``DEMO_DAILY``,
    plus ``extra``), at the tariff in force that day, written directly as the office's past;
    ``ref`` starts their payment references. Returns how many were written."""
    services = {s.code: s for s in Service.objects.filter(code__in=SERVICE_MIX)}
    codes = [c for c in SERVICE_MIX if c in services]
    weights = [SERVICE_MIX[c] for c in codes]
    if not codes:
        return 0
    live = Tariff.objects.filter(municipality=office.municipality, effective_from__lte=last).exclude(
        revision__status=RevisionStatus.CANCELLED
    )
    tariffs: dict[int, list[Tariff]] = {}
    for row in live.order_by("effective_from", "pk"):
        tariffs.setdefault(row.service_id, []).append(row)
    office = Office.objects.prefetch_related("weekly_hours").get(pk=office.pk)
    low, high = DEMO_DAILY
    rows = []
    for hours in HoursBook([office], first, last).days(office):
        if not hours.intervals:
            continue
        start, end = hours.intervals[0]
        minutes = int((end - start).total_seconds() // 60)
        jyear, jmonth = jalali_year_month(hours.day)
        for n in range(rng.randint(low, high) + extra):
            service = services[rng.choices(codes, weights)[0]]
            tariff = _tariff_at(tariffs, service.pk, hours.day)
            if tariff is None:
                continue
            at = start + dt.timedelta(minutes=rng.randrange(0, max(minutes - 15, 1)))
            rows.append(
                Transaction(
                    office=office,
                    municipality_id=office.municipality_id,
                    district_id=office.district_id,
                    service=service,
                    tariff=tariff,
                    tariff_amount=tariff.amount,
                    amount=tariff.amount,
                    payment_ref=f"{ref}-{office.pk}-{hours.day:%Y%m%d}-{n + 1}",
                    performed_at=at,
                    created_at=at,
                    day=hours.day,
                    jyear=jyear,
                    jmonth=jmonth,
                    recorded_by=recorder,
                )
            )
    Transaction.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _history(office: Office, index: int, recorder: User) -> None:
    """About ``DEMO_HISTORY_DAYS`` of transactions, a few each working day (three more at the
    first office), at the tariff, and the months' costs."""
    today = timezone.localdate()
    first = today - dt.timedelta(days=DEMO_HISTORY_DAYS)
    rng = random.Random(1404 + index)  # noqa: S311 - demo figures, not secrets
    demo_transactions(
        office, first, today - dt.timedelta(days=1), rng=rng, recorder=recorder, ref="DEMO", extra=3 * (index == 0)
    )
    demo_costs(office, index, first, today, rng=rng)


def demo_costs(
    office: Office, index: int, first: dt.date, end: dt.date, *, rng: random.Random, purchase: bool = True
) -> int:
    """The office's monthly costs (EXAMPLES, «هزینهٔ نمونه», see ``DEMO_COSTS``) for the days
    from ``first`` until ``end`` (not included), written once their transactions are: rent and
    base salaries steady, the staff's share of the month's fees paid with the salaries,
    consumables varying and, when ``purchase``, a larger purchase in the best full month. A month
    the days only partly cover carries its share of the steady costs, so income and costs compare
    like with like. A month with costs already is left as it is. Returns how many months were
    written."""
    covered: dict[tuple[int, int], int] = {}
    for n in range((end - first).days):
        key = jalali_year_month(first + dt.timedelta(days=n))
        covered[key] = covered.get(key, 0) + 1
    income = {
        (row["jyear"], row["jmonth"]): row["total"]
        for row in Transaction.objects.filter(office=office, day__gte=first, day__lt=end)
        .values("jyear", "jmonth")
        .annotate(total=Sum("amount"))
    }
    costed = set(CostEntry.objects.filter(office=office).values_list("jyear", "jmonth"))
    months = [key for key in sorted(covered) if key not in costed]
    lengths = {key: (jalali_month_bounds(*key)[1] - jalali_month_bounds(*key)[0]).days + 1 for key in months}
    full = [key for key in months if covered[key] == lengths[key]]
    bought = max(full, key=lambda key: income.get(key, 0)) if purchase and full else None
    manager = office.staff.filter(role=StaffRole.MANAGER).first()
    recorder = manager.user if manager else None
    steady = DEMO_COSTS[index % len(DEMO_COSTS)]
    low, high = DEMO_SUPPLIES
    entries = []
    for key in months:
        share = covered[key] / lengths[key]
        equipment = rng.randrange(low, high, 500_000) * share
        if key == bought:
            equipment += DEMO_PURCHASE * income.get(key, 0)  # new scanners and a printer
        amounts = {
            "salaries": steady["salaries"] * share + DEMO_COMMISSION * income.get(key, 0),
            "rent": steady["rent"] * share,
            "equipment": equipment,
        }
        entries += [
            CostEntry(
                office=office,
                jyear=key[0],
                jmonth=key[1],
                category=category,
                amount=int(round(amount, -5)),
                note="هزینهٔ نمونه",
                recorded_by=recorder,
            )
            for category, amount in amounts.items()
        ]
    CostEntry.objects.bulk_create(entries)
    return len(months)


def demo_offices_load(tehran: Municipality, call: Call | None) -> list[Office]:
    """The three demo offices (see the module docstring); nothing is created twice."""
    catalogue_ensure()
    directive = demo_directive(tehran)
    # Thursday hours only where the directive (perhaps changed by an administrator) allows them
    thursday_ok = any(s <= dt.time(8) and dt.time(12) <= e for s, e in directive.windows(5))
    demo_tariffs(tehran)
    if call is None:
        return []
    bookable = list(Service.objects.filter(active=True, bookable=True))
    offices = []
    for index, (number, name, address, lat, lng, counters, thursday, manager_mobile) in enumerate(DEMO_OFFICES):
        district = District.objects.get(municipality=tehran, number=number)
        manager = User.objects.get(mobile=manager_mobile)
        office = Office.objects.filter(municipality=tehran, name=name).first()
        if office is None:
            licence = _licence(call, manager, district, {"lat": lat, "lng": lng})
            office = office_create(
                municipality=tehran,
                district=district,
                name=name,
                address=address,
                lat=lat,
                lng=lng,
                phone=f"021{88000000 + 1111 * (index + 1)}",
                counters=counters,
                equipment=DEMO_EQUIPMENT,
                licence=licence,
                actor=None,
            )
        if not OfficeStaff.objects.filter(office=office, user=manager).exists():
            staff_add(office=office, mobile=manager_mobile, role=StaffRole.MANAGER, title="مدیر دفتر", actor=None)
        if index == 0 and not OfficeStaff.objects.filter(office=office, user__mobile=DEMO_CLERK).exists():
            staff_add(office=office, mobile=DEMO_CLERK, role=StaffRole.CLERK, title="کارشناس باجه", actor=None)
        if not office.weekly_hours.exists():
            try:
                hours_set(office=office, rows=_weekly(thursday and thursday_ok), actor=None)
            except ApplicationError:  # a stricter directive: the office keeps its first window
                rows = [(d, *directive.windows(d)[0]) for d in range(5) if directive.windows(d)]
                hours_set(office=office, rows=rows, actor=None)
        OfficeService.objects.bulk_create(
            [OfficeService(office=office, service=s) for s in bookable], ignore_conflicts=True
        )
        if not Transaction.objects.filter(office=office).exists():
            recorder = User.objects.filter(mobile=DEMO_CLERK if index == 0 else manager_mobile).first() or manager
            _history(office, index, recorder)
        offices.append(office)
    if offices:
        demo_supervision_load(offices[0])
        demo_feedback_load(offices[0])  # citizens' ratings (issue 22 §1)
        demo_hall_load(offices[0])  # the hall queue's past days and, in hours, its people now (§3)
    return offices
