"""The care-home admissions' own dated parameters (``carehomes/params.yaml``), read by the catalogue's
parameter loader: the offer's reply days, the upload limit, the 集中供养率 target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path

from yanglao.core.catalog.loader import read_parameters
from yanglao.core.catalog.model import Parameter, ParamValue

PATH = Path(__file__).with_name("params.yaml")


@cache
def parameters() -> dict[str, Parameter]:
    return read_parameters(PATH)


def entry(name: str, on: dt.date) -> ParamValue:
    found = parameters()[name].value_on(on)
    if found is None:
        raise LookupError(f"参数 {name} 在 {on} 没有值")
    return found


def value(name: str, on: dt.date) -> Decimal:
    return Decimal(entry(name, on).value)
