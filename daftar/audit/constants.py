"""Persian labels of audit actions, shown to staff. Unknown actions show their code."""

ACTION_LABELS = {
    "user_registered": "ثبت‌نام کاربر",
    "user_created": "ایجاد حساب کاربر",
    "user_logged_in": "ورود به سامانه",
    "user_logged_out": "خروج از سامانه",
    "user_profile_updated": "ویرایش مشخصات",
    "role_granted": "اعطای نقش",
    "role_revoked": "لغو نقش",
    "admin_added": "افزودن در بخش مدیریت",
    "admin_changed": "ویرایش در بخش مدیریت",
    "admin_deleted": "حذف در بخش مدیریت",
    "inquiry.requested": "درخواست استعلام‌ها",
    "inquiry.result": "پاسخ استعلام",
    "inquiry.error": "استعلام بی‌پاسخ ماند",
    "inquiry.retry": "درخواست دوبارهٔ استعلام",
}
