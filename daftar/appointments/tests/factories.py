"""Appointments written directly with the model (no booking service, so no slot, limit or SMS is
checked): by default a 15-minute property inquiry tomorrow at 9:00 Tehran, on counter 1 of a new
office, for a new citizen. Trait: ``cancelled``."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from daftar.accounts.tests.factories import UserFactory
from daftar.appointments.models import Appointment, AppointmentStatus
from daftar.appointments.services import appointment_code_new
from daftar.catalogue.tests.factories import catalogue_service
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.tests.factories import OfficeFactory


def _tomorrow_at_nine() -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9), tzinfo=TEHRAN)


class AppointmentFactory(factory.django.DjangoModelFactory[Appointment]):
    class Meta:
        model = Appointment

    office = factory.SubFactory(OfficeFactory)
    service = factory.LazyFunction(lambda: catalogue_service("property_inquiry"))
    citizen = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(_tomorrow_at_nine)
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(minutes=o.service.duration_minutes))
    day = factory.LazyAttribute(lambda o: o.start.date())
    counter = 1
    code = factory.LazyFunction(appointment_code_new)

    class Params:
        cancelled = factory.Trait(status=AppointmentStatus.CANCELLED, cancelled_at=factory.LazyFunction(timezone.now))
