"""The public figures pages (issue 21 §5): cards, tables with «کمتر از ۵» for withheld figures,
chart data islands (no inline executable script), the period picker and its Persian errors, and
the links from the home page and the footer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from daftar.figures import messages as msg

from .test_figures import world  # noqa: F401 (the seeded cases and licences)
from .world import FROM, TO

pytestmark = pytest.mark.django_db


def island(html: str, name: str) -> Any:
    return json.loads(html.split(f'id="{name}" type="application/json">')[1].split("</script>")[0])


def test_page_shows_the_figures_in_persian(world: None) -> None:  # noqa: F811
    response = Client().get("/figures/tehran/", {"start": FROM, "end": TO})
    assert response.status_code == 200
    html = response.content.decode()
    assert "آمار عملکرد شهرداری تهران" in html or "آمار عملکرد" in html
    assert 'id="card-received">۱۵<' in html
    assert 'id="card-decided">۱۴<' in html
    assert 'id="card-on-time">۸۵٫۷٪<' in html
    assert "از ۱۴۰۳/۰۲/۰۱ تا ۱۴۰۳/۰۴/۳۱" in html
    assert "کمتر از ۵" in html  # S10.2, S11.1, districts 2 and 3, the exam stage
    assert "به‌روزشده در" in html
    assert "S9.1" not in html and "None" not in html  # conditions by their text, never their ids
    refusals = island(html, "refusals-data")
    assert refusals["horizontal"] is True
    assert refusals["datasets"][0]["data"] == [None, None, None]  # S9.1 is every refused case
    # districts 1–3 (7, and two withheld); the districts with no active licence are hidden
    assert island(html, "districts-data")["datasets"][0]["data"] == [7, None, None]
    assert "<script>" not in html  # data islands only; the CSP forbids inline script
    assert "/api/v1/municipalities/tehran/statistics.csv?from=2024-04-20&amp;to=2024-07-21" in html


def test_a_bad_month_is_a_persian_400_with_the_default_period(tehran_rules: Any) -> None:
    response = Client().get("/figures/tehran/", {"start": "1403/14"})
    assert response.status_code == 400
    assert msg.DATE_INVALID in response.content.decode()
    response = Client().get("/figures/tehran/", {"start": "1403/05", "end": "1403/02"})
    assert response.status_code == 400
    assert msg.RANGE_REVERSED in response.content.decode()
    response = Client().get("/figures/tehran/", {"start": "1403/02/15"})  # figures are by whole months
    assert response.status_code == 400
    assert msg.WHOLE_MONTHS in response.content.decode()


def test_unknown_municipality_is_not_found(tehran_rules: Any) -> None:
    assert Client().get("/figures/atlantis/").status_code == 404


def test_index_home_and_footer_link_to_the_figures(tehran_rules: Any) -> None:
    index = Client().get("/figures/").content.decode()
    assert 'href="/figures/tehran/"' in index
    home = Client().get("/").content.decode()
    assert home.count('href="/figures/"') >= 2  # the home page's card and the footer


def test_districts_without_an_active_licence_are_hidden_unless_asked(world: None) -> None:  # noqa: F811
    from daftar.municipalities.models import District

    every = District.objects.filter(municipality__slug="tehran").count()
    html = Client().get("/figures/tehran/", {"start": FROM, "end": TO}).content.decode()
    table = html.split('id="districts-table"')[1].split("</table>")[0]
    assert table.count('<th scope="row">') == 3
    assert len(island(html, "districts-data")["labels"]) == 3  # the chart draws no hidden row
    assert f'data-hidden-zeros="{every - 3}"' in html
    assert "نمایش همهٔ منطقه‌ها" in html and "zeros=1" in html
    # a withheld count is never taken for a zero: it stays a row, «کمتر از ۵»
    assert table.count("کمتر از ۵") == 2
    shown = Client().get("/figures/tehran/", {"start": FROM, "end": TO, "zeros": "1"}).content.decode()
    data = island(shown, "districts-data")["datasets"][0]["data"]
    assert len(data) == every and data[:4] == [7, None, None, 0]
    assert '<input type="hidden" name="zeros" value="1">' in shown  # a new period keeps the choice
    assert "پنهان کردن ردیف‌های صفر" in shown
    # the open data keeps every district, suppression unchanged
    body = Client().get("/api/v1/municipalities/tehran/statistics", {"from": FROM, "to": TO}).json()
    assert len(body["active_licences_by_district"]) == every
