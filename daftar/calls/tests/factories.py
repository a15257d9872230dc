"""Calls made directly with the model: by default an open call of the project's first published
rule set (Tehran's, with ``tehran_rules``), opened yesterday and closing in thirty days.
``quotas={district: quota}`` gives it its districts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from daftar.calls.models import Call, CallDistrict
from daftar.municipalities.models import District
from daftar.rules.models import RuleSet


class CallFactory(factory.django.DjangoModelFactory[Call]):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    rule_set = factory.LazyFunction(lambda: RuleSet.objects.filter(published=True).order_by("pk").first())
    municipality = factory.LazyAttribute(lambda o: o.rule_set.municipality)
    licence_type = factory.LazyAttribute(lambda o: o.rule_set.licence_type)
    title = factory.Sequence(lambda n: f"فراخوان آزمایشی {n + 1}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))

    @factory.post_generation
    def quotas(call: Call, create: bool, extracted: dict[District, int] | None, **kwargs: Any) -> None:
        for district, quota in (extracted or {}).items():
            CallDistrictFactory.create(call=call, district=district, quota=quota)


class CallDistrictFactory(factory.django.DjangoModelFactory[CallDistrict]):
    """A district of a call with its quota (the model's 1 unless given)."""

    class Meta:
        model = CallDistrict

    call = factory.SubFactory(CallFactory)
    district = factory.LazyAttribute(lambda o: o.call.municipality.districts.order_by("number").first())
