"""Persian labels of audit actions, shown to staff. Unknown actions show their code."""

from django.apps import apps

ACTION_LABELS = {
    "user_registered": "ثبت‌نام کاربر",
    "user_created": "ایجاد حساب کاربر",
    "user_logged_in": "ورود به سامانه",
    "user_logged_out": "خروج از سامانه",
    "user_profile_updated": "ویرایش مشخصات",
    "user_mobile_changed": "تغییر شمارهٔ همراه",
    "role_granted": "اعطای نقش",
    "role_revoked": "لغو نقش",
    "admin_added": "افزودن در بخش مدیریت",
    "admin_changed": "ویرایش در بخش مدیریت",
    "admin_deleted": "حذف در بخش مدیریت",
    "call.create": "گشایش فراخوان",
    "application.create": "ساخت پیش‌نویس درخواست",
    "application.update": "ویرایش اطلاعات درخواست",
    "application.submit": "ثبت نهایی درخواست",
    "application.withdraw": "انصراف از درخواست",
    "application.start_review": "آغاز بررسی مدارک",
    "application.request_correction": "درخواست اصلاح مدارک",
    "application.accept_documents": "تأیید مدارک",
    "application.record_exam": "ثبت نتیجهٔ آزمون",
    "application.record_interview": "ثبت نتیجهٔ مصاحبه",
    "application.record_inspection": "ثبت نتیجهٔ بازدید میدانی",
    "application.approve": "تأیید نهایی درخواست",
    "application.reject": "رد درخواست",
    "application.issue_licence": "صدور مجوز",
    "application.expire": "انقضای درخواست",
    "application.overdue": "گذشتن از مهلت قانونی و ارجاع",
    "application.acknowledge": "رؤیت پرونده در صف کار",
    "licence.suspension_end": "پایان خودکار تعلیق مجوز",
    "training_credit.add": "ثبت دورهٔ آموزشی گذرانده",
    "document.system_issue": "صدور مدرک به‌دست سامانه (گواهی آزمون و مصاحبه)",
    "document.upload": "بارگذاری مدرک",
    "document.accept": "پذیرش مدرک",
    "document.reject": "رد مدرک",
    "inquiry.requested": "درخواست استعلام‌ها",
    "inquiry.result": "پاسخ استعلام",
    "inquiry.error": "استعلام بی‌پاسخ ماند",
    "inquiry.retry": "درخواست دوبارهٔ استعلام",
    "licence.issue": "صدور مجوز و گواهی امضاشده",
    "licence.renew": "تمدید مجوز",
    "licence.suspend": "تعلیق مجوز",
    "licence.reinstate": "رفع تعلیق مجوز",
    "licence.revoke": "لغو مجوز",
    "licence.expire": "انقضای مجوز",
    "supervision.violation_record": "ثبت تخلف دفتر",
    "supervision.notice_issue": "صدور اخطاریهٔ تصمیم انضباطی",
    "supervision.notice_respond": "پاسخ دفتر به اخطاریه",
    "supervision.decision_make": "تصمیم انضباطی",
    "supervision.report_submit": "ارسال گزارش شش‌ماهه",
    "exam_session.create": "ایجاد جلسهٔ آزمون",
    "exam_seat.assign": "تخصیص صندلی آزمون",
    "exam_seat.score": "ثبت نمرهٔ آزمون",
    "exam_scores.import": "ورود گروهی نمره‌های آزمون",
    "exam_session.decide": "اعلام نتیجهٔ جلسهٔ آزمون",
    "interview.score": "ثبت نمرهٔ مصاحبه",
    "interview.decide": "تصمیم هیئت مصاحبه",
    "inspection.schedule": "زمان‌بندی بازدید میدانی",
    "inspection.photo_add": "افزودن عکس بازدید میدانی",
    "inspection.record": "ثبت نتیجهٔ بازدید میدانی",
    "supervision_visit.schedule": "زمان‌بندی بازدید نظارتی دفتر",
    "supervision_visit.record": "ثبت نتیجهٔ بازدید نظارتی دفتر",
    # the municipal staff's desk (issue 18)
    "supervision_visit.assign": "اعزام بازرس برای بازدید نظارتی",
    "supervision.report_accept": "پذیرش گزارش شش‌ماهه",
    "supervision.report_clarify": "درخواست توضیح دربارهٔ گزارش شش‌ماهه",
    "call.update": "ویرایش فراخوان",
    "call.close": "بستن زودهنگام فراخوان",
    "call.cancel": "لغو فراخوان",
    "rule_set_drafted": "پیش‌نویس نسخهٔ تازهٔ قواعد",
    "rule_set_conditions_changed": "تغییر شرایط پیش‌نویس قواعد",
    "rule_set_published": "انتشار نسخهٔ قواعد",
    "licence_type_created": "تعریف نوع مجوز",
    "assessment_policy_changed": "تغییر قواعد قبولی آزمون و مصاحبه",
    "municipality.day_off_declare": "اعلام روز تعطیل",
    "municipality.day_off_remove": "حذف روز تعطیل اعلام‌شده",
    "municipality.holiday_confirm": "تأیید تعطیل رسمی تخمینی",
    "municipality.holiday_cancel": "لغو تعطیل رسمی تخمینی",
    "municipality.holiday_correction_remove": "پس‌گرفتن تصمیم دربارهٔ تعطیل تخمینی",
    "office.directive_update": "تغییر دستورالعمل ساعات کار",
    "office.extended_day_add": "افزودن روز کار تمدیدی",
    "office.extended_day_remove": "حذف روز کار تمدیدی",
    "national_code_not_proven": "کد ملی با شمارهٔ همراه احراز نشد",
    "national_code_on_two_accounts": "کد ملی در دو حساب",
    "national_code_released": "آزادسازی کد ملی از حساب دیگر",
}

# What a page shows for an action no app has named (never the code itself).
UNNAMED_ACTION = "رویداد سامانه"


def action_label(action: str) -> str:
    """The Persian label of an audit action: from ``ACTION_LABELS`` or from an app's own
    ``audit_labels`` (an attribute of its AppConfig), else the code itself."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]

    for config in apps.get_app_configs():
        labels = getattr(config, "audit_labels", None)
        if labels and action in labels:
            return str(labels[action])
    return UNNAMED_ACTION
