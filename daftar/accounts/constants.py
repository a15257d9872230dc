"""Choices of the accounts app (S15.2 person types; the roles table of DOMAIN.md)."""

from django.db import models


class PersonType(models.TextChoices):
    NATURAL = "natural", "حقیقی"
    LEGAL = "legal", "حقوقی"


class Role(models.TextChoices):
    APPLICANT = "applicant", "متقاضی"
    REVIEWER = "reviewer", "کارشناس بررسی مدارک"
    EXAMINER = "examiner", "آزمون و مصاحبه"
    INSPECTOR = "inspector", "بازرس"
    LICENSING_AUTHORITY = "licensing_authority", "مرجع صدور مجوز"
    SUPERVISOR = "supervisor", "ناظر"
    MUNICIPALITY_ADMIN = "municipality_admin", "مدیر سامانهٔ شهرداری"
    OFFICE_MANAGER = "office_manager", "مدیر دفتر"
    OFFICE_CLERK = "office_clerk", "کارمند دفتر"


STAFF_ROLES = frozenset(
    {
        Role.REVIEWER,
        Role.EXAMINER,
        Role.INSPECTOR,
        Role.LICENSING_AUTHORITY,
        Role.SUPERVISOR,
        Role.MUNICIPALITY_ADMIN,
    }
)

# Nationalities offered at login (S15.2); the API accepts any ISO 3166 alpha-2 code.
COMMON_NATIONALITIES = [
    ("IR", "ایران"),
    ("AF", "افغانستان"),
    ("IQ", "عراق"),
    ("PK", "پاکستان"),
    ("TR", "ترکیه"),
    ("AZ", "جمهوری آذربایجان"),
    ("TJ", "تاجیکستان"),
]
