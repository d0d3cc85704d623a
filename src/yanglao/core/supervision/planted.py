"""A small month with a planted case of every check and near misses that must not be flagged (the
tests' and the documentation's example). ``EXPECTED`` names every (check, person key) the checks must
find; the persons are keyed by a letter, their ID numbers are valid and made from it."""

from __future__ import annotations

import datetime as dt

import polars as pl

from yanglao.core.idnumber import make_id_number

MONTH = dt.date(2026, 5, 1)
KEYS = "ABCDEFGHIJKLMNOPQ"


def pid(key: str) -> str:
    return make_id_number(
        "152223", dt.date(1940, 1, 1) + dt.timedelta(days=KEYS.index(key)), 100 + KEYS.index(key)
    )


# (check, key): what the checks must find, nothing more
EXPECTED: set[tuple[str, str]] = {
    ("paid_after_death", "A"),
    ("enrolled_twice", "B"),  # twice in this county
    ("enrolled_twice", "C"),  # in two counties
    ("centralized_and_dispersed", "D"),  # both forms paid
    ("centralized_and_dispersed", "E"),  # registered centralized, paid dispersed
    ("resident_and_home_service", "F"),
    ("shared_account", "G"),
    ("shared_account", "H"),
    ("absent_resident", "M"),
}
# near misses: I/J spouses sharing an account, K/L one household sharing one, N absent 10 days,
# O ordinary, P died during the month (paid for it), Q home service after leaving the home


def persons() -> pl.DataFrame:
    rows = []
    for key in KEYS:
        rows.append(
            {
                "id_number": pid(key),
                "name": f"测试{key}",
                "death_date": {"A": "2026-03-10", "P": "2026-05-20"}.get(key, ""),
                "tekun": {"D": "dispersed", "E": "centralized", "M": "centralized", "N": "centralized"}.get(
                    key, "none"
                ),
                "household": {"G": "H-G", "H": "H-H", "K": "H-KL", "L": "H-KL"}.get(key, ""),
                "spouse_id_number": {"I": pid("J"), "J": pid("I")}.get(key, ""),
            }
        )
    return pl.DataFrame(rows)


def payments() -> pl.DataFrame:
    lines = [
        ("A", "gaoling_jintie", "152223", "100.00", "6217000000000001"),
        ("B", "gaoling_jintie", "152223", "100.00", "6217000000000002"),
        ("B", "gaoling_jintie", "152223", "100.00", "6217000000000002"),
        ("C", "service_subsidy", "152223", "50.00", "6217000000000003"),
        ("C", "service_subsidy", "152221", "50.00", "6217000000000003"),
        ("D", "tekun_dispersed", "152223", "820.00", "6217000000000004"),
        ("D", "tekun_centralized", "152223", "820.00", "6217000000000004"),
        ("E", "tekun_dispersed", "152223", "820.00", "6217000000000005"),
        ("G", "gaoling_jintie", "152223", "100.00", "6217000000009999"),
        ("H", "gaoling_jintie", "152223", "100.00", "6217000000009999"),
        ("I", "gaoling_jintie", "152223", "100.00", "6217000000008888"),
        ("J", "gaoling_jintie", "152223", "100.00", "6217000000008888"),
        ("K", "gaoling_jintie", "152223", "100.00", "6217000000007777"),
        ("L", "gaoling_jintie", "152223", "100.00", "6217000000007777"),
        ("M", "tekun_centralized", "152223", "820.00", "6217000000000013"),
        ("N", "tekun_centralized", "152223", "820.00", "6217000000000014"),
        ("O", "gaoling_jintie", "152223", "100.00", "6217000000000015"),
        ("P", "gaoling_jintie", "152223", "100.00", "6217000000000016"),
        ("B", "gaoling_jintie", "152223", "100.00", "6217000000000002"),  # April: another month
    ]
    months = ["2026-05"] * (len(lines) - 1) + ["2026-04"]
    return pl.DataFrame(
        [
            {"id_number": pid(k), "item": i, "county": c, "month": m, "amount": a, "account": acct}
            for (k, i, c, a, acct), m in zip(lines, months, strict=True)
        ]
    )


def services() -> pl.DataFrame:
    lines = [
        ("F", "meal_help", "2026-05-12", "P001"),
        ("O", "meal_help", "2026-05-12", "P001"),
        ("Q", "bath_help", "2026-05-10", "P002"),
    ]
    return pl.DataFrame(
        [{"id_number": pid(k), "service": s, "date": d, "provider": p} for k, s, d, p in lines]
    )


def residents() -> pl.DataFrame:
    rows = [
        ("F", "巴彦高勒敬老院", "2025-01-01", "", "0"),
        ("M", "巴彦高勒敬老院", "2025-03-01", "", "40"),
        ("N", "巴彦高勒敬老院", "2025-03-01", "", "10"),
        ("Q", "音德尔敬老院", "2024-01-01", "2026-04-30", "0"),
    ]
    return pl.DataFrame(
        [{"id_number": pid(k), "facility": f, "from": a, "to": b, "days_absent": d} for k, f, a, b, d in rows]
    )


def files() -> dict[str, pl.DataFrame]:
    """The four files as text tables (the file interface's columns)."""
    return {"persons": persons(), "payments": payments(), "services": services(), "residents": residents()}


def key_of(id_number: str) -> str:
    return {pid(k): k for k in KEYS}[id_number]
