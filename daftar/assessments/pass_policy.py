"""Setting a municipality's pass rules (S10.4, P7): the assessment policy that a new exam
session and a new interview panel copy (``models.AssessmentPolicy``).

The municipality administrator sets it on their page (``daftar.desk.municipal.assessment``)
and platform admins in the Django admin; both are checked by ``AssessmentPolicy.clean``, so the
two cannot disagree. Sessions and panels already made keep their copy: a change never alters a
result already announced."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from daftar.audit.services import audit_record
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text

from . import messages as msg
from .models import AssessmentPolicy, PanelRule, PassRule, policy_for

NUMBER_FIELDS = (
    "fixed_pass_mark",
    "relative_share",
    "top_share",
    "weight_general",
    "weight_specialised",
    "interview_pass_mark",
)
CHOICE_FIELDS = {"exam_pass_rule": PassRule, "interview_rule": PanelRule}
FIELDS = (*CHOICE_FIELDS, *NUMBER_FIELDS)


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = normalize_text(str(raw or "")).replace("٫", ".").replace("/", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def _values(policy: AssessmentPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in FIELDS}


def _first_save(
    policy: AssessmentPolicy, municipality: Any, before: dict[str, Any], after: dict[str, Any]
) -> tuple[AssessmentPolicy, dict[str, Any]]:
    """The municipality's first rules: insert them, unless another administrator's first save
    got there in between (two tabs, a double click): then these values go onto that row, under
    its lock, and the audit's "before" is what that save had written."""
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer transaction usable
            policy.save()
        return policy, before
    except IntegrityError:
        pass
    existing = AssessmentPolicy.objects.select_for_update().get(municipality_id=municipality.pk)
    before = _values(existing)
    for name, value in after.items():
        setattr(existing, name, value)
    existing.save()
    return existing, before


def assessment_policy_save(*, municipality: Any, values: dict[str, Any], actor: Any) -> AssessmentPolicy:
    """Set ``municipality``'s pass rules from ``values`` (field name → what was typed; a name
    left out keeps its value). Every error at once, by field; nothing written on any."""
    policy = policy_for(municipality.pk)
    before = _values(policy)
    errors: dict[str, list[str]] = {}
    for name, choices in CHOICE_FIELDS.items():
        if name in values:
            if values[name] not in choices.values:
                errors[name] = [msg.POLICY_CHOICE]
            else:
                setattr(policy, name, values[name])
    for name in NUMBER_FIELDS:
        if name in values:
            value = _number(values[name])
            if value is None:
                errors[name] = [msg.POLICY_NUMBER]
            else:
                setattr(policy, name, value)
    if not errors:
        try:
            policy.full_clean(exclude=["municipality"])
        except ValidationError as exc:
            errors = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first if len(errors) == 1 else msg.POLICY_INVALID, fields=errors)
    after = _values(policy)
    if after == before and policy.pk is not None:
        return policy
    with transaction.atomic():
        if policy.pk is None:
            policy, before = _first_save(policy, municipality, before, after)
        else:
            policy.save()
        audit_record(
            actor=actor,
            action="assessment_policy_changed",
            obj=policy,
            municipality=municipality,
            data={
                "before": before,
                "after": after,
                "changed": sorted(k for k in FIELDS if before[k] != after[k]),
            },
        )
    return policy
