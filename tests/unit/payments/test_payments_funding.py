"""The split by funding level (only as far as the list says) and totals that add up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.unit.payments.payroll_helpers import OTHER_VILLAGE, enrol, payee
from yanglao.core.catalog import Catalog, load_catalog
from yanglao.core.payments import History, Month, PaidMonth, compute_roll, consistent, split, totals
from yanglao.core.payments.funding import FundingRule, funding_rule

ON = dt.date(2025, 6, 30)


def test_shares_from_parameters_split_the_amount(shared_catalog: Catalog) -> None:
    rule = funding_rule(shared_catalog, shared_catalog.item("5"), ON)
    assert rule.shares == (("省", Decimal("0.6")), ("县", Decimal("0.4")))
    assert "测试用分担比例" in rule.note
    assert split(Decimal("100.00"), rule) == (("省", Decimal("60.00")), ("县", Decimal("40.00")))


def test_split_parts_always_add_up() -> None:
    third = Decimal(1) / 3
    rule = FundingRule((("中央", third), ("省", third), ("县", 1 - 2 * third)), "")
    for amount in (Decimal("100.00"), Decimal("0.01"), Decimal("-100.00"), Decimal("1040.00")):
        parts = split(amount, rule)
        assert sum(v for _, v in parts) == amount
    assert split(Decimal("100.00"), rule) == (
        ("中央", Decimal("33.33")),
        ("省", Decimal("33.33")),
        ("县", Decimal("33.34")),
    )


def test_levels_named_without_shares_are_not_split_and_say_so() -> None:
    xinxiang = load_catalog("410721")
    gaoling = funding_rule(xinxiang, xinxiang.item("5"), ON)  # 县政府负责，省财政给予适当补助
    assert not gaoling.split
    assert "列明省、县共同承担，未列明分担比例" in gaoling.note
    subsidy = funding_rule(xinxiang, xinxiang.item("7"), ON)  # 县政府负责。
    assert subsidy.shares == (("县", Decimal(1)),)
    assert "只列明县级承担" in subsidy.note


def test_no_level_named(zlt: Catalog) -> None:
    assert "未列明支出责任层级" in funding_rule(zlt, zlt.item("5"), ON).note
    subsidy = funding_rule(zlt, zlt.item("6"), ON)
    assert not subsidy.split
    assert "补贴资金由各级财政分级承担" in subsidy.note


def roll(catalog: Catalog) -> list:  # type: ignore[type-arg]
    people = {
        1: payee(1, dt.date(1925, 6, 10)),
        2: payee(2, dt.date(1950, 1, 1), dibao=True),
        3: payee(3, dt.date(1940, 1, 1), place=OTHER_VILLAGE, dibao=True, tekun="dispersed"),
        4: payee(4, dt.date(1930, 1, 1), death_date=dt.date(2025, 3, 1)),
    }
    enrolments = [
        enrol(1),
        enrol(2, "service_subsidy"),
        enrol(3, "tekun_basic_living", place=OTHER_VILLAGE),
        enrol(3, place=OTHER_VILLAGE),
    ]
    paid = PaidMonth(4, "gaoling_jintie", "5", "高龄津贴", Month(2025, 4), Decimal("100.00"), "152223100002")
    history = History(locked=frozenset({(Month(2025, 5), "152223")}), exported=(paid,))
    return compute_roll(catalog, Month(2025, 6), people, enrolments, history).lines


def test_totals_add_up_by_item_township_kind_and_level(shared_catalog: Catalog, zlt: Catalog) -> None:
    lines = roll(shared_catalog)
    t = totals(lines, {"152223100000": "音德尔镇", "152223101000": "新林镇"})
    assert consistent(t)
    # 600 + 100 back-pay (turned 100 in June), 50 + 50, 1040 + 1040 and 100 + 100, less 100 recovered.
    assert t["amount"] == "2980.00"
    assert {r["name"]: r["amount"] for r in t["townships"]} == {"音德尔镇": "700.00", "新林镇": "2280.00"}
    kinds = {r["kind"]: r["amount"] for r in t["kinds"]}
    assert kinds == {"regular": "1790.00", "backpay": "1290.00", "recovery": "-100.00"}
    items = {r["code"]: (r["persons"], r["amount"]) for r in t["items"]}
    assert items == {
        "gaoling_jintie": (3, "800.00"),
        "service_subsidy": (1, "100.00"),
        "tekun_basic_living": (1, "2080.00"),
    }
    # 高龄津贴 is split 0.6 / 0.4 (the recovery carries the split of what was paid: none here); the
    # rest is not split, with the reason.
    assert {r["level"]: r["amount"] for r in t["levels"]} == {"省": "540.00", "县": "360.00"}
    assert t["unsplit_amount"] == "2080.00"
    assert all("未拆分" in r["note"] for r in t["unsplit"]), t["unsplit"]
    plain = totals(roll(zlt))
    assert consistent(plain)
    assert plain["levels"] == []
    assert plain["unsplit_amount"] == plain["amount"]
