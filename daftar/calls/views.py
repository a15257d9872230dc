"""The public list of calls (فراخوان, S7).

One call's page, where a person applies, and a district's ranking are pages of the case
(``daftar.applications.call_views``): the case builds on the call, not the other way round.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import Call, CallState
from .selectors import calls_list

CLOSED_SHOWN = 50  # closed calls are history: the latest ones are enough on the page


def call_list(request: HttpRequest) -> HttpResponse:
    """Open calls first (closing soonest first), then upcoming, then the latest closed ones."""
    now = timezone.now()
    calls = list(calls_list())
    groups: dict[str, list[Call]] = {state: [] for state in CallState.values}
    for call in calls:
        groups[call.state(now)].append(call)
    groups[CallState.UPCOMING].sort(key=lambda c: (c.opens_at, c.pk))
    groups[CallState.CLOSED].sort(key=lambda c: (c.closes_at, c.pk), reverse=True)
    sections = [
        {"state": CallState.OPEN, "title": "فراخوان‌های باز", "calls": groups[CallState.OPEN]},
        {"state": CallState.UPCOMING, "title": "فراخوان‌های آینده", "calls": groups[CallState.UPCOMING]},
        {"state": CallState.CLOSED, "title": "فراخوان‌های بسته", "calls": groups[CallState.CLOSED][:CLOSED_SHOWN]},
    ]
    return render(request, "calls/list.html", {"sections": sections, "now": now, "any": bool(calls)})
