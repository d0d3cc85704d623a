"""Care homes without the database: the public mask, the dated parameters, the days a resident is paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yanglao.carehomes import params
from yanglao.carehomes.models import Residence
from yanglao.carehomes.queries import public_name
from yanglao.carehomes.settle import days_in, monthly_items
from yanglao.core.catalog import load_catalog
from yanglao.core.payments import Month
from yanglao.registry.models import Person

JUNE = Month.parse("2026-06")


def test_public_name() -> None:
    assert public_name("王秀英") == "王*英"
    assert public_name("欧阳小明") == "欧**明"
    assert public_name("张三") == "张*"
    assert public_name("李") == "李"


def test_parameters() -> None:
    on = dt.date(2026, 6, 17)
    assert params.value("offer_reply_days", on) == 7
    assert params.entry("offer_reply_days", on).example
    assert params.value("centralized_rate_target", on) == 60
    assert "第10条" in params.entry("centralized_rate_target", on).reference


def stay(
    admitted: dt.date, ended: dt.date | None = None, reason: str = "", death: dt.date | None = None
) -> Residence:
    person = Person(id_number="x", death_date=death)
    return Residence(person=person, admitted_on=admitted, ended_on=ended, end_reason=reason)


def test_days_in_the_month() -> None:
    assert days_in(stay(dt.date(2025, 1, 1)), JUNE) == 30
    assert days_in(stay(dt.date(2026, 6, 11)), JUNE) == 20
    assert days_in(stay(dt.date(2025, 1, 1), dt.date(2026, 6, 10), "death"), JUNE) == 10
    assert days_in(stay(dt.date(2025, 1, 1), dt.date(2026, 6, 10), "discharge"), JUNE) == 9
    assert days_in(stay(dt.date(2025, 1, 1), death=dt.date(2026, 6, 3)), JUNE) == 3
    assert days_in(stay(dt.date(2026, 7, 1)), JUNE) == 0


def test_items_paid_to_the_home() -> None:
    zalaite = monthly_items(load_catalog("152223"), JUNE.last, integrated=True)
    assert [(i, a) for i, _, a, _ in zalaite] == [("tekun_basic_living", Decimal("1040.00"))]
    wolong = monthly_items(load_catalog("411303"), JUNE.last, integrated=True)
    assert ("integrated_care_funding", Decimal("500")) in [(i, a) for i, _, a, _ in wolong]
    plain = monthly_items(load_catalog("411303"), JUNE.last, integrated=False)
    assert "integrated_care_funding" not in [i for i, *_ in plain]
