"""Who may do what with rule-set versions: the one place that decides it (issue 16).

Built from the primitives of ``daftar.accounts.policy``. The catalogue, the published versions
and the self-check are public. The municipality administrator of a municipality drafts new
versions of its rules, edits a draft's conditions, previews its effect on the open cases and
publishes it (the desk's pages, ``daftar.desk.municipal.rulesets``, and the admin). A version
belongs to a municipality, not a person: there is no "own" version to refuse. On the pages,
someone who administers no municipality gets 403; another municipality's version does not
exist for them (404, the same body as a nonexistent id).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds, holds_anywhere, municipalities_where
from daftar.accounts.scoping import scope_queryset

from .models import RuleSet

RULE_ADMINS = frozenset({Role.MUNICIPALITY_ADMIN})


def manages_rules_somewhere(actor: Any) -> bool:
    return holds_anywhere(actor, RULE_ADMINS)


def rule_municipalities(actor: Any) -> set[int] | None:
    """Ids of the municipalities whose rules ``actor`` manages; ``None`` means all of them."""
    return municipalities_where(actor, RULE_ADMINS)


def may_manage_rules(actor: Any, municipality_id: int) -> bool:
    """Drafts, edits, previews and publishes versions of ``municipality_id``'s rules."""
    return holds(actor, RULE_ADMINS, municipality_id)


def managed_rule_sets(actor: Any) -> QuerySet[RuleSet]:
    """The versions ``actor`` manages; fetch one through it (another municipality's: 404)."""
    return scope_queryset(RuleSet.objects.all(), actor, roles=RULE_ADMINS)
