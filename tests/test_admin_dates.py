"""The Django admin enters dates in Jalali with the project's picker, like the pages do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory

from daftar.accounts.models import User
from daftar.accounts.tests.factories import UserFactory
from daftar.kernel.forms import JalaliDateField

pytestmark = pytest.mark.django_db


def test_every_admin_date_field_is_jalali_and_a_typed_persian_date_saves_right() -> None:
    root = UserFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = root  # type: ignore[assignment]
    model_admin = admin.site._registry[User]
    form_class = model_admin.get_form(request, root)
    assert isinstance(form_class.base_fields["birth_date"], JalaliDateField)
    field = form_class.base_fields["birth_date"]
    assert field.clean("۱۳۶۴/۰۲/۱۱") == dt.date(1985, 5, 1)


def test_the_admin_page_loads_the_picker(client) -> None:  # type: ignore[no-untyped-def]
    root = UserFactory(is_superuser=True, is_staff=True, birth_date=dt.date(1985, 5, 1))
    client.force_login(root)
    page = client.get(f"/admin/accounts/user/{root.pk}/change/").content.decode()
    assert 'data-jalali="date"' in page and "js/jalali-picker.js" in page and "vendor/jalaali/jalaali.js" in page
    assert "1364/02/11" in page or "۱۳۶۴/۰۲/۱۱" in page  # the stored date is shown in Jalali
