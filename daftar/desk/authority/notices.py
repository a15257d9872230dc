"""Notices awaiting the licensing authority's decision (S16, P5): the list of its
municipalities' open notices and a notice's page with the cited violations and their evidence,
the office's response (or that none came), the ladder step the rules propose, whether it may be
decided yet, and the decision through a confirmation step (``supervision.services.decision_make``).

A notice of another municipality, a nonexistent one and one of the actor's own licence are the
same 404; a notice one sees without the deciding role is a 403 (``supervision.policy``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from daftar.kernel.errors import ApplicationError
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.supervision import messages as supervision_msg
from daftar.supervision import policy as supervision_policy
from daftar.supervision.models import Decision, LadderStep, Notice, NoticeStatus, Outcome, Violation
from daftar.supervision.services import decision_make, ladder_for

from . import consequences
from . import messages as msg
from .forms import DecideForm, errors_to_form
from .views import desk_tabs, refused

PAGE_SIZE = 25


def step_words(position: int, outcome: str, days: int) -> str:
    """«پلهٔ دوم نردبان انضباطی: تعلیق موقت ۳۰ روزه»."""
    ordinal = msg.ORDINALS[position - 1] if 0 < position <= len(msg.ORDINALS) else persian_digits(position)
    label = Outcome(outcome).label
    if outcome == Outcome.SUSPENSION:
        label = msg.SUSPENSION_DAYS.format(outcome=label, days=persian_digits(max(1, days)))
    return msg.LADDER_STEP.format(ordinal=ordinal, outcome=label)


def decidable(notice: Notice, now: dt.datetime) -> tuple[bool, str]:
    """May the notice be decided now (``services._decidable``), and the sentence that says so."""
    if notice.responded_at is not None:
        return True, msg.DECIDABLE_RESPONDED.format(at=to_jalali(notice.responded_at, with_time=True))
    due = to_jalali(notice.response_due, with_time=True)
    if now > notice.response_due:
        return True, msg.DECIDABLE_LAPSED.format(due=due)
    return False, msg.NOT_YET.format(due=due)


def _decider(request: HttpRequest) -> None:
    if not supervision_policy.deciding_municipalities(request.user):
        raise PermissionDenied(msg.NOT_AUTHORITY)


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    _decider(request)
    qs = (
        supervision_policy.awaiting_decision(request.user)
        .select_related("licence", "licence__district", "licence__office")
        .prefetch_related("violations")
        .order_by("response_due", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for notice in page.object_list:
        ready, why = decidable(notice, now)
        rows.append(
            {
                "notice": notice,
                "ready": ready,
                "why": why,
                "step": step_words(notice.ladder_position, notice.proposed_outcome, notice.proposed_suspension_days),
                "violations": len(notice.violations.all()),
            }
        )
    return render(
        request, "desk/authority/notices.html", {"page": page, "rows": rows, "tabs": desk_tabs(request.user, "notices")}
    )


def notice_for(request: HttpRequest, pk: int) -> Notice:
    found = (
        supervision_policy.municipal_notices(request.user)  # then the move's own check: 403 for a role without it
        .select_related("licence", "licence__holder", "licence__district", "licence__municipality", "issued_by")
        .prefetch_related(
            Prefetch("violations", queryset=Violation.objects.select_related("violation_type", "recorded_by"))
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    try:
        supervision_policy.demand_move(request.user, "decide", found)
    except ApplicationError as exc:
        refused(exc)
    return found


def _ladder(notice: Notice) -> list[dict[str, Any]]:
    steps: list[LadderStep] = ladder_for(notice.licence.municipality)
    return [
        {
            "words": step_words(s.position, s.outcome, s.suspension_days),
            "current": s.position == notice.ladder_position,
        }
        for s in steps
    ]


def _render(
    request: HttpRequest,
    notice: Notice,
    *,
    form: DecideForm | None = None,
    confirm: consequences.Consequences | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    ready, why = decidable(notice, now)
    violations = list(notice.violations.all())
    decision = Decision.objects.filter(notice=notice).select_related("decided_by").first()
    office = getattr(notice.licence, "office", None)  # (a licence without an office in the system)
    context = {
        "notice": notice,
        "licence": notice.licence,
        "office": office,
        "violations": violations,
        "ready": ready,
        "why": why,
        "open": notice.status == NoticeStatus.OPEN,
        "decision": decision,
        "step": step_words(notice.ladder_position, notice.proposed_outcome, notice.proposed_suspension_days),
        "ladder": _ladder(notice),
        "lapsed": notice.responded_at is None and now > notice.response_due,
        "no_response": msg.NO_RESPONSE.format(due=to_jalali(notice.response_due, with_time=True)),
        "waiting": msg.NO_RESPONSE_YET.format(due=to_jalali(notice.response_due, with_time=True)),
        "form": form or DecideForm(initial={"outcome": notice.proposed_outcome}),
        "confirm": confirm,
        "outcome_label": Outcome(notice.proposed_outcome).label,
        "tabs": desk_tabs(request.user, "notices"),
    }
    return render(request, "desk/authority/notice.html", context, status=status)


@login_required
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the notice; POST ``step=preview``: the confirmation with the decision's consequences;
    POST ``step=confirm``: the decision."""
    notice = notice_for(request, pk)
    if request.method != "POST":
        return _render(request, notice)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _render(request, notice, form=form, status=400)
    step = request.POST.get("step", "preview")
    if step == "edit":
        return _render(request, notice, form=form)
    outcome = form.cleaned_data.get("outcome") or notice.proposed_outcome
    if step != "confirm":
        if notice.status != NoticeStatus.OPEN:
            form.add_error(None, msg_closed())
            return _render(request, notice, form=form, status=409)
        ready, why = decidable(notice, timezone.now())
        if not ready:
            form.add_error(None, why)
            return _render(request, notice, form=form, status=409)
        off = off_ladder(notice, outcome)
        if off:
            form.add_error(None, off)
            return _render(request, notice, form=form, status=400)
        effects = consequences.of_decision(
            notice.licence, notice.proposed_outcome, notice.proposed_suspension_days, len(notice.violations.all())
        )
        return _render(request, notice, form=form, confirm=effects)
    return _decide(request, notice, form, outcome)


def msg_closed() -> str:
    return supervision_msg.NOTICE_CLOSED


def off_ladder(notice: Notice, outcome: str) -> str:
    """The service's refusal of an outcome other than the notice's proposal, in its words
    (said at the preview; ``decision_make`` checks it again when confirmed)."""
    if outcome not in Outcome.values:
        return supervision_msg.OUTCOME_UNKNOWN
    if outcome != notice.proposed_outcome:
        expected = Outcome(notice.proposed_outcome).label
        return supervision_msg.OUTCOME_OFF_LADDER.format(expected=expected, given=Outcome(outcome).label)
    return ""


def _decide(request: HttpRequest, notice: Notice, form: DecideForm, outcome: str) -> HttpResponse:
    try:
        decision = decision_make(notice, actor=request.user, reason=form.cleaned_data["reason"], outcome=outcome)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        errors_to_form(form, exc)
        notice.refresh_from_db()
        return _render(request, notice, form=form, status=exc.status_code)
    messages.success(
        request, msg.DECIDED.format(outcome=Outcome(decision.outcome).label, number=decision.licence.number)
    )
    return redirect("authority:notice", notice.pk)
