"""Cases made directly with the model, in the state a test needs, without the API or the
workflow (``helpers.py`` takes a case through the API). By default a draft of the demo's open
call of Tehran (``tehran_rules``) in its first district, by a new applicant, with facts that meet
every condition. Traits: ``submitted`` (a tracking code and the moment), ``at_inspection``,
``licence_issued``."""

from __future__ import annotations

import factory
from django.utils import timezone

from daftar.accounts.tests.factories import UserFactory
from daftar.applications.models import Application
from daftar.applications.workflow import Status

from .helpers import GOOD_FACTS, open_call


class ApplicationFactory(factory.django.DjangoModelFactory[Application]):
    class Meta:
        model = Application

    call = factory.LazyFunction(open_call)
    applicant = factory.SubFactory(UserFactory)
    municipality = factory.LazyAttribute(lambda o: o.call.municipality)
    district = factory.LazyAttribute(lambda o: o.call.districts.first().district)
    facts = factory.LazyFunction(lambda: dict(GOOD_FACTS))

    class Params:
        submitted = factory.Trait(
            status=Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            tracking_code=factory.Sequence(lambda n: f"FAC{n + 1:09d}"),
        )
        at_inspection = factory.Trait(status=Status.SITE_INSPECTION)
        licence_issued = factory.Trait(status=Status.LICENCE_ISSUED)
