"""Who may do what at an office. Every office page and office API endpoint goes through here.

- The office's own staff (an active ``OfficeStaff`` row): the manager runs everything (hours,
  closures, staff, costs, the day's closing); a clerk records transactions and marks
  appointments.
- Municipality staff who supervise offices (supervisor, licensing authority, municipality
  administrator) of the office's municipality read its records (403 on any change).
- Anyone else: the office's records do not exist for them (404, the same as a wrong id).
  Public facts (name, address, hours, services, tariffs) are served by the public views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from daftar.accounts.constants import Role
from daftar.accounts.scoping import municipality_ids_for
from daftar.kernel.errors import ApplicationError

from .models import Office, OfficeStaff, StaffRole

MUNICIPAL_READERS = frozenset({Role.SUPERVISOR, Role.LICENSING_AUTHORITY, Role.MUNICIPALITY_ADMIN})

NOT_FOUND = "دفتر پیدا نشد."
NOT_PERMITTED = "این کار در دسترس نقش شما در این دفتر نیست."


class Access:
    MANAGER = "manager"
    CLERK = "clerk"
    MUNICIPALITY = "municipality"  # read-only


@dataclass(frozen=True)
class OfficeAccess:
    office: Office
    level: str  # one of Access

    @property
    def is_staff(self) -> bool:
        return self.level in (Access.MANAGER, Access.CLERK)

    @property
    def is_manager(self) -> bool:
        return self.level == Access.MANAGER

    def require_staff(self) -> None:
        """Clerk or manager of this office (403 for municipality readers)."""
        if not self.is_staff:
            raise ApplicationError(NOT_PERMITTED, code="permission_denied", status=403)

    def require_manager(self) -> None:
        if not self.is_manager:
            raise ApplicationError(NOT_PERMITTED, code="permission_denied", status=403)


def not_found() -> ApplicationError:
    return ApplicationError(NOT_FOUND, code="not_found", status=404)


def memberships(user: Any) -> QuerySet[OfficeStaff]:
    if not getattr(user, "is_authenticated", False):
        return OfficeStaff.objects.none()
    return OfficeStaff.objects.filter(user=user, active=True, office__active=True)


def office_access(user: Any, pk: Any) -> OfficeAccess:
    """The office ``pk`` with the user's access level, or a 404 ``ApplicationError``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found() from None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise not_found()
    office = Office.objects.select_related("municipality", "district", "licence").filter(pk=pk).first()
    if office is None:
        raise not_found()
    row = OfficeStaff.objects.filter(office=office, user=user, active=True).first()
    if row is not None and office.active:
        return OfficeAccess(office, Access.MANAGER if row.role == StaffRole.MANAGER else Access.CLERK)
    if user.is_superuser or office.municipality_id in municipality_ids_for(user, MUNICIPAL_READERS):
        return OfficeAccess(office, Access.MUNICIPALITY)
    raise not_found()


def offices_readable(user: Any) -> QuerySet[Office]:
    """Offices whose records ``user`` may read: their own (as staff) and, for municipality
    readers, every office of their municipalities."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    own = memberships(user).values("office_id")
    ids = municipality_ids_for(user, MUNICIPAL_READERS)
    from django.db.models import Q

    return Office.objects.filter(Q(pk__in=own) | Q(municipality_id__in=ids))
