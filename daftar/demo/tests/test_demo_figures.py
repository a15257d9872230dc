"""The demo's offices earn what a person would believe: income above costs in most months, not
a large loss every month, and the costs still marked as examples."""

from collections import defaultdict

import pytest
from django.core.management import call_command

from daftar.ledger.models import CostEntry, Transaction

pytestmark = pytest.mark.django_db


def test_the_demo_offices_make_a_modest_profit_in_most_months():
    call_command("load_demo")
    income: dict[tuple[int, int, int], int] = defaultdict(int)
    costs: dict[tuple[int, int, int], int] = defaultdict(int)
    for office, y, m, amount in Transaction.objects.values_list("office_id", "jyear", "jmonth", "amount"):
        income[(office, y, m)] += amount
    for office, y, m, amount in CostEntry.objects.values_list("office_id", "jyear", "jmonth", "amount"):
        costs[(office, y, m)] += amount
    months = sorted(set(income) | set(costs))
    profitable = [k for k in months if income[k] > costs[k]]
    assert len(profitable) >= len(months) * 2 // 3
    assert len(profitable) < len(months)  # a month with a larger purchase: not too smooth to believe
    assert all(costs[k] < 3 * income[k] for k in months)
    assert set(CostEntry.objects.values_list("note", flat=True)) == {"هزینهٔ نمونه"}
