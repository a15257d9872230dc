"""``{% location_map_target as target %}``: which licence and municipality the map picker of
``rules/_location_fields.html`` draws, found in the page's own context — the self-check's
``licence`` and ``municipality``, a call's ``call``, an inspection's ``inspection`` — so the
three pages that include the fields need no change. Read by attribute only: this app imports
none of the apps above it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


def _pair(context: template.Context) -> tuple[str, str] | None:
    licence, municipality = context.get("licence"), context.get("municipality")
    if licence is not None and municipality is not None and hasattr(licence, "code"):
        return licence.code, municipality.slug
    call = context.get("call")
    inspection = context.get("inspection")
    if call is None and inspection is not None:
        call = getattr(getattr(inspection, "application", None), "call", None)
    if call is not None:
        return call.licence_type.code, call.municipality.slug
    return None


@register.simple_tag(takes_context=True)
def location_map_target(context: template.Context) -> dict[str, Any] | None:
    pair = _pair(context)
    if pair is None:
        return None
    code, slug = pair
    return {
        "map_url": f"{reverse('api-licence-map', args=[code])}?municipality={slug}",
        "check_url": f"{reverse('api-licence-map-check', args=[code])}?municipality={slug}",
    }
