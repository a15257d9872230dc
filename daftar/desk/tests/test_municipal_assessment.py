"""The municipality's pass rules page (issue 18 §3; S10.4, P7): shown with Persian digits,
changed with an audit entry, bad figures refused in Persian with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.assessments import messages as msg
from daftar.assessments.models import AssessmentPolicy
from daftar.audit.models import AuditEntry
from daftar.rules.models import RuleSet

pytestmark = pytest.mark.django_db

ADMIN = "09120000007"
URL = "/desk/municipality/assessment/"


def client_of(mobile: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(mobile=mobile))
    return client


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "exam_pass_rule": "relative",
        "fixed_pass_mark": "۶۰",
        "relative_share": "۰٫۷۵",
        "top_share": "0.02",
        "weight_general": "۰٫۳",
        "weight_specialised": "۰٫۷",
        "interview_rule": "all_pass",
        "interview_pass_mark": "۵۵",
    }
    data.update(overrides)
    return data


def test_the_page_shows_the_defaults_and_saves_a_policy_with_an_audit_entry(tehran_rules: RuleSet) -> None:
    admin = client_of(ADMIN)
    page = admin.get(URL).content.decode()
    assert "قاعدهٔ قبولی آزمون و مصاحبهٔ" in page and "پیش‌فرض‌ها به کار می‌روند" in page
    assert 'value="۰٫۴"' in page and 'value="۰٫۶"' in page
    response = admin.post(URL, form())
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = AssessmentPolicy.objects.get(municipality=tehran_rules.municipality)
    assert (policy.exam_pass_rule, policy.relative_share, policy.top_share) == ("relative", 0.75, 0.02)
    assert (policy.weight_general, policy.weight_specialised, policy.interview_rule) == (0.3, 0.7, "all_pass")
    entry = AuditEntry.objects.get(action="assessment_policy_changed")
    assert "relative_share" in entry.data["changed"] and entry.data["before"]["relative_share"] == 0.7
    page = admin.get(URL).content.decode()
    assert 'value="۰٫۷۵"' in page and "آخرین تغییر" in page
    # the same figures again write nothing
    assert admin.post(URL, form()).status_code == 302
    assert AuditEntry.objects.filter(action="assessment_policy_changed").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("fixed_pass_mark", "۱۲۰", msg.MARK),
        ("interview_pass_mark", "-1", msg.MARK),
        ("relative_share", "۰", msg.SHARE),
        ("top_share", "2", msg.SHARE),
        ("weight_general", "۰٫۵", msg.POLICY_WEIGHTS),
        ("fixed_pass_mark", "پنجاه", msg.POLICY_NUMBER),
        ("exam_pass_rule", "lottery", "گزینه"),
    ],
)
def test_bad_figures_are_refused_in_persian_and_nothing_is_written(
    tehran_rules: RuleSet, field: str, value: str, message: str
) -> None:
    before = (AssessmentPolicy.objects.count(), AuditEntry.objects.count())
    response = client_of(ADMIN).post(URL, form(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (AssessmentPolicy.objects.count(), AuditEntry.objects.count()) == before


def test_who_may_open_the_pass_rules_page(tehran_rules: RuleSet) -> None:
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    examiner = client_of("09120000003")
    assert examiner.get(URL).status_code == 403
    assert examiner.post(URL, form()).status_code == 403
    # another municipality's administrator sets only their own municipality's rules
    foreign = RoleAssignmentFactory(role="municipality_admin").user
    client = Client()
    client.force_login(foreign)
    assert client.post(f"{URL}?m=tehran", form()).status_code == 302
    assert not AssessmentPolicy.objects.filter(municipality=tehran_rules.municipality).exists()
    assert AssessmentPolicy.objects.filter(municipality=foreign.roles.get().municipality).exists()
