"""Users, their roles per municipality, and one-time login codes.

The mobile number is the login (S15.3). Natural persons carry a national code (کد ملی), legal
persons a national ID (شناسه ملی); both are validated by their check digits.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from daftar.kernel.validators import (
    normalize_mobile,
    validate_canonical_mobile,
    validate_legal_national_id,
    validate_national_code,
)

from .constants import PersonType, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, mobile: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(mobile=normalize_mobile(mobile), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, mobile: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(mobile, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    mobile = models.CharField("تلفن همراه", max_length=11, unique=True, validators=[validate_canonical_mobile])
    person_type = models.CharField("نوع شخصیت", max_length=8, choices=PersonType.choices, default=PersonType.NATURAL)
    nationality = models.CharField("تابعیت", max_length=2, default="IR")
    national_code = models.CharField("کد ملی", max_length=10, blank=True, validators=[validate_national_code])
    national_id = models.CharField("شناسه ملی", max_length=11, blank=True, validators=[validate_legal_national_id])
    legal_name = models.CharField("نام شخص حقوقی", max_length=200, blank=True)
    first_name = models.CharField("نام", max_length=100, blank=True)
    last_name = models.CharField("نام خانوادگی", max_length=100, blank=True)
    birth_date = models.DateField("تاریخ تولد", null=True, blank=True)
    is_active = models.BooleanField("فعال", default=True)
    is_staff = models.BooleanField("کارکنان سکو", default=False)
    date_joined = models.DateTimeField("تاریخ عضویت", default=timezone.now)
    # The mobile-ownership inquiry's proof (S15.3): when it answered that ``ownership_mobile`` is
    # registered to ``ownership_national_code``, and its tracking number. The proof holds only
    # while both are still the account's (``national_code_verified``): a new number or another
    # code, by whatever path, leaves the code unproven without anyone having to clear these.
    ownership_verified_at = models.DateTimeField("تأیید مالکیت شماره", null=True, blank=True)
    ownership_reference = models.CharField("شمارهٔ پیگیری استعلام مالکیت", max_length=64, blank=True)
    ownership_mobile = models.CharField("شمارهٔ تأییدشده", max_length=11, blank=True)
    ownership_national_code = models.CharField("کد ملی تأییدشده", max_length=10, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS = []  # Django's own class attribute: only the mobile is asked for

    class Meta:
        verbose_name = "کاربر"
        verbose_name_plural = "کاربران"
        constraints = [
            models.UniqueConstraint(
                fields=["national_code"], condition=~Q(national_code=""), name="user_unique_national_code"
            ),
            models.UniqueConstraint(
                fields=["national_id"], condition=~Q(national_id=""), name="user_unique_national_id"
            ),
        ]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash covers the password field; here the mobile number too, so a
        change of number ends every other page session of the account (issue 8): each of
        them was opened with the old number's code."""
        return salted_hmac(
            "daftar.accounts.User.session_auth_hash",
            f"{self.password}\x00{self.mobile}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def __str__(self) -> str:
        return self.display_name

    @property
    def national_code_verified(self) -> bool:
        """The mobile-ownership inquiry proved that this number is registered to this code."""
        return bool(
            self.national_code
            and self.ownership_verified_at is not None
            and self.ownership_mobile == self.mobile
            and self.ownership_national_code == self.national_code
        )

    def prove_ownership(self, *, reference: str, at: Any) -> list[str]:
        """Record the inquiry's proof for the current number and code; the fields to save."""
        self.ownership_verified_at = at
        self.ownership_reference = reference[:64]
        self.ownership_mobile = self.mobile
        self.ownership_national_code = self.national_code
        return ["ownership_verified_at", "ownership_reference", "ownership_mobile", "ownership_national_code"]

    def drop_ownership(self) -> list[str]:
        """Forget the proof (the code is gone); the fields to save."""
        self.ownership_verified_at = None
        self.ownership_reference = self.ownership_mobile = self.ownership_national_code = ""
        return ["ownership_verified_at", "ownership_reference", "ownership_mobile", "ownership_national_code"]

    @property
    def display_name(self) -> str:
        if self.person_type == PersonType.LEGAL and self.legal_name:
            return self.legal_name
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.mobile

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.first_name or self.mobile


class RoleAssignment(models.Model):
    """A role held by a user in one municipality (the roles table of DOMAIN.md)."""

    user = models.ForeignKey(User, verbose_name="کاربر", related_name="roles", on_delete=models.CASCADE)
    role = models.CharField("نقش", max_length=32, choices=Role.choices)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        related_name="role_assignments",
        on_delete=models.CASCADE,
    )
    granted_by = models.ForeignKey(
        User, verbose_name="اعطاکننده", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("تاریخ اعطا", auto_now_add=True)

    class Meta:
        verbose_name = "نقش"
        verbose_name_plural = "نقش‌ها"
        ordering = ["municipality", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "municipality"], name="role_unique_per_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.municipality}"


class OneTimeCode(models.Model):
    """A login code sent by SMS (S15.3-S15.4): stored as an HMAC bound to the number,
    valid for OTP_TTL_SECONDS, single use, dead after OTP_MAX_ATTEMPTS wrong tries by the one
    who asked for it (``requester``; issue 17: nobody else's tries kill it). ``request_key`` is
    the SHA-256 of the request id handed to that requester only. Rows (they hold the client
    address) are purged after OTP_RETENTION_DAYS (``services.otp_codes_purge``, run by housekeeping)."""

    mobile = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    person_type = models.CharField(max_length=8, choices=PersonType.choices, default=PersonType.NATURAL)
    nationality = models.CharField(max_length=2, default="IR")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    # "a:<address, IPv6 by /64>" or "d:<device id>" (a client that logged in to the number before)
    requester = models.CharField(max_length=64, blank=True, default="")
    request_key = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        indexes = [models.Index(fields=["mobile", "-created_at"]), models.Index(fields=["created_at"])]
        verbose_name = "رمز یکبار مصرف"
        verbose_name_plural = "رمزهای یکبار مصرف"

    def __str__(self) -> str:
        return f"{self.mobile[:4]}*** {self.created_at:%Y-%m-%d %H:%M}"
