"""Issue 11, items 4 and 7: the follow-ups' order and filters; the monthly plan and the overdue list for
field work (village filter, XLSX with region names, address and phone by role, one audit event)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import frozen_now
from tests.integration.test_visits_lists import OTHER_VILLAGE, SECOND_VILLAGE, VILLAGE, world  # noqa: F401
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import HIDDEN
from yanglao.regions.models import Region
from yanglao.registry.models import Person
from yanglao.visits.actions import do_make_plans
from yanglao.visits.models import FollowUp

pytestmark = [pytest.mark.django_db]

TOWNSHIP = "152223100000"  # 音德尔镇
OTHER_TOWNSHIP = "152223101000"  # 新林镇


def followup(person: Person, kind: str, hours_ago: int, **fields: Any) -> FollowUp:
    return FollowUp.objects.create(
        person=person,
        kind=kind,
        opened_at=frozen_now() - dt.timedelta(hours=hours_ago),
        township_id=(person.residence_region or "")[:9] + "000",
        **fields,
    )


@pytest.fixture
def followups(world: dict[str, Any]) -> dict[str, FollowUp]:  # noqa: F811
    now = frozen_now()
    return {
        # opened long ago, no deadline: SQLite puts NULL deadlines first when nobody says otherwise
        "assess_old": followup(world["b"], "assessment", 72),
        "assess_new": followup(world["c"], "assessment", 1),
        "entitled": followup(world["e"], "entitlement", 5, entitlement="高龄津贴"),
        "urgent_late": followup(
            world["a"], "urgent", 30, due_at=now - dt.timedelta(hours=6), detail="老人摔倒"
        ),
        "urgent_due": followup(world["d"], "urgent", 2, due_at=now + dt.timedelta(hours=22)),
        "closed": followup(
            world["a"],
            "adaptation",
            200,
            status="closed",
            closed_at=now - dt.timedelta(days=1),
            resolution="已转介",
        ),
        "far": followup(world["f"], "urgent", 40, due_at=now - dt.timedelta(hours=10)),
    }


def listed(client: Any, **query: str) -> list[int]:
    response = client.get(reverse("visits:followups"), query)
    assert response.status_code == 200
    return [f.pk for f in response.context["page"].object_list]


def test_overdue_then_urgent_then_by_deadline_with_none_last_then_newest(
    login: Any, township_user: Any, followups: dict[str, FollowUp]
) -> None:
    pks = listed(login(township_user))

    f = followups
    assert pks == [
        f["urgent_late"].pk,
        f["urgent_due"].pk,
        f["assess_new"].pk,
        f["entitled"].pk,
        f["assess_old"].pk,
    ]


def test_all_states_put_the_closed_last(login: Any, county_user: Any, followups: dict[str, FollowUp]) -> None:
    pks = listed(login(county_user), status="all")

    assert pks[:2] == [followups["far"].pk, followups["urgent_late"].pk]  # overdue: the older deadline first
    assert pks[-1] == followups["closed"].pk


def test_the_filters_by_state_kind_township_and_village(
    login: Any, county_user: Any, followups: dict[str, FollowUp]
) -> None:
    client = login(county_user)
    f = followups

    assert listed(client, status="overdue") == [f["far"].pk, f["urgent_late"].pk]
    assert listed(client, status="closed") == [f["closed"].pk]
    assert listed(client, kind="urgent") == [f["far"].pk, f["urgent_late"].pk, f["urgent_due"].pk]
    assert set(listed(client, township=OTHER_TOWNSHIP)) == {f["far"].pk}
    assert listed(client, village=SECOND_VILLAGE) == [f["entitled"].pk]
    assert set(listed(client, township=TOWNSHIP, village=VILLAGE)) == {
        f["urgent_late"].pk,
        f["urgent_due"].pk,
        f["assess_new"].pk,
        f["assess_old"].pk,
    }
    assert listed(client, kind="assessment", village=SECOND_VILLAGE) == []


def test_a_filter_outside_the_scope_lists_nobody(
    login: Any, outsider: Any, followups: dict[str, FollowUp]
) -> None:
    assert listed(login(outsider), township=TOWNSHIP, status="all") == []
    assert listed(login(outsider)) == [followups["far"].pk]


def test_the_filter_offers_the_scopes_townships_and_the_chosen_townships_villages(
    login: Any, township_user: Any, followups: dict[str, FollowUp]
) -> None:
    response = login(township_user).get(reverse("visits:followups"))

    choices = response.context["choices"]
    assert [code for code, _ in choices.townships] == [TOWNSHIP]
    assert {VILLAGE, SECOND_VILLAGE} <= {code for code, _ in choices.villages}
    assert all(code.startswith(TOWNSHIP[:9]) for code, _ in choices.villages)
    assert "龙腾社区" in response.content.decode()


def test_the_pages_keep_the_filters(login: Any, county_user: Any, world: dict[str, Any]) -> None:  # noqa: F811
    for i in range(105):
        followup(world["b"], "assessment", i)
    followup(world["f"], "assessment", 1)
    client = login(county_user)

    first = client.get(reverse("visits:followups"), {"kind": "assessment", "village": VILLAGE})
    second = client.get(reverse("visits:followups"), {"kind": "assessment", "village": VILLAGE, "page": 2})

    assert first.context["page"].paginator.count == 105
    assert len(first.context["page"].object_list) == 100
    assert len(second.context["page"].object_list) == 5
    assert (
        "status=open&amp;kind=assessment&amp;township=152223100000&amp;village=152223100001&amp;page=2"
        in (first.content.decode())
    )


# --- the monthly plan and the overdue list for field work ------------------------------------------


@pytest.fixture
def planned(world: dict[str, Any], today: dt.date) -> dict[str, Any]:  # noqa: F811
    do_make_plans(None, "152223", today.year, today.month)
    Person.objects.filter(pk=world["d"].pk).update(address="龙腾社区5组8号", phone="13800001234")
    return world


def sheet_rows(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_plan_filters_by_village(login: Any, township_user: Any, planned: dict[str, Any]) -> None:
    client = login(township_user)

    everyone = {r.person_pk for r in client.get(reverse("visits:plans")).context["rows"]}
    second = client.get(reverse("visits:plans"), {"village": SECOND_VILLAGE}).context["rows"]

    assert planned["e"].pk in everyone
    assert {r.person_pk for r in second} == {planned["e"].pk}


def test_a_caseworkers_plan_sheet_has_region_names_address_and_the_full_phone(
    login: Any, township_user: Any, planned: dict[str, Any]
) -> None:
    response = login(township_user).get(reverse("visits:plans"), {"format": "xlsx", "village": VILLAGE})

    rows = sheet_rows(response)
    ding = next(r for r in rows if r["老年人"] == "丁")
    assert (ding["乡镇（街道）"], ding["村（社区）"]) == ("音德尔镇", "龙腾社区")
    assert (ding["居住地址"], ding["联系电话"]) == ("龙腾社区5组8号", "13800001234")
    assert planned["d"].id_number not in {v for r in rows for v in r.values()}
    assert {r["村（社区）"] for r in rows} == {"龙腾社区"}
    people = len({r["公民身份号码"] for r in rows})
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.object_id, event.detail["people"], event.detail["full_phone"]) == ("plans", people, True)
    assert event.detail["rows"] == len(rows)
    assert f"{people} 人" in event.summary


def test_an_auditors_plan_sheet_masks_the_phone_and_hides_the_address(
    login: Any, auditor: Any, planned: dict[str, Any]
) -> None:
    rows = sheet_rows(login(auditor).get(reverse("visits:plans"), {"format": "xlsx"}))

    ding = next(r for r in rows if r["公民身份号码"] == mask_id_number(planned["d"].id_number))
    assert (ding["居住地址"], ding["联系电话"]) == (HIDDEN, "138****1234")
    assert {r["居住地址"] for r in rows} == {HIDDEN, None}  # an empty address stays empty
    assert AuditEvent.objects.get(action=Action.EXPORT).detail["full_phone"] is False


def test_the_overdue_sheet_names_the_region_and_gives_address_and_phone_by_role(
    login: Any, county_user: Any, auditor: Any, planned: dict[str, Any]
) -> None:
    full = sheet_rows(login(county_user).get(reverse("visits:overdue"), {"format": "xlsx"}))
    masked = sheet_rows(login(auditor).get(reverse("visits:overdue"), {"format": "xlsx"}))

    ding = next(r for r in full if r["姓名"] == "丁")
    assert (ding["乡镇（街道）"], ding["村（社区）"], ding["居住地址"], ding["联系电话"]) == (
        "音德尔镇",
        "龙腾社区",
        "龙腾社区5组8号",
        "13800001234",
    )
    assert len(masked) == len(full) > 1
    assert {r["联系电话"] for r in masked} == {"138****1234", "139****5678"}
    assert {r["居住地址"] for r in masked} == {HIDDEN, None}
    events = list(AuditEvent.objects.filter(action=Action.EXPORT).order_by("pk"))
    assert [(e.username, e.detail["people"]) for e in events] == [
        ("county", len(full)),
        ("auditor", len(masked)),
    ]
    assert Region.objects.get(code=VILLAGE).name == "龙腾社区"


def test_the_overdue_list_filters_by_village(login: Any, county_user: Any, planned: dict[str, Any]) -> None:
    client = login(county_user)

    second = client.get(reverse("visits:overdue"), {"village": SECOND_VILLAGE}).context["page"].object_list
    sheet = sheet_rows(client.get(reverse("visits:overdue"), {"village": VILLAGE, "format": "xlsx"}))

    village = Region.objects.get(code=SECOND_VILLAGE).name
    assert [(r.person_pk, r.township, r.village) for r in second] == [(planned["e"].pk, "音德尔镇", village)]
    assert {r["村（社区）"] for r in sheet} == {"龙腾社区"}
