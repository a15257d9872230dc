"""The municipality administrator's rule-set versions (issue 18 §3; S9-S11): a new draft from
the latest version, its thresholds edited with the condition's Persian text (never its id),
the preview of its effect on the open cases, publishing from a Jalali date; and the refusals."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import jdatetime
import pytest
from django.test import Client
from django.utils import timezone

from daftar.accounts.models import User
from daftar.accounts.tests.factories import RoleAssignmentFactory
from daftar.applications.rule_preview import rule_set_preview
from daftar.applications.tests.factories import ApplicationFactory
from daftar.applications.tests.helpers import GOOD_FACTS
from daftar.applications.workflow import Status
from daftar.audit.models import AuditEntry
from daftar.rules import messages as msg
from daftar.rules.editing import MSG_STALE
from daftar.rules.models import Condition, RuleSet

pytestmark = pytest.mark.django_db

ADMIN = "09120000007"
LIST = "/desk/municipality/rules/"
PINNED_CSRF = mock.patch("django.middleware.csrf._get_new_csrf_string", return_value="pinnedcsrfpinnedcsrfpinnedcsrfpi")
CONDITION_ID = re.compile(r"\bS\d{1,2}\.\d\b")


def client_of(mobile: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(mobile=mobile))
    return client


def new_draft(admin: Client, rules: RuleSet) -> RuleSet:
    response = admin.post(f"{LIST}new/", {"licence_type": rules.licence_type.code})
    assert response.status_code == 302, response.content.decode()[:500]
    return RuleSet.objects.get(licence_type=rules.licence_type, municipality=rules.municipality, published=False)


def area(rule_set: RuleSet) -> Condition:
    return rule_set.conditions.get(cid="S11.2")


def edit_form(admin: Client, draft: RuleSet) -> dict[str, object]:
    """The draft's form as the page fills it in."""
    page = admin.get(f"/desk/municipality/rules/{draft.pk}/").content.decode()
    data: dict[str, object] = {}
    for condition in draft.conditions.all():
        data[f"c{condition.pk}-text"] = condition.text
        for name, value in condition.parameters.items():
            if name in ("zones", "zones_file", "municipal", "value"):
                continue
            data[f"c{condition.pk}-{name}"] = value if isinstance(value, list | str) else str(value)
    assert f'name="c{area(draft).pk}-min"' in page
    return data


def test_the_list_shows_versions_with_jalali_dates(tehran_rules: RuleSet) -> None:
    page = client_of(ADMIN).get(LIST).content.decode()
    assert tehran_rules.licence_type.title in page
    assert "نسخهٔ ۱" in page and "در حال اجرا" in page
    day = jdatetime.date.fromgregorian(date=tehran_rules.effective_from).strftime("%Y/%m/%d")
    assert day.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in page
    assert "پیش‌نویس تازه از نسخهٔ ۱" in page and "None" not in page
    assert not CONDITION_ID.search(re.sub(r"<[^>]+>", " ", page)), "a condition id is shown on the page"


def test_an_admin_drafts_changes_a_threshold_previews_and_publishes(tehran_rules: RuleSet) -> None:
    admin = client_of(ADMIN)
    draft = new_draft(admin, tehran_rules)
    assert draft.version == 2 and AuditEntry.objects.filter(action="rule_set_drafted").count() == 1
    page = admin.get(f"/desk/municipality/rules/{draft.pk}/").content.decode()
    assert "حداقل مساحت مفید ۶۰ متر مربع" in page and "حداقل (متر مربع)" in page
    assert not CONDITION_ID.search(re.sub(r"<[^>]+>", " ", page)), "a condition id is shown on the page"

    # two open cases of 70 m² and 90 m², one draft, one decided: a threshold of 80 fails only the first
    small = ApplicationFactory(submitted=True, facts={**GOOD_FACTS, "premises_area_m2": 70})
    ApplicationFactory(submitted=True, facts={**GOOD_FACTS, "premises_area_m2": 90})
    ApplicationFactory(facts={**GOOD_FACTS, "premises_area_m2": 70})
    ApplicationFactory(
        status=Status.REJECTED, tracking_code="DONE00000001", facts={**GOOD_FACTS, "premises_area_m2": 70}
    )

    data = edit_form(admin, draft)
    condition = area(draft)
    data[f"c{condition.pk}-min"] = "۸۰"
    data[f"c{condition.pk}-text"] = "حداقل مساحت مفید ۸۰ متر مربع (تهران)"
    response = admin.post(f"/desk/municipality/rules/{draft.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    condition.refresh_from_db()
    assert condition.parameters["min"] == 80 and "۸۰" in condition.text
    assert area(tehran_rules).parameters["min"] == 60  # the published version never changes
    entry = AuditEntry.objects.get(action="rule_set_conditions_changed")
    assert entry.data["changes"][0]["before"]["parameters"]["min"] == 60

    preview = admin.get(f"/desk/municipality/rules/{draft.pk}/preview/").content.decode()
    assert "۱ پرونده با این نسخه دیگر شرط «حداقل مساحت مفید ۸۰ متر مربع (تهران)» را ندارند" in preview
    assert f'href="/applications/{small.pk}/"' in preview and small.tracking_code in preview
    assert len(re.findall(r'href="/applications/\d+/"', preview)) == 1
    assert not CONDITION_ID.search(re.sub(r"<[^>]+>", " ", preview))

    publish = admin.get(f"/desk/municipality/rules/{draft.pk}/publish/").content.decode()
    assert "بله، این نسخه را منتشر کن" in publish and "۶۰ ← ۸۰" in publish
    day = timezone.localdate() + dt.timedelta(days=5)
    jalali_day = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    done = admin.post(f"/desk/municipality/rules/{draft.pk}/publish/", {"effective_from": jalali_day})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.published and draft.effective_from == day
    assert AuditEntry.objects.filter(action="rule_set_published", object_id=str(draft.pk)).exists()


def test_bad_edits_are_refused_in_persian_and_nothing_changes(tehran_rules: RuleSet) -> None:
    admin = client_of(ADMIN)
    draft = new_draft(admin, tehran_rules)
    condition = area(draft)
    cases = {
        "text": ("دو", "باید عدد باشد"),
        "-5": ("-5", "باید از ۰ تا"),
        "stale": ("80", MSG_STALE.format(old="۶۰", new="۸۰")),
    }
    for key, (value, message) in cases.items():
        data = edit_form(admin, draft)
        data[f"c{condition.pk}-min"] = value
        before = (list(draft.conditions.values()), AuditEntry.objects.count())
        response = admin.post(f"/desk/municipality/rules/{draft.pk}/", data)
        assert response.status_code == 400, key
        assert message in response.content.decode(), key
        assert (list(draft.conditions.values()), AuditEntry.objects.count()) == before, key
    # an empty list of equipment
    data = edit_form(admin, draft)
    equipment = draft.conditions.get(cid="S11.3")
    data.pop(f"c{equipment.pk}-items")
    response = admin.post(f"/desk/municipality/rules/{draft.pk}/", data)
    assert response.status_code == 400 and "دست‌کم یک گزینه" in response.content.decode()


def test_a_published_version_is_not_edited_and_a_past_date_is_not_published(tehran_rules: RuleSet) -> None:
    admin = client_of(ADMIN)
    page = admin.get(f"/desk/municipality/rules/{tehran_rules.pk}/").content.decode()
    assert "این نسخه منتشر شده است و تغییر نمی‌کند" in page and not re.search(r'name="c\d+-', page)
    condition = area(tehran_rules)
    before = (list(tehran_rules.conditions.values()), AuditEntry.objects.count())
    refused = admin.post(f"/desk/municipality/rules/{tehran_rules.pk}/", {f"c{condition.pk}-min": "90"})
    assert refused.status_code == 409
    again = admin.post(f"/desk/municipality/rules/{tehran_rules.pk}/publish/", {"effective_from": "1499/01/01"})
    assert again.status_code == 409
    assert (list(tehran_rules.conditions.values()), AuditEntry.objects.count()) == before

    draft = new_draft(admin, tehran_rules)
    assert admin.post(f"{LIST}new/", {"licence_type": tehran_rules.licence_type.code}).status_code == 302
    assert msg.DRAFT_EXISTS in admin.get(LIST).content.decode()
    assert RuleSet.objects.filter(published=False).count() == 1
    yesterday = jdatetime.date.fromgregorian(date=timezone.localdate() - dt.timedelta(days=1)).strftime("%Y/%m/%d")
    for value, message in ((yesterday, msg.EFFECTIVE_PAST), ("۱۴۰۵/۱۳/۴۰", "تاریخ")):
        response = admin.post(f"/desk/municipality/rules/{draft.pk}/publish/", {"effective_from": value})
        assert response.status_code == 400 and message in response.content.decode()
        draft.refresh_from_db()
        assert not draft.published


def test_the_preview_lists_cases_that_now_pass(tehran_rules: RuleSet) -> None:
    admin = client_of(ADMIN)
    draft = new_draft(admin, tehran_rules)
    failing = ApplicationFactory(submitted=True, facts={**GOOD_FACTS, "premises_area_m2": 55})
    condition = area(draft)
    condition.parameters = {**condition.parameters, "min": 50}
    condition.text = "حداقل مساحت مفید ۵۰ متر مربع (تهران)"
    condition.save()
    preview = rule_set_preview(draft)
    assert preview.checked == 1 and preview.affected == 1
    (change,) = preview.changes
    assert [row.pk for row in change.now_passing] == [failing.pk] and not change.now_failing


def test_who_may_open_the_rule_set_pages(tehran_rules: RuleSet) -> None:
    anonymous = Client().get(LIST)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert client_of("09120000002").get(LIST).status_code == 403
    foreign = RoleAssignmentFactory(role="municipality_admin").user
    client = Client()
    client.force_login(foreign)
    for suffix in ("", "preview/", "publish/"):
        with PINNED_CSRF:
            mine = client.get(f"/desk/municipality/rules/{tehran_rules.pk}/{suffix}")
            missing = client.get(f"/desk/municipality/rules/999999/{suffix}")
        assert mine.status_code == missing.status_code == 404
        assert mine.content == missing.content
    before = AuditEntry.objects.count()
    response = client.post(f"{LIST}new/", {"licence_type": tehran_rules.licence_type.code})
    assert response.status_code == 302 and not RuleSet.objects.filter(published=False).exists()
    assert AuditEntry.objects.count() == before


def test_a_version_cannot_start_before_the_latest_published_one(tehran_rules: RuleSet) -> None:
    """The version in force is the one that started last: publishing v3 from a date before v2's
    would let v2 overtake it on v2's day."""
    admin = client_of(ADMIN)
    later = timezone.localdate() + dt.timedelta(days=60)
    RuleSet.objects.filter(pk=tehran_rules.pk).update(effective_from=later)
    draft = new_draft(admin, tehran_rules)
    sooner = jdatetime.date.fromgregorian(date=timezone.localdate() + dt.timedelta(days=10)).strftime("%Y/%m/%d")
    response = admin.post(f"/desk/municipality/rules/{draft.pk}/publish/", {"effective_from": sooner})
    assert response.status_code == 400 and "نمی‌تواند پیش از" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.published


def test_the_preview_asks_the_same_queries_for_few_and_many_cases(tehran_rules: RuleSet) -> None:
    from django.db import connection  # counting the preview's queries only
    from django.test.utils import CaptureQueriesContext  # (idem)

    draft = new_draft(client_of(ADMIN), tehran_rules)
    first = ApplicationFactory(submitted=True, facts={**GOOD_FACTS, "premises_area_m2": 55})
    rule_set_preview(draft)  # the compiled versions are cached once, whatever the number of cases
    with CaptureQueriesContext(connection) as few:
        rule_set_preview(draft)
    for _ in range(5):
        ApplicationFactory(submitted=True, call=first.call, facts={**GOOD_FACTS, "premises_area_m2": 55})
    with CaptureQueriesContext(connection) as many:
        assert rule_set_preview(draft).checked == 6
    assert len(many.captured_queries) == len(few.captured_queries)
