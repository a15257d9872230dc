"""The staff's spreadsheet exports of cases: a name a person typed is never run as a formula."""

from __future__ import annotations

import pytest

from daftar.accounts.models import User

from .helpers import client_for, staff, submitted_case

pytestmark = pytest.mark.django_db


def test_spreadsheet_formulas_in_names_are_not_evaluated(tehran_rules):
    from daftar.applications.exports import cell

    assert cell('=HYPERLINK("http://evil","a")') == '\'=HYPERLINK("http://evil","a")'
    assert cell("-1+2") == "'-1+2" and cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("سارا") == "سارا" and cell(42) == 42
    applicant_user = User.objects.get(mobile="09120000001")
    User.objects.filter(pk=applicant_user.pk).update(first_name='=HYPERLINK("http://evil","a")')
    submitted_case(client_for(User.objects.get(pk=applicant_user.pk)))
    body = b"".join(staff("09120000002").get("/api/v1/applications/export?as=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in body
