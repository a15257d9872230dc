"""The case page (issue 4 §7), the one page of a case for its applicant and for staff: its
status, facts, conditions judged live (S9–S11), documents with their versions (S12), legal
deadlines (P1), inquiries, assessments and timeline, with the forms of what the reader may do
now.

What the reader may do comes from ``services.actions_available`` (``workflow.MOVES``) and the
policies, never from the template. A case that is not visible to the reader is a 404, the same
as a case that does not exist (``_case_or_404``). The applicant's and the staff's pages post to
it and show it again, with the form that failed, when a service refuses.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from daftar.accounts.selectors import profile_gaps
from daftar.documents.models import Document, ReviewState
from daftar.inquiries import policy as inquiry_policy
from daftar.inquiries.workflow import INQUIRY
from daftar.kernel.normalize import persian_digits, persian_number
from daftar.rules.constants import DEGREE_FIELDS, DEGREE_LEVELS, EQUIPMENT, FACT_LABELS, PREMISES_USES
from daftar.rules.evaluator import about_applicant
from daftar.runtime.pagecache import cached_page, municipality_in_address, per_municipality

from .. import policy, services
from ..api import case_body
from ..case_documents import UPLOAD_STATES
from ..forms import ACTION_FORMS, ActionForm, ReviewForm, SubmitForm, UploadForm
from ..models import Application, StageClock
from ..presenters import case_steps, missing_documents, next_step, requirements_for, stages_ahead
from ..selectors import case_detail
from ..workflow import STAFF_ROLES_FOR_CASES, Status

# Persian texts of the pages (the services' own refusals come with their messages).
CREATED_EVENT = "ساخت پیش‌نویس درخواست"
# mime → (name shown, what the file picker offers)
KINDS = {"application/pdf": ("PDF", ".pdf"), "image/jpeg": ("JPEG", ".jpg,.jpeg"), "image/png": ("PNG", ".png")}
# Moves without input that the page offers only when the service would take them now; otherwise
# it says why (docs/decisions/0034-reviewer-viewer.md).
GATED_MOVES = frozenset({"accept_documents"})
STATE_LABELS = {
    "running": "در جریان",
    "paused": "متوقف (در انتظار متقاضی)",
    "overdue": "گذشته از مهلت",
    "finished": "پایان‌یافته",
}


def _case_or_404(request: HttpRequest, pk: int) -> Application:
    try:
        return case_detail(request.user, pk)
    except Application.DoesNotExist:
        raise Http404 from None


def _is_staff_of(user: Any, application: Application) -> bool:
    return policy.holds(user, STAFF_ROLES_FOR_CASES, application.municipality_id)


def _case_url(application_id: int, anchor: str = "") -> str:
    url = reverse("applications:detail", args=[application_id])
    return f"{url}#{anchor}" if anchor else url


def _fact_value(name: str, value: Any) -> str:
    vocabulary = {"degree_level": DEGREE_LEVELS, "degree_field": DEGREE_FIELDS, "premises_use": PREMISES_USES}
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if name in vocabulary:
        return vocabulary[name].get(value, str(value))
    if name == "equipment" and isinstance(value, list):
        return "، ".join(EQUIPMENT.get(v, str(v)) for v in value) or "—"
    if name == "location" and isinstance(value, dict):
        return f"{persian_number(value.get('lat', 0), 5)}، {persian_number(value.get('lng', 0), 5)}"
    if isinstance(value, int | float):
        return persian_number(value)
    return persian_digits(value)


def _facts_rows(facts: dict[str, Any]) -> list[dict[str, str]]:
    order = list(FACT_LABELS)
    names = sorted(facts, key=lambda n: order.index(n) if n in order else len(order))
    return [{"label": FACT_LABELS.get(n, n), "value": _fact_value(n, facts[n])} for n in names]


def _action_choices(action: str, application: Application) -> list[tuple[str, str]]:
    """The options a move's form offers: rejected documents, or the case's conditions."""
    if action == "request_correction":
        titles = {r.code: r.title for r in requirements_for(application)}
        return [
            (str(d.pk), titles.get(d.doc_type, d.doc_type))
            for d in Document.objects.filter(
                application=application, is_current=True, review_state=ReviewState.REJECTED
            ).order_by("doc_type")
        ]
    if action == "reject":
        return [(c.cid, c.text) for c in application.call.rule_set.conditions.all().order_by("order", "cid")]
    return []


def _action_form(action: str, application: Application, data: QueryDict | None = None) -> ActionForm:
    form_class = ACTION_FORMS[action]
    return form_class(
        data, application=application, choices=_action_choices(action, application), auto_id=f"id_{action}_%s"
    )


def _upload_form(code: str, data: QueryDict | None = None, files: Any = None) -> UploadForm:
    return UploadForm(data, files, initial={"type": code}, auto_id=f"id_up_{code}_%s")


def _review_form(document_id: int, data: QueryDict | None = None) -> ReviewForm:
    return ReviewForm(data, auto_id=f"id_rv{document_id}_%s")


def _render_case(
    request: HttpRequest,
    application: Application,
    *,
    status: int = 200,
    bound: ActionForm | UploadForm | ReviewForm | SubmitForm | None = None,
    bound_key: str = "",
) -> HttpResponse:
    """The case page; ``bound`` is a form that failed, shown again with its errors in the
    place ``bound_key`` names (an action, a document type or a document id)."""
    user = request.user
    body = case_body(application, user)
    owner = application.applicant_id == user.pk
    staff = _is_staff_of(user, application)
    documents = list(application.documents.all())
    current = {d.doc_type: d for d in documents if d.is_current}
    history: dict[str, list[Document]] = defaultdict(list)
    for d in documents:
        if not d.is_current:
            history[d.doc_type].append(d)
    can_upload = owner and application.status in UPLOAD_STATES
    can_review = application.status == Status.DOCUMENT_REVIEW and policy.may_review_documents(user, application)
    requirements = requirements_for(application)
    titles = {r.code: r.title for r in requirements}
    rows = []
    for requirement in requirements:
        document = current.get(requirement.code)
        row: dict[str, Any] = {
            "requirement": requirement,
            "document": document,
            "history": history[requirement.code],
            "kinds": "، ".join(KINDS.get(t, (t, ""))[0] for t in requirement.accepted_types),
            "accept": ",".join(KINDS.get(t, ("", t))[1] for t in requirement.accepted_types),
        }
        if can_upload and (document is None or document.review_state != ReviewState.ACCEPTED):
            use = isinstance(bound, UploadForm) and bound_key == requirement.code
            row["upload_form"] = bound if use else _upload_form(requirement.code)
        if can_review and document is not None:
            use = isinstance(bound, ReviewForm) and bound_key == str(document.pk)
            row["review_form"] = bound if use else _review_form(document.pk)
        rows.append(row)

    texts = {c.cid: c.text for c in application.call.rule_set.conditions.all()}
    conditions = [{**c, "text": texts.get(c.get("id"), "")} for c in body["conditions"]]
    if not owner:  # the reasons speak to the applicant; staff read them about the applicant
        conditions = [{**c, "reason": about_applicant(str(c.get("reason") or ""))} for c in conditions]

    timeline = []
    for event in body["timeline"]:
        label = CREATED_EVENT if event["action"] == "create" else event["label"]
        timeline.append(
            {
                **event,
                "label": label,
                "to_display": Status(event["to"]).label if event["to"] in Status.values else event["to"],
            }
        )

    deadlines = []
    for row_ in body["deadlines"]:
        stage = str(row_["stage"])
        deadlines.append(
            {
                **row_,
                "stage_display": Status(stage).label if stage in Status.values else stage,
                "party_display": StageClock.Party(row_["party"]).label,
                "state_display": STATE_LABELS.get(str(row_["state"]), str(row_["state"])),
            }
        )

    moves = services.actions_available(application, user)
    names = {m.action for m in moves}
    action_forms = []
    blocked_moves = []
    for move in moves:
        if move.action not in ACTION_FORMS:
            continue
        if move.action in GATED_MOVES:  # offered only when its guard holds now (the service decides)
            refusal = services.move_refusal(application, move.action, user)
            if refusal is not None:
                blocked_moves.append({"move": move, "reason": refusal.message})
                continue
        if move.action == "request_correction" and not _action_choices(move.action, application):
            continue  # nothing rejected yet: the move would only be refused
        use = isinstance(bound, ActionForm) and bound_key == move.action
        action_forms.append({"move": move, "form": bound if use else _action_form(move.action, application)})

    correction = None
    if application.status == Status.CORRECTION_REQUESTED:
        event = next((e for e in list(application.events.all())[::-1] if e.action == "request_correction"), None)
        if event is not None:
            by_id = {d.pk: d for d in documents}
            correction = {
                "reason": event.note,
                "at": event.at,
                "documents": [
                    titles.get(by_id[i].doc_type, by_id[i].doc_type)
                    for i in event.data.get("documents", [])
                    if i in by_id
                ],
            }

    missing = missing_documents(application, documents, requirements)
    inspection = (application.assessment or {}).get("inspection") or {}
    context = {
        "case": application,
        "body": body,
        "owner": owner,
        "staff": staff,
        "rows": rows,
        "conditions": conditions,
        "timeline": timeline,
        "deadlines": deadlines,
        "facts": _facts_rows(application.facts or {}),
        "can_submit": owner and "submit" in names,
        "can_withdraw": owner and "withdraw" in names,
        "can_upload": can_upload,
        "can_review": can_review,
        # the viewer is the reviewer's (policy.may_view_documents); others keep the download link
        "can_view_documents": staff and policy.may_view_documents(user, application),
        # the inquiries the person may ask again now (their lifecycle and policy)
        "retry_kinds": {
            i.kind
            for i in application.inquiries.all()
            if "retry" in INQUIRY.actions(i, user, may=inquiry_policy.may_move)
        },
        "action_forms": action_forms,
        "blocked_moves": blocked_moves,
        "correction": correction,
        "assessment": application.assessment or {},
        # conditions by their text, never their ids (issue 19 §1)
        "failed_conditions": [texts.get(cid, "") for cid in body.get("failed_conditions") or [] if texts.get(cid)],
        "inspection_results": [
            {"text": texts.get(str(r.get("id")), "") or "شرط بازدید", "result": r.get("result")}
            for r in inspection.get("results", [])
            if isinstance(r, dict)
        ],
        # the applicant's numbered steps (issue 19 §4)
        "steps": case_steps(application, missing) if owner else [],
        "current_step": next((s for s in case_steps(application, missing) if s["state"] == "current"), None),
        "missing": missing,
        "next_step_text": next_step(application, missing),
        "profile_gaps": profile_gaps(application.applicant) if owner and can_upload else [],
        "required_count": sum(1 for r in requirements if r.required),
        "stages": stages_ahead(application, body["deadlines"], body["appointments"]) if owner else [],
        "submit_form": bound if isinstance(bound, SubmitForm) else SubmitForm(auto_id="id_submit_%s"),
        "upload_choices": [
            (r.code, r.title)
            for r in requirements
            if r.code in {row["requirement"].code for row in rows if "upload_form" in row}
        ],
        "upload_bound": bound if isinstance(bound, UploadForm) else None,
        "upload_accept": ",".join(sorted({KINDS.get(t, ("", t))[1] for r in requirements for t in r.accepted_types})),
        "upload_max": max((r.max_bytes for r in requirements), default=0),
    }
    return render(request, "applications/detail.html", context, status=status)


# What a case's page is made of (runtime.pagecache): the case's own rows (its events, clocks,
# documents and inquiries move ``…:case<pk>``), its assessments and inspections, the licence it
# led to, the shared call, rules and days off, and its own portal record. Who reads is in the key.
CASE_PAGE_DEPENDS = (
    "applications:case{pk}",
    "documents:case{pk}",
    "inquiries:case{pk}",
    "inspections:case{pk}",
    "licences:case{pk}",
    "portal:case{pk}",
    # the exam sessions, the call, the rules and the days off of the case's municipality
    per_municipality(
        municipality_in_address("applications.Application"), "assessments", "calls", "rules", "municipalities"
    ),
)


@login_required
@cached_page(*CASE_PAGE_DEPENDS, ttl=60, params=None)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, _case_or_404(request, pk))
