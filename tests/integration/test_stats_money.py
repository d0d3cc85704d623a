"""Money on the leaders' dashboard and in the bulletin counts only real values: an amount resting on an
example figure (示例值) is shown apart and marked, never added into a total (issue 13 item 7)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import frozen_today
from yanglao.core.catalog import evaluate, load_catalog
from yanglao.core.catalog.placeholders import placeholder_codes
from yanglao.registry.models import Person
from yanglao.stats.cache import _store
from yanglao.stats.opendata import reference_date

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]

VILLAGE = "152223100001"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    _store().clear()
    yield
    _store().clear()


@pytest.fixture
def people(make_person: Callable[..., Person]) -> list[dict[str, Any]]:
    """Six 城乡居民养老保险 pensioners (an amount on the example basic pension) aged 70–95, so that
    some also get 高龄津贴 (a real amount)."""
    today = frozen_today()
    records = []
    for i in range(6):
        birth = dt.date(today.year - 70 - 5 * i, 1, 5)
        person = make_person(f"丙{i}", birth=birth, pension_scheme="urban_rural")
        records.append(
            {
                "id_number": person.id_number,
                "birth_date": birth,
                "sex": person.sex,
                "hukou_region": VILLAGE,
                "residence_region": VILLAGE,
                "pension_scheme": "urban_rural",
            }
        )
    return records


def expected(records: list[dict[str, Any]], on: dt.date) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Yearly amounts by item number from the one-person evaluator: (real, resting on an example)."""
    catalog = load_catalog("152223")
    examples = placeholder_codes(catalog, on)
    real: dict[str, Decimal] = {}
    shown: dict[str, Decimal] = {}
    for record in records:
        for d in evaluate(catalog, record, on).granted():
            if d.amount is None:
                continue
            item = catalog.item(d.no)
            factor = {"month": 12, "year": 1, "once": 1}[item.benefits[0].period or "once"]
            target = shown if item.code in examples else real
            target[d.no] = target.get(d.no, Decimal(0)) + d.amount * factor
    return real, shown


def test_the_dashboard_shows_example_money_apart(
    login: Any, county_user: Any, people: list[dict[str, Any]]
) -> None:
    body = login(county_user).get(reverse("stats:entitlements", kwargs={"code": "152223"})).json()
    e = body["entitlements"]
    on = dt.date.fromisoformat(body["date"])
    real, shown = expected(people, on)
    assert shown, "the basic pension of 扎赉特旗 is an example figure: its amount must be flagged"
    assert real, "高龄津贴 is a real amount"
    items = {i["no"]: i for i in e["items"]}
    for no, amount in shown.items():
        assert items[no]["example"] is True
        assert items[no]["annual_amount"] is None
        assert items[no]["monthly_amount"] is None
        assert Decimal(str(items[no]["example_annual_amount"])) == amount
    for no, amount in real.items():
        assert items[no]["example"] is False
        assert Decimal(str(items[no]["annual_amount"])) == amount
    assert Decimal(str(e["annual_amount"])) == sum(real.values())  # the total: real money only
    assert Decimal(str(e["example_annual_amount"])) == sum(shown.values())
    assert any("城乡居民基本养老保险" in name for name in e["example_items"])
    levels_total = sum(Decimal(str(r["annual_amount"] or 0)) for r in e["by_funding_level"])
    assert levels_total == sum(real.values())
    # the page's script marks the example amounts (the table is drawn from this JSON)
    page = login(county_user).get(reverse("stats:region", kwargs={"code": "152223"}))
    assert page.status_code == 200
    script = login(county_user).get("/static/stats/dashboard.js")
    if script.status_code == 200:  # served in tests when static files are on
        assert "示例值" in b"".join(script.streaming_content).decode()


def test_the_bulletin_marks_example_money_and_leaves_it_out_of_totals(
    login: Any, county_user: Any, people: list[dict[str, Any]]
) -> None:
    client = login(county_user)
    page = client.get(reverse("stats:bulletin") + "?region=152223").content.decode()
    assert "示例值，不计入合计" in page
    last = reference_date()
    url = reverse("stats:bulletin-file", args=["152223", last.year, last.month, "xlsx"])
    book = load_workbook(io.BytesIO(client.get(url).content))
    sheet = book["清单待遇"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert "示例值年金额（元，不计入合计）" in header
    year_col, example_col = header.index("年金额（元）"), header.index("示例值年金额（元，不计入合计）")
    items = [r for r in rows[1:] if r[0]]
    items = items[: next(n for n, r in enumerate(items) if r[0] == "资金承担层级")]
    marked = [r for r in items if str(r[1]).endswith("（示例值）")]
    assert marked
    assert all(r[year_col] is None and r[example_col] for r in marked)
    total = next(r for r in rows if r[1] == "合计（不含示例值）")
    assert total[year_col] == pytest.approx(sum(r[year_col] or 0 for r in items))
    apart = next(r for r in rows if r[1] == "示例值项目（单列，不计入合计）")
    assert apart[example_col] == pytest.approx(sum(r[example_col] for r in marked))
