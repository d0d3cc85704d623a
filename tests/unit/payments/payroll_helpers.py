"""Helpers of the payment-roll unit tests: people and enrolments as the pure computation sees them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yanglao.core.idnumber import make_id_number
from yanglao.core.payments import Enrol, Payee

VILLAGE = "152223100001"  # 音德尔镇 龙腾社区
OTHER_VILLAGE = "152223101001"  # 新林镇


def payee(key: int, birth: dt.date, *, place: str = VILLAGE, **fields: Any) -> Payee:
    ident = make_id_number("152223", birth, 100 + key)
    record: dict[str, Any] = {
        "id_number": ident,
        "birth_date": birth,
        "hukou_region": place,
        "residence_region": place,
        **fields,
    }
    return Payee(key, ident, f"老人{key}", record)


def enrol(key: int, code: str = "gaoling_jintie", start: dt.date = dt.date(2020, 1, 1), **kw: Any) -> Enrol:
    return Enrol(key, code, start, kw.get("end"), kw.get("place", VILLAGE))
