"""Licences made directly with the ORM and signed with the real key (``services.licence_sign``),
each of its own case in the state ``licence_issued``: by default an active licence of the demo's
open call of Tehran (``tehran_rules``) in its first district, for three years from a month ago.
The ``make_licence`` fixture (``fixtures.py``) builds on it. Who holds and who issues the licences
of the licence tests: ``HOLDER``, ``AUTHORITY``."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.tests.helpers import open_call
from daftar.licences.models import Licence
from daftar.licences.services import licence_sign
from daftar.municipalities.models import District

HOLDER = "09120000001"  # سارا محمدی of the demo data
AUTHORITY = "09120000005"  # فاطمه یزدانی, Tehran's licensing authority in the demo data


def authority() -> User:
    """The demo licensing authority of Tehran, who takes the licence moves in these tests."""
    return User.objects.get(mobile=AUTHORITY)


def _first_district() -> District:
    return open_call().districts.select_related("district").order_by("district__number").first().district


class LicenceFactory(factory.django.DjangoModelFactory[Licence]):
    class Meta:
        model = Licence
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"TEH-1404-{n + 1:06d}")
    holder = factory.SubFactory(UserFactory)
    district = factory.LazyFunction(_first_district)
    application = factory.SubFactory(
        ApplicationFactory,
        licence_issued=True,
        applicant=factory.SelfAttribute("..holder"),
        district=factory.SelfAttribute("..district"),
        licence_number=factory.SelfAttribute("..number"),
    )
    licence_type = factory.LazyAttribute(lambda o: o.application.call.licence_type)
    municipality = factory.LazyAttribute(lambda o: o.application.municipality)
    holder_name = factory.LazyAttribute(lambda o: o.holder.get_full_name())
    office_name = factory.LazyAttribute(lambda o: f"دفتر خدمات الکترونیک شهر — {o.district.name}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3 * 365))

    @factory.post_generation
    def signed(licence: Licence, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            licence_sign(licence)
