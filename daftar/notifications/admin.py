from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from daftar.kernel.admin_columns import jalali_column
from daftar.kernel.errors import ApplicationError

from . import texts
from .models import MessageText, OutboxMessage
from .services import text_reset, text_save


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "to", "status", "attempts", "created", "sent"]
    created = jalali_column("created_at", "زمان ثبت")
    sent = jalali_column("sent_at", "زمان ارسال")
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MessageTextForm(forms.ModelForm):
    """An installation-wide or a municipality's text, checked as the administrator's page checks
    it (``texts.check``)."""

    key = forms.ChoiceField(label="پیامک")

    class Meta:
        model = MessageText
        fields = ["key", "municipality", "text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = sorted(((k, t.title) for k, t in texts.REGISTRY.items()), key=lambda p: p[1])
        self.fields["key"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key, body = data.get("key"), data.get("text")
        if key and body is not None:
            try:
                data["text"] = texts.check(key, body)
            except ApplicationError as exc:
                self.add_error("text", exc.message)
        return data


@admin.register(MessageText)
class MessageTextAdmin(admin.ModelAdmin):
    """The platform administrator's versions of the texts: without a municipality, the
    installation's (used wherever a municipality has none of its own). Saved through
    ``text_save`` (audited)."""

    form = MessageTextForm
    list_display = ["title", "municipality", "edited"]
    list_filter = ["municipality"]
    edited = jalali_column("updated_at", "زمان ویرایش")

    @admin.display(description="پیامک")
    def title(self, obj: MessageText) -> str:
        found = texts.REGISTRY.get(obj.key)
        return found.title if found else obj.key

    def save_model(self, request: HttpRequest, obj: MessageText, form: Any, change: bool) -> None:
        saved = text_save(key=obj.key, municipality=obj.municipality, body=obj.text, actor=request.user)
        obj.pk = saved.pk

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, each audited (delete_model)
        return actions

    def delete_model(self, request: HttpRequest, obj: MessageText) -> None:
        text_reset(key=obj.key, municipality=obj.municipality, actor=request.user)
