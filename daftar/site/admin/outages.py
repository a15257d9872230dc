"""Outages of the whole system (``core.Outage``, issue 21 §2): platform staff record one the
heartbeat did not see (a night the servers were down is a gap; a partial failure may not be).
Each ended outage extends the legal clocks that were running through it, once."""

from __future__ import annotations

from django.contrib import admin

from daftar.accounts.admin_base import AuditedAdmin
from daftar.kernel.admin_columns import jalali_column
from daftar.runtime.models import Outage


@admin.register(Outage)
class OutageAdmin(AuditedAdmin):
    started = jalali_column("started_at", "آغاز")
    ended = jalali_column("ended_at", "پایان")
    list_display = ["reason", "started", "ended"]
    fields = ["started_at", "ended_at", "reason"]
