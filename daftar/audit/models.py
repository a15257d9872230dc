"""Append-only, hash-chained audit entries.

Each entry carries the hash of the one before it, so changing, removing or inserting a row
breaks the chain at that row (``verify_audit`` names it). Rows refuse update and delete in
Python and, by database triggers, in SQL too (migration 0002).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from . import constants


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField("شماره", unique=True)
    created_at = models.DateTimeField("زمان")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="کاربر", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField("شناسهٔ کاربر", max_length=64, blank=True)
    action = models.CharField("رویداد", max_length=64)
    object_type = models.CharField("نوع موضوع", max_length=64, blank=True)
    object_id = models.CharField("شناسهٔ موضوع", max_length=64, blank=True)
    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name="شهرداری", null=True, blank=True, on_delete=models.PROTECT
    )
    data = models.JSONField("جزئیات", default=dict, blank=True)
    # The request (or the task it queued) that wrote the entry: the X-Request-ID of its log lines
    # (issue 20). Outside the hash chain (decision 0039): a pointer to the logs, not part of what
    # happened. Nullable so that adding it is a plain ADD COLUMN (SQLite would otherwise rebuild
    # the table and lose its append-only triggers); entries from before it, or made outside any
    # request or task (a management command), have none.
    request_id = models.CharField("شناسهٔ درخواست", max_length=64, null=True, blank=True)
    # unique by constraints (no LIKE indexes beside them: issue 7, every audited write fills them)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = "رویداد"
        verbose_name_plural = "رویدادنامه"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action"], name="audit_action"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["prev_hash"], name="audit_prev_hash_unique"),
            models.UniqueConstraint(fields=["hash"], name="audit_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit entries cannot be deleted")

    @property
    def action_label(self) -> str:
        return constants.action_label(self.action)

    @property
    def actor_display(self) -> str:
        return "سامانه" if self.actor_label == "system" else self.actor_label


class AuditHead(models.Model):
    """The chain's tip (one row): locked by every writer, so two writers cannot fork it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head {self.seq}"
