"""Each fund-fraud check on the planted month: exactly its planted cases, none of the near misses; the
parameters are dated and move the result; the reasons say what was found."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from tests.unit.fraud.helpers import planted_frames
from yanglao.core.supervision import api, planted
from yanglao.core.supervision.checks import CHECKS
from yanglao.core.supervision.files import read_payments
from yanglao.core.supervision.params import ParameterError, load

MONTH = planted.MONTH


@pytest.fixture
def frames(tmp_path: Path) -> dict[str, pl.DataFrame | None]:
    return planted_frames(tmp_path)


def found(frames: dict[str, pl.DataFrame | None], **changes: object) -> list[dict[str, object]]:
    settings = dataclasses.replace(load(MONTH), **changes)  # type: ignore[arg-type]
    return api.records(api.run_polars(settings, frames), settings)


def keys(records: list[dict[str, object]], check: str) -> set[str]:
    return {planted.key_of(str(r["id_number"])) for r in records if r["check"] == check}


def expected(check: str) -> set[str]:
    return {k for c, k in planted.EXPECTED if c == check}


@pytest.mark.parametrize("check", [c.name for c in CHECKS])
def test_each_check_finds_its_planted_cases_and_no_near_miss(
    frames: dict[str, pl.DataFrame | None], check: str
) -> None:
    assert expected(check), check  # every check has a planted case
    assert keys(found(frames), check) == expected(check)


def test_paid_after_death_names_the_date_and_not_a_death_in_the_month(
    frames: dict[str, pl.DataFrame | None],
) -> None:
    rows = [r for r in found(frames) if r["check"] == "paid_after_death"]
    assert [r["reason"] for r in rows] == ["2026-03-10 已死亡，2026年5月仍发放“gaoling_jintie”"]
    assert rows[0]["day"] == "2026-03-10"


def test_enrolled_twice_tells_this_county_from_another(frames: dict[str, pl.DataFrame | None]) -> None:
    rows = [r for r in found(frames) if r["check"] == "enrolled_twice"]
    reasons = {planted.key_of(str(r["id_number"])): r["reason"] for r in rows}
    assert len(rows) == 4  # both lines of B (April's third line is another month) and of C
    assert reasons["B"] == "2026年5月“gaoling_jintie”在本县（152223）发放 2 次"
    assert reasons["C"] == "2026年5月“service_subsidy”在 2 个县发放 2 次（152221、152223）"


def test_centralized_and_dispersed_both_forms_and_registered_form(
    frames: dict[str, pl.DataFrame | None],
) -> None:
    rows = [r for r in found(frames) if r["check"] == "centralized_and_dispersed"]
    by_key = sorted((planted.key_of(str(r["id_number"])), r["item"], r["reason"]) for r in rows)
    assert by_key == [
        ("D", "tekun_centralized", "2026年5月既发放集中供养又发放分散供养（本行“tekun_centralized”）"),
        ("D", "tekun_dispersed", "2026年5月既发放集中供养又发放分散供养（本行“tekun_dispersed”）"),
        ("E", "tekun_dispersed", "人员记录为集中供养，2026年5月却发放分散供养项目“tekun_dispersed”"),
    ]


def test_shared_account_spares_spouses_and_one_household(frames: dict[str, pl.DataFrame | None]) -> None:
    rows = [r for r in found(frames) if r["check"] == "shared_account"]
    assert {r["account"] for r in rows} == {"6217000000009999"}
    assert rows[0]["reason"] == "账户 6217********9999 2026年5月为 2 人收款，分属 2 户（不同户且非配偶）"
    # raising the threshold to three families spares the pair
    assert keys(found(frames, min_unrelated_families=3), "shared_account") == set()


def test_absent_resident_follows_the_dated_parameter(frames: dict[str, pl.DataFrame | None]) -> None:
    assert keys(found(frames, max_absent_days=9), "absent_resident") == {"M", "N"}
    assert keys(found(frames, max_absent_days=40), "absent_resident") == set()
    (row,) = [r for r in found(frames) if r["check"] == "absent_resident"]
    assert (
        row["reason"] == "入住 巴彦高勒敬老院 的老人离院 40 天（超过 30 天），机构仍结算“tekun_centralized”"
    )


def test_resident_and_home_service_only_while_resident(frames: dict[str, pl.DataFrame | None]) -> None:
    (row,) = [r for r in found(frames) if r["check"] == "resident_and_home_service"]
    assert row["source"] == "services"
    assert row["line"] == 2
    assert row["day"] == "2026-05-12"
    assert (
        row["reason"]
        == "2026-05-12 享受居家服务“meal_help”（P001），当天入住养老机构 巴彦高勒敬老院（离院 0 天）"
    )


def test_a_check_without_its_file_does_not_run(frames: dict[str, pl.DataFrame | None]) -> None:
    frames = {**frames, "residents": None}
    names = {r["check"] for r in found(frames)}
    assert "absent_resident" not in names
    assert "resident_and_home_service" not in names
    assert "paid_after_death" in names


def test_parameters_are_dated_and_referenced(tmp_path: Path) -> None:
    settings = load(MONTH)
    assert settings.max_absent_days == 30
    assert settings.min_unrelated_families == 2
    assert "社会救助暂行办法" in settings.references["max_absent_days"]
    with pytest.raises(ParameterError, match="尚未生效"):
        load(dt.date(2019, 12, 1))
    bad = tmp_path / "checks.yaml"
    bad.write_text("parameters: {}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="缺少参数 max_absent_days"):
        load(MONTH, bad)


def test_every_check_has_a_title_and_a_legal_basis() -> None:
    for check in CHECKS:
        assert check.title, check.name
        assert "《" in check.basis, check.name


def test_a_line_paid_to_the_home_counts_as_institution_and_centralized(tmp_path: Path) -> None:
    payments = planted.payments().with_columns(payee=pl.lit(""))
    extra = pl.DataFrame(
        [
            {"id_number": planted.pid(k), "item": "tekun_basic_living", "county": "152223", "month": "2026-05",
             "amount": "820.00", "account": "", "payee": p}
            for k, p in (("M", "institution"), ("D", "养老机构"), ("O", "bank"))
        ]
    )  # fmt: skip
    path = tmp_path / "payments.csv"
    pl.concat([payments, extra]).write_csv(path)
    frame, errors = read_payments(path)
    assert [(e.line, e.field, e.reason) for e in errors] == [
        (23, "payments.csv 收款方", "应为空或 institution（养老机构）")
    ]
    base = planted_frames(tmp_path)
    rows = found({**base, "payments": frame})
    to_home = {
        (r["check"], planted.key_of(str(r["id_number"])), r["item"]) for r in rows if r["line"] in (21, 22)
    }
    assert to_home == {
        ("absent_resident", "M", "tekun_basic_living"),
        ("centralized_and_dispersed", "D", "tekun_basic_living"),
    }
