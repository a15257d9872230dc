"""The demo data set: Tehran with 22 illustrative districts and one user per role.

The districts' names are the municipality's public numbering (منطقهٔ ۱ … ۲۲); their boundaries
are not in the reference data and are flagged ``illustrative`` wherever shown.
All national codes below are made up; they satisfy the check digit only.
"""

from __future__ import annotations

from daftar.accounts.constants import PersonType, Role

TEHRAN = {"slug": "tehran", "name": "شهرداری تهران", "city": "تهران", "province": "تهران"}
TEHRAN_DISTRICTS = 22

# (mobile, role, first name, last name, national code) — the demo logins printed by `make run`.
DEMO_USERS = [
    ("09120000001", Role.APPLICANT, "سارا", "محمدی", "0012345679"),
    ("09120000002", Role.REVIEWER, "علی‌رضا", "حسینی", "0023456787"),
    ("09120000003", Role.EXAMINER, "مریم", "کاظمی", "0034567895"),
    ("09120000004", Role.INSPECTOR, "محمدحسین", "رضایی", "0045678901"),
    ("09120000005", Role.LICENSING_AUTHORITY, "فاطمه", "یزدانی", "0056789017"),
    ("09120000006", Role.SUPERVISOR, "امیر", "کریمی", "0067890121"),
    ("09120000007", Role.MUNICIPALITY_ADMIN, "نرگس", "شریعتی", "0078901235"),
    ("09120000008", Role.OFFICE_MANAGER, "حمید", "نیک‌پور", "0089012348"),
    ("09120000009", Role.OFFICE_CLERK, "زهرا", "اکبری", "0090123451"),
    # A second applicant whose criminal-record inquiry fails in the simulator (prefix 999, API.md).
    ("09120000010", Role.APPLICANT, "بهرام", "نادری", "9991234561"),
    # Managers (licence holders) of the second and third demo offices (daftar/demo/offices.py).
    ("09120000011", Role.OFFICE_MANAGER, "کاوه", "صدری", "0101234562"),
    ("09120000012", Role.OFFICE_MANAGER, "لیلا", "فرهمند", "0112345670"),
]
DEMO_BIRTH_DATE = "1985-05-01"  # 1364/02/11; every demo person is 40 or so (P4's 27–55)
# The demo call (S7): open from a day before loading for 90 days, one office per district (P4).
DEMO_CALL_DAYS = 90
DEMO_PERSON_TYPE = PersonType.NATURAL

# --- The demo offices (issue 6; daftar/demo/offices.py) ------------------------------------
# Tehran's working-hours directive for the demo (S17, P8): Saturday–Wednesday 8:00–14:00,
# Thursday until 12:00, an evening shift 16:00–18:00. The figures are examples.
DEMO_DIRECTIVE = {"day_start": "08:00", "day_end": "14:00", "thursday_end": "12:00", "evening": ("16:00", "18:00")}
# (district number, name, address, lat, lng, counters, open on Thursday, manager's mobile). The
# districts avoid 1–3, which the other apps' tests apply in.
# Every point lies inside Tehran and more than 1 km from (35.745, 51.553) (API.md «Demo data»).
DEMO_OFFICES = [
    (
        6,
        "دفتر خدمات الکترونیک شهر فاطمی",
        "تهران، خیابان دکتر فاطمی، نبش خیابان جمالزاده، پلاک ۴۵",
        35.7190,
        51.3960,
        3,
        True,
        "09120000008",
    ),
    (
        4,
        "دفتر خدمات الکترونیک شهر مجیدیه",
        "تهران، مجیدیهٔ شمالی، خیابان استاد حسن بنا، پلاک ۲۱",
        35.7350,
        51.4720,
        2,
        False,
        "09120000011",
    ),
    (
        12,
        "دفتر خدمات الکترونیک شهر بهارستان",
        "تهران، میدان بهارستان، خیابان مصطفی خمینی، پلاک ۸",
        35.6920,
        51.4280,
        2,
        False,
        "09120000012",
    ),
]
DEMO_CLERK = "09120000009"  # clerk of the first office
DEMO_EQUIPMENT = ["computers", "printer", "high_speed_internet", "signboard", "client_facilities"]
# Tehran's tariffs from 1404/01/01, in rials: EXAMPLES (نمونه), not the council's resolution.
# They are written as one tariff table whose council resolution reads DEMO_TARIFF_RESOLUTION, so
# the public tariff table and every office page say the figures are examples.
DEMO_TARIFFS_FROM = "1404/01/01"
DEMO_TARIFFS = {
    "building_permit": 1_500_000,
    "property_inquiry": 450_000,
    "completion_certificate": 1_200_000,
    "charges_payment": 150_000,
    "appointment_booking": 50_000,
    "other_inquiry": 300_000,
}
DEMO_TARIFF_RESOLUTION = "نمونه؛ این مبالغ مثال‌اند و مصوبهٔ شورای شهر نیستند"
DEMO_HISTORY_DAYS = 90  # about three Jalali months of transactions before today
# Monthly running costs per office, in rials: EXAMPLES (نمونه), in proportion to the demo's
# income (DEMO_DAILY services a day at DEMO_TARIFFS: about 100 million rials a month at the two
# smaller offices, about 170 million at the first, which has three counters, a clerk, more
# services a day and Thursday hours). Each office pays its rent and its staff's base salaries
# whatever the month (DEMO_COSTS, by office, in DEMO_OFFICES' order); its staff also earn a share
# of every fee they collect (DEMO_COMMISSION, paid with the salaries); consumables vary month to
# month (DEMO_SUPPLIES); and in its best month an office buys new scanners and a printer for
# DEMO_PURCHASE of that month's income. So most months show a modest profit (about 10–30%), a
# month with many holidays less, and the purchase month little or none, at times a small loss.
DEMO_COSTS = [
    {"salaries": 44_000_000, "rent": 26_000_000},
    {"salaries": 22_000_000, "rent": 15_000_000},
    {"salaries": 22_000_000, "rent": 17_000_000},
]
DEMO_COMMISSION = 0.30
DEMO_SUPPLIES = (3_000_000, 12_000_000)
DEMO_PURCHASE = 0.25
DEMO_DAILY = (5, 9)  # services an office performs on a working day, at least and at most


# The facts of an applicant who meets every Tehran condition (API.md «Demo data»: the point lies
# inside a permitted zone, more than 1 km from every demo office). Tests and benchmarks use it.
DEMO_POINT = {"lat": 35.745, "lng": 51.553}
ELIGIBLE_FACTS = {
    "has_criminal_record": False,
    "has_addiction_certificate": True,
    "health_certified": True,
    "government_employee": False,
    "represents_other_office": False,
    "degree_level": "master",
    "degree_field": "urban_planning",
    "experience_years": 5,
    "training_completed": True,
    "premises_area_m2": 75,
    "premises_use": "commercial",
    "equipment": ["computers", "printer", "high_speed_internet", "signboard", "client_facilities"],
    "location": DEMO_POINT,
}
