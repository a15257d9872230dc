"""DRF serializer fields for Persian input: each normalises first, then validates, and fails
with the Persian message of ``daftar.kernel.messages``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from daftar.kernel import messages as m
from daftar.kernel.countries import ISO_ALPHA2
from daftar.kernel.jalali import jalali_iso, parse_date
from daftar.kernel.normalize import normalize_text
from daftar.kernel.validators import normalize_legal_national_id, normalize_mobile, normalize_national_code


class _NormalizedField(serializers.CharField):
    normalizer: Callable[[str], str]

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str | int):
            raise serializers.ValidationError(m.VALIDATION_FAILED)
        value = super().to_internal_value(str(data))
        if value == "" and self.allow_blank:
            return value
        try:
            return type(self).normalizer(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code=exc.code) from exc


class MobileField(_NormalizedField):
    normalizer = staticmethod(normalize_mobile)


class NationalCodeField(_NormalizedField):
    normalizer = staticmethod(normalize_national_code)


class LegalNationalIdField(_NormalizedField):
    normalizer = staticmethod(normalize_legal_national_id)


class NationalityField(serializers.CharField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = normalize_text(str(data)).upper()
        if value not in ISO_ALPHA2:
            raise serializers.ValidationError(m.NATIONALITY_INVALID, code="invalid")
        return value


class JalaliOrIsoDateField(serializers.DateField):
    """Reads ``2025-11-24`` or ``1404/09/03`` (any digits); writes ISO."""

    def to_internal_value(self, value: Any) -> dt.date:
        try:
            return parse_date(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code="invalid") from exc


def jalali_twin(value: dt.date | dt.datetime | None) -> str | None:
    return jalali_iso(value)
