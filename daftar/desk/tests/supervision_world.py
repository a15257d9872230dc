"""A small supervision world for the supervisor's violation and notice pages: a Tehran licence
with its office, tariffs and staff, a violation the system detected (an overcharge refused by
the ledger) and one the demo supervisor recorded."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from daftar.accounts.models import User
from daftar.catalogue.tests.factories import set_tariffs
from daftar.kernel.errors import ApplicationError
from daftar.ledger.services import transaction_record
from daftar.licences.models import Licence
from daftar.offices.models import Office, StaffRole
from daftar.offices.tests.factories import OfficeFactory, OfficeStaffFactory
from daftar.supervision.models import Violation
from daftar.supervision.services import violation_record

SUPERVISOR = "09120000006"
INSPECTOR = "09120000004"
AUTHORITY = "09120000005"
REVIEWER = "09120000002"
APPLICANT = "09120000001"
TARIFF = 250_000  # property_inquiry's example tariff (rials)
CHARGED = 300_000
DESCRIPTION = "تابلوی تعرفه در دید مراجعان نصب نشده بود."


def person(mobile: str) -> User:
    return User.objects.get(mobile=mobile)


@dataclass
class Supervised:
    licence: Licence
    office: Office
    clerk: User
    overcharge: Violation
    recorded: Violation


def png_file(name: str = "shahed.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_file(name: str = "gozaresh.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def supervised(make_licence: Any, **licence: Any) -> Supervised:
    """A licence with its office (open 8:00–14:00 Saturday–Wednesday, offering the property
    inquiry), the office's clerk, a refused overcharge the system recorded and a violation the
    demo supervisor recorded."""
    lic = make_licence(**licence)
    set_tariffs(lic.municipality, on=dt.date.today() - dt.timedelta(days=60))
    office = OfficeFactory.create(
        municipality=lic.municipality,
        district=lic.district,
        licence=lic,
        name="دفتر خدمات الکترونیک شهر نمونه",
        weekdays=(0, 1, 2, 3, 4),
        services=("property_inquiry",),
    )
    OfficeStaffFactory.create(office=office, user=lic.holder, role=StaffRole.MANAGER)
    clerk = OfficeStaffFactory.create(office=office, role=StaffRole.CLERK).user
    try:
        transaction_record(
            office=office, service="property_inquiry", amount=CHARGED, payment_ref="PAY-4411", actor=clerk
        )
    except ApplicationError as exc:
        assert exc.code == "above_tariff", exc.message  # the set-up's own check
    overcharge = Violation.objects.get(licence=lic, violation_type__code="overcharging")
    recorded = violation_record(lic, type_code="tariff_not_posted", description=DESCRIPTION, actor=person(SUPERVISOR))
    return Supervised(lic, office, clerk, overcharge, recorded)
