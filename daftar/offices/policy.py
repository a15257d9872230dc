"""Who may do what at an office: the one place that decides it (issue 16).

Every office page, office API endpoint and office service asks here; the appointments and
services apps ask here too, through :func:`office_access`. Built only from the primitives of
``daftar.accounts.policy``:

- The office's own staff (an active ``OfficeStaff`` row at an active office): the manager runs
  everything (hours, closures, staff, costs, the day's closing); a clerk records transactions
  and marks appointments.
- Municipality staff who supervise offices (``MUNICIPAL_READERS``: supervisor, licensing
  authority, municipality administrator) of the office's municipality read its records (403 on
  any change); a platform administrator reads every office.
- The municipality administrator creates the municipality's offices and may correct an
  office's profile, but not the profile of an office they work at themselves: an office's own
  staff never act on it as the municipality (nobody acts on their own office).
- Anyone else: the office's records do not exist for them (404, the same as a wrong id).
  Public facts (name, address, hours, services, tariffs) are served by the public views.

``actor=None`` is the system (the demo data, migrations): it may do what a manager may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, holds_anywhere, is_person, is_platform_admin, municipalities_where, staff_may
from daftar.kernel.errors import ApplicationError

from .models import Office, OfficeStaff, StaffRole

MUNICIPAL_READERS = frozenset({Role.SUPERVISOR, Role.LICENSING_AUTHORITY, Role.MUNICIPALITY_ADMIN})
OFFICE_ADMINS = frozenset({Role.MUNICIPALITY_ADMIN})

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
            raise forbidden()

    def require_manager(self) -> None:
        if not self.is_manager:
            raise forbidden()


def not_found() -> ApplicationError:
    return ApplicationError(NOT_FOUND, code="not_found", status=404)


def forbidden() -> ApplicationError:
    return ApplicationError(NOT_PERMITTED, code="permission_denied", status=403)


# --- membership -------------------------------------------------------------------------------


def memberships(user: Any) -> QuerySet[OfficeStaff]:
    if not getattr(user, "is_authenticated", False):
        return OfficeStaff.objects.none()
    return OfficeStaff.objects.filter(user=user, active=True, office__active=True)


def staff_row(office: Office, actor: Any) -> OfficeStaff | None:
    """The actor's active row at ``office`` (whatever the office's own state)."""
    if not is_person(actor):
        return None
    return OfficeStaff.objects.filter(office=office, user=actor, active=True).first()


def works_at(actor: Any, office: Office) -> bool:
    """An active member (manager or clerk) of the active ``office``."""
    return office.active and staff_row(office, actor) is not None


def staff_ids(office: Office) -> set[int]:
    """The people the office belongs to: its active staff (``owners`` for ``staff_may``)."""
    return set(OfficeStaff.objects.filter(office=office, active=True).values_list("user_id", flat=True))


def is_manager(office: Office, actor: Any) -> bool:
    row = staff_row(office, actor)
    return row is not None and row.role == StaffRole.MANAGER


# --- the questions --------------------------------------------------------------------------


def office_access(user: Any, pk: Any) -> OfficeAccess:
    """The office ``pk`` with the user's access level, or a 404 ``ApplicationError``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found() from None
    if not is_person(user):
        raise not_found()
    office = Office.objects.select_related("municipality", "district", "licence").filter(pk=pk).first()
    if office is None:
        raise not_found()
    row = staff_row(office, user)
    if row is not None and office.active:
        return OfficeAccess(office, Access.MANAGER if row.role == StaffRole.MANAGER else Access.CLERK)
    if holds(user, MUNICIPAL_READERS, office.municipality_id):
        return OfficeAccess(office, Access.MUNICIPALITY)
    raise not_found()


def offices_readable(user: Any) -> QuerySet[Office]:
    """Offices whose records ``user`` may read: their own (as staff) and, for municipality
    readers, every office of their municipalities."""
    if not is_person(user):
        return Office.objects.none()
    ids = municipalities_where(user, MUNICIPAL_READERS)
    if ids is None:
        return Office.objects.all()
    own = memberships(user).values("office_id")
    return Office.objects.filter(Q(pk__in=own) | Q(municipality_id__in=ids))


def may_manage(actor: Any, office: Office) -> bool:
    """Staff, hours and closures: the system, a platform administrator or the office's manager."""
    return actor is None or is_platform_admin(actor) or is_manager(office, actor)


def may_administer(actor: Any, municipality_id: int, office: Office | None = None) -> bool:
    """The municipality's administrator (or the system) acting on its offices; never on an
    office they work at themselves."""
    if actor is None:
        return True
    owners = staff_ids(office) if office is not None else set()
    return staff_may(actor, OFFICE_ADMINS, municipality_id, owners=owners)


def may_update_profile(actor: Any, office: Office) -> bool:
    """The office's manager, or the municipality's administrator (see ``may_administer``)."""
    return may_manage(actor, office) or may_administer(actor, office.municipality_id, office)


def administered_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` administers offices (the admin's choices); ``None`` means everywhere."""
    return municipalities_where(actor, OFFICE_ADMINS)


def is_municipal_reader(actor: Any, office: Office) -> bool:
    """Reads ``office``'s records for its municipality (or as a platform administrator)."""
    return holds(actor, MUNICIPAL_READERS, office.municipality_id)


def works_at_an_office(actor: Any) -> bool:
    """An active staff row at an office, or a role that reads offices somewhere (navigation)."""
    return memberships(actor).exists() or holds_anywhere(actor, MUNICIPAL_READERS)


# --- the municipality's working calendar (S17; issue 18 §3) -------------------------------------

# Who keeps the municipality's hours directive, extended days, days off and holiday corrections.
CALENDAR_KEEPERS = frozenset({Role.MUNICIPALITY_ADMIN})


def may_keep_calendar(actor: Any, municipality_id: int) -> bool:
    """The municipality's administrator (a platform administrator too; ``None``, the system)."""
    return actor is None or holds(actor, CALENDAR_KEEPERS, municipality_id)


def calendar_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` keeps the calendar; ``None`` means everywhere (a platform administrator)."""
    return municipalities_where(actor, CALENDAR_KEEPERS)
