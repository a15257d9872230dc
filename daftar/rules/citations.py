"""Legal bases in words: the rule data cites fact ids («DOMAIN S9.1؛ S1», «S12.4», «P4») for the
people who maintain it; a person reads «شرط اول از شرایط عمومی؛ شرایط تأسیس دفتر، در آیین‌نامهٔ
شهرداری» instead. Ids stay in the data, the API and the docs."""

from __future__ import annotations

import re

ORDINALS = ["اول", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم", "دهم", "یازدهم", "دوازدهم"]

# fact group: (word for one item, the group's name)
GROUPS = {
    "S9": ("شرط", "شرایط عمومی"),
    "S10": ("شرط", "شرایط تخصصی"),
    "S11": ("شرط", "شرایط محل فعالیت"),
    "S12": ("مدرک", "مدارک لازم"),
}
WHOLE = {
    "S1": "شرایط تأسیس دفتر",
    "S2": "آیین‌نامهٔ اجرایی شهرداری",
    "S6": "شرایط صدور مجوز از سوی شهرداری",
    "S7": "آیین فراخوان و ارزیابی متقاضیان",
    "S9": "شرایط عمومی",
    "S10": "شرایط تخصصی",
    "S11": "شرایط محل فعالیت",
    "S12": "مدارک لازم",
    "S13": "بررسی پرونده و صدور مجوز",
    "S14": "توان مالی و محل مناسب",
    "P4": "آیین‌نامهٔ شهرداری تهران (۱۳۸۶)",
}
_ID = re.compile(r"\b([SP]\d+)(?:\.(\d+))?\b")


def citation_words(citation: str) -> str:
    """The citation as a person reads it; ids nobody has worded are left out, and a citation
    already written in words is kept as it is."""
    text = (citation or "").strip()
    if not _ID.search(text):
        return "" if "DOMAIN" in text else text
    parts: list[str] = []
    for group, item in _ID.findall(text):
        if item and group in GROUPS and 0 < int(item) <= len(ORDINALS):
            word, name = GROUPS[group]
            part = f"{word} {ORDINALS[int(item) - 1]} از {name}"
        else:
            part = WHOLE.get(group, "")
        if part and part not in parts:
            parts.append(part)
    if not parts:
        return ""
    return "؛ ".join(parts) + "، در آیین‌نامهٔ شهرداری"
