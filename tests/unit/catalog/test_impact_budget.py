"""The impact of a draft and the year's budget, on a handful of people counted by hand (issue 13)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from yanglao.core.catalog import budget
from yanglao.core.catalog.impact import impact
from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.model import Catalog, Parameter, ParamValue
from yanglao.core.catalog.yamlio import CatalogError

ON = dt.date(2025, 3, 1)


def raised(amount: int, since: dt.date = dt.date(2025, 1, 1)) -> Catalog:
    """新乡县's list with the 80–89 高龄津贴 standard raised to ``amount`` from ``since``."""
    catalog = load_catalog("410721")
    old = catalog.parameters["gaoling_jintie_80_89"]
    value = ParamValue(since, Decimal(amount), "测试草稿")
    params = {**catalog.parameters, old.name: dataclasses.replace(old, values=(*old.values, value))}
    return dataclasses.replace(catalog, parameters=params, version="草稿")


def persons(*rows: tuple[str, dt.date, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"id_number": i, "birth_date": b, "hukou_region": r, "residence_region": r} for i, b, r in rows],
        schema={
            "id_number": pl.String,
            "birth_date": pl.Date,
            "hukou_region": pl.String,
            "residence_region": pl.String,
        },
    )


PEOPLE = persons(
    ("410721194001010011", dt.date(1940, 1, 1), "410721100200"),  # 85: 80–89 band
    ("410721193001010012", dt.date(1930, 1, 1), "410721101200"),  # 95: 90–99 band
    ("410721195001010013", dt.date(1950, 1, 1), "410721101200"),  # 75: no 高龄津贴
)


def test_a_raised_standard_changes_the_cost_of_the_people_in_the_band_only() -> None:
    before = load_catalog("410721")
    report = impact(before, raised(80), PEOPLE, ON)
    five = next(i for i in report.to_dict()["items"] if i["no"] == "5")
    assert (five["people_before"], five["people_after"]) == (2, 2)
    assert (five["gaining"], five["losing"], five["changed"]) == (0, 0, 1)
    assert (five["monthly_cost_before"], five["monthly_cost_after"]) == (150.0, 180.0)  # 50+100 → 80+100
    assert five["by_township"]["410721100"]["monthly_cost_after"] == 80.0
    assert five["by_township"]["410721101"]["monthly_cost_after"] == 100.0
    assert five["by_level"] == {
        "未拆分": {
            "share_before": 1.0,
            "share_after": 1.0,
            "monthly_cost_before": 150.0,
            "monthly_cost_after": 180.0,
        }
    }  # 县 and 省 named without shares
    total = report.to_dict()["total"]
    assert total["changed"] == 1
    assert total["gaining"] == 0
    assert report.people("5", "gaining") == []
    assert report.people("5", "losing") == []


def test_nobody_gains_or_loses_against_the_same_list() -> None:
    catalog = load_catalog("410721")
    total = impact(catalog, catalog, PEOPLE, ON).to_dict()["total"]
    assert (total["gaining"], total["losing"], total["changed"]) == (0, 0, 0)
    assert total["monthly_cost_before"] == total["monthly_cost_after"]


def test_the_budget_follows_a_birthday_into_the_next_bracket() -> None:
    catalog = load_catalog("410721")
    # turns 80 on 15 May 2025 and 90 … the other turns 100 on 3 October 2025
    people = persons(
        ("410721194505150011", dt.date(1945, 5, 15), "410721100200"),
        ("410721192510030012", dt.date(1925, 10, 3), "410721100200"),
    )
    report = budget.project(catalog, people, 2025, budget.BudgetConfig())
    months = {
        (r["no"], r["month"]): r["fen"] / 100 for r in report.rows.iter_rows(named=True) if r["no"] == "5"
    }
    by_month = [sum(v for (no, m), v in months.items() if m == month) for month in range(1, 13)]
    # Jan–Apr: only the 99-year-old (100); May–Sep: + 50; Oct–Dec: 300 + 50 (evaluated on the month's last day)
    assert by_month == [100.0] * 4 + [150.0] * 5 + [350.0] * 3
    data = report.to_dict()
    five = next(i for i in data["items"] if i["no"] == "5")
    assert five["yearly_cost"] == 100 * 4 + 150 * 5 + 350 * 3


def test_mortality_weighs_the_months_and_is_marked_as_an_example() -> None:
    catalog = load_catalog("410721")
    config = budget.load_config("410721")
    table = config.mortality_on(dt.date(2025, 1, 1))
    assert table is not None
    assert table.example
    people = persons(("410721193001010012", dt.date(1930, 1, 1), "410721101200"))  # 95 all year
    report = budget.project(catalog, people, 2025, config)
    q = next(b.rate for b in table.bands if b.low == 95)
    monthly = (1 - float(q)) ** (1 / 12)
    five = [r["fen"] / 100 for r in report.rows.sort("month").iter_rows(named=True) if r["no"] == "5"]
    assert five == pytest.approx([100 * monthly ** (m + 1) for m in range(12)])


def test_sanity_ranges_warn_when_the_cost_moves_far(tmp_path: Path) -> None:
    catalog = load_catalog("410721")
    (tmp_path / "budget.yaml").write_text(
        "sanity:\n  - {name: 全年支出, min: 10, max: 20, reference: 测试}\n", encoding="utf-8"
    )
    config = budget.load_config("410721", tmp_path)
    report = budget.project(catalog, PEOPLE, 2025, config)
    warnings = budget.check_budget(catalog, report, config)
    assert len(warnings) == 1
    assert "全年支出" in warnings[0]
    assert "10–20" in warnings[0]
    wide = dataclasses.replace(config, sanity=(budget.SanityCase("宽", Decimal(0), Decimal(10**9), "测试"),))
    assert budget.check_budget(catalog, report, wide) == []


def test_a_bad_budget_file_names_file_path_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "budget.yaml"
    path.write_text(
        "mortality:\n  - from: 2020-01-01\n    reference: x\n    bands:\n      - {from: 60, rate: 1.5}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        budget.read_config(path)
    assert "budget.yaml" in str(caught.value)
    assert "rate" in str(caught.value)


def test_example_parameters_are_found_by_the_parameter_model() -> None:
    # the shipped basic pension is an example figure: impact and budget keep it apart
    param: Parameter = load_catalog("410721").parameters["urban_rural_basic_pension"]
    value = param.value_on(ON)
    assert value is not None
    assert value.example


def test_the_fast_run_gives_the_plain_two_pass_figures(tmp_path: Path) -> None:
    from yanglao.bench.impact import make_draft
    from yanglao.core.catalog.impact import impact_batches, load_folder
    from yanglao.core.catalog.impactdelta import changed_items
    from yanglao.core.engine.bench import persons_query

    before = load_catalog("410721")
    after = load_folder(make_draft(tmp_path))
    assert changed_items(before, after, ON) == {5}
    assert changed_items(before, before, ON) == set()
    people = persons_query(3000, seed=9).collect()
    fast = impact_batches(before, after, [people[:1700], people[1700:]], ON)
    plain = impact_batches(before, after, [people], ON, plain=True)
    assert fast.to_dict()["total"]["gaining"] > 0
    assert fast.to_dict()["total"]["losing"] > 0
    assert fast.to_dict() == plain.to_dict()
    order = ["no", "id_number"]
    assert fast.ids.sort(order).equals(plain.ids.sort(order))
