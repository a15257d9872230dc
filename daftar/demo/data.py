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
]
DEMO_BIRTH_DATE = "1985-05-01"  # 1364/02/11; every demo person is 40 or so (P4's 27–55)
# The demo call (S7): open from a day before loading for 90 days, one office per district (P4).
DEMO_CALL_DAYS = 90
DEMO_PERSON_TYPE = PersonType.NATURAL
