"""Reads of the rules app: catalogue search, the version in force, compiled rule sets."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from daftar.kernel.normalize import search_key
from daftar.municipalities.models import Municipality

from .evaluator import CompiledRuleSet, compile_rule_set
from .models import LicenceType, RuleSet, ScoringTable


def licence_types_search(query: str = "") -> QuerySet[LicenceType]:
    """Active licence types whose title, description, code or issuing body contain every word
    of ``query`` — compared by ``search_key`` (Arabic ي/ك, ZWNJ or space, diacritics, digits
    forgiven; partial words match)."""
    qs = LicenceType.objects.filter(is_active=True)
    for token in search_key((query or "")[:200]).split()[:10]:  # bounded: a query is a few words
        qs = qs.filter(search_text__contains=token)
    return qs.order_by("title")


def rule_set_in_force(
    licence_type: LicenceType, municipality: Municipality, on: dt.date | None = None
) -> RuleSet | None:
    """The published version with the latest start on or before ``on`` (Tehran's today)."""
    on = on or timezone.localdate()
    return (
        RuleSet.objects.filter(
            licence_type=licence_type, municipality=municipality, published=True, effective_from__lte=on
        )
        .select_related("municipality", "licence_type")
        .order_by("-effective_from", "-version")
        .first()
    )


def municipalities_with_rules(licence_type: LicenceType) -> QuerySet[Municipality]:
    return Municipality.objects.filter(rule_sets__licence_type=licence_type, rule_sets__published=True).distinct()


def scoring_table_in_force(licence_type: LicenceType, municipality: Municipality) -> ScoringTable | None:
    return (
        ScoringTable.objects.filter(
            licence_type=licence_type, municipality=municipality, effective_from__lte=timezone.localdate()
        )
        .order_by("-version")
        .first()
    )


def _place(municipality: Municipality) -> str:
    return municipality.city or municipality.name


def _rows(rule_set: RuleSet) -> list[dict[str, object]]:
    fields = ("cid", "group", "check_type", "facts", "parameters", "text", "citation", "verified_by", "document_type")
    rows: list[dict[str, object]] = []
    for values in rule_set.conditions.order_by("order").values_list(*fields):
        row = dict(zip(fields, values, strict=True))
        row["check"] = row.pop("check_type")
        rows.append(row)
    return rows


@lru_cache(maxsize=256)
def _compiled_published(rule_set_id: int, created_at: dt.datetime) -> CompiledRuleSet:
    rule_set = RuleSet.objects.select_related("municipality").get(pk=rule_set_id)
    return compile_rule_set(
        conditions=_rows(rule_set),
        place=_place(rule_set.municipality),
        version=rule_set.version,
        rule_set_id=rule_set.pk,
        effective_from=rule_set.effective_from,
    )


def compiled(rule_set: RuleSet) -> CompiledRuleSet:
    """The evaluator's form of a version; published versions never change, so they are cached."""
    if rule_set.published:
        return _compiled_published(rule_set.pk, rule_set.created_at)
    return compile_rule_set(
        conditions=_rows(rule_set),
        place=_place(rule_set.municipality),
        version=rule_set.version,
        rule_set_id=rule_set.pk,
        effective_from=rule_set.effective_from,
    )


# A visitor's self-check answers, kept in their session until they sign in and apply (issue 19
# §4: the answers are not asked again). A signed-in person's check is kept as an EligibilityCheck.
SELF_CHECK_SESSION_KEY = "self_check_facts"


def self_check_remember(session: Any, licence_type_id: int, facts: dict[str, Any]) -> None:
    """Keep ``facts`` (validated, JSON-safe) for the licence type; the latest replaces the last."""
    kept = dict(session.get(SELF_CHECK_SESSION_KEY) or {})
    kept[str(licence_type_id)] = facts
    session[SELF_CHECK_SESSION_KEY] = kept


def self_check_remembered(session: Any, licence_type_id: int) -> dict[str, Any] | None:
    kept = session.get(SELF_CHECK_SESSION_KEY) or {}
    facts = kept.get(str(licence_type_id)) if isinstance(kept, dict) else None
    return facts if isinstance(facts, dict) else None
