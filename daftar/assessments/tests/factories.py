"""Exam policies, sessions and seats made directly with the models (the API's way is in
``helpers.py``): a session of a call a week from now, a seat of a case at the exam step."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.workflow import Status
from daftar.assessments.models import AssessmentPolicy, ExamSeat, ExamSession
from daftar.calls.tests.factories import CallFactory
from daftar.municipalities.tests.factories import MunicipalityFactory


class AssessmentPolicyFactory(factory.django.DjangoModelFactory[AssessmentPolicy]):
    """A municipality's pass rules (the model's defaults, P7's figures, unless given)."""

    class Meta:
        model = AssessmentPolicy

    municipality = factory.SubFactory(MunicipalityFactory)


class ExamSessionFactory(factory.django.DjangoModelFactory[ExamSession]):
    class Meta:
        model = ExamSession

    call = factory.SubFactory(CallFactory)
    municipality = factory.LazyAttribute(lambda o: o.call.municipality)
    title = factory.Sequence(lambda n: f"آزمون کتبی نوبت {n + 1}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    place = "تالار شهرداری"
    seats = 10


class ExamSeatFactory(factory.django.DjangoModelFactory[ExamSeat]):
    class Meta:
        model = ExamSeat

    session = factory.SubFactory(ExamSessionFactory)
    application = factory.SubFactory(
        ApplicationFactory, call=factory.SelfAttribute("..session.call"), submitted=True, status=Status.EXAM
    )
