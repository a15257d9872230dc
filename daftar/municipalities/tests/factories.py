import datetime as dt

import factory

from daftar.municipalities.models import DayOff, District, Municipality, Province


class MunicipalityFactory(factory.django.DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"city-{n}")
    name = factory.Sequence(lambda n: f"شهرداری نمونه {n}")
    province = factory.LazyFunction(
        lambda: Province.objects.get_or_create(name_en="Tehran", defaults={"name_fa": "تهران"})[0]
    )


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District

    municipality = factory.SubFactory(MunicipalityFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"منطقهٔ {n + 1}")


class DayOffFactory(factory.django.DjangoModelFactory[DayOff]):
    """A day the municipality declares closed."""

    class Meta:
        model = DayOff

    municipality = factory.SubFactory(MunicipalityFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    title = "تعطیلی به دلیل آلودگی هوا"
