"""Shared objects for the home-services tests: a provider of 音德尔镇 with a contract, a worker, elders
with plans (no fixture is named ``clock`` or ``today``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yanglao.homeservices.models import Contract, Provider, Worker

TOWNSHIP = "152223100000"
VILLAGE = "152223100001"
CATALOG = "152223"
PRICES = {
    "cleaning_aid": "40",
    "bath_aid": "40",
    "medical_aid": "50",
    "home_care_bed": "600",
    "meal_aid": "15",
}


def provider(code: str = "P001", name: str = "扎赉特旗安康家政服务有限公司", **kw: Any) -> Provider:
    p = Provider.objects.create(
        code=code, name=name, kind=kw.pop("kind", "housekeeping"), region_id=kw.pop("region", TOWNSHIP),
        capacity=kw.pop("capacity", 50), bank_account="6228480012345678901", bank_name="农业银行扎赉特旗支行", **kw,
    )  # fmt: skip
    Contract.objects.create(
        provider=p, number=f"ZLT-{code}", catalog=CATALOG, region_id="152223",
        start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), prices=PRICES,
    )  # fmt: skip
    return p


def worker(p: Provider, code: str = "W01", name: str = "刘桂芳") -> Worker:
    return Worker.objects.create(
        provider=p, code=code, name=name, carer_level="4", health_certificate_until=dt.date(2027, 3, 1)
    )


def units(value: str) -> Decimal:
    return Decimal(value)
