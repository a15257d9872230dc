"""Which municipality an administrator's page is about (calls, rule sets, pass rules).

Most administrators run one municipality; one who runs several (or a platform superuser) picks
it with ``?m=<slug>`` (a small switcher on the page). Whether a person administers anything is
asked of the domain's policy by the caller, which passes the answer in: ``ids`` is the set of
municipality ids they manage (``None``: all of them). Someone who manages none gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from daftar.municipalities.models import Municipality


@dataclass(frozen=True)
class Scope:
    municipality: Municipality
    choices: tuple[Municipality, ...]

    @property
    def many(self) -> bool:
        return len(self.choices) > 1


def scope_for(request: HttpRequest, ids: set[int] | None) -> Scope:
    qs = Municipality.objects.filter(is_active=True).order_by("name")
    if ids is not None:
        if not ids:
            raise PermissionDenied
        qs = qs.filter(pk__in=ids)
    cities = tuple(qs)
    if not cities:
        raise PermissionDenied
    wanted = request.GET.get("m") or request.POST.get("m") or ""
    chosen = next((m for m in cities if m.slug == wanted), cities[0])
    return Scope(municipality=chosen, choices=cities)
