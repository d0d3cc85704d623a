"""Quantities other than money are counted, not only shown (issue 12 item 5): the impact of a draft and the
year's budget give, per item with a quantity, the people and the total per period (每月至少N人次), and
``yanglao catalog show`` says each item's payee and quantity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import polars as pl
from openpyxl import load_workbook

from yanglao.core.catalog import budget
from yanglao.core.catalog.cli import main as catalog_main
from yanglao.core.catalog.impact import impact
from yanglao.core.catalog.impactcli import print_impact
from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.model import Catalog, Quantity
from yanglao.core.catalog.quantities import item_quantity, on_date, over_year

ON = dt.date(2025, 3, 1)
PEOPLE = pl.DataFrame(
    [
        ("410721194001010011", dt.date(1940, 1, 1), "410721100200", "alone"),  # 85, lives alone
        ("410721193001010012", dt.date(1930, 1, 1), "410721101200", None),  # 95
        ("410721195001010013", dt.date(1950, 1, 1), "410721101200", "alone"),  # 75, lives alone
    ],
    schema={
        "id_number": pl.String,
        "birth_date": pl.Date,
        "residence_region": pl.String,
        "living_arrangement": pl.String,
    },
    orient="row",
).with_columns(pl.col("residence_region").alias("hukou_region"))


def twice_a_month(catalog: Catalog) -> Catalog:
    """新乡县's list with 探访 raised to at least twice a month."""
    item = catalog.item("18")
    visits = dataclasses.replace(item.benefits[0], quantity=Quantity("times", Decimal(2), "month", "floor"))
    items = tuple(dataclasses.replace(i, benefits=(visits,)) if i.no == "18" else i for i in catalog.items)
    return dataclasses.replace(catalog, items=items, version="草稿")


def test_the_impact_counts_visits_per_month_and_the_people_of_each_quantity() -> None:
    before = load_catalog("410721")
    data = impact(before, twice_a_month(before), PEOPLE, ON).to_dict()
    items = {i["no"]: i for i in data["items"]}
    visits = items["18"]
    assert visits["people_before"] == visits["people_after"] == 2
    assert visits["quantity_before"] == {
        "value": 1.0,
        "unit": "times",
        "per": "month",
        "comparison": "floor",
        "people": 2,
        "total": 2,
        "text": "每月至少2人次（2人，每人每月至少1次）",
    }
    assert visits["quantity_after"]["total"] == 4
    assert visits["quantity_after"]["text"] == "每月至少4人次（2人，每人每月至少2次）"
    assert items["3"]["quantity_after"]["text"] == "每年3人次（3人，每人每年1次）"  # 健康管理, 65+
    free = items["20"]["quantity_after"]
    assert (free["people"], free["total"], free["text"]) == (3, None, "3人（免费）")
    assert items["5"]["quantity_after"] is None  # money only
    out = io.StringIO()
    print_impact(data, before, twice_a_month(before), out)
    assert "18\t探访服务\t每月至少2人次（2人，每人每月至少1次）\t每月至少4人次" in out.getvalue()


def test_the_budget_counts_a_years_visits_and_checks() -> None:
    catalog = load_catalog("410721")
    alone = PEOPLE.filter(pl.col("id_number") == "410721195001010013")  # 75 all year, lives alone
    report = budget.project(catalog, alone, 2025, budget.BudgetConfig())
    items = {i["no"]: i for i in report.to_dict()["items"]}
    assert items["18"]["quantity"]["total"] == 12  # at least once a month, 12 months
    assert items["18"]["quantity"]["text"] == "全年至少12人次（最多1人，每人每月至少1次）"
    assert items["3"]["quantity"]["total"] == 1  # once a year: a twelfth a month
    out = io.StringIO()
    budget.print_budget(report, out)
    assert "18\t探访服务\t全年至少12人次" in out.getvalue()
    sheet = load_workbook(io.BytesIO(budget.budget_xlsx(report)))["按项目"]
    header = [c.value for c in sheet[1]]
    column = header.index("数量（金额以外）")
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "18")
    assert row[column] == "全年至少12人次（最多1人，每人每月至少1次）"


def test_quantity_words_and_units_that_do_not_add_up() -> None:
    insured = on_date(Quantity("sum_insured", Decimal(25000)), 3)
    assert (insured["total"], insured["text"]) == (75000, "保额合计75,000元（3人，每人保额25000元）")
    percent = on_date(Quantity("percent", Decimal(70)), 1200)
    assert (percent["total"], percent["text"]) == (None, "1,200人（70%）")
    once = over_year(Quantity("times", Decimal(1)), [(10.0, 10.0), (12.0, 2.0)])
    assert once["total"] == 12  # no period: counted in the month a person first qualifies
    assert over_year(Quantity("priority"), [(5.0, 5.0)])["text"] == "最多5人（优先）"


def test_a_quantity_on_some_parts_only_is_not_the_items() -> None:
    catalog = load_catalog("410721")
    item = next(i for i in catalog.items if i.has_parts)
    one = dataclasses.replace(item.benefits[0], quantity=Quantity("free"))
    assert item_quantity(dataclasses.replace(item, benefits=(one, *item.benefits[1:]))) is None
    every = tuple(dataclasses.replace(b, quantity=Quantity("free")) for b in item.benefits)
    assert item_quantity(dataclasses.replace(item, benefits=every)) == Quantity("free")


def test_entitle_output_gives_the_quantity_the_impact_counts() -> None:
    """``yanglao entitle``'s ``quantity`` beside an item (itemfacts) is :func:`item_quantity`: not the
    quantity of one part when the others have none (it used to be), and the shared one of every part."""
    from yanglao.core.catalog.itemfacts import item_facts

    catalog = load_catalog("410721")
    item = next(i for i in catalog.items if i.has_parts)

    def facts_with(benefits: tuple[Any, ...]) -> Any:
        changed = dataclasses.replace(item, benefits=benefits)
        items = tuple(changed if i is item else i for i in catalog.items)
        return item_facts(dataclasses.replace(catalog, items=items), ON)[item.no]["quantity"]

    one = dataclasses.replace(item.benefits[0], quantity=Quantity("free"))
    assert facts_with((one, *item.benefits[1:])) is None
    every = tuple(dataclasses.replace(b, quantity=Quantity("free")) for b in item.benefits)
    assert facts_with(every) == Quantity("free").as_json()


def test_catalog_show_says_each_items_payee_and_quantity() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert catalog_main(["show", "411303", "--date", "2024-07-01"], out, err) == 0
    text = out.getvalue()
    eleven = text[text.index("\n第11项 ") : text.index("\n第12项 ")]
    assert "领取方：由供养本人的敬老院领取（不发给本人）；数量：—" in eleven
    three = text[text.index("\n第3项 ") : text.index("\n第4项 ")]
    assert "领取方：本人；数量：每年1次" in three
    assert "择高，由本人选择：" in text  # the choice groups are shown too
    out = io.StringIO()
    assert catalog_main(["show", "411303", "--date", "2024-07-01", "--json"], out, err) == 0
    items = {i["no"]: i for i in json.loads(out.getvalue())["items"]}
    assert (items["11"]["payee"], items["11"]["payee_text"]) == ("institution", "供养本人的敬老院")
    assert items["13"]["quantity"] == {
        "value": 70.0,
        "unit": "percent",
        "per": None,
        "comparison": None,
        "text": "70%",
    }


def test_catalog_show_marks_every_amount_resting_on_an_example() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert catalog_main(["show", "411303", "--date", "2024-07-01", "--json"], out, err) == 0
    data = json.loads(out.getvalue())
    examples = {p["label"] for p in data["parameters"] if p["example"]}
    assert examples
    benefits = [b for i in data["items"] for b in i.get("parts") or [i]]
    marked = [b for b in benefits if b["placeholder"]]
    assert marked
    assert all(b["amount"] and any(label in b["amount"] for label in examples) for b in marked)
    out = io.StringIO()
    assert catalog_main(["show", "411303", "--date", "2024-07-01"], out, err) == 0
    for line in out.getvalue().splitlines():
        if "金额（" in line and any(label in line for label in examples):
            assert line.endswith("〔示例值〕"), line
