"""The menu, grouped by role (issue 18 §4). A group is shown to whoever holds one of its roles
in some municipality (``accounts.policy.holds_anywhere``: navigation only; every page decides
its own access through its domain's policy). Citizens see the public group and their own
things, never a staff item. ``test_navigation`` checks that every entry names a page that
exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from daftar.accounts.constants import Role
from daftar.accounts.policy import holds_anywhere
from daftar.licences.models import Licence
from daftar.offices import policy as offices_policy


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()  # empty: everyone the group is shown to


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    roles: frozenset[str]
    entries: tuple[Entry, ...]


def _roles(*roles: str) -> frozenset[str]:
    return frozenset(str(r) for r in roles)


CASE_ROLES = _roles(Role.REVIEWER, Role.EXAMINER, Role.INSPECTOR, Role.LICENSING_AUTHORITY, Role.MUNICIPALITY_ADMIN)

PUBLIC = (
    Entry("فراخوان‌ها", "calls:list"),
    Entry("یافتن دفتر", "offices:finder"),
    Entry("تعرفه‌ها", "catalogue:tariffs"),
    Entry("استعلام مجوز", "licence_verify"),
    Entry("برآورد درآمد دفتر", "reports:planner"),
)

MINE = (
    Entry("پرونده‌های من", "applications:mine"),
    Entry("نوبت‌های من", "appointments:mine"),
    Entry("شکایت‌های من", "complaints:mine"),  # issue 21 §3
    Entry("پیامک‌های من", "accounts:messages"),  # issue 21 §4
)

OFFICES = Entry("دفترهای من", "offices:mine")
HOLDER = Entry("نظارت بر دفتر من", "supervision:mine")  # notices to answer, reports to send

STAFF_GROUPS = (
    Group(
        "cases",
        "پرونده‌ها",
        CASE_ROLES,
        (
            Entry("صف کار پرونده‌ها", "applications:queue"),
            Entry("جلسه‌های آزمون", "assessments:sessions", _roles(Role.EXAMINER)),
            Entry("بازدیدهای میدانی", "inspections:list", _roles(Role.INSPECTOR, Role.LICENSING_AUTHORITY)),
        ),
    ),
    Group(
        "authority",
        "صدور مجوز",
        _roles(Role.LICENSING_AUTHORITY),
        (
            Entry("صف تصمیم‌ها", "authority:decisions"),
            Entry("دفتر ثبت مجوزها", "authority:register"),
            Entry("اخطاریه‌های در انتظار تصمیم", "authority:notices"),
            Entry("پیام‌های درگاه ملی", "portal:outbox"),
            Entry("گزارش درآمد دفاتر", "reports:revenue"),
        ),
    ),
    Group(
        "supervision",
        "نظارت",
        _roles(Role.SUPERVISOR, Role.INSPECTOR),
        (
            Entry("تخلف‌ها", "supervisor:violations"),
            Entry("ثبت تخلف", "supervisor:violation_new"),
            Entry("اخطاریه‌ها", "supervisor:notices", _roles(Role.SUPERVISOR)),
            Entry("گزارش‌های شش‌ماهه", "supervisor:reports", _roles(Role.SUPERVISOR)),
            Entry("بازدیدهای نظارتی", "supervisor:visits", _roles(Role.SUPERVISOR)),
            Entry("کارنامهٔ دفاتر", "supervisor:offices", _roles(Role.SUPERVISOR)),
            Entry("رتبه‌بندی دفاتر", "scorecard:ranking", _roles(Role.SUPERVISOR)),  # issue 22 §2
            Entry("شکایت‌ها", "complaints:desk", _roles(Role.SUPERVISOR)),  # issue 21 §3
            Entry("نظرهای نگه‌داشته", "feedback:held", _roles(Role.SUPERVISOR)),  # issue 22 §1
            Entry("گزارش درآمد دفاتر", "reports:revenue", _roles(Role.SUPERVISOR)),
        ),
    ),
    Group(
        "municipality",
        "مدیریت شهرداری",
        _roles(Role.MUNICIPALITY_ADMIN),
        (
            Entry("فراخوان‌ها", "municipal:calls"),
            Entry("نسخه‌های قواعد", "municipal:rule_sets"),
            Entry("سیاست ارزیابی", "municipal:assessment_policy"),
            Entry("ساعات کار دفاتر", "municipal:hours"),
            Entry("روزهای کار تمدیدی", "municipal:extended_days"),
            Entry("تعطیلات و روزهای کاری", "municipal:days_off"),
            Entry("نقش‌های کارکنان", "municipal:staff"),
            Entry("مهلت‌ها و پیامدها", "municipal:deadlines"),  # issue 21 §2
            Entry("متن پیامک‌ها", "municipal:texts"),  # issue 21 §4
            Entry("پیامک‌های فرستاده‌شده", "municipal:sent"),
            Entry("بازنگری تعرفه‌ها", "catalogue:revisions"),
            Entry("پیام‌های درگاه ملی", "portal:outbox"),
            Entry("گزارش درآمد دفاتر", "reports:revenue"),
        ),
    ),
)


def _link(entry: Entry) -> dict[str, str] | None:
    try:
        return {"label": entry.label, "url": reverse(entry.url_name)}
    except NoReverseMatch:  # a page not installed here; test_navigation keeps the table true
        return None


def _links(entries: Iterable[Entry]) -> list[dict[str, str]]:
    return [link for link in map(_link, entries) if link is not None]


def menu_for(user: Any) -> dict[str, Any]:
    """The menu of ``user``: the public links, theirs (signed in) and one group per staff role
    they hold, each with only the entries their roles open."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    groups = []
    if signed_in:
        for group in STAFF_GROUPS:
            if not holds_anywhere(user, group.roles):
                continue
            links = _links(e for e in group.entries if not e.roles or holds_anywhere(user, e.roles))
            if links:
                groups.append({"key": group.key, "label": group.label, "links": links})
    return {
        "public": _links(PUBLIC),
        "mine": _links(
            [
                *MINE,
                *([OFFICES] if offices_policy.works_at_an_office(user) else []),
                *([HOLDER] if Licence.objects.filter(holder_id=user.pk).exists() else []),
            ]
        )
        if signed_in
        else [],
        "staff": groups,
    }
