"""The measures of the office scorecard (issue 22 §2), in the order pages show them."""

from __future__ import annotations

from django.db import models


class Measure(models.TextChoices):
    SATISFACTION = "satisfaction", "رضایت شهروندان"
    TARIFF = "tariff", "رعایت تعرفهٔ مصوب"
    HOURS = "hours", "رعایت ساعات کار"
    COMPLAINTS = "complaints", "شکایت‌های واردشده"
    VIOLATIONS = "violations", "تخلف‌ها به تفکیک شدت"
    REPORTS = "reports", "گزارش‌های شش‌ماههٔ به‌موقع"
    WAIT = "wait", "میانهٔ زمان انتظار"


MEASURES = [m.value for m in Measure]
SEVERITIES = ("minor", "major", "grave")  # daftar.supervision.models.Severity
