"""Forms of the case pages (issue 4 §7): they only gather input; ``services`` decide.

Numbers typed in Persian digits or with the Persian decimal separator are read here, and every
refusal of a service (``ApplicationError.fields``) is put back on the field it names, so the
person sees the Persian message next to what they typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms

from daftar.kernel.errors import ApplicationError
from daftar.kernel.forms import PersianForm
from daftar.kernel.normalize import persian_digits
from daftar.rules.constants import EQUIPMENT, PREMISES_USES
from daftar.rules.forms import SelfCheckForm

# Where a service's error key shows in the form (the location is typed as lat and lng).
FIELD_OF = {"location": "lat", "facts.location": "lat", "ids": None}
NOT_A_NUMBER = "«{label}» باید عدد باشد."
LOCATION_PAIR = "عرض و طول جغرافیایی را با هم وارد کنید."


def errors_to_form(form: forms.Form, exc: ApplicationError) -> None:
    """Show ``exc`` on ``form``: each named field gets its messages; the rest go on top."""
    placed = False
    for key, messages in (exc.fields or {}).items():
        name = FIELD_OF.get(key, key.removeprefix("facts."))
        target = name if name in form.fields else None
        for message in messages if isinstance(messages, list) else [messages]:
            if target is not None:
                form.add_error(target, str(message))
                placed = True
    if not placed:
        form.add_error(None, exc.message)


def parse_number(form: forms.Form, name: str) -> float | None:
    """The number in ``name`` (``۷۲٫۵``, ``72.5``, ``72/5``) or None; a bad one is a field error."""
    raw = str(form.cleaned_data.get(name) or "").replace("٫", ".").replace("/", ".").replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        form.add_error(name, NOT_A_NUMBER.format(label=form.fields[name].label))
        return None


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _number_field(label: str, help_text: str = "") -> forms.CharField:
    widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"})
    return forms.CharField(label=label, required=False, max_length=20, widget=widget, help_text=help_text)


def _reason_field(label: str = "دلیل", help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
    )


# --- applying in a call ----------------------------------------------------------------------


class ApplyForm(SelfCheckForm):
    """The district of the call and the facts of the self-check (S15.6). Nationality and
    person type come from the profile (``services.PROFILE_FACTS``), so they are not asked."""

    district = forms.ChoiceField(label="منطقهٔ محل دفتر", choices=[])

    def __init__(self, *args: Any, districts: Iterable[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("nationality", "person_type"):
            del self.fields[name]
        _choice(self, "district").choices = [("", "— انتخاب کنید —"), *((str(pk), name) for pk, name in districts)]
        self.order_fields(["district"])


def facts_initial(facts: dict[str, Any] | None) -> dict[str, Any]:
    """The apply form's initial values from saved facts (the person's last self-check), so the
    answers given there are not asked again (issue 19 §4); the person may still change them.
    Numbers are shown in Persian digits, as the person would type them."""
    facts = facts or {}
    initial: dict[str, Any] = {}
    for name in ("degree_level", "degree_field", "premises_use"):
        if facts.get(name):
            initial[name] = str(facts[name])
    for name in SelfCheckForm.BOOLEAN_FIELDS:
        if isinstance(facts.get(name), bool):
            initial[name] = "yes" if facts[name] else "no"
    for name in ("experience_years", "training_hours", "premises_area_m2"):
        value = facts.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            initial[name] = _typed_number(value)
    if isinstance(facts.get("equipment"), list):
        initial["equipment"] = [str(v) for v in facts["equipment"]]
    location = facts.get("location")
    if isinstance(location, dict) and isinstance(location.get("lat"), int | float):
        initial["lat"] = _typed_number(location["lat"])
        initial["lng"] = _typed_number(location.get("lng", 0))
    return initial


def _typed_number(value: float) -> str:
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    return persian_digits(text.replace(".", "٫"))


# --- the applicant's documents, submission ---------------------------------------------------


class UploadForm(PersianForm):
    """One document type's upload; the file is judged by ``case_documents.document_upload``."""

    type = forms.CharField(widget=forms.HiddenInput, max_length=40)
    file = forms.FileField(label="فایل", required=False, allow_empty_file=True)


class SubmitForm(PersianForm):
    """The applicant's explicit confirmation before submitting (issue 19 §4.3)."""

    confirm = forms.BooleanField(label="اطلاعات و مدارک را درست و کامل وارد کرده‌ام.", required=False)


# --- staff: document review and moves -----------------------------------------------------


class ReviewForm(PersianForm):
    """Accept or reject one document; the decision comes from the button pressed."""

    decision = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="دلیل (برای رد لازم است)",
        required=False,
        max_length=1000,
        widget=forms.TextInput(),
    )


class ActionForm(PersianForm):
    """A staff move on the case (``workflow.MOVES``); ``to_data`` is the body of the move."""

    action = ""

    def __init__(self, *args: Any, application: Any = None, choices: Any = None, **kwargs: Any):
        self.application = application
        super().__init__(*args, **kwargs)

    def to_data(self) -> dict[str, Any] | None:
        """The move's data, or None when a field could not be read (the error is on the form)."""
        return {}


class CorrectionForm(ActionForm):
    action = "request_correction"
    reason = _reason_field(
        "دلیل درخواست اصلاح", help_text="این متن برای متقاضی پیامک و در پرونده نمایش داده می‌شود (دست‌کم ۱۰ نویسه)."
    )
    documents = forms.MultipleChoiceField(
        label="مدارک ردشده‌ای که باید اصلاح شود",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="اگر هیچ‌کدام را برنگزینید، همهٔ مدارک ردشده خواسته می‌شود.",
    )

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = _choice(self, "documents")
        field.choices = list(choices or [])
        if not self.is_bound:
            self.initial["documents"] = [value for value, _ in field.choices]

    def to_data(self) -> dict[str, Any] | None:
        data: dict[str, Any] = {"reason": self.cleaned_data.get("reason") or ""}
        chosen = self.cleaned_data.get("documents") or []
        if chosen:
            data["documents"] = [int(pk) for pk in chosen]
        return data


class ExamForm(ActionForm):
    action = "record_exam"
    score = _number_field("نمرهٔ آزمون تخصصی (از ۱۰۰)")

    def to_data(self) -> dict[str, Any] | None:
        value = parse_number(self, "score")
        return None if self.errors else {"score": value}


_SEPARATORS = re.compile(r"[\s,،;؛]+")


class InterviewForm(ActionForm):
    action = "record_interview"
    scores = forms.CharField(
        label="نمره‌های اعضای هیئت مصاحبه",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
        help_text="نمرهٔ هر عضو از ۱۰۰؛ با ویرگول یا فاصله جدا کنید، مثلاً ۷۰، ۶۵، ۸۰",
    )

    def to_data(self) -> dict[str, Any] | None:
        raw = str(self.cleaned_data.get("scores") or "").replace("٫", ".")
        scores: list[float] = []
        for part in (p for p in _SEPARATORS.split(raw) if p):
            try:
                scores.append(float(part))
            except ValueError:
                self.add_error("scores", NOT_A_NUMBER.format(label=self.fields["scores"].label))
                return None
        return {"scores": scores}


class InspectionForm(ActionForm):
    action = "record_inspection"
    premises_use = forms.ChoiceField(
        label="کاربری محل (طبق بازدید)", choices=[("", "— انتخاب کنید —"), *PREMISES_USES.items()], required=False
    )
    measured_area_m2 = _number_field("مساحت مفید اندازه‌گیری‌شده (متر مربع)")
    equipment = forms.MultipleChoiceField(
        label="تجهیزات دیده‌شده", choices=list(EQUIPMENT.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    lat = _number_field("عرض جغرافیایی محل", help_text="مثلاً ۳۵٫۷۴۵")
    lng = _number_field("طول جغرافیایی محل", help_text="مثلاً ۵۱٫۵۵۳")

    def to_data(self) -> dict[str, Any] | None:
        area = parse_number(self, "measured_area_m2")
        lat, lng = parse_number(self, "lat"), parse_number(self, "lng")
        if (lat is None) != (lng is None) and not self.errors:
            self.add_error("lng" if lng is None else "lat", LOCATION_PAIR)
        if self.errors:
            return None
        return {
            "premises_use": self.cleaned_data.get("premises_use") or None,
            "measured_area_m2": area,
            "equipment": list(self.cleaned_data.get("equipment") or []),
            "location": {"lat": lat, "lng": lng} if lat is not None else None,
        }


class RejectForm(ActionForm):
    action = "reject"
    reason = _reason_field("دلیل رد درخواست", help_text="دست‌کم ۱۰ نویسه؛ برای متقاضی فرستاده می‌شود.")
    conditions = forms.MultipleChoiceField(
        label="شرایط احرازنشده (استناد رد)", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice(self, "conditions").choices = list(choices or [])

    def to_data(self) -> dict[str, Any] | None:
        return {"reason": self.cleaned_data.get("reason") or "", "conditions": list(self.cleaned_data["conditions"])}


class StartReviewForm(ActionForm):
    action = "start_review"


class AcceptDocumentsForm(ActionForm):
    action = "accept_documents"


class ApproveForm(ActionForm):
    action = "approve"


class IssueLicenceForm(ActionForm):
    action = "issue_licence"


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        StartReviewForm,
        CorrectionForm,
        AcceptDocumentsForm,
        ExamForm,
        InterviewForm,
        InspectionForm,
        ApproveForm,
        RejectForm,
        IssueLicenceForm,
    )
}


# --- staff queue -----------------------------------------------------------------------------

SORT_CHOICES = [
    ("age", "قدیمی‌ترین نخست"),
    ("-age", "تازه‌ترین نخست"),
    ("deadline", "نزدیک‌ترین مهلت"),
    ("-deadline", "دورترین مهلت"),
]


class QueueFilterForm(PersianForm):
    q = forms.CharField(
        label="جست‌وجو",
        required=False,
        max_length=100,
        help_text="کد رهگیری، نام متقاضی، کد ملی یا شمارهٔ همراه؛ در همهٔ وضعیت‌ها، مگر وضعیتی را برگزینید",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    status = forms.ChoiceField(label="وضعیت", required=False)
    district = forms.ChoiceField(label="منطقه", required=False)
    overdue = forms.ChoiceField(
        label="مهلت",
        required=False,
        choices=[("", "همه"), ("1", "فقط گذشته از مهلت"), ("0", "فقط در مهلت")],
    )
    acknowledged = forms.ChoiceField(
        label="رؤیت", required=False, choices=[("", "همه"), ("0", "رؤیت‌نشده"), ("1", "رؤیت‌شده")]
    )
    sort = forms.ChoiceField(label="ترتیب", required=False, choices=SORT_CHOICES)

    FILTERS = ("q", "status", "district", "overdue", "acknowledged", "sort")

    def __init__(
        self,
        *args: Any,
        statuses: Iterable[tuple[str, str]] = (),
        districts: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _choice(self, "status").choices = [("", "صف نقش من"), ("all", "همهٔ وضعیت‌ها"), *statuses]
        _choice(self, "district").choices = [("", "همه"), *((str(pk), name) for pk, name in districts)]

    def params(self) -> dict[str, str]:
        """The chosen filters (only the non-empty ones), for the selector and for links."""
        return {name: str(self.cleaned_data.get(name) or "") for name in self.FILTERS if self.cleaned_data.get(name)}
