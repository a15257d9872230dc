"""The municipality administrator's SMS pages (issue 21 §4): every text the system sends, as the
municipality has it, edited in place with a preview; and the log of what was sent.

Who may: ``accounts.policy.text_municipalities`` (the municipality's administrator). A text is
checked by ``notifications.texts.check`` (only its declared fields, the required ones kept, at
most ``MAX_CHARS``); saving and resetting are audited (``notifications.services``). Nothing here
names an internal key to the reader: a text is known by its Persian title.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from daftar.accounts import policy
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import normalize_text, persian_digits
from daftar.notifications import texts
from daftar.notifications.models import MessageText, OutboxMessage, OutboxStatus
from daftar.notifications.services import sms_text, text_reset, text_save

from .calendar import GET_POST, _context, municipality_for, page_url

BROKEN = "این متن دیگر فرستادنی نیست و به جای آن متن پیش‌فرض فرستاده می‌شود: "
ORIGIN = {"municipality": "متن ویژهٔ این شهرداری", "installation": "متن سراسری سامانه", "default": "متن پیش‌فرض"}
LOG_PAGE_SIZE = 30


def _municipal_texts() -> list[texts.Text]:
    """The texts a municipality may word its own way (not a login code: the installation's only)."""
    return [t for t in texts.REGISTRY.values() if t.municipal]


def _edit_url(key: str, municipality: Any, options: list[Any]) -> str:
    url = reverse("municipal:text_edit", args=[key])
    return f"{url}?{urlencode({'municipality': municipality.pk})}" if len(options) > 1 else url


def _parts(body: str) -> int:
    """SMS parts a Persian text takes (70 characters in one, 67 in each of several)."""
    size = len(body)
    return 1 if size <= 70 else -(-size // 67)


def _preview(text: texts.Text, body: str) -> dict[str, Any]:
    filled = sms_text(texts.fill(body, text.sample()))
    return {"text": filled, "chars": persian_digits(len(filled)), "parts": persian_digits(_parts(filled))}


@login_required
@require_GET
def text_list(request: HttpRequest) -> HttpResponse:
    municipality, options = municipality_for(request, policy.text_municipalities)
    groups: dict[str, list[dict[str, Any]]] = {a: [] for a in texts.AUDIENCES}
    # every stored version of the page in one query (the municipality's and the installation's)
    stored: dict[tuple[str, int | None], str] = {
        (key, owner): body
        for key, owner, body in MessageText.objects.filter(
            Q(municipality=municipality) | Q(municipality__isnull=True)
        ).values_list("key", "municipality_id", "text")
    }
    for text in sorted(_municipal_texts(), key=lambda t: t.title):
        own = stored.get((text.key, municipality.pk))
        body, origin = texts.choose(text, own, stored.get((text.key, None)), municipality.pk)
        groups[text.audience].append(
            {
                "key": text.key,
                "title": text.title,
                "when": text.when,
                "preview": _preview(text, body)["text"],
                "origin": ORIGIN[origin],
                "own": origin == "municipality",
                "broken": own is not None and bool(texts.problem(text.key, own)),
                "url": _edit_url(text.key, municipality, options),
            }
        )
    sections = [
        {"code": code, "title": label, "rows": groups[code]} for code, label in texts.AUDIENCES.items() if groups[code]
    ]
    return render(
        request,
        "desk/municipal/texts.html",
        _context(request, municipality, options, area="texts", sections=sections),
    )


@login_required
@GET_POST
def text_edit(request: HttpRequest, key: str) -> HttpResponse:
    """One text of a municipality the user keeps; to anyone else, the not-found page (as a
    row of another municipality is)."""
    ids = policy.text_municipalities(request.user)
    if ids is not None and not ids:
        raise Http404
    municipality, options = municipality_for(request, policy.text_municipalities)
    text = texts.REGISTRY.get(key)
    if text is None or not text.municipal:
        raise Http404
    here = _edit_url(key, municipality, options)
    body, origin = texts.current(key, municipality.pk)
    error, status = "", 200
    own = MessageText.objects.filter(key=key, municipality=municipality).values_list("text", flat=True).first()
    if own is not None and texts.problem(key, own):
        # a stored text a later release made invalid: shown to be fixed, while the default is sent
        body, origin, error = own, "municipality", BROKEN + texts.problem(key, own)
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            if text_reset(key=key, municipality=municipality, actor=request.user):
                messages.success(request, f"متن «{text.title}» به متن پیش‌فرض بازگشت.")
            return redirect(here)
        body = normalize_text(str(request.POST.get("text") or ""))
        try:
            text_save(key=key, municipality=municipality, body=body, actor=request.user)
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, f"متن «{text.title}» ذخیره شد و از پیامک بعدی به کار می‌رود.")
            return redirect(here)
    fields = [
        {
            "token": "{" + name + "}",
            "description": description,
            "sample": sms_text(sample),  # as the SMS shows it: a code keeps its Latin digits
            "required": name in text.required,
        }
        for name, (description, sample) in text.fields.items()
    ]
    context = _context(
        request,
        municipality,
        options,
        area="texts",
        text=text,
        body=body,
        origin=ORIGIN[origin],
        own=own is not None,
        default=text.default,
        fields=fields,
        preview=_preview(text, body) if not error else None,
        error=error,
        max_chars=persian_digits(texts.MAX_CHARS),
        back=page_url("texts", municipality, options),
        action=here,
    )
    return render(request, "desk/municipal/text_edit.html", context, status=status)


STATUS_CHOICES = [("", "همه")] + [(s.value, s.label) for s in OutboxStatus]


@login_required
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """What was sent in the municipality, newest first; by text and by outcome (a failed one is
    what an administrator looks for)."""
    municipality, options = municipality_for(request, policy.text_municipalities)
    rows = OutboxMessage.objects.filter(municipality=municipality, sensitive=False).select_related("recipient")
    kind = normalize_text(str(request.GET.get("kind") or "")).strip()
    state = normalize_text(str(request.GET.get("status") or "")).strip()
    if kind in texts.REGISTRY:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    if state in OutboxStatus.values:
        rows = rows.filter(status=state)
    else:
        state = ""
    page = Paginator(rows.order_by("-created_at", "-pk"), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page.object_list:
        found = texts.REGISTRY.get(message.kind)
        message.title = found.title if found else "پیامک"  # type: ignore[attr-defined]
        message.masked = _masked(message.to)  # type: ignore[attr-defined]
        message.who = _name(message.recipient)  # type: ignore[attr-defined]
    query = {"kind": kind, "status": state}
    if len(options) > 1:
        query["municipality"] = str(municipality.pk)
    kinds = sorted(((t.key, t.title) for t in _municipal_texts()), key=lambda pair: pair[1])
    return render(
        request,
        "desk/municipal/sent.html",
        _context(
            request,
            municipality,
            options,
            area="sent",
            page=page,
            kinds=kinds,
            statuses=STATUS_CHOICES,
            kind=kind,
            state=state,
            query=urlencode({k: v for k, v in query.items() if v}),
            retention_days=persian_digits(settings.RETENTION_OUTBOX_DAYS),
        ),
    )


def _masked(mobile: str) -> str:
    """•••۴۵۶۷: the last four digits, enough to tell two people apart beside their names."""
    digits = mobile or ""
    return persian_digits("•••" + digits[-4:]) if len(digits) >= 8 else "•••"


def _name(user: Any) -> str:
    if user is None:
        return ""
    name = user.display_name
    return "" if name == user.mobile else name
