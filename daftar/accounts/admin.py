from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from knox.models import AuthToken

from daftar.accounts.admin_base import AuditedAdmin, MunicipalityScopedAdmin
from daftar.kernel.admin_columns import jalali_column
from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import PersianModelForm
from daftar.kernel.validators import normalize_mobile

from .forms import IdentifierCleanMixin
from .models import RoleAssignment, User
from .services import role_grant_by_mobile, role_grant_check, role_revoke_check, role_revoke_checked

# Knox's own admin of API tokens is English throughout and shows only digests; a person ends a
# token by signing out (``/api/v1/auth/logout``), and a revoked role ends the work it allowed.
# It is taken off the admin so the admin speaks one language (issue 19).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


class UserAdminForm(IdentifierCleanMixin, PersianModelForm):
    """Normalised like every other input; the model's validators check the canonical form.
    The raw fields are longer than the stored ones: spaces and dashes are allowed on input."""

    mobile = forms.CharField(label="تلفن همراه", max_length=32)
    national_code = forms.CharField(label="کد ملی", max_length=20, required=False)
    national_id = forms.CharField(label="شناسه ملی", max_length=20, required=False)

    class Meta:
        model = User
        exclude = ["user_permissions", "groups", "password", "last_login", "date_joined"]

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])


OWNERSHIP_PROOF = ["ownership_verified_at", "ownership_reference", "ownership_mobile", "ownership_national_code"]


@admin.register(User)
class UserAdmin(AuditedAdmin):
    """Platform staff only; municipality administrators grant roles by mobile number."""

    form = UserAdminForm

    list_display = ["mobile", "display_name", "person_type", "nationality", "is_active", "joined"]
    joined = jalali_column("date_joined", "تاریخ عضویت")
    search_fields = ["mobile", "national_code", "national_id", "last_name", "legal_name"]
    list_filter = ["person_type", "is_active", "is_staff"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The mobile number is the account's credential: it changes only through the owner's
        own re-authenticated change (tokens revoked, the old number told, audited; issue 8).
        The mobile-ownership proof is the inquiry's answer (decision 0030): nobody types one in;
        a code staff set here stays unproven until its owner's number proves it."""
        readonly = [*super().get_readonly_fields(request, obj), *OWNERSHIP_PROOF]
        return [*readonly, "mobile"] if obj is not None else readonly

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form.base_fields.pop("mobile", None)  # declared on the form: read-only needs it gone
        return form


class RoleGrantForm(PersianModelForm):
    mobile = forms.CharField(
        label="شماره همراه کاربر", max_length=32, help_text="اگر حسابی با این شماره نباشد ساخته می‌شود."
    )

    class Meta:
        model = RoleAssignment
        fields = ["role", "municipality"]

    def clean_mobile(self) -> str:
        return normalize_mobile(self.cleaned_data["mobile"])


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(MunicipalityScopedAdmin):
    admin_can = frozenset({"view", "add", "delete"})
    list_display = ["user", "role", "municipality", "granted_by", "granted_on"]
    granted_on = jalali_column("created_at", "تاریخ اعطا")
    list_filter = ["role", "municipality"]
    list_select_related = ["user", "municipality", "granted_by"]
    search_fields = ["user__mobile", "user__last_name"]

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """The same refusals as the administrator's page (``services.role_revoke_check``)."""
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        try:
            role_revoke_check(assignment=obj, actor=request.user)
        except ApplicationError:
            return False
        return True

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = RoleGrantForm
            kwargs["fields"] = ["mobile", "role", "municipality"]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form

        class CheckedGrantForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                """The same checks as the administrator's page (``services.role_grant_check``)."""
                data = super().clean()
                if self.errors or not data.get("municipality"):
                    return data
                try:
                    role_grant_check(
                        municipality=data["municipality"], mobile=data["mobile"], role=data["role"], actor=request.user
                    )
                except ApplicationError as exc:
                    raise ValidationError(exc.message) from None
                return data

        return CheckedGrantForm

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["mobile", "role", "municipality"]
        return ["user", "role", "municipality", "granted_by", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else ["user", "role", "municipality", "granted_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        granted = role_grant_by_mobile(
            municipality=obj.municipality, mobile=form.cleaned_data["mobile"], role=obj.role, actor=request.user
        )
        obj.pk, obj.user = granted.pk, granted.user

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        role_revoke_checked(assignment=obj, actor=request.user)
