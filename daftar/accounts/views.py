"""HTML views of login (S15.1-S15.4), logout, dashboard and profile. Thin: forms validate,
services decide."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daftar.audit.models import AuditEntry
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.events import emit
from daftar.kernel.jalali import to_jalali
from daftar.runtime import ratelimit
from daftar.runtime.pagecache import cached_page, kept_while

from . import login_limits
from . import messages as msg
from .captcha import captcha_new, captcha_png, captcha_wav, well_formed
from .constants import STAFF_ROLES, Role
from .events import STAFF_PANEL_APPS, WorkScopes, WorkWanted
from .forms import CodeForm, LoginStartForm, MobileChangeForm, ProfileForm
from .models import User
from .scoping import scope_queryset
from .selectors import message_title, messages_of, profile_gaps, role_assignments_of
from .services import (
    MobileChange,
    device_token_issue,
    mobile_change_confirm,
    mobile_change_request,
    otp_request,
    otp_verify,
    user_update_profile,
)
from .session import recently_authenticated

SESSION_MOBILE = "login_mobile"
SESSION_REQUEST = "login_request"  # the request id of this session's code (issue 17)
# A signed token of the last number that logged in from this browser: it spares that number's
# owner the caps and the budget strangers can fill (services.device_token_issue).
DEVICE_COOKIE = "daftar_device"
SESSION_NEXT = "login_next"
SESSION_MOBILE_CHANGE = "mobile_change"

ROLE_DUTIES: dict[str, str] = {
    Role.REVIEWER: "بررسی مدارک پرونده‌ها، پذیرش یا رد هر مدرک و درخواست اصلاح.",
    Role.EXAMINER: "برگزاری و نمره‌دهی آزمون تخصصی و مصاحبهٔ علمی و فنی.",
    Role.INSPECTOR: "بازدید میدانی از محل دفتر و تکمیل فهرست بازبینی محل.",
    Role.LICENSING_AUTHORITY: "تأیید نهایی، صدور، تعلیق و لغو مجوزها.",
    Role.SUPERVISOR: "ثبت تخلفات، تذکر و بازرسی‌های دوره‌ای دفاتر.",
    Role.MUNICIPALITY_ADMIN: "فراخوان‌ها، مناطق، قواعد، تعرفه‌ها، ساعات کاری و نقش‌های کارکنان.",
    Role.OFFICE_MANAGER: "ادارهٔ دفتر: ساعات کاری، نوبت‌ها، خدمات، درآمد و هزینه.",
    Role.OFFICE_CLERK: "ارائهٔ خدمات به شهروندان و ثبت تراکنش‌ها و نوبت‌ها.",
}


def _safe_next(request: HttpRequest, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return None


def _start_context(request: HttpRequest, form: LoginStartForm) -> tuple[dict[str, Any], int | None]:
    """The login form's context: a fresh captcha (counted per address; when the address minted
    too many, none and the seconds to wait) and, for a busy address, a proof-of-work challenge."""
    address = ratelimit.client_address(request)
    context: dict[str, Any] = {"form": form}
    try:
        login_limits.captcha_throttle(address, "mint")
    except ThrottledError as exc:
        context["captcha_throttled"] = exc.message
        key = ""
        wait: int | None = exc.retry_after
    else:
        key, context["captcha_image"], context["captcha_audio"] = captcha_new()
        wait = None
    context["captcha_key"] = key
    if form.is_bound:
        data = form.data.copy()  # type: ignore[attr-defined]
        data["captcha_key"], data["captcha_value"], data["pow_solution"] = key, "", ""
        form.data = data
    else:
        form.initial["captcha_key"] = key
    challenge = login_limits.challenge_for(address)
    context["pow_challenge"] = json.dumps(challenge) if challenge else ""
    return context, wait


def _start_page(request: HttpRequest, form: LoginStartForm, next_url: str | None, status: int) -> HttpResponse:
    context, wait = _start_context(request, form)
    page = {**context, "next": next_url, **_challenge_texts()}
    response = render(request, "accounts/login_start.html", page, status=429 if wait else status)
    if wait:
        response["Retry-After"] = str(wait)
    return response


def _challenge_texts() -> dict[str, str]:
    return {"challenge_working": msg.CHALLENGE_WORKING, "challenge_done": msg.CHALLENGE_DONE}


@require_http_methods(["GET", "POST"])
def login_start(request: HttpRequest) -> HttpResponse:
    """Step 1 (S15.2-S15.3): person type, nationality, mobile, captcha → send the code."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    next_url = _safe_next(request, request.GET.get("next") or request.POST.get("next"))
    if request.method == "POST":
        form = LoginStartForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = otp_request(
                    mobile=data["mobile"],
                    captcha_key=data["captcha_key"],
                    captcha_value=data["captcha_value"],
                    person_type=data["person_type"],
                    nationality=data["nationality"],
                    address=ratelimit.client_address(request),
                    device_token=request.COOKIES.get(DEVICE_COOKIE, ""),
                    pow_solution=data["pow_solution"],
                )
            except ThrottledError as exc:
                form.add_error(None, exc.message)
            except ApplicationError as exc:
                form.add_error("captcha_value" if exc.code == "captcha_invalid" else None, exc.message)
            else:
                request.session[SESSION_MOBILE] = data["mobile"]
                request.session[SESSION_REQUEST] = issued.request_id
                request.session[SESSION_NEXT] = next_url or ""
                messages.info(request, msg.OTP_SENT)
                return redirect("accounts:login_code")
        return _start_page(request, form, next_url, 400)
    return _start_page(request, LoginStartForm(), next_url, 200)


@require_GET
def captcha_refresh(request: HttpRequest) -> HttpResponse:
    """htmx: a fresh captcha image and key (counted per address)."""
    try:
        login_limits.captcha_throttle(ratelimit.client_address(request), "mint")
    except ThrottledError as exc:
        response = HttpResponse(exc.message, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    key, image_url, audio_url = captcha_new()
    return render(
        request, "accounts/_captcha.html", {"captcha_key": key, "captcha_image": image_url, "captcha_audio": audio_url}
    )


def _captcha_media(request: HttpRequest, key: str, draw: Any, content_type: str) -> HttpResponse:
    """A captcha's picture or sound, drawn now. A malformed key costs one regular expression,
    an unknown or expired one a single indexed look-up (410, as django-simple-captcha did, so
    crawlers drop the address); drawings are counted per address."""
    if not well_formed(key):
        return HttpResponse(status=410)
    try:
        login_limits.captcha_throttle(ratelimit.client_address(request), "render")
    except ThrottledError as exc:
        response = HttpResponse(exc.message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(exc.retry_after)
        return response
    body = draw(key)
    if body is None:
        return HttpResponse(status=410)
    return HttpResponse(body, content_type=content_type)


@never_cache
@require_GET
def captcha_image(request: HttpRequest, key: str) -> HttpResponse:
    return _captcha_media(request, key, captcha_png, "image/png")


@never_cache
@require_GET
def captcha_audio(request: HttpRequest, key: str) -> HttpResponse:
    return _captcha_media(request, key, captcha_wav, "audio/wav")


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2 (S15.4): the one-time code → logged in, session rotated."""
    mobile = request.session.get(SESSION_MOBILE)
    if not mobile:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = otp_verify(
                mobile=mobile,
                code=form.cleaned_data["code"],
                address=ratelimit.client_address(request),
                channel="web",
                request_id=request.session.get(SESSION_REQUEST, ""),
                device_token=request.COOKIES.get(DEVICE_COOKIE, ""),
            )
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            next_url = request.session.get(SESSION_NEXT) or None
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # rotates the session key
            response = redirect(next_url or "accounts:dashboard")
            response.set_cookie(
                DEVICE_COOKIE,
                device_token_issue(mobile=user.mobile),
                max_age=settings.OTP_DEVICE_DAYS * 86400,
                path=reverse("accounts:login"),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/login_code.html", {"form": form, "mobile": mobile}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, msg.LOGGED_OUT)
    return redirect("home")


# The dashboard gathers a section per role (runtime.pagecache): cases, appointments, complaints,
# offices, licences and their sanctions, calls, hall and feedback; the person's own roles are in
# the key (``accounts:u<pk>``). Which rows of those apps (the municipalities of their roles, their
# own cases, licences and offices) the panels' apps answer (``WorkScopes``, decision 0055).
DASHBOARD_DEPENDS = (*STAFF_PANEL_APPS, "documents")


def _dashboard_scopes(request: HttpRequest, kwargs: dict[str, Any]) -> list[str]:
    """What the panels show, kept while the person's roles, cases, licences and offices stay
    the same (each of those rows moves one of these generations)."""
    pk = request.user.pk
    mine = [f"accounts:u{pk}", f"applications:u{pk}", f"licences:u{pk}", f"offices:u{pk}"]
    return kept_while(
        mine, f"dashboard:{pk}", lambda: [name for answer in emit(WorkScopes(request.user)) for name in answer]
    )


_dashboard_scopes.apps = DASHBOARD_DEPENDS  # type: ignore[attr-defined]


@login_required
@cached_page(_dashboard_scopes, ttl=60, params=None)
def dashboard(request: HttpRequest) -> HttpResponse:
    """One page, a section per role the user holds (S15; the roles table of DOMAIN.md)."""
    user = request.user
    assignments = list(role_assignments_of(user))  # type: ignore[arg-type]
    by_municipality: dict[int, dict[str, Any]] = {}
    for assignment in assignments:
        entry = by_municipality.setdefault(
            assignment.municipality_id, {"municipality": assignment.municipality, "roles": []}
        )
        entry["roles"].append(
            {
                "code": assignment.role,
                "label": assignment.get_role_display(),
                "duty": ROLE_DUTIES.get(assignment.role, ""),
            }
        )
    is_admin = any(a.role == Role.MUNICIPALITY_ADMIN for a in assignments)
    recent = []
    if any(a.role in STAFF_ROLES for a in assignments):
        recent = list(
            scope_queryset(AuditEntry.objects.all(), user, roles={Role.MUNICIPALITY_ADMIN, Role.SUPERVISOR})
            .select_related("actor", "municipality")
            .order_by("-seq")[:10]
        )
    missing = profile_gaps(user)
    # "what needs me now" (issue 18 §4): each role's panel, answered by the apps above
    panels = [panel for answer in emit(WorkWanted(user)) for panel in answer]
    context = {
        "work_panels": sorted(panels, key=lambda panel: panel.order),
        "municipalities": list(by_municipality.values()),
        "is_municipality_admin": is_admin,
        "recent_audit": recent,
        "profile_gaps": missing,
    }
    return render(request, "accounts/dashboard.html", context)


def _ownership_note(user: User) -> tuple[str, bool]:
    """What the profile says of the stored national code's proof (S15.3), and whether it holds."""
    if not user.national_code:
        return "", False
    if user.national_code_verified:
        return msg.OWNERSHIP_VERIFIED.format(date=to_jalali(timezone.localtime(user.ownership_verified_at))), True
    return msg.OWNERSHIP_UNVERIFIED, False


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    if request.method == "POST":
        form = ProfileForm(request.POST, current_nationality=user.nationality)
        status, retry_after = 400, 0
        if form.is_valid():
            try:
                user_update_profile(user=user, actor=user, data=form.cleaned_data)
            except (ApplicationError, ValidationError) as exc:
                fields = getattr(exc, "fields", {}) or {}
                for field, errors in fields.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
                if not fields:
                    form.add_error(None, getattr(exc, "message", str(exc)))
                status = getattr(exc, "status_code", 400)
                retry_after = getattr(exc, "retry_after", 0)
            else:
                messages.success(request, msg.PROFILE_SAVED)
                return redirect("accounts:dashboard")
        user.refresh_from_db()  # a refused save leaves the account as it was
        note, verified = _ownership_note(user)
        context = {"form": form, "ownership_note": note, "ownership_verified": verified}
        response = render(request, "accounts/profile.html", context, status=status)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response
    form = ProfileForm(initial=ProfileForm.initial_for(user), current_nationality=user.nationality)
    note, verified = _ownership_note(user)
    return render(
        request, "accounts/profile.html", {"form": form, "ownership_note": note, "ownership_verified": verified}
    )


def _reauthenticate(request: HttpRequest) -> HttpResponse:
    """A sensitive change needs a fresh login (``REAUTH_SECONDS``). A GET only explains, with a
    button: the logout itself is a POST (``step=reauth``), so no link from another site can log
    anyone out. Then the one-time code of the current number, and back here."""
    if request.method != "POST" or request.POST.get("step") != "reauth":
        status = 200 if request.method == "GET" else 403
        return render(request, "accounts/reauth.html", {"next": request.path}, status=status)
    back = request.path
    logout(request)
    messages.info(request, msg.REAUTH_NEEDED)
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': back})}")


@login_required
@require_http_methods(["GET", "POST"])
def mobile_change(request: HttpRequest) -> HttpResponse:
    """Change the account's mobile number (issue 8): only within ``REAUTH_SECONDS`` of a login
    made with the current number's code; then a code to the new number; then the change."""
    user = request.user
    assert isinstance(user, User)  # login_required
    if not recently_authenticated(request):
        return _reauthenticate(request)
    pending_data = request.session.get(SESSION_MOBILE_CHANGE)
    pending = MobileChange(**pending_data) if isinstance(pending_data, dict) else None
    step = request.POST.get("step") if request.method == "POST" else None
    retry_after = 0
    form = MobileChangeForm(request.POST if step == "send" else None)
    code_form = CodeForm(request.POST if step == "confirm" else None)
    status = 200
    if step == "send":
        if form.is_valid():
            try:
                pending = mobile_change_request(
                    user=user, new_mobile=form.cleaned_data["mobile"], address=ratelimit.client_address(request)
                )
            except ThrottledError as exc:
                form.add_error(None, exc.message)
                retry_after = exc.retry_after
            except ApplicationError as exc:
                form.add_error("mobile" if exc.code == "mobile_same" else None, exc.message)
            else:
                request.session[SESSION_MOBILE_CHANGE] = vars(pending)
                messages.info(request, msg.MOBILE_CODE_SENT)
                return redirect("accounts:mobile_change")
        status = 429 if retry_after else 400
    elif step == "confirm":
        if pending is None:
            code_form.is_valid()
            code_form.add_error(None, msg.MOBILE_NO_PENDING)
        elif code_form.is_valid():
            try:
                mobile_change_confirm(user=user, pending=pending, code=code_form.cleaned_data["code"])
            except ApplicationError as exc:
                code_form.add_error("code" if exc.code == "otp_invalid" else None, exc.message)
                request.session[SESSION_MOBILE_CHANGE] = vars(pending)  # the wrong try counts
            else:
                request.session.pop(SESSION_MOBILE_CHANGE, None)
                user.refresh_from_db()
                # a new session key and the new hash (it covers the number): every other page
                # session of the account ends (User._get_session_auth_hash)
                update_session_auth_hash(request, user)
                messages.success(request, msg.MOBILE_CHANGED)
                return redirect("accounts:dashboard")
        status = 400
    if request.method == "POST" and step not in ("send", "confirm"):
        status = 400
    context = {"form": form, "code_form": code_form, "pending": pending, "current": user.mobile}
    response = render(request, "accounts/mobile_change.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


MESSAGES_PAGE_SIZE = 25


@login_required
@require_GET
def my_messages(request: HttpRequest) -> HttpResponse:
    """The SMS the system sent to this account, newest first, with when and whether each went
    out (issue 21 §4). Kept as long as the outbox keeps them (RETENTION_OUTBOX_DAYS)."""
    page = Paginator(messages_of(request.user), MESSAGES_PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page.object_list:
        message.title = message_title(message.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/messages.html",
        {"page": page, "query": "", "retention_days": settings.RETENTION_OUTBOX_DAYS},
    )
