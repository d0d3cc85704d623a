"""Issue 10 item 1: an import touches only the uploader's people, and is labelled with a registered
department the uploader may import for. The audit's attacks, from a township caseworker of 音德尔镇
against a person of 新林镇."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import make_id_number
from yanglao.registry.importscope import MOVE_REFUSED, OUT_OF_SCOPE
from yanglao.registry.models import ImportBatch, Person

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇 (the uploader's township)
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇
NOBODY = make_id_number("152223", dt.date(1941, 2, 3), 771)  # registered nowhere

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_imports(settings: Any) -> None:
    settings.IMPORT_INLINE = True


@pytest.fixture
def stranger(make_person: Any) -> Person:
    """A person of 新林镇: outside the township caseworker's scope."""
    return make_person("李桂兰", region=OTHER_VILLAGE, phone="13900000001", address="新林镇解放社区1号")


def upload(client: Any, text: str, source: str = "minzheng") -> dict[str, Any]:
    """Upload ``text`` as a CSV; the finished job's result (the counts the uploader is shown)."""
    file = SimpleUploadedFile("feed.csv", text.encode("utf-8"))
    started = client.post(reverse("import-upload"), {"file": file, "source": source})
    assert started.status_code == 200, started.content.decode()
    progress = client.get(started.json()["progress"]).json()
    assert progress["finished"] is True
    return dict(progress["result"])


def report(client: Any, result: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The error report's (line, field, reason) rows."""
    from openpyxl import load_workbook

    response = client.get(result["report"])
    rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    return [(line, field, reason) for line, _id_tail, _name, field, reason in rows]


def counts(result: dict[str, Any]) -> tuple[int, int, int, int]:
    return (result["created"], result["updated"], result["unchanged"], result["errors"])


# --- the audit's attacks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "feed",
    [
        "id_number,address,phone\n{ident},音德尔镇某处,13811112222\n",
        "id_number,death_date\n{ident},2026-06-01\n",
        "id_number,residence_region\n{ident}," + VILLAGE + "\n",
        "id_number,hukou_region,residence_region\n{ident}," + VILLAGE + "," + VILLAGE + "\n",
    ],
    ids=["address-phone", "death-date", "pull-in-residence", "pull-in-both"],
)
def test_a_row_for_another_townships_person_is_an_error_and_changes_nothing(
    login: Any, township_user: Any, stranger: Person, feed: str
) -> None:
    client = login(township_user)

    result = upload(client, feed.format(ident=stranger.id_number))

    assert counts(result) == (0, 0, 0, 1)
    assert report(client, result) == [(2, "公民身份号码", OUT_OF_SCOPE)]
    after = Person.objects.get(pk=stranger.pk)
    assert (after.address, after.phone, after.death_date) == ("新林镇解放社区1号", "13900000001", None)
    assert (after.residence_region, after.hukou_region) == (OTHER_VILLAGE, OTHER_VILLAGE)
    assert not after.changes.exists()


@pytest.mark.parametrize(
    "columns",
    [
        "id_number,address,phone\n{ident},某处,13811112222\n",
        "id_number,residence_region\n{ident}," + OTHER_VILLAGE + "\n",
    ],
    ids=["no-region", "other-townships-region"],
)
def test_a_registered_and_an_unregistered_id_number_give_the_same_answer(
    login: Any, township_user: Any, stranger: Person, columns: str
) -> None:
    client = login(township_user)

    existing = upload(client, columns.format(ident=stranger.id_number))
    nowhere = upload(client, columns.format(ident=NOBODY))

    assert counts(existing) == counts(nowhere) == (0, 0, 0, 1)
    assert {k: v for k, v in existing.items() if k not in ("batch", "report", "shown")} == {
        k: v for k, v in nowhere.items() if k not in ("batch", "report", "shown")
    }
    # the errors shown differ only by the ID number the file itself held
    assert [{**e, "id_tail": ""} for e in existing["shown"]] == [
        {**e, "id_tail": ""} for e in nowhere["shown"]
    ]
    assert report(client, existing) == report(client, nowhere) == [(2, "公民身份号码", OUT_OF_SCOPE)]
    assert not Person.objects.filter(id_number=NOBODY).exists()


def test_rows_for_registered_outsiders_are_audited_as_refused(
    login: Any, township_user: Any, stranger: Person
) -> None:
    upload(
        login(township_user), f"id_number,death_date\n{stranger.id_number},2026-06-01\n{NOBODY},2026-06-01\n"
    )

    event = AuditEvent.objects.get(action=Action.DENIED)
    assert event.summary == "导入 feed.csv（旗民政局）：1 行涉及管辖区域外的人员，已拒绝"
    assert stranger.id_number not in json.dumps(event.detail) + event.summary


def test_a_new_person_inside_the_scope_is_created(login: Any, township_user: Any) -> None:
    result = upload(login(township_user), f"id_number,name,residence_region\n{NOBODY},新来的,{VILLAGE}\n")

    assert counts(result) == (1, 0, 0, 0)
    assert Person.objects.get(id_number=NOBODY).residence_region == VILLAGE


def test_the_own_townships_person_is_updated(login: Any, township_user: Any, make_person: Any) -> None:
    own = make_person("王秀英", region=VILLAGE)

    result = upload(login(township_user), f"id_number,death_date\n{own.id_number},2026-06-01\n")

    assert counts(result) == (0, 1, 0, 0)
    assert Person.objects.get(pk=own.pk).death_date == dt.date(2026, 6, 1)


# --- moving a person between places -------------------------------------------------------------


def test_moving_an_own_person_out_of_the_township_needs_a_user_who_sees_both_places(
    login: Any, township_user: Any, county_user: Any, make_person: Any
) -> None:
    own = make_person("王秀英", region=VILLAGE)
    feed = f"id_number,residence_region\n{own.id_number},{OTHER_VILLAGE}\n"
    client = login(township_user)

    refused = upload(client, feed)

    assert counts(refused) == (0, 0, 0, 1)
    assert report(client, refused) == [(2, "常住地区划代码", MOVE_REFUSED)]
    assert Person.objects.get(pk=own.pk).residence_region == VILLAGE
    moved = upload(login(county_user), feed)  # the county sees both townships
    assert counts(moved) == (0, 1, 0, 0)
    assert Person.objects.get(pk=own.pk).residence_region == OTHER_VILLAGE


def test_a_person_seen_through_the_hukou_cannot_have_the_residence_moved_in(
    login: Any, township_user: Any, make_person: Any
) -> None:
    half = make_person("赵玉兰", hukou_region=VILLAGE, residence_region=OTHER_VILLAGE)
    client = login(township_user)

    result = upload(client, f"id_number,residence_region\n{half.id_number},{VILLAGE}\n")

    assert report(client, result) == [(2, "常住地区划代码", MOVE_REFUSED)]
    assert Person.objects.get(pk=half.pk).residence_region == OTHER_VILLAGE


# --- departments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("旗民政局（其实是我）", "数据来源“旗民政局（其实是我）”不是已登记的部门"),
        ("gongan", "您的角色不能以“旗公安局”的名义导入数据"),
    ],
    ids=["free-text", "not-allowed-for-the-role"],
)
def test_a_source_that_is_not_a_department_the_user_may_import_for_is_refused(
    login: Any, township_user: Any, settings: Any, source: str, reason: str
) -> None:
    file = SimpleUploadedFile("feed.csv", f"id_number,name\n{NOBODY},某人\n".encode())

    response = login(township_user).post(reverse("import-upload"), {"file": file, "source": source})

    assert response.status_code == 400
    assert response.json()["error"].startswith(reason)
    assert not ImportBatch.objects.exists()
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.summary.startswith(f"上传 feed.csv 被拒绝：{reason}")
    uploads = Path(settings.HOME) / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_the_import_page_offers_only_the_departments_the_role_may_import_for(
    login: Any, township_user: Any, county_user: Any
) -> None:
    township = login(township_user).get(reverse("import")).content.decode()
    county = login(county_user).get(reverse("import")).content.decode()

    assert '<option value="minzheng">旗民政局</option>' in township
    assert "旗公安局" not in township
    assert '<option value="gongan">旗公安局</option>' in county


def run(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    try:
        call_command("import", "persons", *args, "--json", stdout=out)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, json.loads(out.getvalue())


def test_the_command_refuses_a_source_that_is_not_a_registered_department(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(f"id_number,name\n{NOBODY},某人\n", encoding="utf-8")

    status, result = run(str(path), "--source", "某某科")

    assert status == 1
    assert result["errors"][0]["field"] == "（数据来源）"
    assert result["errors"][0]["reason"].startswith("数据来源“某某科”不是已登记的部门（已登记：")
    assert not Person.objects.exists()
    assert AuditEvent.objects.get(action=Action.IMPORT).summary.startswith("导入 feed.csv（某某科）失败：")


def test_the_command_run_for_a_user_keeps_to_the_users_scope(
    tmp_path: Path, township_user: Any, stranger: Person
) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(f"id_number,death_date\n{stranger.id_number},2026-06-01\n", encoding="utf-8")

    status, result = run(str(path), "--source", "旗民政局", "--user", "township")

    assert status == 1
    assert (result["updated"], result["errors"]) == (
        0,
        [{"line": 2, "field": "id_number", "reason": OUT_OF_SCOPE}],
    )
    assert Person.objects.get(pk=stranger.pk).death_date is None
    status, result = run(str(path), "--source", "旗民政局")  # the operator's own import: anyone
    assert (status, result["updated"]) == (0, 1)
