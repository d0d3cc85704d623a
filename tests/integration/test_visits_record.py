"""The visit record over HTTP: scoped person pages, recording (form and JSON), photos, follow-ups, overrides."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import frozen_now
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import mask_name
from yanglao.registry.models import Person
from yanglao.visits.models import Assignment, FollowUp, FollowUpStatus, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
NEIGHBOUR_VILLAGE = "152223100002"  # another community of 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇


def refresh(on: dt.date) -> None:
    from yanglao.visits.actions import do_auto_assign, do_refresh_targets

    do_refresh_targets(None, "152223", on)
    do_auto_assign(None, "152223")


def grid_worker(user: Any | None, village: str = VILLAGE, name: str = "李网格") -> Any:
    from yanglao.visits.models import Visitor, VisitorKind

    return Visitor.objects.create(name=name, kind=VisitorKind.GRID, village_id=village, user=user)


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def people(make_person: Any, visitor: Any, today: dt.date) -> dict[str, Person]:
    """Two targets of the visitor's village (one assigned to the visitor), one of another township."""
    mine = make_person("王秀英", region=VILLAGE, birth=dt.date(1940, 3, 1), living_arrangement="alone")
    other = make_person("赵桂兰", region=VILLAGE, living_arrangement="empty_nest")
    far = make_person("孙玉珍", region=OTHER_VILLAGE, living_arrangement="alone")
    refresh(today - dt.timedelta(days=40))
    me = grid_worker(visitor)
    colleague = grid_worker(None, name="张两委")
    Assignment.objects.filter(ended_at__isnull=True).delete()
    Assignment.objects.create(person=mine, visitor=me)
    Assignment.objects.create(person=other, visitor=colleague)
    return {"mine": mine, "other": other, "far": far}


def form(**extra: Any) -> dict[str, Any]:
    now = frozen_now().replace(second=0, microsecond=0)
    data: dict[str, Any] = {
        "mode": "home",
        "visited_at": f"{now:%Y-%m-%dT%H:%M}",
        "health": "精神尚可，血压偏高",
        "hazards": ["gas", "house"],
        "hazard_note": "燃气灶软管老化",
        "family_support": "儿子每周电话",
        "needs": ["daily_care", "adaptation"],
        "note": "",
        "client_id": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def page(person: Person) -> str:
    return reverse("visits:person", args=[person.pk])


def record_url(person: Person) -> str:
    return reverse("visits:record", args=[person.pk])


def test_the_visitor_opens_the_page_of_a_person_assigned_to_them(
    login: Any, visitor: Any, people: dict[str, Person]
) -> None:
    response = login(visitor).get(page(people["mine"]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "王秀英" in body
    assert "分级：高风险（80周岁及以上且独居、空巢或留守），每周（7天）探访一次" in body
    assert 'id="visit-form"' in body
    assert people["mine"].id_number not in body


def test_the_visitor_gets_a_404_for_an_unassigned_person_of_the_same_village(
    login: Any, visitor: Any, people: dict[str, Person]
) -> None:
    response = login(visitor).get(page(people["other"]))
    posted = login(visitor).post(record_url(people["other"]), form())

    assert response.status_code == 404
    assert posted.status_code == 404
    assert "赵桂兰" not in response.content.decode()
    assert Visit.objects.count() == 0
    assert AuditEvent.objects.filter(action=Action.DENIED, username="visitor").count() == 2


def test_the_outsider_gets_a_404_and_the_attempt_is_audited(
    login: Any, outsider: Any, people: dict[str, Person]
) -> None:
    response = login(outsider).get(page(people["mine"]))

    assert response.status_code == 404
    assert "王秀英" not in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.DENIED, username="outsider").count() == 1


def test_the_outsider_sees_people_of_their_own_township(
    login: Any, outsider: Any, people: dict[str, Person]
) -> None:
    assert login(outsider).get(page(people["far"])).status_code == 200


def test_recording_a_visit_stores_the_findings_and_is_audited(
    login: Any, visitor: Any, people: dict[str, Person], today: dt.date
) -> None:
    response = login(visitor).post(record_url(people["mine"]), form())

    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page(people["mine"]) + "?saved=1"
    assert (visit.person, visit.mode, visit.recorded_by) == (people["mine"], "home", visitor)
    assert visit.visitor is not None
    assert visit.visitor.user == visitor
    assert visit.hazards == ["gas", "house"]
    assert visit.needs == ["daily_care", "adaptation"]
    assert visit.visited_on == today
    event = AuditEvent.objects.get(action=Action.CREATE, username="visitor")
    assert event.summary.startswith("记录探访（上门，")
    assert people["mine"].id_number not in event.summary


def test_a_draft_sent_twice_is_stored_once(login: Any, visitor: Any, people: dict[str, Person]) -> None:
    client = login(visitor)
    data = form(mode="phone")

    first = client.post(record_url(people["mine"]), data, HTTP_ACCEPT="application/json")
    second = client.post(record_url(people["mine"]), data, HTTP_ACCEPT="application/json")

    assert first.json()["ok"]
    assert first.json()["created"]
    assert second.json() == {**first.json(), "created": False}
    assert Visit.objects.count() == 1


def test_an_invalid_visit_answers_400_with_the_reasons(
    login: Any, visitor: Any, people: dict[str, Person]
) -> None:
    future = frozen_now() + dt.timedelta(days=1)
    client = login(visitor)

    as_json = client.post(
        record_url(people["mine"]),
        form(mode="letter", visited_at=f"{future:%Y-%m-%dT%H:%M}"),
        HTTP_ACCEPT="application/json",
    )
    as_html = client.post(record_url(people["mine"]), form(fu_entitlement="on", entitlement=""))

    assert as_json.status_code == 400
    assert set(as_json.json()["errors"]) == {"mode", "visited_at"}
    assert "探访时间不能晚于现在" in as_json.json()["errors"]["visited_at"][0]
    assert as_html.status_code == 400
    assert "请写明哪项待遇未落实" in as_html.content.decode()
    assert Visit.objects.count() == 0


def test_findings_open_follow_ups_and_the_urgent_one_is_due_in_24_hours(
    login: Any, visitor: Any, people: dict[str, Person]
) -> None:
    before = frozen_now()
    data = form(
        fu_assessment="on",
        fu_adaptation="on",
        fu_entitlement="on",
        entitlement="高龄津贴",
        note="本人称今年未收到",
        fu_urgent="on",
        urgent_detail="摔倒后行动困难",
    )

    login(visitor).post(record_url(people["mine"]), data)

    visit = Visit.objects.get()
    kinds = {f.kind: f for f in FollowUp.objects.all()}
    assert set(kinds) == {"assessment", "adaptation", "entitlement", "urgent"}
    assert all(f.visit == visit and f.status == FollowUpStatus.OPEN for f in kinds.values())
    assert kinds["entitlement"].entitlement == "高龄津贴"
    assert list(FollowUp.objects.entitlement_reports()) == [kinds["entitlement"]]
    assert kinds["adaptation"].detail == "燃气、房屋；燃气灶软管老化"
    urgent = kinds["urgent"]
    assert urgent.township is not None
    assert urgent.township.code == "152223100000"
    assert urgent.due_at is not None
    assert dt.timedelta(hours=24) <= urgent.due_at - before < dt.timedelta(hours=24, minutes=1)
    assert not urgent.overdue
    assert AuditEvent.objects.filter(action=Action.CREATE, summary__startswith="探访跟进").count() == 4


def test_an_urgent_follow_up_past_its_24_hours_is_shown_overdue(
    login: Any, visitor: Any, township_user: Any, people: dict[str, Person]
) -> None:
    login(visitor).post(record_url(people["mine"]), form(fu_urgent="on", urgent_detail="独自在家发烧"))
    FollowUp.objects.update(due_at=frozen_now() - dt.timedelta(minutes=1))

    response = login(township_user).get(reverse("visits:followups"))

    assert FollowUp.objects.get().overdue
    assert "已超时" in response.content.decode()


def test_a_caseworker_closes_a_follow_up_and_it_is_audited(
    login: Any, visitor: Any, township_user: Any, people: dict[str, Person]
) -> None:
    login(visitor).post(record_url(people["mine"]), form(fu_assessment="on"))
    followup = FollowUp.objects.get()
    client = login(township_user)

    response = client.post(
        reverse("visits:followup-close", args=[followup.pk]),
        {"resolution": "已预约评估", "next": "https://evil.example/"},
    )

    followup.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:followups")  # never an outside address
    assert (followup.status, followup.resolution, followup.closed_by) == (
        "closed",
        "已预约评估",
        township_user,
    )
    assert AuditEvent.objects.filter(action=Action.CHANGE, summary__startswith="办结探访跟进").exists()


def test_a_visitor_cannot_close_follow_ups(login: Any, visitor: Any, people: dict[str, Person]) -> None:
    login(visitor).post(record_url(people["mine"]), form(fu_assessment="on"))
    followup = FollowUp.objects.get()

    response = login(visitor).post(reverse("visits:followup-close", args=[followup.pk]), {"resolution": "x"})

    assert response.status_code == 403
    assert FollowUp.objects.get().status == "open"


def test_the_photo_is_stored_and_shown_only_to_scoped_users(
    login: Any, visitor: Any, outsider: Any, township_user: Any, people: dict[str, Person]
) -> None:
    photo = SimpleUploadedFile("gas.png", PNG, content_type="image/png")
    login(visitor).post(record_url(people["mine"]), {**form(), "photo": photo})
    visit = Visit.objects.get()
    url = reverse("visits:photo", args=[visit.pk])

    own = login(visitor).get(url)
    township = login(township_user).get(url)
    foreign = login(outsider).get(url)

    assert str(visit.photo.name).startswith("visits/")
    assert b"".join(own.streaming_content) == PNG
    assert township.status_code == 200
    assert own["Cache-Control"] == "private, no-store"
    assert foreign.status_code == 404
    assert AuditEvent.objects.filter(action=Action.VIEW, summary__startswith="查看探访照片").count() == 2


def test_a_photo_that_is_not_an_image_is_refused(login: Any, visitor: Any, people: dict[str, Person]) -> None:
    script = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")

    response = login(visitor).post(
        record_url(people["mine"]), {**form(), "photo": script}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert "photo" in response.json()["errors"]


def test_the_auditor_reads_but_cannot_record(login: Any, auditor: Any, people: dict[str, Person]) -> None:
    client = login(auditor)

    shown = client.get(page(people["mine"]))
    posted = client.post(record_url(people["mine"]), form())

    assert shown.status_code == 200
    assert mask_name("王秀英") in shown.content.decode()  # masked for a role without sensitive access
    assert "王秀英" not in shown.content.decode()
    assert "高风险（80周岁" not in shown.content.decode()  # the reasons are sensitive too
    assert 'id="visit-form"' not in shown.content.decode()
    assert posted.status_code == 403
    assert Visit.objects.count() == 0


def test_care_home_staff_see_no_visits(login: Any, people: dict[str, Person]) -> None:
    from yanglao.accounts.models import User

    staff = User.objects.create_user(
        username="home", password="Yl-tests-2024!", role="carehome_staff", region_id="152223"
    )

    assert login(staff).get(page(people["mine"])).status_code == 403
    assert login(staff).get(reverse("visits:index")).status_code == 403


def test_a_caseworker_overrides_the_assignment_and_it_is_kept_and_audited(
    login: Any, township_user: Any, visitor: Any, people: dict[str, Person]
) -> None:
    from yanglao.visits.actions import do_auto_assign

    colleague = Assignment.objects.get(person=people["other"]).visitor

    response = login(township_user).post(
        reverse("visits:assign", args=[people["mine"].pk]), {"visitor": colleague.pk, "note": "就近就熟"}
    )
    do_auto_assign(None, "152223")

    current = Assignment.objects.get(person=people["mine"], ended_at__isnull=True, role="primary")
    assert response.status_code == 302
    assert (current.visitor, current.manual, current.assigned_by) == (colleague, True, township_user)
    assert (
        AuditEvent.objects.filter(action=Action.CHANGE, summary__startswith="人工指定探访人员").count() == 1
    )
    assert login(visitor).get(page(people["mine"])).status_code == 404  # no longer the visitor's person


def test_a_visitor_of_another_village_cannot_be_assigned(
    login: Any, township_user: Any, people: dict[str, Person]
) -> None:
    far_worker = grid_worker(None, village="152223100002", name="外村网格员")

    response = login(township_user).post(
        reverse("visits:assign", args=[people["mine"].pk]), {"visitor": far_worker.pk, "note": "x"}
    )

    assert response.status_code == 404
    assert not Assignment.objects.filter(visitor=far_worker).exists()


def test_a_visitor_cannot_override_assignments(login: Any, visitor: Any, people: dict[str, Person]) -> None:
    me = Assignment.objects.get(person=people["mine"]).visitor

    response = login(visitor).post(
        reverse("visits:assign", args=[people["mine"].pk]), {"visitor": me.pk, "note": "x"}
    )

    assert response.status_code == 403
