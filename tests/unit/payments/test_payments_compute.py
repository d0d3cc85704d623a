"""The pure roll computation: evaluation day, back-pay, recovery, skipped enrolments, determinism."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.unit.payments.payroll_helpers import OTHER_VILLAGE, VILLAGE, enrol, payee
from yanglao.core.catalog import Catalog
from yanglao.core.payments import History, Month, PaidMonth, compute_roll, digest, totals
from yanglao.core.payments.compute import township_of

JUNE = Month(2025, 6)
TOWNSHIP = "152223100000"


def amounts(result: object) -> list[tuple[int, str, str, str, Decimal]]:
    return [(x.person, x.code, x.kind, str(x.month), x.amount) for x in result.lines]  # type: ignore[attr-defined]


def test_month_parsing_and_arithmetic() -> None:
    m = Month.parse("2024-02")
    assert (m.first, m.last) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert m.shift(-2) == Month(2023, 12)
    assert m.shift(11) == Month(2025, 1)
    assert [str(x) for x in Month(2024, 11).until(Month(2025, 2))] == ["2024-11", "2024-12", "2025-01"]
    assert str(m) == "2024-02"
    assert m.label == "2024年02月"
    for bad in ("2024-13", "2024-2", "24-02", "2024/02", ""):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_turning_100_mid_month_is_paid_the_higher_rate_for_that_month(zlt: Catalog) -> None:
    people = {1: payee(1, dt.date(1925, 6, 10))}
    may = compute_roll(zlt, Month(2025, 5), people, [enrol(1)])
    june = compute_roll(zlt, JUNE, people, [enrol(1)])
    assert amounts(may) == [(1, "gaoling_jintie", "regular", "2025-05", Decimal("100.00"))]
    assert amounts(june) == [(1, "gaoling_jintie", "regular", "2025-06", Decimal("600.00"))]


def test_birthday_on_the_last_day_counts_and_the_day_after_does_not(zlt: Catalog) -> None:
    people = {1: payee(1, dt.date(1945, 6, 30)), 2: payee(2, dt.date(1945, 7, 1))}
    result = compute_roll(zlt, JUNE, people, [enrol(1), enrol(2)])
    assert amounts(result) == [(1, "gaoling_jintie", "regular", "2025-06", Decimal("100.00"))]
    assert [(s.person, s.code) for s in result.skipped] == [(2, "gaoling_jintie")]
    assert "79" in result.skipped[0].reason
    assert "不符合条件" in result.skipped[0].reason


def test_only_active_cash_enrolments_with_a_machine_amount(zlt: Catalog) -> None:
    people = {1: payee(1, dt.date(1940, 1, 1), dibao=True, tekun="dispersed", tekun_care="full")}
    codes = ["gaoling_jintie", "ability_assessment", "care_subsidy", "tekun_support", "tekun_care_standard"]
    result = compute_roll(zlt, JUNE, people, [enrol(1, c) for c in codes])
    # 能力评估 is a service, 护理补贴 and 照料护理标准 have no machine amount; 特困供养 (item code) pays the
    # part that has one: 1.3 × the 800 yuan example 低保 standard.
    assert amounts(result) == [
        (1, "gaoling_jintie", "regular", "2025-06", Decimal("100.00")),
        (1, "tekun_support", "regular", "2025-06", Decimal("1040.00")),
    ]


def test_enrolment_months_from_start_month_to_end_month(zlt: Catalog) -> None:
    people = {
        1: payee(1, dt.date(1940, 1, 1)),
        2: payee(2, dt.date(1940, 1, 1)),
        3: payee(3, dt.date(1940, 1, 1)),
    }
    enrolments = [
        enrol(1, start=dt.date(2025, 6, 30)),  # starts on the last day: June is paid
        enrol(2, start=dt.date(2025, 7, 1)),  # not yet
        enrol(3, start=dt.date(2024, 1, 1), end=dt.date(2025, 5, 31)),  # ended in May
    ]
    assert [x.person for x in compute_roll(zlt, JUNE, people, enrolments).lines] == [1]


def test_month_of_death_is_paid_and_later_months_are_skipped(zlt: Catalog) -> None:
    people = {1: payee(1, dt.date(1940, 1, 1), death_date=dt.date(2025, 6, 3))}
    june = compute_roll(zlt, JUNE, people, [enrol(1)])
    july = compute_roll(zlt, Month(2025, 7), people, [enrol(1)])
    assert amounts(june) == [(1, "gaoling_jintie", "regular", "2025-06", Decimal("100.00"))]
    assert july.lines == []
    assert "已于 2025-06-03 去世" in july.skipped[0].reason


def test_death_day_is_the_evaluation_day_in_the_month_of_death(zlt: Catalog) -> None:
    # Died on the 5th, would have turned 100 on the 20th: paid at the 80–99 rate.
    people = {1: payee(1, dt.date(1925, 6, 20), death_date=dt.date(2025, 6, 5))}
    assert amounts(compute_roll(zlt, JUNE, people, [enrol(1)]))[0][-1] == Decimal("100.00")


def locked(*months: str, prefix: str = "152223") -> frozenset[tuple[Month, str]]:
    return frozenset((Month.parse(m), prefix) for m in months)


def test_backpay_one_line_per_missed_month_of_a_locked_roll(zlt: Catalog) -> None:
    people = {1: payee(1, dt.date(1940, 1, 1)), 2: payee(2, dt.date(1940, 1, 1))}
    history = History(
        paid=frozenset({(2, "gaoling_jintie", Month(2025, 4)), (1, "gaoling_jintie", Month(2025, 5))}),
        locked=locked("2025-03", "2025-04", "2025-05"),
    )
    start = dt.date(2025, 2, 14)
    result = compute_roll(zlt, JUNE, people, [enrol(1, start=start), enrol(2, start=start)], history)
    assert amounts(result) == [
        (1, "gaoling_jintie", "backpay", "2025-03", Decimal("100.00")),
        (1, "gaoling_jintie", "backpay", "2025-04", Decimal("100.00")),
        (1, "gaoling_jintie", "regular", "2025-06", Decimal("100.00")),
        (2, "gaoling_jintie", "backpay", "2025-03", Decimal("100.00")),
        (2, "gaoling_jintie", "backpay", "2025-05", Decimal("100.00")),
        (2, "gaoling_jintie", "regular", "2025-06", Decimal("100.00")),
    ]
    # February had no roll in the system, so it is not back-paid; notes name the month.
    assert result.lines[0].note == "补发 2025-03"


def test_backpay_is_capped_default_12_or_by_the_parameter(zlt: Catalog, shared_catalog: Catalog) -> None:
    people = {1: payee(1, dt.date(1930, 1, 1))}
    months = [str(Month(2023, 7).shift(n)) for n in range(23)]  # 2023-07 … 2025-05, all locked
    history = History(locked=locked(*months))
    e = [enrol(1, start=dt.date(2023, 7, 1))]
    default = compute_roll(zlt, JUNE, people, e, history)
    backpay = [x.month for x in default.lines if x.kind == "backpay"]
    assert default.backpay_months == 12
    assert backpay == Month(2024, 6).until(JUNE)
    capped = compute_roll(shared_catalog, JUNE, people, e, history)  # payroll_backpay_months: 3
    assert [str(x.month) for x in capped.lines if x.kind == "backpay"] == ["2025-03", "2025-04", "2025-05"]
    assert len(compute_roll(zlt, JUNE, people, e, history, backpay_months=0).lines) == 1


def test_backpay_uses_that_months_age_and_skips_months_after_death(zlt: Catalog) -> None:
    # Turned 100 on 2025-04-10; enrolled late from 2025-03; died 2025-05-02.
    people = {1: payee(1, dt.date(1925, 4, 10), death_date=dt.date(2025, 5, 2))}
    history = History(locked=locked("2025-03", "2025-04", "2025-05"))
    result = compute_roll(zlt, Month(2025, 7), people, [enrol(1, start=dt.date(2025, 3, 1))], history)
    assert [(str(x.month), x.amount) for x in result.lines] == [
        ("2025-03", Decimal("100.00")),
        ("2025-04", Decimal("600.00")),
        ("2025-05", Decimal("600.00")),
    ]


def test_backpay_only_where_a_locked_roll_covered_the_paying_place(zlt: Catalog) -> None:
    people = {1: payee(1, dt.date(1940, 1, 1)), 2: payee(2, dt.date(1940, 1, 1), place=OTHER_VILLAGE)}
    history = History(locked=locked("2025-05", prefix="152223100"))  # only 音德尔镇's May roll
    result = compute_roll(zlt, JUNE, people, [enrol(1), enrol(2, place=OTHER_VILLAGE)], history)
    assert [(x.person, x.kind) for x in result.lines] == [(1, "backpay"), (1, "regular"), (2, "regular")]


def test_recovery_of_months_paid_after_death(zlt: Catalog, shared_catalog: Catalog) -> None:
    people = {1: payee(1, dt.date(1940, 1, 1), death_date=dt.date(2025, 3, 20))}
    paid = [
        PaidMonth(1, "gaoling_jintie", "5", "高龄津贴", Month(2025, m), Decimal("100.00"), VILLAGE)
        for m in (3, 4, 5)
    ]
    paid.append(PaidMonth(1, "gaoling_jintie", "5", "高龄津贴", Month(2025, 6), Decimal("0.00"), VILLAGE))
    result = compute_roll(zlt, JUNE, people, [enrol(1)], History(exported=tuple(paid)))
    assert amounts(result) == [
        (1, "gaoling_jintie", "recovery", "2025-04", Decimal("-100.00")),
        (1, "gaoling_jintie", "recovery", "2025-05", Decimal("-100.00")),
    ]
    assert "已于 2025-03-20 去世" in result.lines[0].note
    assert "不再发放" in result.skipped[0].reason  # and no June payment
    split = PaidMonth(
        1, "gaoling_jintie", "5", "高龄津贴", Month(2025, 4), Decimal("100.00"), VILLAGE,
        (("省", Decimal("60.00")), ("县", Decimal("40.00"))), "按分担比例参数拆分",
    )  # fmt: skip
    line = compute_roll(shared_catalog, JUNE, people, [], History(exported=(split,))).lines[0]
    assert line.funding == (("省", Decimal("-60.00")), ("县", Decimal("-40.00")))


def test_service_subsidy_stops_in_the_month_of_the_80th_birthday(zlt: Catalog) -> None:
    # 70–79 低保 gets 养老服务补贴; from the month of the 80th birthday 高龄津贴 instead.
    people = {1: payee(1, dt.date(1945, 6, 15), dibao=True)}
    may = compute_roll(zlt, Month(2025, 5), people, [enrol(1, "service_subsidy"), enrol(1)])
    june = compute_roll(zlt, JUNE, people, [enrol(1, "service_subsidy"), enrol(1)])
    assert [(x.code, x.amount) for x in may.lines] == [("service_subsidy", Decimal("50.00"))]
    assert [(x.code, x.amount) for x in june.lines] == [("gaoling_jintie", Decimal("100.00"))]
    assert [s.code for s in june.skipped] == ["service_subsidy"]


def test_moved_away_is_skipped_with_the_reason(zlt: Catalog) -> None:
    people = {1: payee(1, dt.date(1940, 1, 1), hukou_region="410721000000")}
    result = compute_roll(zlt, JUNE, people, [enrol(1)])
    assert result.lines == []
    assert "户籍" in result.skipped[0].reason


def test_same_inputs_same_roll_whatever_the_input_order(zlt: Catalog) -> None:
    people = {
        k: payee(k, dt.date(1925 + k, 1 + k % 12, 1 + k % 27), place=VILLAGE if k % 2 else OTHER_VILLAGE)
        for k in range(1, 40)
    }
    enrolments = [enrol(k, place=people[k].record["hukou_region"]) for k in people]  # type: ignore[arg-type]
    history = History(locked=locked("2025-05"))
    one = compute_roll(zlt, JUNE, people, enrolments, history)
    two = compute_roll(zlt, JUNE, dict(reversed(list(people.items()))), list(reversed(enrolments)), history)
    ids = {k: p.id_number for k, p in people.items()}
    assert one.lines == two.lines
    assert one.skipped == two.skipped
    assert digest(one.lines, ids) == digest(two.lines, ids)
    assert totals(one.lines) == totals(two.lines)
    assert [x.township for x in one.lines] == sorted(x.township for x in one.lines)
    assert township_of(VILLAGE) == TOWNSHIP
    assert township_of("152223") == ""
