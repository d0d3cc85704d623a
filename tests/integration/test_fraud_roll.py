"""The fund-fraud checks on the database: a payment roll with a planted case of every check (residents
and leave from the care-home app, claim lines from the home-service app, another county's roll of the
same month) gives exactly the lines to hold, with reasons; the monthly report and its command."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from tests.conftest import frozen_now
from yanglao.carehomes.models import Residence, SettlementLine, SettlementRoll
from yanglao.facilities.models import Facility
from yanglao.homeservices.claimmodels import Claim, ClaimLine
from yanglao.homeservices.models import Provider
from yanglao.payments.models import PaymentLine, PaymentRoll
from yanglao.regions.models import Region
from yanglao.supervision.fraud import (
    holds_for_care_home_settlement,
    holds_for_roll,
    holds_for_service_settlement,
    leave_days,
    monthly_report,
)

MONTH = dt.date(2026, 5, 1)


def roll(region: str, lines: list[tuple[Any, str, str]]) -> PaymentRoll:
    r = PaymentRoll.objects.create(
        catalog="152223",
        month=MONTH,
        region_id=region,
        evaluation_day=MONTH,
        backpay_months=3,
        prepared_by_name="测试",
        prepared_at=frozen_now(),
        digest="x",
    )
    for seq, (person, item, account) in enumerate(lines, start=1):
        PaymentLine.objects.create(
            roll=r,
            seq=seq,
            person=person,
            name=person.name,
            id_number=person.id_number,
            item_no="1",
            service_code=item,
            item_name=item,
            kind="regular",
            service_month=MONTH,
            amount=Decimal("100.00"),
            account_number=account,
        )
    return r


@pytest.fixture
def world(make_person: Any) -> dict[str, Any]:
    if not Region.objects.filter(code="152221").exists():
        Region.objects.create(
            code="152221",
            name="科尔沁右翼前旗",
            level="county",
            parent=Region.objects.get(code="152223").parent,
        )
    p: dict[str, Any] = {}
    for key, fields in {
        "A": {"death_date": dt.date(2026, 3, 10)},
        "B": {},
        "C": {},
        "D": {"tekun": "dispersed"},
        "E": {"tekun": "centralized"},
        "F": {},
        "G": {},
        "H": {},
        "I": {},
        "J": {},
        "M": {"tekun": "centralized"},
        "N": {"tekun": "centralized"},
        "O": {},
    }.items():
        p[key] = make_person(f"测试{key}", **fields)
    p["I"].spouse_id_number, p["J"].spouse_id_number = p["J"].id_number, p["I"].id_number
    p["I"].save(update_fields=["spouse_id_number"])
    p["J"].save(update_fields=["spouse_id_number"])
    home = Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id="152223100000", beds=10, nursing_beds=5
    )
    Residence.objects.create(person=p["F"], facility=home, admitted_on=dt.date(2025, 1, 5))
    for key, away in (("M", dt.date(2026, 3, 20)), ("N", dt.date(2026, 5, 20))):
        Residence.objects.create(
            person=p[key],
            facility=home,
            admitted_on=dt.date(2025, 1, 5),
            state="leave",
            events=[{"on": away.isoformat(), "what": "请假离院", "note": "", "by": "测试"}],
        )
    provider = Provider.objects.create(
        code="P001", name="安康家政", kind="housekeeping", region_id="152223100000"
    )
    claim = Claim.objects.create(
        provider=provider,
        month=MONTH,
        catalog="152223",
        source="测试",
        received_at=frozen_now(),
        received_by="测试",
    )
    for row, key in enumerate(("F", "O"), start=2):
        ClaimLine.objects.create(
            claim=claim,
            provider=provider,
            claim_line=f"L{row}",
            row=row,
            person=p[key],
            id_number=p[key].id_number,
            service="meal_aid",
            date=dt.date(2026, 5, 12),
            units=Decimal(1),
            amount=Decimal(15),
        )
    p["roll"] = roll(
        "152223",
        [
            (p["A"], "gaoling_jintie", "6217000000000001"),
            (p["B"], "gaoling_jintie", "6217000000000002"),
            (p["B"], "gaoling_jintie", "6217000000000002"),
            (p["C"], "service_subsidy", "6217000000000003"),
            (p["D"], "tekun_dispersed", "6217000000000004"),
            (p["D"], "tekun_centralized", "6217000000000004"),
            (p["E"], "tekun_dispersed", "6217000000000005"),
            (p["G"], "gaoling_jintie", "6217000000009999"),
            (p["H"], "gaoling_jintie", "6217000000009999"),
            (p["I"], "gaoling_jintie", "6217000000008888"),
            (p["J"], "gaoling_jintie", "6217000000008888"),
            (p["M"], "tekun_centralized", "6217000000000013"),
            (p["N"], "tekun_centralized", "6217000000000014"),
            (p["O"], "gaoling_jintie", "6217000000000015"),
        ],
    )
    p["other"] = roll("152221", [(p["C"], "service_subsidy", "6217000000000003")])
    p["homes"] = SettlementRoll.objects.create(
        county="152223", catalog="152223", month=MONTH, prepared_at=frozen_now()
    )
    for key in ("D", "M", "N"):
        SettlementLine.objects.create(
            roll=p["homes"],
            facility=home,
            person=p[key],
            item="tekun_basic_living",
            item_name="特困人员基本生活标准",
            days=31,
            amount=Decimal("820.00"),
            basis="测试",
        )
    return p


def test_holds_for_a_roll_name_each_planted_line_and_only_this_rolls(world: dict[str, Any]) -> None:
    holds = holds_for_roll(world["roll"])
    names = {ln.pk: ln.name for ln in PaymentLine.objects.all()}
    assert {(h.check, names[h.line]) for h in holds} == {
        ("paid_after_death", "测试A"),
        ("enrolled_twice", "测试B"),
        ("enrolled_twice", "测试C"),
        ("centralized_and_dispersed", "测试D"),
        ("centralized_and_dispersed", "测试E"),
        ("shared_account", "测试G"),
        ("shared_account", "测试H"),
        ("absent_resident", "测试M"),
    }
    assert len(holds) == 10  # both of B's lines and both of D's
    assert {h.line for h in holds} <= set(world["roll"].lines.values_list("pk", flat=True))
    assert [h.seq for h in holds] == sorted(h.seq for h in holds)
    reasons = {(h.check, names[h.line]): h.reason for h in holds}
    assert (
        reasons[("enrolled_twice", "测试C")]
        == "2026年5月“service_subsidy”在 2 个县发放 2 次（152221、152223）"
    )
    assert reasons[("absent_resident", "测试M")].startswith(
        "入住 音德尔镇敬老院 的老人离院 73 天（超过 30 天）"
    )
    assert reasons[("paid_after_death", "测试A")] == "2026-03-10 已死亡，2026年5月仍发放“gaoling_jintie”"


def test_the_other_county_roll_holds_its_own_duplicate(world: dict[str, Any]) -> None:
    holds = holds_for_roll(world["other"])
    assert [(h.check, h.id_number) for h in holds] == [("enrolled_twice", world["C"].id_number)]


def test_monthly_report_counts_each_check_and_the_command_prints_it(world: dict[str, Any]) -> None:
    report = monthly_report("152223", MONTH)
    counts = {c["check"]: (c["findings"], c["persons"], c["ran"]) for c in report["checks"]}
    assert counts == {
        "paid_after_death": (1, 1, True),
        "enrolled_twice": (3, 2, True),  # the county's rolls only: B twice, C once
        "centralized_and_dispersed": (4, 2, True),  # D's settlement line too
        "resident_and_home_service": (1, 1, True),
        "shared_account": (2, 2, True),
        "absent_resident": (2, 1, True),  # M's payment line and settlement line
    }
    out = io.StringIO()
    call_command("supervise", "report", "--region", "152223", "--month", "2026-05", "--json", stdout=out)
    assert json.loads(out.getvalue())["checks"] == report["checks"]
    out = io.StringIO()
    call_command("supervise", "report", "--region", "152223", "--month", "2026-05", stdout=out)
    text = out.getvalue()
    assert "资金核查：发放明细 17 行" in text
    assert "入住养老机构期间又享受居家服务补贴（resident_and_home_service）：1 行，1 人" in text


def test_leave_days_count_the_longest_absence_reaching_into_the_month() -> None:
    events = [
        {"on": "2026-04-25", "what": "请假离院"},
        {"on": "2026-05-03", "what": "销假回院"},
        {"on": "2026-05-10", "what": "请假离院"},
        {"on": "2026-05-30", "what": "销假回院"},
    ]
    assert leave_days(events, MONTH) == 20
    assert leave_days(events[:3], MONTH) == 22  # not back: to the month's end
    assert leave_days(events[:2], dt.date(2026, 6, 1)) == 0


def test_a_care_home_settlement_holds_the_absent_and_the_doubly_paid(world: dict[str, Any]) -> None:
    holds = holds_for_care_home_settlement(world["homes"])
    lines = {ln.pk: ln.person.name for ln in SettlementLine.objects.select_related("person")}
    assert {(h.check, lines[h.line]) for h in holds} == {
        ("centralized_and_dispersed", "测试D"),  # paid 分散供养 by the roll, 集中供养 to the home
        ("absent_resident", "测试M"),
    }
    assert [h.seq for h in holds] == sorted(h.seq for h in holds)


def test_a_service_settlement_holds_the_line_of_a_resident(world: dict[str, Any]) -> None:
    holds = holds_for_service_settlement(ClaimLine.objects.all(), MONTH)
    assert [(h.check, h.id_number, h.seq) for h in holds] == [
        ("resident_and_home_service", world["F"].id_number, 2)
    ]
