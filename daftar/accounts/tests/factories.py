import factory

from daftar.accounts.constants import PersonType
from daftar.accounts.models import RoleAssignment, User
from daftar.municipalities.tests.factories import MunicipalityFactory


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("mobile",)

    mobile = factory.Sequence(lambda n: f"0935{n:07d}")
    person_type = PersonType.NATURAL
    first_name = "رضا"
    last_name = "قاسمی‌نژاد"


class RoleAssignmentFactory(factory.django.DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = "reviewer"
