"""Violations and notices in words for the supervisor's desk: the structured evidence a
recording path kept (``supervision.services``, «evidence»), who recorded it (by name, never a bare
mobile number; the system as «سامانه») and the ladder step a notice would propose."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from daftar.catalogue.inputs import rials
from daftar.kernel.jalali import to_jalali
from daftar.kernel.normalize import persian_digits
from daftar.municipalities.workdays import TEHRAN
from daftar.supervision.models import Outcome, Violation, ViolationSource
from daftar.supervision.presenters import period_title
from daftar.supervision.services import Proposal

SYSTEM = "سامانه"
UNNAMED = "کاربر بی‌نام"
UNKNOWN = "نامشخص"


def person_name(user: Any) -> str:
    """A person's name as recorded; never their mobile number."""
    if user is None:
        return UNKNOWN
    name = user.display_name
    return persian_digits(name) if name and name != user.mobile else UNNAMED


def recorder(violation: Violation) -> str:
    if violation.source == ViolationSource.SYSTEM:
        return SYSTEM
    return person_name(violation.recorded_by)


def _moment(raw: object) -> str:
    try:
        return to_jalali(dt.datetime.fromisoformat(str(raw)), with_time=True)
    except ValueError:
        return ""


def _day(raw: object) -> str:
    try:
        return to_jalali(dt.date.fromisoformat(str(raw)))
    except ValueError:
        return ""


def _hours(rows: Any) -> str:
    if not rows:
        return "دفتر در این روز ساعت کار مصوب نداشت"
    return " و ".join(persian_digits(f"{start} تا {end}") for start, end in rows)


def evidence(violation: Violation) -> dict[str, Any] | None:
    """The violation's structured evidence for the page: a headline, facts as (label, value)
    pairs, and, by kind, the transactions (outside hours) or failed checklist items (a visit).
    None when the recording path kept none (older rows): the description says it all."""
    data = violation.evidence or {}
    kind = data.get("kind")
    office = (data.get("office") or {}).get("name", "")
    if kind == "overcharge":
        headline = (
            f"دریافت {rials(data.get('amount', 0))} ریال بابت «{data.get('service_title', '')}» "
            f"در برابر تعرفهٔ {rials(data.get('tariff', 0))} ریال"
        )
        facts = [
            ("دفتر", office),
            ("خدمت", data.get("service_title", "")),
            ("مبلغ درخواستی", f"{rials(data.get('amount', 0))} ریال"),
            ("تعرفهٔ مصوب", f"{rials(data.get('tariff', 0))} ریال"),
            ("مبلغ بیش از تعرفه", f"{rials(int(data.get('amount', 0)) - int(data.get('tariff', 0)))} ریال"),
            ("شمارهٔ پیگیری پرداخت", data.get("payment_ref", "") or "—"),
            ("زمان", _moment(data.get("performed_at"))),
        ]
        return {"kind": kind, "headline": headline, "facts": facts}
    if kind == "outside_hours":
        rows = [
            {
                "time": persian_digits(f"{dt.datetime.fromisoformat(t['at']).astimezone(TEHRAN):%H:%M}"),
                "service": t.get("service_title", ""),
                "amount": rials(t.get("amount", 0)),
                "payment_ref": t.get("payment_ref", ""),
            }
            for t in data.get("transactions", [])
        ]
        total = len(rows) + int(data.get("more", 0))
        headline = f"{persian_digits(total)} تراکنش در روز {_day(data.get('day'))} خارج از ساعات مصوب دفتر ثبت شد"
        facts = [("دفتر", office), ("ساعات مصوب آن روز", _hours(data.get("hours")))]
        return {"kind": kind, "headline": headline, "facts": facts, "transactions": rows}
    if kind == "visit":
        visit = data.get("visit")
        headline = f"در بازدید نظارتی شمارهٔ {persian_digits(visit)} در {_moment(data.get('when'))}"
        items = [{"label": i.get("label", ""), "reason": i.get("reason", "")} for i in data.get("items", [])]
        url = reverse("inspections:visit", args=[visit]) if isinstance(visit, int) else ""
        return {"kind": kind, "headline": headline, "facts": [], "failed_items": items, "visit_url": url}
    if kind == "report_missing":
        headline = f"گزارش شش‌ماههٔ {period_title(str(data.get('period', '')))} در مهلت فرستاده نشد"
        return {"kind": kind, "headline": headline, "facts": []}
    return None


def outcome_words(outcome: str, days: int = 0) -> str:
    """«تذکر», «تعلیق موقت ۳۰ روزه», «لغو مجوز»."""
    label = Outcome(outcome).label
    if outcome == Outcome.SUSPENSION and days:
        return f"{label} {persian_digits(days)} روزه"
    return label


def proposal_words(proposal: Proposal) -> list[str]:
    """Why the rules propose this step, in a few sentences."""
    base = proposal.base
    what = outcome_words(base.outcome, base.suspension_days)
    out = []
    if not proposal.reached:
        out.append(f"برای این مجوز تاکنون تصمیم انضباطی گرفته نشده است؛ نخستین پلهٔ نردبان «{what}» است.")
    elif proposal.top:
        last = Outcome(proposal.last_outcome).label if proposal.last_outcome else ""
        out.append(f"پیش‌تر بالاترین پلهٔ نردبان ({last}) برای این مجوز اعمال شده است؛ پیشنهاد همان پله، «{what}»، است.")
    else:
        last = Outcome(proposal.last_outcome).label if proposal.last_outcome else ""
        out.append(
            f"آخرین تصمیم انضباطی این مجوز «{last}» (پلهٔ {persian_digits(proposal.reached)}) بوده است؛ "
            f"پلهٔ بعدی نردبان «{what}» است."
        )
    if proposal.escalated:
        lifted = outcome_words(proposal.step.outcome, proposal.step.suspension_days)
        out.append(f"اما چون دست‌کم یکی از تخلف‌های برگزیده «شدید» است، پیشنهاد تا «{lifted}» بالا می‌رود.")
    if proposal.beyond_suspension:
        heavier = outcome_words(proposal.step.outcome, proposal.step.suspension_days)
        out.append(f"این مجوز هم‌اکنون تعلیق است؛ تعلیق دوباره ممکن نیست و پیشنهاد «{heavier}» است.")
    return out
