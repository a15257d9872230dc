"""What an inspection user may see: inspections of cases in the municipalities where they are an
inspector (or licensing authority, read-only). Anything else is a 404. Who sees what is
``policy.py``'s answer; these are the look-ups the API and the pages share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from daftar.applications.models import Application
from daftar.applications.workflow import Status
from daftar.kernel.errors import ApplicationError
from daftar.licences.models import Licence

from . import messages as msg
from . import policy
from .models import Inspection, InspectionPhoto, InspectionStatus, SupervisionVisit


def not_found() -> ApplicationError:
    return ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


def inspections_visible(actor: Any) -> QuerySet[Inspection]:
    return policy.inspections_visible(actor)


def inspection_for(actor: Any, pk: int) -> Inspection:
    inspection = inspections_visible(actor).filter(pk=pk).first()
    if inspection is None:
        raise not_found()
    return inspection


def photo_for(actor: Any, inspection_pk: int, photo_pk: int) -> InspectionPhoto:
    """A photo of an inspection the actor may read (404 for any other, or another's photo).
    ``inspection__pk``, not ``inspection_id``: an id past the column's range is then no match
    (Django's integer lookups) instead of a database overflow (a 500; issue 8's fuzzing)."""
    photo = policy.photos_visible(actor).filter(pk=photo_pk, inspection__pk=inspection_pk).first()
    if photo is None:
        raise not_found()
    return photo


def photo_download_name(photo: InspectionPhoto) -> str:
    """A server-made name: the inspection, the photo and the stored extension."""
    extension = str(photo.file.name).rsplit(".", 1)[-1]
    return f"inspection-{photo.inspection_id}-photo-{photo.pk}.{extension}"


def case_for_inspector(actor: Any, pk: int) -> Application:
    """A case in the inspector's municipality (404 for any other)."""
    qs = policy.cases_to_inspect(actor).select_related("applicant", "municipality", "call__rule_set")
    application = qs.filter(pk=pk).first()
    if application is None:
        raise not_found()
    return application


def scheduled_visits(actor: Any) -> QuerySet[Inspection]:
    return inspections_visible(actor).filter(status=InspectionStatus.SCHEDULED).order_by("scheduled_at", "pk")


def awaiting_visit(actor: Any) -> QuerySet[Application]:
    """Cases at site_inspection in the inspector's municipalities without a scheduled visit."""
    qs = policy.cases_to_inspect(actor).filter(status=Status.SITE_INSPECTION).select_related("district", "applicant")
    return qs.exclude(inspections__status=InspectionStatus.SCHEDULED).order_by("status_changed_at", "pk")


# --- supervision visits of licensed offices -------------------------------------------------


def visit_not_found() -> ApplicationError:
    return ApplicationError(msg.VISIT_NOT_FOUND, code="not_found", status=404)


def visits_visible(actor: Any) -> QuerySet[SupervisionVisit]:
    """Visits of licences in the user's municipalities (inspector, licensing authority,
    supervisor) and, read-only, visits of the user's own licences."""
    return policy.visits_visible(actor)


def visit_for(actor: Any, pk: int) -> SupervisionVisit:
    visit = visits_visible(actor).filter(pk=pk).first()
    if visit is None:
        raise visit_not_found()
    return visit


def licence_for_inspector(actor: Any, number: str) -> Licence:
    """A licence in the inspector's municipality (404 for any other)."""
    qs = policy.licences_to_visit(actor).select_related("holder", "municipality", "application__call__rule_set")
    licence = qs.filter(number=number).first()
    if licence is None:
        raise visit_not_found()
    return licence


def scheduled_supervision_visits(actor: Any) -> QuerySet[SupervisionVisit]:
    """Scheduled supervision visits of the inspector's municipalities."""
    qs = policy.supervision_visits_to_record(actor).select_related(
        "licence__district", "licence__holder", "licence__office"
    )
    return qs.order_by("scheduled_at", "pk")
