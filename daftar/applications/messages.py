"""Persian messages of the application case (asserted by tests)."""

from daftar.kernel import messages as kernel_msg

ALREADY_APPLIED = "شما پیش‌تر در این فراخوان درخواست داده‌اید؛ همان پرونده را دنبال کنید."
DISTRICT_NOT_IN_CALL = "این منطقه در فراخوان نیست؛ یکی از مناطق فراخوان را برگزینید."
CALL_UNKNOWN = "چنین فراخوانی نیست."
NOT_EDITABLE = "اطلاعات پرونده فقط در پیش‌نویس یا هنگام اصلاح قابل ویرایش است؛ وضعیت کنونی: «{status}»."
ILLEGAL_MOVE = "این کار در وضعیت کنونی پرونده («{status}») ممکن نیست."
UNKNOWN_ACTION = "چنین اقدامی تعریف نشده است. اقدام‌های ممکن: {actions}."
NOT_PERMITTED = "نقش شما اجازهٔ این اقدام را در این شهرداری نمی‌دهد."
DOCUMENTS_MISSING = "پیش از ثبت نهایی این مدارک را بارگذاری کنید: {titles}."
DOCUMENTS_REJECTED_PENDING = "این مدارک رد شده‌اند و باید نسخهٔ تازه‌شان را بارگذاری کنید: {titles}."
PROFILE_INCOMPLETE = "پیش از ثبت نهایی این موارد را در نمایهٔ خود کامل کنید: {gaps}."
NO_REJECTED_DOCUMENTS = "برای درخواست اصلاح، دست‌کم یک مدرک باید با ذکر دلیل رد شده باشد."
CORRECTION_DOCUMENT_NOT_REJECTED = "فقط مدارک ردشدهٔ همین پرونده را می‌توان در درخواست اصلاح نام برد."
DOCUMENTS_NOT_ALL_ACCEPTED = "همهٔ مدارک الزامی باید پذیرفته شده باشند؛ مانده: {titles}."
INQUIRY_FAILED_BLOCKS = "استعلام ردشده مانع ادامهٔ کار است: {reasons}"
APPROVAL_BLOCKED = "تأیید نهایی ممکن نیست: {reasons}"
CONDITIONS_NOT_MET = "این شرایط احراز نشده‌اند: {conditions}"
OUTSIDE_QUOTA = "رتبهٔ این پرونده در منطقه {rank} است و سهمیهٔ منطقه {quota}؛ تأیید بیش از سهمیه ممکن نیست."  # P4
REASON_REQUIRED = "دلیل را بنویسید (دست‌کم ۱۰ نویسه)."
REJECT_NEEDS_CONDITIONS = "رد درخواست فقط با استناد به دست‌کم یک شرط احرازنشده ممکن است."  # P1
UNKNOWN_CONDITIONS = "{count} شرط از شرط‌های برگزیده در شرایط این پرونده نیست؛ از فهرست شرایط همین پرونده برگزینید."
SCORE_RANGE = "نمره باید عددی از ۰ تا ۱۰۰ باشد."
SCORES_LIST = "نمره‌های مصاحبه فهرستی از ۱ تا ۱۵ عدد (یکی برای هر عضو هیئت) از ۰ تا ۱۰۰ است."
EXAM_FAILED = "نمرهٔ آزمون ({score}) کمتر از حد نصاب {mark} است."  # S10.4
INTERVIEW_FAILED = "میانگین نمرهٔ مصاحبه ({score}) کمتر از حد نصاب {mark} است."  # S10.4
INSPECTION_FAILED = "بازدید میدانی شرایط محل را احراز نکرد: {reasons}"
IDS_LIST = "فهرست شناسه‌ها باید فهرستی از ۱ تا ۵۰۰ عدد باشد."
STATUS_FILTER_UNKNOWN = "وضعیت ناشناخته است: {value}"
SORT_UNKNOWN = "ترتیب باید یکی از age، -age، deadline یا -deadline باشد."
EXPORT_FORMAT = kernel_msg.EXPORT_FORMAT  # the exports' refusals live with kernel.tabular
EXPORT_TOO_LARGE = kernel_msg.EXPORT_TOO_LARGE

# Values put into the SMS texts (the texts themselves are declared in sms.py)
NO_CODE_YET = "پیش‌نویس"  # a case without a tracking code yet
ON_CASE_PAGE = "در صفحهٔ پرونده"  # a deadline or a condition the SMS cannot name
DOCUMENT_WITH_REASON = "{title} ({reason})"
A_DOCUMENT = "مدرک"  # a document whose type has no title any more
NOT_FOUND = "پرونده‌ای با این شناسه نیست یا به آن دسترسی ندارید."
CALL_UNKNOWN = "چنین فراخوانی نیست."
NEED_UPLOAD = "بارگذاری مدرک «{title}»"
NEED_REUPLOAD = "بارگذاری نسخهٔ تازهٔ «{title}» (رد شده: {reason})"
NEED_PROFILE = "کامل کردن نمایه: {gaps}"
NEXT_DOCUMENTS = "گام ۲ از ۴: بارگذاری {count} مدرک باقی‌مانده"
NEXT_CONFIRM = "گام ۳ از ۴: بازبینی و ثبت نهایی درخواست"
CONFIRM_REQUIRED = "پیش از ثبت نهایی، درستی و کامل بودن اطلاعات و مدارک را تأیید کنید."
NEED_SUBMIT = "همهٔ مدارک بارگذاری شده است؛ درخواست را ثبت نهایی کنید."
NEED_RESUBMIT = "پس از بارگذاری مدارک اصلاحی، درخواست را دوباره ثبت کنید (مهلت: {due})."
NEED_WAIT = "کاری از شما لازم نیست؛ پرونده در مرحلهٔ «{status}» است{due}."
NEED_NOTHING_FINAL = "پرونده بسته شده است: «{status}»."
# the exam or interview the applicant is to attend (issue 21 §4), on their case page and dashboard
NEED_ATTEND = "حضور در {appointment}"
APPOINTMENT = "{title}: {when}، محل: {place}"
APPOINTMENT_INTERVIEW = "مصاحبه"  # the title of an interview (an exam has its session's title)
EXPIRED_CORRECTION = "مهلت اصلاح مدارک گذشت و مدارک اصلاحی ثبت نشد."
EXPIRED_DRAFT = "مهلت فراخوان پایان یافت و پیش‌نویس ثبت نهایی نشد."
OVERDUE_NOTE = "مهلت قانونی مرحلهٔ «{status}» گذشت؛ پرونده به مرجع صدور مجوز ارجاع شد."  # P1
DISTRICT_FIXED = "منطقه پس از ثبت نهایی تغییر نمی‌کند؛ سهمیهٔ هر منطقه جداست."
CORRECTION_LATE = "مهلت اصلاح مدارک گذشته است؛ پرونده دیگر پذیرفته نمی‌شود."
NOT_EXPIRABLE = "این پرونده هنوز در مهلت است و منقضی نمی‌شود."
INSPECTION_INCOMPLETE = "نتیجهٔ بازدید باید کاربری، مساحت اندازه‌گیری‌شده، تجهیزات و مختصات محل را داشته باشد."
# accept_documents (docs/decisions/0034-reviewer-viewer.md): every current document reviewed,
# none of the required ones rejected (those go back to the applicant by a correction request)
DOCUMENTS_UNREVIEWED = "پیش از تأیید مدارک، همهٔ مدارک را بررسی کنید؛ هنوز بررسی نشده: {titles}."
DOCUMENTS_REJECTED_NEED_CORRECTION = "این مدارک رد شده‌اند؛ به جای تأیید مدارک، از متقاضی درخواست اصلاح کنید: {titles}."

# Deadlines with consequences (issue 21 §2, consequences.py); P1
LAW_FACILITATION = "قانون تسهیل صدور مجوزهای کسب‌وکار"
DEEMED_APPROVAL_NOTE = (
    "مهلت قانونی بررسی پرونده گذشت و شهرداری تصمیمی نگرفت؛ به حکم قانون تسهیل صدور مجوزهای کسب‌وکار"
    " درخواست شما تأییدشده به شمار می‌آید و مجوز صادر شد."
)
ESCALATED_NOTE = "مهلت قانونی مرحلهٔ «{status}» گذشت؛ پرونده به مرجع بالاتر ارجاع شد که باید تا {due} تصمیم بگیرد."
LEFT_TODAY = "امروز"
LEFT_DAYS = "تا {days} روز کاری دیگر"

# The municipality's deadline rules (deadline_settings.py), on its administrator's page and in the admin
REMINDER_DAY_NOT_NUMBER = "«{value}» عدد روز نیست؛ روزها را با عدد و جدا با ویرگول بنویسید، مانند ۲، ۱."
REMINDER_DAY_RANGE = (
    "هر یادآوری از ۰ (روز آخر مهلت) تا {most} روز کاری پیش از پایان مهلت است؛ «{value}» در این بازه نیست."
)
REMINDER_DAYS_TOO_MANY = "دست‌بالا {most} روز یادآوری؛ {count} روز نوشته‌اید."
HEAD_NOT_AUTHORITY = "مرجع بالاتر باید در همین شهرداری نقش مرجع صدور مجوز داشته باشد."
CONSEQUENCE_UNKNOWN = "پیامد پایان مهلت را از گزینه‌ها برگزینید."
CONSEQUENCE_TYPE_UNKNOWN = "این نوع مجوز در این شهرداری قاعده‌ای ندارد؛ پیامد آن را نمی‌توان تعیین کرد."
DEEMED_NOT_CONFIRMED = (
    "صدور مجوز به حکم قانون یعنی سامانه خودش مجوز را صادر می‌کند؛ اگر همین را می‌خواهید، کادر تأیید را علامت بزنید."
)
