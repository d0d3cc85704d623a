"""Plans, orders, check-ins, a claim imported with row errors, matched from the database by the core's
match, the sample reviewed, and a settlement roll through its states by two different users."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.integration import homecare_world as w
from yanglao.audit.models import AuditEvent
from yanglao.homeservices.claimmodels import ClaimLine, ClaimState, LineStatus, SettlementState
from yanglao.homeservices.claims import do_import_claim, do_match_claim, do_review_line
from yanglao.homeservices.delivery import Visit, confirmation_code, do_record_checkin, make_orders
from yanglao.homeservices.indicators import spend_by_level
from yanglao.homeservices.models import Order, PlanEnd, PlanFinding
from yanglao.homeservices.plans import (
    PlanError,
    check_registry,
    do_change_plan,
    do_create_plan,
    end_plans_for,
)
from yanglao.homeservices.settlement import (
    SettlementError,
    do_advance,
    do_export_bank,
    do_export_xlsx,
    do_prepare,
)

SH = dt.timezone(dt.timedelta(hours=8))
MAY = dt.date(2026, 5, 1)
HEADER = ["claim_line", "provider", "id_number", "service", "date", "units", "amount"]


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, minute, tzinfo=SH)


def write(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        out.writerows(rows)
    return path


@pytest.fixture
def world(db: None, make_person: Any, township_user: Any) -> dict[str, Any]:
    p = w.provider()
    worker = w.worker(p)
    tekun = make_person("张桂兰", birth=dt.date(1940, 2, 1), tekun="dispersed")
    dibao = make_person("李明", birth=dt.date(1945, 6, 1), sex="1", dibao=True)
    plan_a = do_create_plan(
        township_user, tekun, catalog=w.CATALOG, service="cleaning_aid", units_per_month=Decimal(8),
        start=dt.date(2026, 4, 1), provider=p,
    )  # fmt: skip
    plan_b = do_create_plan(
        township_user, dibao, catalog=w.CATALOG, service="cleaning_aid", units_per_month=Decimal(4),
        start=dt.date(2026, 4, 1),
    )  # fmt: skip
    return {"provider": p, "worker": worker, "tekun": tekun, "dibao": dibao, "plans": [plan_a, plan_b]}


def visit(world: dict[str, Any], order: Order, start: dt.datetime, hours: int = 2, uid: str = "") -> Any:
    v = Visit(
        uid=uid or f"u-{order.pk}", worker=world["worker"], order=order, start=start,
        end=start + dt.timedelta(hours=hours), done="打扫卧室、厨房", confirmation="code",
        code=confirmation_code(order),
    )  # fmt: skip
    return do_record_checkin("手机", v, [])


def test_a_plan_without_a_choice_goes_to_a_contracted_provider(world: dict[str, Any]) -> None:
    plan = world["plans"][1]
    assert plan.provider == world["provider"]
    assert plan.choice.startswith("系统推荐")
    assert world["plans"][0].choice == "老人自选"
    assert plan.changes.count() == 1


def test_plan_refusals(world: dict[str, Any], make_person: Any, township_user: Any) -> None:
    young = make_person("赵小", birth=dt.date(1980, 1, 1))
    with pytest.raises(PlanError, match="不符合"):
        do_create_plan(township_user, young, catalog=w.CATALOG, service="cleaning_aid",
                       units_per_month=Decimal(2), start=dt.date(2026, 5, 1))  # fmt: skip
    with pytest.raises(PlanError, match="不在"):
        do_create_plan(township_user, world["tekun"], catalog=w.CATALOG, service="flying",
                       units_per_month=Decimal(2), start=dt.date(2026, 5, 1))  # fmt: skip


def test_change_keeps_history_and_ends_on_death_and_moving(world: dict[str, Any], township_user: Any) -> None:
    plan = world["plans"][0]
    new = do_change_plan(township_user, plan, on=dt.date(2026, 5, 10), units_per_month=Decimal(10))
    plan.refresh_from_db()
    assert (plan.end, plan.end_reason) == (dt.date(2026, 5, 9), PlanEnd.CHANGED)
    assert new.units_per_month == 10
    assert new.start == dt.date(2026, 5, 10)
    assert new.end is None
    assert plan.changes.count() == 2
    assert new.changes.count() == 1
    dibao = world["dibao"]
    dibao.death_date = dt.date(2026, 5, 20)
    dibao.save()
    tekun = world["tekun"]
    tekun.residence_region = tekun.hukou_region = "152201001001"  # 乌兰浩特市: moved out of the county
    tekun.save()
    ended = check_registry(dt.date(2026, 6, 1))
    assert {(p.person_id, p.end_reason) for p in ended} == {(dibao.pk, "died"), (tekun.pk, "moved")}
    assert PlanFinding.objects.count() == 2
    assert end_plans_for(tekun, "moved", dt.date(2026, 6, 2)) == []  # nothing left running


def test_orders_checkins_claim_match_and_settlement(world: dict[str, Any], tmp_path: Path,
                                                    township_user: Any, county_user: Any) -> None:  # fmt: skip
    plan_a, plan_b = world["plans"]
    orders = make_orders(plan_a, MAY)
    assert len(orders) == 4
    assert all(o.units == 2 for o in orders)
    assert make_orders(plan_a, MAY) == []  # a month is ordered once
    orders_b = make_orders(plan_b, MAY)
    days = [o.due.astimezone(SH).day for o in orders]
    for o in orders[:3]:
        visit(world, o, o.due)
    _again, created = visit(world, orders[0], orders[0].due)
    assert not created  # sent twice, stored once
    visit(world, orders_b[0], orders_b[0].due + dt.timedelta(hours=2))  # late
    late = Order.objects.get(pk=orders_b[0].pk).checkins.get()
    assert late.late
    tekun, dibao = world["tekun"].id_number, world["dibao"].id_number
    d = [f"2026-05-{x:02d}" for x in days]
    bday = f"2026-05-{orders_b[0].due.astimezone(SH).day:02d}"
    path = write(tmp_path / "claims.csv", [
        ["L1", "P001", tekun, "cleaning_aid", d[0], 2, 80],
        ["L2", "P001", tekun, "cleaning_aid", d[1], 2, 80],
        ["L3", "P001", tekun, "cleaning_aid", d[2], 2, 100],      # over the price cap (40 a hour)
        ["L4", "P001", tekun, "cleaning_aid", d[3], 2, 80],       # no check-in that day
        ["L5", "P001", dibao, "cleaning_aid", bday, 2, 80],       # 低保: 10 % co-payment
        ["L6", "P001", dibao, "bath_aid", bday, 1, 40],           # no plan for this service
        ["L7", "P001", "152223194001011234", "cleaning_aid", d[0], 1, 40],  # a bad ID number: row error
        ["L8", "P002", tekun, "cleaning_aid", d[0], 1, 40],       # another provider's line
        ["L9", "P001", tekun, "cleaning_aid", "2026-04-30", 1, 40],  # outside the month
    ])  # fmt: skip
    claim = do_import_claim(township_user, world["provider"], MAY, w.CATALOG, path)
    assert claim.lines.count() == 6
    assert {e.line for e in claim.errors.all()} == {8, 9, 10}
    summary = do_match_claim(township_user, claim, sample_share=Decimal(1))
    lines = {x.claim_line: x for x in ClaimLine.objects.filter(claim=claim)}
    assert lines["L1"].status == LineStatus.PAYABLE
    assert lines["L1"].subsidy == 80
    assert lines["L1"].copay == 0
    assert lines["L3"].reasons == ["over_price_cap"]
    assert "no_checkin" in lines["L4"].reasons
    assert lines["L5"].status == LineStatus.PAYABLE
    assert (lines["L5"].subsidy, lines["L5"].copay) == (72, 8)
    assert lines["L5"].by_level == {"市": "21.6", "县": "50.4"}
    assert "no_plan" in lines["L6"].reasons
    assert "not_in_contract" not in lines["L6"].reasons
    assert summary["payable"] == 3
    assert summary["held"] == 3

    # imported again: every line was claimed before, nothing new to pay
    twice = do_import_claim(township_user, world["provider"], MAY, w.CATALOG, path)
    assert twice.lines.count() == 0
    assert twice.errors.filter(reason__contains="已申报过").count() == 6

    with pytest.raises(SettlementError, match="抽查"):
        do_prepare(township_user, world["provider"], MAY)  # the sample is not reviewed yet
    assert ClaimLine.objects.filter(claim=claim, sampled=True).count() == 3  # every payable line
    # L5 stands for the lines outside the sample (a share below 1 picks them by their key)
    ClaimLine.objects.filter(claim=claim, claim_line="L5").update(sampled=False)
    do_review_line(county_user, lines["L1"], accepted=False)
    do_review_line(county_user, lines["L2"], accepted=True)
    roll = do_prepare(township_user, world["provider"], MAY)
    assert roll.totals["rejected"] == 1
    assert roll.rejection_rate == Decimal("0.5")
    paid = {s.line.claim_line: s.subsidy for s in roll.lines.select_related("line")}
    assert paid == {"L2": 80, "L5": 36}  # L1 rejected; L5 less the sample's rejection rate
    assert roll.totals["subsidy"] == "116.00"
    assert roll.totals["withheld"] == "36.00"
    assert roll.totals["by_level"] == {"市": "34.80", "县": "81.20"}
    with pytest.raises(SettlementError, match="已生成"):
        do_prepare(township_user, world["provider"], MAY)

    with pytest.raises(SettlementError, match="生成人"):
        do_advance(township_user, roll)
    with pytest.raises(SettlementError, match="导出"):
        do_export_bank(county_user, roll)
    roll = do_advance(county_user, roll)
    assert roll.state == SettlementState.REVIEWED
    assert roll.reviewed_by == county_user
    roll = do_advance(county_user, roll)
    assert roll.state == SettlementState.APPROVED
    assert roll.approved_by == county_user
    claim.refresh_from_db()
    assert claim.state == ClaimState.SETTLED
    bank = do_export_bank(county_user, roll).decode("utf-8-sig")
    assert "6228480012345678901" in bank
    assert roll.totals["subsidy"] in bank
    roll.refresh_from_db()
    assert roll.state == SettlementState.EXPORTED
    spend = spend_by_level(MAY, "152223")
    assert (spend["结算表"], spend["补贴合计（元）"]) == (1, "116.00")
    assert spend["按资金层级（元）"] == {"市级": "34.80", "县级": "81.20"}
    assert do_export_xlsx(county_user, roll)[:2] == b"PK"
    with pytest.raises(SettlementError):
        do_advance(county_user, roll)
    assert AuditEvent.objects.filter(object_type="service_settlement").count() >= 5


def test_a_township_caseworker_cannot_approve(world: dict[str, Any], tmp_path: Path, township_user: Any,
                                              outsider: Any) -> None:  # fmt: skip
    plan_a = world["plans"][0]
    order = make_orders(plan_a, MAY)[0]
    visit(world, order, order.due)
    day = f"2026-05-{order.due.astimezone(SH).day:02d}"
    path = write(tmp_path / "c.csv", [["A1", "P001", world["tekun"].id_number, "cleaning_aid", day, 2, 80]])
    claim = do_import_claim(township_user, world["provider"], MAY, w.CATALOG, path)
    do_match_claim(township_user, claim, sample_share=Decimal(0))
    roll = do_prepare(township_user, world["provider"], MAY)
    roll = do_advance(outsider, roll)
    with pytest.raises(SettlementError, match="不能审批"):
        do_advance(outsider, roll)


def test_a_line_on_a_day_in_a_care_home_is_held(
    world: dict[str, Any], tmp_path: Path, township_user: Any
) -> None:
    from yanglao.carehomes.models import Residence
    from yanglao.facilities.models import Facility

    plan_b = world["plans"][1]
    order = make_orders(plan_b, MAY)[1]
    visit(world, order, order.due)
    day = order.due.astimezone(SH).date()
    home = Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=w.VILLAGE, beds=40)
    Residence.objects.create(person=world["dibao"], facility=home, admitted_on=day - dt.timedelta(days=3))
    path = write(
        tmp_path / "c.csv", [["H1", "P001", world["dibao"].id_number, "cleaning_aid", f"{day}", 2, 80]]
    )
    claim = do_import_claim(township_user, world["provider"], MAY, w.CATALOG, path)
    do_match_claim(township_user, claim, sample_share=Decimal(0))
    line = ClaimLine.objects.get(claim_line="H1")
    assert line.status == LineStatus.HELD
    assert "in_care_home" in line.reasons
