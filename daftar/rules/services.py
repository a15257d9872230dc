"""Writes of the rules app: loading the reviewed fixture, versioning rule sets, and recording
eligibility checks. Each in a transaction, each decision audited."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import normalize_text, persian_digits, search_key
from daftar.municipalities.models import Municipality
from daftar.runtime import pagecache
from daftar.runtime.inserts import insert_rows

from . import messages as msg
from .editing import MSG_STALE, MSG_TEXT, parameters_read, short, stale_number
from .evaluator import Evaluation, evaluate
from .models import Condition, DocumentRequirement, EligibilityCheck, LicenceType, RuleSet, ScoringTable
from .schema import condition_errors
from .scoring import Score, score
from .selectors import compiled, rule_set_in_force, scoring_table_in_force

DATA = Path(__file__).resolve().parent / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def licence_type_search_text(licence_type: LicenceType) -> str:
    parts = [
        licence_type.title,
        licence_type.code.replace("-", " "),
        licence_type.issuing_body,
        licence_type.description,
    ]
    key = search_key(" ".join(parts))
    # The key twice: as written, and without spaces, so «دفترخدمات» finds «دفتر خدمات».
    return f"{key} | {key.replace(' ', '')}"


def licence_type_upsert(*, data: dict[str, Any], actor: Any = None) -> LicenceType:
    with transaction.atomic():
        # Create-only: what an administrator edited later is never overwritten by the fixture.
        licence_type, created = LicenceType.objects.get_or_create(
            code=data["code"],
            defaults={k: data[k] for k in ("title", "kind", "issuing_body", "description", "legal_basis")},
        )
        licence_type.search_text = licence_type_search_text(licence_type)
        licence_type.save(update_fields=["search_text"])
        if created:
            audit_record(actor=actor, action="licence_type_created", obj=licence_type, data={"code": licence_type.code})
    return licence_type


def snapshot_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """Zones are copied into the version itself, so a later change of a map file cannot
    change what an old version decided. An unknown file leaves the zones missing (refused by
    the schema check)."""
    name = parameters.get("zones_file") if isinstance(parameters, dict) else None
    if name and "zones" not in parameters:
        path = (DATA / str(name)).resolve()
        if path.parent == DATA.resolve() and path.is_file():
            parameters = {**parameters, "zones": json.loads(path.read_text(encoding="utf-8"))}
    return parameters


def rules_load_fixture(*, path: Path | None = None, actor: Any = None) -> list[RuleSet]:
    """Load the reviewed fixture: the licence type, its documents (S12), and for each listed
    municipality a first published rule-set version and scoring table — only where none
    exists yet (idempotent)."""
    data = json.loads((path or FIXTURES / "e_city_office.json").read_text(encoding="utf-8"))
    created: list[RuleSet] = []
    with transaction.atomic():
        licence_type = licence_type_upsert(data=data["licence_type"], actor=actor)
        present = set(licence_type.documents.values_list("code", flat=True))
        insert_rows(  # the missing ones in one statement, each with its save signals
            *(
                DocumentRequirement(licence_type=licence_type, **{**doc, "order": order})
                for order, doc in enumerate(data["documents"])
                if doc["code"] not in present
            )
        )
        for slug, spec in data["rule_sets"].items():
            municipality = Municipality.objects.filter(slug=slug).first()
            if (
                municipality is None
                or RuleSet.objects.filter(licence_type=licence_type, municipality=municipality).exists()
            ):
                continue
            rule_set = RuleSet.objects.create(
                licence_type=licence_type,
                municipality=municipality,
                version=1,
                effective_from=dt.date.fromisoformat(spec["effective_from"]),
                note=spec.get("note", ""),
                published=True,
            )
            conditions = []
            for order, raw in enumerate(spec["conditions"]):
                row = {**raw, "parameters": snapshot_parameters(raw["parameters"])}
                problems = condition_errors(row)
                if problems:
                    raise ValueError(f"fixture condition {row['cid']}: {problems}")
                fields = {k: v for k, v in row.items() if k != "check"}
                conditions.append(Condition(rule_set=rule_set, order=order, check_type=row["check"], **fields))
            insert_rows(*conditions)  # one statement, each with its save signals
            if "scoring" in spec:
                ScoringTable.objects.get_or_create(
                    licence_type=licence_type,
                    municipality=municipality,
                    version=1,
                    defaults={"effective_from": rule_set.effective_from, "points": spec["scoring"]},
                )
            audit_record(
                actor=actor,
                action="rule_set_published",
                obj=rule_set,
                municipality=municipality,
                data={"version": 1, "source": "fixture"},
            )
            created.append(rule_set)
    return created


def rule_set_new_version(*, rule_set: RuleSet, actor: Any, effective_from: dt.date | None = None) -> RuleSet:
    """Copy ``rule_set`` into the next version, a draft, to be edited and then published.

    The copy is how a published version is "edited": the old one is never changed."""
    with transaction.atomic():
        latest = (
            RuleSet.objects.select_for_update()
            .filter(licence_type=rule_set.licence_type, municipality=rule_set.municipality)
            .aggregate(Max("version"))["version__max"]
        )
        draft = RuleSet.objects.create(
            licence_type=rule_set.licence_type,
            municipality=rule_set.municipality,
            version=(latest or 0) + 1,
            effective_from=effective_from or rule_set.effective_from,
            published=False,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            note=f"بر پایهٔ نسخهٔ {persian_digits(rule_set.version)}",
        )
        pagecache.changed("rules", municipality=rule_set.municipality_id)  # the bulk_create below: no signal
        Condition.objects.bulk_create(
            Condition(
                rule_set=draft,
                cid=c.cid,
                order=c.order,
                group=c.group,
                text=c.text,
                citation=c.citation,
                facts=c.facts,
                check_type=c.check_type,
                parameters=c.parameters,
                verified_by=c.verified_by,
                document_type=c.document_type,
            )
            for c in rule_set.conditions.all()
        )
        audit_record(
            actor=actor,
            action="rule_set_drafted",
            obj=draft,
            municipality=draft.municipality,
            data={"from_version": rule_set.version, "version": draft.version},
        )
    return draft


def rule_set_publish(*, rule_set: RuleSet, actor: Any, effective_from: dt.date | None = None) -> RuleSet:
    """Freeze a draft. From now on it can only be copied into a newer version.

    ``effective_from`` (the administrator's page): the day it comes into force, not before
    today (Tehran); a version cannot rewrite what was in force on a day already past. Without
    it the draft keeps the date it has."""
    if effective_from is not None and effective_from < timezone.localdate():
        raise ApplicationError(msg.EFFECTIVE_PAST, fields={"effective_from": [msg.EFFECTIVE_PAST]})
    with transaction.atomic():
        locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        if locked.published:
            raise ApplicationError(msg.ALREADY_PUBLISHED, code="conflict", status=409)
        conditions = list(locked.conditions.all())
        if not conditions:
            raise ApplicationError("نسخهٔ بی‌شرط را نمی‌توان منتشر کرد.", code="invalid")
        problems: dict[str, list[str]] = {}
        texts: dict[str, str] = {}
        for condition in conditions:
            condition.parameters = snapshot_parameters(condition.parameters)
            row = {
                "cid": condition.cid,
                "group": condition.group,
                "facts": condition.facts,
                "check": condition.check_type,
                "parameters": condition.parameters,
                "verified_by": condition.verified_by,
            }
            found = condition_errors(row)
            if found:
                problems[condition.cid] = found
                texts[condition.cid] = short(condition.text)
            else:
                condition.save(update_fields=["parameters"])
        if problems:
            # named by their text: people read this message, and a condition's id means nothing to them
            summary = "؛ ".join(f"«{texts[cid]}»: {' '.join(errs)}" for cid, errs in problems.items())
            raise ApplicationError(f"این نسخه منتشر نشد؛ شرایط نادرست: {summary}", code="invalid", fields=problems)
        starts = effective_from if effective_from is not None else locked.effective_from
        latest = (
            RuleSet.objects.filter(
                licence_type_id=locked.licence_type_id, municipality_id=locked.municipality_id, published=True
            )
            .exclude(pk=locked.pk)
            .order_by("-effective_from")
            .values_list("effective_from", flat=True)
            .first()
        )
        if latest is not None and starts < latest:
            # the version in force is the one that started last: an earlier start would be
            # overtaken by the older version when that one's day comes
            message = msg.EFFECTIVE_BEFORE_LATEST.format(date=to_jalali(latest))
            raise ApplicationError(message, code="effective_before_latest", fields={"effective_from": [message]})
        locked.published = True
        fields = ["published"]
        if effective_from is not None:
            locked.effective_from = effective_from
            fields.append("effective_from")
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="rule_set_published",
            obj=locked,
            municipality=locked.municipality,
            data={"version": locked.version, "effective_from": str(locked.effective_from)},
        )
    return locked


def rule_set_draft(*, licence_type: LicenceType, municipality: Municipality, actor: Any) -> RuleSet:
    """A new draft copied from the latest version of ``licence_type`` in ``municipality``; one
    draft at a time, so that two people do not edit two drafts of the same rules."""
    with transaction.atomic():
        versions = RuleSet.objects.select_for_update().filter(licence_type=licence_type, municipality=municipality)
        if versions.filter(published=False).exists():
            raise ApplicationError(msg.DRAFT_EXISTS, code="conflict", status=409)
        latest = versions.order_by("-version").first()
        if latest is None:
            raise ApplicationError(msg.NO_VERSION, code="conflict", status=409)
        return rule_set_new_version(
            rule_set=latest, actor=actor, effective_from=max(latest.effective_from, timezone.localdate())
        )


@dataclass(frozen=True)
class ConditionEdit:
    """What was typed for one condition of a draft: its text, and its parameters by name (a
    string for a number or a choice, a list for several choices); a parameter left out keeps
    its value."""

    text: str
    parameters: dict[str, Any]


def rule_set_conditions_update(*, rule_set: RuleSet, edits: dict[int, ConditionEdit], actor: Any) -> list[Condition]:
    """Change the texts and thresholds of a draft's conditions (``edits`` by condition id).

    All or nothing: every error is answered at once, keyed ``c<id>-<parameter>`` (``c<id>-text``
    for the text), and nothing is written. A published version is never changed (409)."""
    with transaction.atomic():
        locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        if locked.published:
            raise ApplicationError(msg.PUBLISHED_FIXED, code="conflict", status=409)
        conditions = {c.pk: c for c in locked.conditions.all()}
        errors: dict[str, list[str]] = {}
        changed: list[tuple[Condition, dict[str, Any]]] = []
        for pk, edit in edits.items():
            condition = conditions.get(pk)
            if condition is None:
                continue  # not of this version: nothing to change
            # the texts are written with Persian digits (the fixture's), whatever was typed
            text = persian_digits(normalize_text(edit.text or ""))
            if not 5 <= len(text) <= 500:
                errors[f"c{pk}-text"] = [MSG_TEXT]
                continue
            parameters, problems = parameters_read(
                check=condition.check_type,
                facts=list(condition.facts),
                text=text,
                current=dict(condition.parameters),
                typed=edit.parameters,
            )
            for name, found in problems.items():
                errors[f"c{pk}-{name}"] = found
            if problems:
                continue
            stale = stale_number(text, condition.parameters, parameters)
            if stale is not None:
                errors[f"c{pk}-text"] = [MSG_STALE.format(old=stale[0], new=stale[1])]
                continue
            row = {
                "cid": condition.cid,
                "group": condition.group,
                "facts": condition.facts,
                "check": condition.check_type,
                "parameters": parameters,
                "verified_by": condition.verified_by,
            }
            found = condition_errors(row)
            if found:
                errors[f"c{pk}-text"] = found
                continue
            if text != condition.text or parameters != condition.parameters:
                before = {"text": condition.text, "parameters": _without_zones(condition.parameters)}
                condition.text, condition.parameters = text, parameters
                changed.append((condition, before))
        if errors:
            raise ApplicationError(msg.CONDITIONS_INVALID, fields=errors)
        for condition, _before in changed:
            condition.save(update_fields=["text", "parameters"])
        if changed:
            audit_record(
                actor=actor,
                action="rule_set_conditions_changed",
                obj=locked,
                municipality=locked.municipality,
                data={
                    "version": locked.version,
                    "changes": [
                        {
                            "condition": c.cid,
                            "before": before,
                            "after": {"text": c.text, "parameters": _without_zones(c.parameters)},
                        }
                        for c, before in changed
                    ],
                },
            )
    return [c for c, _before in changed]


def _without_zones(parameters: dict[str, Any]) -> dict[str, Any]:
    """A zone map is kilobytes of coordinates that a page never changes: not worth an audit row."""
    return {k: v for k, v in parameters.items() if k != "zones"}


@dataclass(frozen=True)
class EligibilityResult:
    evaluation: Evaluation
    rule_set: RuleSet
    score: Score | None
    scoring_is_example: bool


def eligibility_check(
    *, licence_type: LicenceType, municipality: Municipality, facts: dict[str, Any], actor: Any
) -> EligibilityResult:
    """Judge validated ``facts`` by the version in force; a logged-in person's check is kept
    with a reference to that version."""
    rule_set = rule_set_in_force(licence_type, municipality)
    if rule_set is None:
        raise ApplicationError(msg.NO_RULES, code="not_found", status=404)
    evaluation = evaluate(compiled(rule_set), facts)
    table = scoring_table_in_force(licence_type, municipality)
    points = score(table.points, facts) if table else None
    if getattr(actor, "is_authenticated", False):
        EligibilityCheck.objects.create(
            user=actor,
            rule_set=rule_set,
            facts=facts,
            eligible=evaluation.eligible,
            results=[{"id": c.id, "result": c.result, "reason": c.reason} for c in evaluation.conditions],
            scoring_table=table,
            score=None
            if points is None
            else {"total": points.total, "breakdown": [[i.item, i.points] for i in points.breakdown]},
        )
    return EligibilityResult(evaluation, rule_set, points, bool(table and table.is_example))
