"""The staff page of the portal's outbox: what has not gone through to the national portal yet
(pending and failing messages, their attempts, the last error in plain words, the next try in
Jalali), with «تلاش دوباره» for each (/desk/portal/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from daftar.kernel.errors import ApplicationError

from . import messages as msg
from . import policy
from .models import PortalMessage
from .services import portal_retry_now

PAGE_SIZE = 25


def _refused(exc: ApplicationError) -> None:
    if exc.status_code == 404:
        raise Http404 from None
    raise PermissionDenied(exc.message) from None


def _waiting(request: HttpRequest):  # type: ignore[no-untyped-def]
    qs = PortalMessage.objects.filter(sent_at__isnull=True).select_related("municipality", "application", "licence")
    where = policy.outbox_municipalities(request.user)
    if where is not None:
        qs = qs.filter(municipality_id__in=where)
    return qs.order_by("next_attempt_at", "pk")


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    if not policy.may_see_outbox(request.user):
        _refused(policy.forbidden())
    page = Paginator(_waiting(request), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "message": m,
            "failed": m.attempts >= settings.PORTAL_ALERT_ATTEMPTS,
            "error": msg.ERRORS.get(m.error_code, msg.ERRORS["unavailable"]) if m.attempts else msg.NOT_TRIED,
        }
        for m in page
    ]
    return render(request, "portal/outbox.html", {"page": page, "rows": rows})


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    message = PortalMessage.objects.filter(pk=pk).select_related("municipality").first()
    if message is None:
        raise Http404
    if not policy.may_retry(request.user, message):
        _refused(policy.refuse_retry(request.user, message))
    if message.sent_at is not None:
        messages.info(request, msg.ALREADY_SENT)
    elif portal_retry_now(message=message, actor=request.user):
        messages.success(request, msg.RETRIED_OK)
    else:
        messages.warning(request, msg.RETRIED_FAILED)
    return redirect("portal:outbox")
