"""Vocabularies of the rules app: licence kinds (P2), condition groups (S9-S11), verification
methods, document groups (S12), and the fact vocabularies of API.md."""

from django.db import models


class LicenceKind(models.TextChoices):
    APPROVAL = "approval", "تأییدمحور"
    REGISTRATION = "registration", "ثبت‌محور"


class ConditionGroup(models.TextChoices):
    GENERAL = "general", "شرایط عمومی"
    SPECIALISED = "specialised", "شرایط تخصصی"
    LOCATION = "location", "شرایط محل فعالیت"


class Verification(models.TextChoices):
    SELF_DECLARED = "self_declared", "خوداظهاری"
    DOCUMENT = "document", "مدرک"
    INQUIRY = "inquiry", "استعلام"
    EXAM = "exam", "آزمون و مصاحبه"
    INSPECTION = "inspection", "بازدید میدانی"


class Check(models.TextChoices):
    EQUALS = "equals", "برابر با"
    IS_TRUE = "is_true", "بله باشد"
    IS_FALSE = "is_false", "خیر باشد"
    ALL_TRUE = "all_true", "همه بله باشند"
    ALL_FALSE = "all_false", "همه خیر باشند"
    DEGREE = "degree", "مدرک و رشتهٔ مرتبط"
    MIN_NUMBER = "min_number", "دست‌کم"
    ONE_OF = "one_of", "یکی از"
    CONTAINS_ALL = "contains_all", "همه را داشته باشد"
    IN_ZONE = "in_zone", "درون محدودهٔ مجاز"
    NUMBER_RANGE = "number_range", "در بازه"


class DocumentGroup(models.TextChoices):
    IDENTITY = "identity", "مدارک هویتی"
    SPECIALISED = "specialised", "مدارک تخصصی"
    LOCATION = "location", "مدارک محل فعالیت"


class DocumentStage(models.TextChoices):
    SUBMISSION = "submission", "هنگام ثبت درخواست"
    EXAM = "exam", "پس از آزمون (تولید سامانه)"


# Fact vocabularies (API.md «Catalogue and eligibility»), with Persian labels.
DEGREE_LEVELS = {
    "diploma": "دیپلم",
    "associate": "کاردانی",
    "bachelor": "کارشناسی",
    "master": "کارشناسی ارشد",
    "doctorate": "دکتری",
}
DEGREE_RANK = {level: rank for rank, level in enumerate(DEGREE_LEVELS)}
DEGREE_FIELDS = {
    "civil_engineering": "مهندسی عمران",
    "architecture": "معماری",
    "urban_planning": "شهرسازی",
    "law": "حقوق",
    "information_technology": "فناوری اطلاعات",
    "management": "مدیریت",
    "other": "سایر رشته‌ها",
}
PREMISES_USES = {
    "commercial": "تجاری",
    "office": "اداری",
    "residential": "مسکونی",
    "industrial": "صنعتی",
    "other": "سایر",
}
EQUIPMENT = {
    "computers": "رایانه",
    "printer": "چاپگر",
    "high_speed_internet": "اینترنت پرسرعت",
    "signboard": "تابلو",
    "client_facilities": "امکانات رفاهی ارباب رجوع",
}
PERSON_TYPES = {"natural": "حقیقی", "legal": "حقوقی"}

BOOLEAN_FACTS = {
    "has_criminal_record": "سوء پیشینهٔ کیفری مؤثر",
    "has_addiction_certificate": "گواهی عدم اعتیاد",
    "health_certified": "گواهی سلامت جسمی و روانی",
    "government_employee": "کارمند دولت",
    "represents_other_office": "نمایندگی دفاتر دیگر",
    "training_completed": "گذراندن دوره‌های آموزشی مصوب",
    "exam_passed": "قبولی در آزمون تخصصی",
    "interview_passed": "قبولی در مصاحبهٔ علمی و فنی",
}
FACT_LABELS = {
    "nationality": "تابعیت",
    "person_type": "نوع شخصیت",
    "age": "سن",
    "degree_level": "مقطع تحصیلی",
    "degree_field": "رشتهٔ تحصیلی",
    "experience_years": "سابقهٔ کار",
    "premises_area_m2": "مساحت مفید محل",
    "premises_use": "کاربری محل",
    "equipment": "تجهیزات",
    "location": "موقعیت محل",
    "training_hours": "ساعت دوره‌های آموزشی",
    "exam_score": "نمرهٔ آزمون",
    **BOOLEAN_FACTS,
}
