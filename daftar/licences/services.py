"""Issuing licences and keeping their signed payload current (S6, S13, S16).

``licence_issue`` is called by ``applications.services.application_move`` for the move
``issue_licence``, inside that move's transaction: the licence row, its first history event,
the audit entry and the holder's SMS commit together with the case's new status, or not at all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.kernel.jalali import to_jalali
from daftar.municipalities.models import Municipality
from daftar.notifications.services import notify

from . import signing, sms
from .models import Licence, LicenceEvent, LicenceStatus

OFFICE_NAME = "دفتر خدمات الکترونیک شهر — {district}"
NUMBER_TRIES = 5


# --- the masked name and the signed payload ------------------------------------------------


def mask_name(name: str) -> str:
    """The holder's name as printed in the QR payload and on the public check.

    Every word keeps its first letter followed by ``***``; the last word also keeps its last
    letter: «سارا محمدی» → «س*** م***ی». One-letter words stay as they are; a last word of two
    letters shows only its first. Enough to recognise a name one already knows, not to learn it.
    """
    words = name.replace("|", " ").split()
    out = []
    for index, word in enumerate(words):
        if len(word) == 1:
            out.append(word)
        elif index == len(words) - 1 and len(words[-1]) > 2:
            out.append(f"{word[0]}***{word[-1]}")
        else:
            out.append(f"{word[0]}***")
    return " ".join(out)


def licence_payload(licence: Licence) -> str:
    return signing.payload_build(
        number=licence.number,
        municipality=licence.municipality.slug,
        holder=mask_name(licence.holder_name),
        issued=timezone.localtime(licence.issued_at).date().isoformat(),
        valid_until=licence.valid_until.isoformat(),
    )


def licence_sign(licence: Licence) -> None:
    """Recompute the payload and its signature (after issue or renewal) and save them."""
    licence.payload = licence_payload(licence)
    licence.signature = signing.sign(licence.payload)
    if licence.pk is not None:
        licence.save(update_fields=["payload", "signature"])  # its signal drops the cached verification


def licence_is_verifiable(licence: Licence) -> bool:
    """The stored signature is valid for the current key *and* the payload still matches the
    licence's data (a row edited behind the system's back is not verifiable)."""
    if not licence.payload or not licence.signature:
        return False
    if licence.payload != licence_payload(licence):
        return False
    return signing.verify(licence.payload, licence.signature)


def site_url() -> str:
    """The public address printed in the QR link: ``SITE_URL`` if set, else the first host."""
    configured = getattr(settings, "SITE_URL", "")
    if configured:
        return str(configured).rstrip("/")
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
    if host in ("*", ""):
        host = "localhost"
    scheme = "http" if host in ("localhost", "127.0.0.1", "[::1]") else "https"
    return f"{scheme}://{host}"


def licence_qr_text(licence: Licence) -> str:
    return signing.qr_text(site_url(), licence.number, licence.payload, licence.signature)


# --- issuing ------------------------------------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def number_prefix(municipality: Municipality, day: dt.date) -> str:
    year = to_jalali(day, digits=False)[:4]
    return f"{municipality.slug.upper()[:3]}-{year}-"


def _next_number(prefix: str) -> str:
    """The next free number of the series ``prefix`` (a municipality and a Jalali year).

    Two municipalities whose slugs share their first three letters share one series, so the
    numbers stay unique either way."""
    last = Licence.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    sequence = int(last[0][len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def _premises(application: Any) -> tuple[Any, Decimal | None]:
    """Location and useful area as the inspector measured them, else as declared."""
    inspected = ((application.assessment or {}).get("inspection") or {}).get("facts") or {}
    declared = application.facts or {}
    location = inspected.get("location") or declared.get("location")
    raw_area = inspected.get("premises_area_m2", declared.get("premises_area_m2"))
    try:
        area = Decimal(str(raw_area)).quantize(Decimal("0.01")) if raw_area not in (None, "") else None
    except InvalidOperation:
        area = None
    return location, area


def licence_issue(*, application: Any, actor: Any, tell_holder: bool = True) -> Licence:
    """Issue the licence of an approved case (call inside the move's transaction); the holder
    is sent ``licence_issued`` unless the caller sends its own message (``tell_holder``)."""
    municipality = application.municipality
    today = timezone.localdate()
    location, area = _premises(application)
    holder = application.applicant
    licence = Licence(
        application=application,
        licence_type_id=application.call.licence_type_id,
        municipality=municipality,
        district=application.district,
        holder=holder,
        holder_name=holder.display_name,
        office_name=OFFICE_NAME.format(district=application.district.name),
        premises_location=location,
        premises_area_m2=area,
        issued_at=timezone.now(),
        valid_from=today,
        valid_until=_add_years(today, settings.LICENCE_VALIDITY_YEARS),
        status=LicenceStatus.ACTIVE,
    )
    prefix = number_prefix(municipality, today)
    with transaction.atomic():
        # serialise issuers of one municipality (PostgreSQL row lock; SQLite locks the database)
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        for attempt in range(NUMBER_TRIES):
            licence.number = _next_number(prefix)
            licence_sign(licence)
            try:
                with transaction.atomic():
                    licence.save(force_insert=True)
                break
            except IntegrityError:
                licence.pk = None
                if attempt == NUMBER_TRIES - 1 or Licence.objects.filter(application=application).exists():
                    raise
    LicenceEvent.objects.create(
        licence=licence,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action="issue",
        to_status=LicenceStatus.ACTIVE,
        data={"valid_from": licence.valid_from.isoformat(), "valid_until": licence.valid_until.isoformat()},
    )
    audit_record(
        actor=actor,
        action="licence.issue",
        obj=licence,
        municipality=municipality,
        data={
            "number": licence.number,
            "application": application.pk,
            "holder": holder.pk,
            "valid_from": licence.valid_from.isoformat(),
            "valid_until": licence.valid_until.isoformat(),
        },
    )
    if not tell_holder:
        return licence
    notify(
        sms.ISSUED.key,
        to=holder,
        municipality=municipality,
        office=licence.display_name,
        number=licence.number,
        valid_from=to_jalali(licence.valid_from),
        valid_until=to_jalali(licence.valid_until),
    )
    return licence
