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

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import search_key
from daftar.municipalities.models import Municipality

from . import messages as msg
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
        for order, doc in enumerate(data["documents"]):
            DocumentRequirement.objects.get_or_create(
                licence_type=licence_type, code=doc["code"], defaults={**doc, "order": order}
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
            for order, raw in enumerate(spec["conditions"]):
                row = {**raw, "parameters": snapshot_parameters(raw["parameters"])}
                problems = condition_errors(row)
                if problems:
                    raise ValueError(f"fixture condition {row['cid']}: {problems}")
                fields = {k: v for k, v in row.items() if k != "check"}
                Condition.objects.create(rule_set=rule_set, order=order, check_type=row["check"], **fields)
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
            note=f"بر پایهٔ نسخهٔ {rule_set.version}",
        )
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


def rule_set_publish(*, rule_set: RuleSet, actor: Any) -> RuleSet:
    """Freeze a draft. From now on it can only be copied into a newer version."""
    with transaction.atomic():
        locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        if locked.published:
            raise ApplicationError(
                "این نسخه پیش‌تر منتشر شده است؛ برای تغییر، نسخهٔ تازه بسازید.", code="conflict", status=409
            )
        conditions = list(locked.conditions.all())
        if not conditions:
            raise ApplicationError("نسخهٔ بی‌شرط را نمی‌توان منتشر کرد.", code="invalid")
        problems: dict[str, list[str]] = {}
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
            else:
                condition.save(update_fields=["parameters"])
        if problems:
            summary = "؛ ".join(f"{cid}: {' '.join(errs)}" for cid, errs in problems.items())
            raise ApplicationError(f"این نسخه منتشر نشد؛ شرایط نادرست: {summary}", code="invalid", fields=problems)
        locked.published = True
        locked.save(update_fields=["published"])
        audit_record(
            actor=actor,
            action="rule_set_published",
            obj=locked,
            municipality=locked.municipality,
            data={"version": locked.version, "effective_from": str(locked.effective_from)},
        )
    return locked


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
