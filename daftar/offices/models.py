"""Licensed offices (S5, S11.3, S17): premises, counters, staff, equipment, the services of the
catalogue each office offers, the municipality's hours directive, each office's weekly schedule
and its exceptions.

Weekdays follow the Iranian week: 0 = Saturday (شنبه) … 6 = Friday (جمعه); ``iran_weekday``
turns a date into that number.

No model here has a declared lifecycle (issue 16): none has a status that moves. ``Office.active``
and ``OfficeStaff.active`` are on/off flags (the municipality switches an office in the admin;
the manager removes and re-adds a member), with no states in between and no rule on the order
of their changes; who may switch them is ``policy``. What a switch sets off — bookings of a
closed office cancelled — is the appointments' lifecycle's move ``cancel_by_office``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from daftar.kernel.normalize import normalize_text

WEEKDAYS = ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
SATURDAY, THURSDAY, FRIDAY = 0, 5, 6


def iran_weekday(day: dt.date) -> int:
    """0 = Saturday … 6 = Friday (Python's Monday = 0 becomes 2)."""
    return (day.weekday() + 2) % 7


class Weekday(models.IntegerChoices):
    SATURDAY = 0, "شنبه"
    SUNDAY = 1, "یکشنبه"
    MONDAY = 2, "دوشنبه"
    TUESDAY = 3, "سه‌شنبه"
    WEDNESDAY = 4, "چهارشنبه"
    THURSDAY = 5, "پنجشنبه"
    FRIDAY = 6, "جمعه"


class StaffRole(models.TextChoices):
    MANAGER = "manager", "مدیر دفتر"
    TECHNICAL = "technical", "مدیر فنی"  # P4: aged 25–55 with a related degree (its qualifications below)
    CLERK = "clerk", "کارمند دفتر"


class Degree(models.TextChoices):
    ASSOCIATE = "associate", "کاردانی"
    BACHELOR = "bachelor", "کارشناسی"
    MASTER = "master", "کارشناسی ارشد"
    DOCTORATE = "doctorate", "دکتری"


class Office(models.Model):
    """A licensed City E-Services Office. ``licence`` is the licence it works under (S16); demo
    and migrated offices may have none until they are linked."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="offices", on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        "municipalities.District", verbose_name="منطقه", related_name="offices", on_delete=models.PROTECT
    )
    licence = models.OneToOneField(
        "licences.Licence",
        verbose_name="مجوز",
        related_name="office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    name = models.CharField("نام دفتر", max_length=200)
    address = models.CharField("نشانی", max_length=400)
    phone = models.CharField("تلفن", max_length=20, blank=True)
    lat = models.FloatField("عرض جغرافیایی", validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField("طول جغرافیایی", validators=[MinValueValidator(-180), MaxValueValidator(180)])
    counters = models.PositiveSmallIntegerField(
        "تعداد باجه", default=2, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    equipment = models.JSONField("تجهیزات", default=list, blank=True)  # S11.3
    active = models.BooleanField("فعال", default=True)
    created_at = models.DateTimeField("تاریخ ایجاد", default=timezone.now)
    # The published standing of the last computed period (issue 22 §2; ``daftar.scorecard``
    # computes it, ``services.office_standing_publish`` writes it): kept on the office so that the
    # office page and the finder show and sort by it without reading the scorecards (decision 0052).
    standing_rank = models.PositiveIntegerField("رتبه در شهرداری", null=True, blank=True, editable=False)
    standing_band = models.CharField("کد رده", max_length=20, blank=True, editable=False)
    standing_band_label = models.CharField("رده", max_length=40, blank=True, editable=False)
    standing_score = models.DecimalField(
        "امتیاز کارنامه", max_digits=4, decimal_places=1, null=True, blank=True, editable=False
    )
    standing_period = models.CharField("دورهٔ کارنامه", max_length=8, blank=True, editable=False)
    standing_ranked = models.PositiveIntegerField("شمار دفاتر رتبه‌بندی‌شده", default=0, editable=False)

    class Meta:
        ordering = ["municipality", "district__number", "name", "pk"]
        verbose_name = "دفتر خدمات"
        verbose_name_plural = "دفاتر خدمات"
        indexes = [
            models.Index(fields=["municipality", "district", "active"], name="office_finder"),
            models.Index(fields=["municipality", "standing_rank"], name="office_standing_rank"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(counters__gte=1), name="office_counters_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The office's one public name: the name its manager keeps (the licence's ``office_name``
        is the name it was licensed under; ``Licence.display_name`` reads this one)."""
        return self.name

    @property
    def phone_uri(self) -> str:
        """``tel:+982188001111`` for a tap-to-call link ("" without a usable number). A number
        given without its area code (8 digits, a local number) is dialled as it is: adding +98
        to it would dial another city."""
        digits = "".join(ch for ch in normalize_text(self.phone or "") if ch.isdigit())
        if digits.startswith("0098"):
            digits = "0" + digits[4:]
        elif digits.startswith("98") and len(digits) > 10:
            digits = "0" + digits[2:]
        if digits.startswith("0") and len(digits) >= 10:
            return f"tel:+98{digits[1:]}"
        return f"tel:{digits}" if len(digits) >= 7 else ""


class OfficeStaff(models.Model):
    """A person working at an office, the office's staff register (issue 22 §5): the manager
    (the licence holder or whom they appoint), the technical manager (مدیر فنی, P4: one at a
    time, with their degree, field and birth date) or a clerk. Office pages and office API
    endpoints are reachable only through an active row here. A row is one period of work: a
    member who leaves keeps it (``active`` off, ``removed_at``), one who comes back gets a new
    one, and every change is in the audit log."""

    office = models.ForeignKey(Office, verbose_name="دفتر", related_name="staff", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="کاربر", related_name="office_memberships", on_delete=models.PROTECT
    )
    role = models.CharField("نقش", max_length=12, choices=StaffRole.choices, default=StaffRole.CLERK)
    title = models.CharField("عنوان شغلی", max_length=100, blank=True)
    active = models.BooleanField("فعال", default=True)
    added_at = models.DateTimeField("تاریخ افزودن", default=timezone.now)
    removed_at = models.DateTimeField("تاریخ کنار رفتن", null=True, blank=True)
    degree = models.CharField("مدرک تحصیلی", max_length=12, choices=Degree.choices, blank=True)
    field_of_study = models.CharField("رشتهٔ تحصیلی", max_length=120, blank=True)
    birth_date = models.DateField("تاریخ تولد", null=True, blank=True)

    class Meta:
        ordering = ["office", "role", "pk"]
        verbose_name = "کارکن دفتر"
        verbose_name_plural = "کارکنان دفتر"
        constraints = [
            # one row per period of work: a member who comes back gets a new row, the old one
            # keeps its dates and role
            models.UniqueConstraint(
                fields=["office", "user"],
                condition=models.Q(active=True),
                name="officestaff_unique",
                violation_error_message="این شخص هم‌اکنون کارکن این دفتر است.",
            ),
            models.UniqueConstraint(
                fields=["office"],
                condition=models.Q(role="technical", active=True),
                name="officestaff_one_technical_manager",
                violation_error_message="این دفتر مدیر فنی دارد؛ نخست مدیر فنی کنونی را بردارید.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.office}"


def _t(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


class HoursDirective(models.Model):
    """The municipality's working-hours directive (S17; P8 gives 8:00–14:00 for government
    offices). Saturday–Wednesday ``day_start``–``day_end``; Thursday until ``thursday_end`` when
    set (else closed); an optional evening shift ``evening_start``–``evening_end``. Offices'
    weekly hours must lie inside these windows. The defaults are examples."""

    municipality = models.OneToOneField(
        "municipalities.Municipality",
        verbose_name="شهرداری",
        related_name="hours_directive",
        on_delete=models.CASCADE,
    )
    day_start = models.TimeField("آغاز کار روزانه", default=_t(8))
    day_end = models.TimeField("پایان کار روزانه", default=_t(14))
    thursday_end = models.TimeField("پایان کار پنجشنبه (خالی: تعطیل)", null=True, blank=True)
    evening_start = models.TimeField("آغاز نوبت عصر (خالی: بدون نوبت عصر)", null=True, blank=True)
    evening_end = models.TimeField("پایان نوبت عصر", null=True, blank=True)
    updated_at = models.DateTimeField("آخرین تغییر", auto_now=True)

    class Meta:
        verbose_name = "دستورالعمل ساعات کار"
        verbose_name_plural = "دستورالعمل‌های ساعات کار"

    def __str__(self) -> str:
        return f"ساعات کار {self.municipality}"

    def windows(self, weekday: int) -> list[tuple[dt.time, dt.time]]:
        """The permitted windows of an Iranian weekday (0 = Saturday); Friday has none."""
        if weekday == FRIDAY:
            return []
        if weekday == THURSDAY:
            return [(self.day_start, self.thursday_end)] if self.thursday_end else []
        out = [(self.day_start, self.day_end)]
        if self.evening_start and self.evening_end:
            out.append((self.evening_start, self.evening_end))
        return out


def directive_for(municipality_id: int) -> HoursDirective:
    """The municipality's directive, or (unsaved) the default 8:00–14:00 Saturday–Wednesday."""
    found = HoursDirective.objects.filter(municipality_id=municipality_id).first()
    return found or HoursDirective(municipality_id=municipality_id)


class WeeklyHours(models.Model):
    """One open interval of an office on an Iranian weekday (several per day allowed)."""

    office = models.ForeignKey(Office, verbose_name="دفتر", related_name="weekly_hours", on_delete=models.CASCADE)
    weekday = models.PositiveSmallIntegerField("روز هفته", choices=Weekday.choices)
    start = models.TimeField("از ساعت")
    end = models.TimeField("تا ساعت")

    class Meta:
        ordering = ["office", "weekday", "start"]
        verbose_name = "ساعت کار هفتگی"
        verbose_name_plural = "ساعات کار هفتگی"
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="weeklyhours_start_before_end"),
            models.UniqueConstraint(fields=["office", "weekday", "start"], name="weeklyhours_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}–{self.end:%H:%M}"


class ExtendedDay(models.Model):
    """A day the municipality declares with extended hours (S17: the last days of the year,
    national occasions): every office of the municipality may open ``start``–``end`` that day,
    even on a day it is normally closed."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", related_name="extended_days", on_delete=models.CASCADE
    )
    date = models.DateField("تاریخ")
    start = models.TimeField("از ساعت", default=_t(8))
    end = models.TimeField("تا ساعت", default=_t(20))
    title = models.CharField("عنوان", max_length=128, help_text="مثلاً «ساعت کار تمدیدی روزهای پایانی سال»")

    class Meta:
        ordering = ["municipality", "-date"]
        verbose_name = "روز با ساعت کار تمدیدی"
        verbose_name_plural = "روزهای با ساعت کار تمدیدی"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "date"], name="extendedday_unique_date"),
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="extendedday_start_before_end"),
        ]

    def __str__(self) -> str:
        return self.title


class OfficeClosure(models.Model):
    """A day one office is closed (announced by its manager, with a reason shown to citizens)."""

    office = models.ForeignKey(Office, verbose_name="دفتر", related_name="closures", on_delete=models.CASCADE)
    date = models.DateField("تاریخ")
    reason = models.CharField("دلیل", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("تاریخ ثبت", default=timezone.now)

    class Meta:
        ordering = ["office", "-date"]
        verbose_name = "تعطیلی دفتر"
        verbose_name_plural = "تعطیلی‌های دفتر"
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="officeclosure_unique_date")]

    def __str__(self) -> str:
        return f"{self.office} – {self.date}"


class OfficeService(models.Model):
    """A service of the catalogue an office is permitted to deliver (a service not listed is not
    permitted). Its table kept the name of the former ``services`` app (decision 0025)."""

    office = models.ForeignKey(Office, verbose_name="دفتر", related_name="offered", on_delete=models.CASCADE)
    service = models.ForeignKey(
        "catalogue.Service", verbose_name="خدمت", related_name="offered_at", on_delete=models.PROTECT
    )

    class Meta:
        db_table = "services_officeservice"
        ordering = ["office", "service__position"]
        verbose_name = "خدمت دفتر"
        verbose_name_plural = "خدمات دفتر"
        constraints = [models.UniqueConstraint(fields=["office", "service"], name="officeservice_unique")]

    def __str__(self) -> str:
        return f"{self.office} – {self.service}"
