"""The primitives every domain policy is built from (issue 16, «one home for permissions»).

Each domain has one ``policy.py`` that answers "may this person do this to this object" for its
API views, pages, templates and services alike. Those policies are built only from the
functions below, so that two rules hold everywhere by construction:

- **Role in the object's municipality.** A municipal role counts only in the municipality it
  was granted for; a platform superuser counts as holding every role (the only place outside
  ``scoping.py`` that reads ``is_superuser``), except for the decisions a policy marks
  ``platform=False`` (a licence's sanctions, supervision's violations, notices and decisions),
  which only the municipal office itself takes.
- **Nobody acts on their own case, licence, office or notice.** :func:`staff_may` takes the ids
  of the people the object belongs to (the applicant, the licence holder, the office's staff)
  and refuses them whatever roles they hold, superusers included. Refusals answer like "not
  found" (:func:`not_found`), the same as another municipality's object: one's own case is not
  in one's staff queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from daftar.kernel.errors import ApplicationError

from .constants import STAFF_ROLES, Role
from .models import User
from .scoping import has_role, municipality_ids_for

NOT_FOUND = "موردی با این شناسه پیدا نشد."


def is_person(actor: Any) -> bool:
    """A logged-in, active person (not the system, not anonymous)."""
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


def is_platform_admin(actor: Any) -> bool:
    return is_person(actor) and bool(getattr(actor, "is_superuser", False))


def holds(actor: Any, roles: Iterable[str], municipality_id: int | None, *, platform: bool = True) -> bool:
    """``actor`` holds one of ``roles`` in ``municipality_id``. Platform admins hold them all,
    unless ``platform`` is False: decisions the law gives a municipal office (a licence's
    sanctions, a notice's decision) are that office's alone (API.md «licensing authority only»)."""
    if not is_person(actor):
        return False
    if platform and is_platform_admin(actor):
        return True
    return any(has_role(actor, str(role), municipality_id) for role in roles)


def municipalities_where(actor: Any, roles: Iterable[str], *, platform: bool = True) -> set[int] | None:
    """Ids of the municipalities where ``actor`` holds one of ``roles``; ``None`` means all (a
    platform admin, unless ``platform`` is False: then only their municipal roles count, as
    :func:`holds` answers for the decisions that are a municipal office's alone)."""
    if not is_person(actor):
        return set()
    if platform and is_platform_admin(actor):
        return None
    return municipality_ids_for(actor, {str(r) for r in roles})


def holds_anywhere(actor: Any, roles: Iterable[str]) -> bool:
    """``actor`` holds one of ``roles`` in some municipality (navigation; pages check their own)."""
    return municipalities_where(actor, roles) != set()


def is_own(actor: Any, owner_ids: Iterable[int | None]) -> bool:
    pk = getattr(actor, "pk", None)
    return pk is not None and pk in set(owner_ids)


def staff_may(
    actor: Any,
    roles: Iterable[str],
    municipality_id: int | None,
    *,
    owners: Iterable[int | None],
    platform: bool = True,
) -> bool:
    """A municipal role in the object's municipality, and the object is not the actor's own."""
    owner_ids = list(owners)
    return holds(actor, roles, municipality_id, platform=platform) and not is_own(actor, owner_ids)


def not_found(message: str = NOT_FOUND) -> ApplicationError:
    """The answer to "not yours", the same as "no such object" (API.md)."""
    return ApplicationError(message, code="not_found", status=404)


# --- the municipality's staff roles (issue 18 §3) -------------------------------------------------

# Who grants and revokes the municipality's staff roles.
ROLE_KEEPERS = frozenset({Role.MUNICIPALITY_ADMIN})
# What a municipality administrator grants: the municipality's own staff roles. Not the office
# roles (an office's manager adds and removes its staff on the office's page), not the applicant
# (everyone is one).
MUNICIPAL_GRANTABLE = frozenset(STAFF_ROLES)


def may_manage_roles(actor: Any, municipality_id: int | None) -> bool:
    """The municipality's administrator (or a platform administrator)."""
    return holds(actor, ROLE_KEEPERS, municipality_id)


def role_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` manages staff roles; ``None`` means everywhere."""
    return municipalities_where(actor, ROLE_KEEPERS)


def text_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` edits the SMS texts and reads the log of what was sent (issue 21 §4): the
    municipality's administrator, as for staff roles; ``None`` means everywhere."""
    return municipalities_where(actor, ROLE_KEEPERS)


def deadline_municipalities(actor: Any) -> set[int] | None:
    """Where ``actor`` sets the deadline rules: reminder days, the head and what happens when a
    legal clock runs out (issue 21 §2): the municipality's administrator, as for staff roles;
    ``None`` means everywhere."""
    return municipalities_where(actor, ROLE_KEEPERS)


def may_set_deadlines(actor: Any, municipality_id: int | None) -> bool:
    return holds(actor, ROLE_KEEPERS, municipality_id)


def grantable_roles(actor: Any) -> frozenset[str]:
    """The roles ``actor`` may grant or revoke: every role but the applicant for a platform
    administrator (the Django admin), the municipal staff roles for a municipality's."""
    if is_platform_admin(actor):
        return frozenset(r.value for r in Role if r != Role.APPLICANT)
    return frozenset(str(r) for r in MUNICIPAL_GRANTABLE)


def people_holding(roles: Iterable[str], municipality_ids: Iterable[int] | None) -> QuerySet[User]:
    """The active people who hold one of ``roles`` in one of ``municipality_ids`` (``None``: in
    any), e.g. the inspectors a supervisor may send on a visit."""
    held: dict[str, Any] = {"roles__role__in": [str(r) for r in roles]}
    if municipality_ids is not None:  # in one filter: the role held in one of them
        held["roles__municipality_id__in"] = list(municipality_ids)
    return User.objects.filter(is_active=True, **held).distinct()
