"""``{% load rule_words %}{{ condition.citation|citation_words }}``: a legal basis in words."""

from __future__ import annotations

from django import template

from daftar.rules.citations import citation_words as _citation_words

register = template.Library()


@register.filter
def citation_words(value: object) -> str:
    return _citation_words(str(value or ""))
