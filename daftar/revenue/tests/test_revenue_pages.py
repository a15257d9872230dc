"""Revenue pages (issue 6 §6): the office dashboard with its chart data island, data table and
costs; the municipality report with its CSV/XLSX export. No inline executable script."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from daftar.ledger import messages as ledger_msg
from daftar.ledger.models import CostEntry
from daftar.ledger.tests.factories import TODAY, World, build_world, client, cost, jday, tx


@pytest.fixture
def world(db: Any) -> Iterator[World]:
    with time_machine.travel(TODAY, tick=False):
        yield build_world()


pytestmark = pytest.mark.django_db


def browser(who: Any) -> Client:
    c = Client()
    c.force_login(who)
    return c


def island(html: str, name: str) -> Any:
    return json.loads(html.split(f'id="{name}" type="application/json">')[1].split("</script>")[0])


def test_manager_sees_chart_table_and_costs(world: World) -> None:
    tx(world.office, "building_permit", jday(1405, 8, 1))
    cost(world.office, 1405, 8, "rent", 400_000)
    response = browser(world.manager).get(f"/offices/{world.office.pk}/revenue/")
    assert response.status_code == 200
    html = response.content.decode()
    data = island(html, "office-revenue-data")
    assert data["labels"][-2:] == ["آبان ۱۴۰۵", "آذر ۱۴۰۵"]
    assert [d["label"] for d in data["datasets"]] == ["درآمد", "هزینه", "سود"]
    assert data["datasets"][2]["data"][-2] == 1_100_000
    assert 'data-chart="office-revenue-data"' in html
    assert "۱٬۵۰۰٬۰۰۰" in html and "۱٬۱۰۰٬۰۰۰" in html  # the same figures in the data table
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/charts.js" in html
    assert "<script>" not in html and "style=" not in html
    assert "ثبت هزینه" in html


def test_manager_adds_and_deletes_a_cost_on_the_page(world: World) -> None:
    c = browser(world.manager)
    response = c.post(
        f"/offices/{world.office.pk}/costs/", {"month": "۱۴۰۵/۰۹", "category": "salaries", "amount": "۲٬۵۰۰٬۰۰۰"}
    )
    assert response.status_code == 302
    entry = CostEntry.objects.get()
    assert (entry.jyear, entry.jmonth, entry.amount) == (1405, 9, 2_500_000)
    page = c.get(response["Location"]).content.decode()
    assert ledger_msg.COST_ADDED.format(category="حقوق کارکنان", month="آذر ۱۴۰۵", amount="۲٬۵۰۰٬۰۰۰") in page
    bad = c.post(f"/offices/{world.office.pk}/costs/", {"month": "1405/10", "category": "rent", "amount": "5"})
    assert bad.status_code == 400
    assert ledger_msg.MONTH_IN_FUTURE in bad.content.decode()
    assert c.post(f"/offices/{world.office.pk}/costs/{entry.pk}/delete/").status_code == 302
    assert not CostEntry.objects.exists()
    settled = cost(world.office, 1405, 6, "rent", 5)
    locked = c.post(f"/offices/{world.office.pk}/costs/{settled.pk}/delete/", follow=True)
    assert ledger_msg.COST_LOCKED.format(month="شهریور ۱۴۰۵") in locked.content.decode()
    assert CostEntry.objects.filter(pk=settled.pk).exists()


def test_office_page_access(world: World) -> None:
    url = f"/offices/{world.office.pk}/revenue/"
    assert Client().get(url).status_code == 302  # to the login page
    assert browser(world.clerk).get(url).status_code == 403
    missing = browser(world.manager).get("/offices/999999/revenue/")
    assert missing.status_code == 404
    assert browser(world.supervisor_b).get(url).status_code == 404
    assert browser(world.manager).get(f"/offices/{world.others_a1[0].pk}/revenue/").status_code == 404
    reader = browser(world.supervisor).get(url)
    assert reader.status_code == 200
    assert "ثبت هزینه" not in reader.content.decode()  # readers do not write
    assert browser(world.supervisor).post(f"/offices/{world.office.pk}/costs/", {}).status_code == 403
    assert browser(world.clerk).post(f"/offices/{world.others_a1[0].pk}/costs/", {}).status_code == 404


def test_office_page_bad_range_is_shown_not_500(world: World) -> None:
    html = browser(world.manager).get(f"/offices/{world.office.pk}/revenue/", {"start": "۱۴۰۵/۱۳"}).content.decode()
    assert ledger_msg.RANGE_INVALID in html


def test_municipality_page_and_exports(world: World) -> None:
    world.a2.name = '=HYPERLINK("http://x")'
    world.a2.save()
    tx(world.office, "building_permit", jday(1405, 8, 1))
    tx(world.lone, "charges_payment", jday(1405, 8, 2))
    c = browser(world.supervisor)
    page = c.get("/reports/revenue/", {"start": "1405/07", "end": "1405/08"})
    assert page.status_code == 200
    html = page.content.decode()
    data = island(html, "municipality-revenue-data")
    assert data["labels"][0] == "منطقهٔ ۱"
    assert [d["label"] for d in data["datasets"]] == ["درآمد مهر ۱۴۰۵", "درآمد آبان ۱۴۰۵"]
    assert data["datasets"][1]["data"] == [1_500_000, 200_000]
    assert "۱٬۷۰۰٬۰۰۰" in html  # the grand total in the table

    csv_response = c.get("/reports/revenue/export.csv", {"start": "1405/07", "end": "1405/08"})
    text = b"".join(csv_response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["شهرداری", "منطقه"]
    assert ["شهرداری الف", "منطقهٔ ۱", "1405", "8", "آبان ۱۴۰۵", "1", "1500000"] in rows
    assert any(r[1].startswith("'=HYPERLINK") for r in rows[1:])  # formula-safe

    xlsx = c.get("/reports/revenue/export.xlsx", {"start": "1405/08", "end": "1405/08", "by": "service"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][1] == "خدمت"
    assert ["شهرداری الف", "درخواست صدور پروانهٔ ساختمانی", 1405, 8, "آبان ۱۴۰۵", 1, 1_500_000] in values


def test_municipality_page_access(world: World) -> None:
    assert browser(world.manager).get("/reports/revenue/").status_code == 404
    assert browser(world.citizen).get("/reports/revenue/export.csv").status_code == 404
    # a reader of B asking for A gets B's form back with a Persian choice error, not A's figures
    html = browser(world.supervisor_b).get("/reports/revenue/", {"municipality": "shahr-a"}).content.decode()
    assert "شهرداری الف" not in html
    assert Client().get("/reports/revenue/").status_code == 302


def test_the_page_refuses_a_settled_month_in_persian(world: World) -> None:
    page = Client()
    page.force_login(world.manager)
    response = page.post(f"/offices/{world.office.pk}/costs/", {"month": "۱۴۰۵/۰۶", "category": "rent", "amount": "۵"})
    assert response.status_code == 400
    assert ledger_msg.MONTH_TOO_OLD.format(month="شهریور ۱۴۰۵") in response.content.decode()
    assert not CostEntry.objects.exists()
    # an old entry (made before this rule) stays settled: shown, not deletable
    old = cost(world.office, 1405, 6, "rent", 5)
    assert client(world.manager).delete(f"/api/v1/offices/{world.office.pk}/costs/{old.pk}").status_code == 409
