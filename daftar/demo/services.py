"""Loading the demo data; idempotent (running it twice changes nothing the second time)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from daftar.accounts.constants import Role
from daftar.accounts.models import User
from daftar.accounts.services import role_grant, user_get_or_create
from daftar.core.normalize import persian_digits
from daftar.municipalities.models import District, Municipality, Province
from daftar.municipalities.services import provinces_ensure
from daftar.rules.services import rules_load_fixture

from .data import DEMO_PERSON_TYPE, DEMO_USERS, TEHRAN, TEHRAN_DISTRICTS


@dataclass(frozen=True)
class DemoLogin:
    mobile: str
    role: str
    name: str


def demo_load() -> list[DemoLogin]:
    """Create Tehran, its districts and the demo users with their roles (no duplicates)."""
    with transaction.atomic():
        provinces_ensure()
        province = Province.objects.get(name_fa=TEHRAN["province"])
        tehran, _ = Municipality.objects.get_or_create(
            slug=TEHRAN["slug"], defaults={"name": TEHRAN["name"], "city": TEHRAN["city"], "province": province}
        )
        for number in range(1, TEHRAN_DISTRICTS + 1):
            District.objects.get_or_create(
                municipality=tehran,
                number=number,
                defaults={"name": f"منطقهٔ {persian_digits(number)}", "illustrative": True},
            )
        logins = []
        for mobile, role, first, last, national_code in DEMO_USERS:
            user, created = user_get_or_create(mobile=mobile)
            if created:
                User.objects.filter(pk=user.pk).update(
                    first_name=first, last_name=last, national_code=national_code, person_type=DEMO_PERSON_TYPE
                )
            if role != Role.APPLICANT:
                role_grant(user=user, role=role, municipality=tehran, actor=None)
            logins.append(DemoLogin(mobile=mobile, role=Role(role).label, name=f"{first} {last}"))
        rules_load_fixture()  # the e-city office licence, its documents and Tehran's rules (S9-S12)
    return logins
