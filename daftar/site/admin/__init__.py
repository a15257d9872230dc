"""The Django admin, in Persian, for platform staff and municipality administrators.

A municipality administrator (role ``municipality_admin``) enters the admin through the normal
OTP login and sees only their own municipality's rows (``MunicipalityScopedAdmin``, in
``daftar/accounts/admin_base.py``, which every app's admin builds on). Every change made here is
written to the audit log.

The admin of the bottom apps (the audit log, municipalities and their districts) is registered
here, at the top, because it builds on the accounts app's roles, which build on those apps
(``audit``, ``municipalities``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds_anywhere

from . import audit, municipalities, outages  # noqa: F401  (registers their admin)

admin.site.site_header = "مدیریت سامانهٔ دفاتر خدمات الکترونیک شهر"
admin.site.site_title = "مدیریت دفتر"
admin.site.index_title = "بخش‌های قابل مدیریت"


def _has_admin_access(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_staff or holds_anywhere(user, {Role.MUNICIPALITY_ADMIN}))


ADMIN_NOT_YOURS = "بخش مدیریت فنی ویژهٔ مدیران سامانه است. کارهای شما در پیشخوان و در منوی بالای صفحه است."


def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Anonymous: the OTP login, then back here. Signed in without admin access (the licensing
    authority, a supervisor…): their dashboard, told why (issue 18: it used to be silent)."""
    if request.user.is_authenticated:
        messages.info(request, ADMIN_NOT_YOURS)
        return redirect("accounts:dashboard")
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


admin.site.has_permission = _has_admin_access  # type: ignore[method-assign]
admin.site.login = _admin_login  # type: ignore[method-assign]
