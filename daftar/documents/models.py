"""Uploaded documents of an application case (S12) and their per-document review.

A re-upload is a new version (``version`` + 1, ``is_current`` moves to it); old versions stay
for the record. Files are stored through Django's storage API under server-made names
(``validation.storage_name``); the person's own file name is kept only for display.

``review_state`` is not a declared lifecycle (issue 16), by the kernel's own test: it is the
reviewer's current verdict on one version, and while the case is in document review the
reviewer may give any verdict over any other (correct a slip, or a reason), so a table of its
moves would allow every move from every state and declare nothing. What does move is the case
(``applications.workflow.CASE``): its guards read these verdicts (a correction needs a rejected
document, accepting the documents needs them all accepted), and a replaced document is a new
version, not a move of the old one. Who may give a verdict is ``policy.may_review``, and only
``services.document_review`` writes one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReviewState(models.TextChoices):
    PENDING = "pending", "در انتظار بررسی"
    ACCEPTED = "accepted", "پذیرفته"
    REJECTED = "rejected", "ردشده"


class Document(models.Model):
    application = models.ForeignKey("applications.Application", related_name="documents", on_delete=models.PROTECT)
    doc_type = models.SlugField("نوع مدرک", max_length=40)
    version = models.PositiveSmallIntegerField("نسخه", default=1)
    is_current = models.BooleanField("نسخهٔ جاری", default=True)
    file = models.FileField("فایل", max_length=200)
    original_name = models.CharField("نام فایل", max_length=160)
    mime = models.CharField("نوع محتوا", max_length=40)
    size = models.PositiveIntegerField("حجم (بایت)")
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField("تاریخ بارگذاری", default=timezone.now)
    review_state = models.CharField("بررسی", max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING)
    review_reason = models.TextField("دلیل", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "doc_type", "-version"]
        verbose_name = "مدرک"
        verbose_name_plural = "مدارک"
        constraints = [
            models.UniqueConstraint(fields=["application", "doc_type", "version"], name="document_unique_version"),
            models.UniqueConstraint(
                fields=["application", "doc_type"], condition=models.Q(is_current=True), name="document_one_current"
            ),
        ]
        indexes = [models.Index(fields=["application", "is_current"], name="document_current")]

    def __str__(self) -> str:
        return f"{self.doc_type} v{self.version}"
