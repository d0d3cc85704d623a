"""Loading the region tree from ``data/regions.csv`` and walking it."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction

from yanglao.regions.models import PREFIX_LENGTH, Level, Region

DATA = Path(__file__).resolve().parent / "data" / "regions.csv"


def read_rows(path: Path = DATA) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def sync_regions(path: Path = DATA) -> int:
    """Insert or update every region of the data file (idempotent). Returns the number written."""
    rows = read_rows(path)
    existing = {r.code: r for r in Region.objects.all()}
    written = 0
    for row in sorted(rows, key=lambda r: (len(r["code"]), r["code"])):
        fields = {
            "name": row["name"],
            "level": row["level"],
            "parent_id": row["parent_code"] or None,
            "generated": row["generated"].strip().lower() == "true",
            "source": row.get("source", "")[:200],
        }
        current = existing.get(row["code"])
        if current is None:
            Region.objects.create(code=row["code"], **fields)
            written += 1
        elif any(getattr(current, k) != v for k, v in fields.items()):
            Region.objects.filter(code=row["code"]).update(**fields)
            written += 1
    region_prefix.cache_clear()
    return written


def sync_after_migrate(**kwargs: Any) -> None:
    if DATA.exists():
        sync_regions()


def prefix_of(code: str) -> str:
    """Significant digits of a code: 152223 → 152223, 152223100000 → 152223100, 410000 → 41."""
    if len(code) == 12:
        if code.endswith("000000"):
            return prefix_of(code[:6])
        return code[:9] if code.endswith("000") else code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


@lru_cache(maxsize=4096)
def region_prefix(code: str) -> str:
    try:
        region = Region.objects.get(code=code)
    except Region.DoesNotExist:
        return prefix_of(code)
    return region.code[: PREFIX_LENGTH[Level(region.level)]]


def township_code(code: str | None) -> str | None:
    """The 12-digit township code of a 12-digit village or township code, else None."""
    if not code or len(code) != 12:
        return None
    return code[:9] + "000"


def county_code(code: str | None) -> str | None:
    return code[:6] if code and len(code) >= 6 else None


def descendants(region: Region, level: str | None = None) -> list[Region]:
    qs = Region.objects.filter(code__startswith=region.prefix).exclude(code=region.code)
    if level:
        qs = qs.filter(level=level)
    return list(qs.order_by("code"))


def name_of(code: str | None) -> str:
    if not code:
        return ""
    region = Region.objects.filter(code=code).first()
    if region is None and len(code) == 12:
        region = Region.objects.filter(code=code[:6]).first()
    return region.name if region else code
