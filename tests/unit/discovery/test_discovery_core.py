"""The pure part of 服务找人: jurisdiction, tracked items, the frame comparisons, the reasons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from yanglao.core.catalog import evaluate, load_catalog
from yanglao.core.discovery import (
    catalog_for,
    classify,
    double_paid,
    granted_changes,
    group_members,
    missed,
    not_entitled,
    tracked_codes,
    upcoming_birthdays,
)

AVAILABLE = {"152223", "411700", "410000", "410721"}
ON = dt.date(2026, 11, 23)
GRANTED = {
    "id_number": pl.String,
    "catalog": pl.String,
    "code": pl.String,
    "name": pl.String,
    "amount": pl.Decimal(18, 2),
    "period": pl.String,
}
RECEIVED = {
    "enrolment_id": pl.Int64,
    "id_number": pl.String,
    "catalog": pl.String,
    "item_code": pl.String,
    "codes": pl.List(pl.String),
}


def test_the_list_of_the_jurisdiction_walks_up_the_tree() -> None:
    assert catalog_for("411702", AVAILABLE) == "411700"
    assert catalog_for("411702001001", AVAILABLE) == "411700"
    assert catalog_for("152223100001", AVAILABLE) == "152223"
    assert catalog_for("410721", AVAILABLE) == "410721"
    assert catalog_for("410102", AVAILABLE) == "410000"
    assert catalog_for("150102", AVAILABLE) is None
    assert catalog_for(None, AVAILABLE) is None


def test_tracked_items_are_the_recurring_non_contributory_ones() -> None:
    codes = tracked_codes(load_catalog("152223"))
    assert {
        "gaoling_jintie",
        "service_subsidy",
        "care_subsidy",
        "dibao",
        "tekun_support",
        "disability_subsidies",
    } <= codes
    assert not codes & {
        "urban_rural_pension",
        "ability_assessment",
        "accident_insurance",
        "temporary_assistance",
    }


def granted(rows: list[tuple[str, str, str, str, Decimal | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=GRANTED, orient="row")


def received(rows: list[tuple[int, str, str, str, list[str]]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=RECEIVED, orient="row")


def test_missed_and_not_entitled() -> None:
    g = granted(
        [
            ("A", "152223", "gaoling_jintie", "高龄津贴", Decimal(100), "month"),
            ("A", "152223", "accident_insurance", "意外险", None, None),
            ("B", "152223", "gaoling_jintie", "高龄津贴", Decimal(100), "month"),
        ]
    )
    r = received(
        [
            (1, "B", "152223", "gaoling_jintie", ["gaoling_jintie"]),
            (2, "C", "152223", "gaoling_jintie", ["gaoling_jintie"]),
        ]
    )
    tracked = {"152223": {"gaoling_jintie"}}
    assert missed(g, r, tracked).get_column("id_number").to_list() == ["A"]
    assert not_entitled(r, g, tracked).get_column("enrolment_id").to_list() == [2]


def test_double_paid() -> None:
    groups = group_members(load_catalog("152223"))
    r = received(
        [
            (1, "A", "152223", "care_subsidy", ["care_subsidy"]),
            (2, "A", "152223", "disability_subsidies", ["severe_disability_care_subsidy"]),
            (3, "B", "152223", "care_subsidy", ["care_subsidy"]),
            (4, "B", "152223", "disability_subsidies", ["disability_living_subsidy"]),
        ]
    )
    out = double_paid(r, groups)
    assert out.get_column("id_number").to_list() == ["A"]
    assert out.row(0, named=True)["enrolment_ids"] == [1, 2]


def test_upcoming_birthdays_including_29_february() -> None:
    persons = pl.DataFrame(
        {
            "id_number": ["A", "B", "C", "D"],
            "birth_date": [
                dt.date(1946, 12, 5),
                dt.date(1946, 11, 23),
                dt.date(1946, 2, 28),
                dt.date(1936, 12, 1),
            ],
            "death_date": [None, None, None, dt.date(2026, 11, 30)],
        }
    )
    out = upcoming_birthdays(persons, ON, 30, (80, 90))
    assert out.select("id_number", "due_on", "age").rows() == [("A", dt.date(2026, 12, 5), 80)]
    leap = pl.DataFrame(
        {"id_number": ["L"], "birth_date": [dt.date(1948, 2, 29)], "death_date": [None]},
        schema_overrides={"death_date": pl.Date},
    )
    assert upcoming_birthdays(leap, dt.date(2028, 2, 1), 30, (80,)).get_column("due_on").to_list() == [
        dt.date(2028, 2, 29)
    ]
    assert upcoming_birthdays(leap, dt.date(2027, 2, 1), 30, (79,)).get_column("due_on").to_list() == [
        dt.date(2027, 3, 1)
    ]


def test_granted_changes() -> None:
    before = granted(
        [
            ("A", "c", "service_subsidy", "养老服务补贴", Decimal(50), "month"),
            ("A", "c", "dibao", "低保", None, "month"),
        ]
    )
    after = granted(
        [
            ("A", "c", "gaoling_jintie", "高龄津贴", Decimal(100), "month"),
            ("A", "c", "dibao", "低保", None, "month"),
        ]
    )
    out = granted_changes(before, after, {"c": {"service_subsidy", "gaoling_jintie", "dibao"}})
    assert out.select("code", "change").rows() == [("gaoling_jintie", "gained"), ("service_subsidy", "lost")]


def test_reasons_from_the_one_person_explanation() -> None:
    catalog = load_catalog("152223")
    base = {
        "id_number": "15222319390302012X",
        "birth_date": dt.date(1939, 3, 2),
        "hukou_region": "152223100001",
        "residence_region": "152223100001",
    }
    dead = evaluate(catalog, base | {"death_date": dt.date(2024, 5, 20)}, ON)
    assert classify(dead, dead.item("5"), dt.date(2024, 5, 20)).short == "已于 2024-05-20 去世"
    moved = evaluate(catalog, base | {"hukou_region": "410721001001", "residence_region": "410721001001"}, ON)
    assert classify(moved, moved.item("5")).kind == "moved"
    young = base | {"birth_date": dt.date(1950, 1, 1), "dibao": False}
    nodibao = evaluate(catalog, young, ON)
    assert classify(nodibao, nodibao.item("6")).kind == "dibao"
    fine = evaluate(catalog, base, ON)
    assert classify(fine, fine.item("5")).kind == "entitled"
