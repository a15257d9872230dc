"""Inquiries written directly with the model (no adapter is asked): pending unless given."""

from __future__ import annotations

import factory

from daftar.applications.tests.factories import ApplicationFactory
from daftar.inquiries.models import Inquiry, Kind


class InquiryFactory(factory.django.DjangoModelFactory[Inquiry]):
    class Meta:
        model = Inquiry

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    kind = Kind.IDENTITY
