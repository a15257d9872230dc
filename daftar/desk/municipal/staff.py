"""The municipality administrator's staff roles page (issue 18 §3), replacing the Django admin:
the municipality's staff by role, a grant by mobile number and a revocation with confirmation.

Who may: ``accounts.policy.may_manage_roles`` (the municipality's administrator); which roles:
``accounts.policy.grantable_roles`` (the municipal staff roles; an office's roles are its
manager's). The checks are ``accounts.services.role_grant_check``/``role_revoke_check``: not to
oneself, not twice, never the municipality's last administrator. Each grant and revocation is
audited and the person told by SMS.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from daftar.accounts import policy
from daftar.accounts.constants import Role
from daftar.accounts.models import RoleAssignment
from daftar.accounts.services import role_grant_by_mobile, role_revoke_check, role_revoke_checked
from daftar.catalogue.forms import errors_to_form
from daftar.kernel.errors import ApplicationError
from daftar.kernel.normalize import persian_digits

from .calendar import GET_POST, _confirm, _context, municipality_for, own_row, page_url
from .staff_forms import RoleGrantForm


def _person(user: Any) -> str:
    """The person's name, or (none given yet) their mobile number in Persian digits."""
    name = user.display_name
    return persian_digits(name) if name == user.mobile else name


def _who(user: Any) -> str:
    """Name and mobile number, the number once when there is no name."""
    mobile = persian_digits(user.mobile)
    name = _person(user)
    return mobile if name == mobile else f"{name} ({mobile})"


@login_required
@GET_POST
def staff(request: HttpRequest) -> HttpResponse:
    municipality, options = municipality_for(request, policy.role_municipalities)
    roles = sorted(policy.grantable_roles(request.user) & {str(r) for r in policy.MUNICIPAL_GRANTABLE})
    status = 200
    form = RoleGrantForm(request.POST if request.method == "POST" else None, roles=roles)
    if request.method == "POST":
        if form.is_valid():
            try:
                granted = role_grant_by_mobile(
                    municipality=municipality,
                    mobile=form.cleaned_data["mobile"],
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                errors_to_form(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    f"نقش «{granted.get_role_display()}» به {_who(granted.user)} داده شد و به او پیامک شد.",
                )
                return redirect(page_url("staff", municipality, options))
        else:
            status = 400
    rows = (
        RoleAssignment.objects.filter(municipality=municipality, role__in=roles)
        .select_related("user", "granted_by")
        .order_by("user__last_name", "user__first_name", "user__mobile")
    )
    by_role: dict[str, list[dict[str, Any]]] = {r: [] for r in roles}
    for row in rows:
        try:
            role_revoke_check(assignment=row, actor=request.user)
            revocable = True
        except ApplicationError:
            revocable = False
        by_role[row.role].append(
            {
                "row": row,
                "name": _person(row.user) if row.user.display_name != row.user.mobile else "نام ثبت نشده",
                "mobile": persian_digits(row.user.mobile),
                "granted_by": _person(row.granted_by) if row.granted_by else "",
                "me": row.user_id == request.user.pk,
                "revocable": revocable,
            }
        )
    groups = [{"role": Role(r).label, "code": r, "people": by_role[r]} for r in [x.value for x in Role] if r in by_role]
    context = _context(request, municipality, options, form=form, groups=groups, area="staff")
    return render(request, "desk/municipal/staff.html", context, status=status)


@login_required
@GET_POST
def staff_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    row = own_row(request, RoleAssignment, pk, policy.role_municipalities)
    back = reverse("municipal:staff")
    try:
        role_revoke_check(assignment=row, actor=request.user)
    except ApplicationError as exc:
        if exc.status_code == 404:
            raise Http404 from None  # a role this administrator does not keep: as a nonexistent id
        refusal = exc.message
    else:
        refusal = ""
    if request.method == "POST":
        try:
            role_revoke_checked(assignment=row, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"نقش «{row.get_role_display()}» از {_person(row.user)} برداشته شد و به او پیامک شد."
            )
        return redirect(back)
    who = _who(row.user)
    lines = [
        f"نقش «{row.get_role_display()}» در {row.municipality.name} از {who} برداشته می‌شود.",
        "از این پس کارهای این نقش در دسترس او نیست و به او پیامک می‌شود.",
    ]
    if row.user_id == request.user.pk:
        lines.append("این نقش خود شماست: پس از برداشتن، این صفحه‌ها دیگر در دسترس شما نیست.")
    return _confirm(request, "برداشتن نقش", lines, "برداشتن نقش", back, refusal=refusal)
