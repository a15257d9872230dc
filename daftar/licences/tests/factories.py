"""Who holds and who issues the licences of the licence tests; the licences themselves come from
the ``make_licence`` fixture (``fixtures.py``)."""

from __future__ import annotations

from daftar.accounts.models import User

HOLDER = "09120000001"  # سارا محمدی of the demo data
AUTHORITY = "09120000005"  # فاطمه یزدانی, Tehran's licensing authority in the demo data


def authority() -> User:
    """The demo licensing authority of Tehran, who takes the licence moves in these tests."""
    return User.objects.get(mobile=AUTHORITY)
