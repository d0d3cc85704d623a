"""The import page: upload a department file, poll the progress, download the error report as XLSX."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yanglao.core.idnumber import make_id_number
from yanglao.registry.history import person_changes
from yanglao.registry.models import BatchStatus, ImportBatch, Person

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
WANG = make_id_number("152223", dt.date(1950, 3, 1), 602)
ZHANG = make_id_number("152223", dt.date(1944, 7, 1), 603)
ZHAO = make_id_number("152223", dt.date(1950, 3, 1), 604)
BAD_CHECK = WANG[:17] + ("0" if WANG[17] != "0" else "1")

FEED = (
    "公民身份号码,姓名,出生日期,居住状况,常住地区划代码\n"
    f"{WANG},王秀英,,独居,{VILLAGE}\n"
    f"{BAD_CHECK},李建国,,空巢,{VILLAGE}\n"
    f"{ZHANG},张福,,与子女等同住,{VILLAGE}\n"
    f"{ZHAO},赵玉兰,1950-03-02,独自居住,{VILLAGE}\n"
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_imports(settings: Any) -> None:
    settings.IMPORT_INLINE = True


def upload(client: Any, text: str = FEED, name: str = "旗民政局.csv", **fields: str) -> Any:
    fields.setdefault("source", "minzheng")
    data = {"file": SimpleUploadedFile(name, text.encode("gb18030")), **fields}
    return client.post(reverse("import-upload"), data)


def test_the_township_caseworker_sees_the_import_page(login: Any, township_user: Any) -> None:
    response = login(township_user).get(reverse("import"))

    assert response.status_code == 200
    assert "部门数据导入" in response.content.decode()


@pytest.mark.parametrize("role", ["visitor", "auditor"])
def test_a_user_who_may_not_import_gets_a_403(login: Any, role: str, request: Any) -> None:
    client = login(request.getfixturevalue(role))

    assert client.get(reverse("import")).status_code == 403
    assert upload(client).status_code == 403
    assert not Person.objects.exists()


def test_an_upload_reports_its_progress_as_finished_with_counts(login: Any, township_user: Any) -> None:
    client = login(township_user)

    started = upload(client, source="旗民政局").json()
    progress = client.get(started["progress"]).json()

    assert progress["finished"] is True
    assert (progress["done"], progress["total"]) == (4, 4)
    result = progress["result"]
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 0, 0)
    assert (result["errors"], result["conflicts"], result["rejected"]) == (3, 0, False)
    batch = ImportBatch.objects.get()
    assert result["batch"] == batch.pk
    assert result["report"] == reverse("import-errors", args=[batch.pk])
    assert (batch.source, batch.filename, batch.user_id) == ("旗民政局", "旗民政局.csv", township_user.pk)
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张福", "王秀英"]
    assert person_changes(Person.objects.get(id_number=WANG))[0].actor_id == township_user.pk


def test_the_error_report_downloads_as_a_spreadsheet_with_the_bad_rows(
    login: Any, township_user: Any
) -> None:
    from openpyxl import load_workbook

    client = login(township_user)
    started = upload(client).json()
    report = client.get(started["progress"]).json()["result"]["report"]

    response = client.get(report)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行号", "身份证号后4位", "姓名", "字段", "原因")
    assert [row[:4] for row in rows[1:]] == [
        (3, BAD_CHECK[-4:], "李建国", "公民身份号码"),
        (5, ZHAO[-4:], "赵玉兰", "居住状况"),
        (5, ZHAO[-4:], "赵玉兰", "出生日期"),
    ]
    assert rows[1][4].startswith("校验码错误")
    assert BAD_CHECK not in str(rows)
    assert ZHAO not in str(rows)


def test_a_clean_upload_has_no_error_report(login: Any, township_user: Any) -> None:
    client = login(township_user)

    started = upload(
        client, f"id_number,name,residence_region\n{WANG},王秀英,{VILLAGE}\n", "clean.csv"
    ).json()

    result = client.get(started["progress"]).json()["result"]
    assert (result["created"], result["errors"], result["report"]) == (1, 0, None)


def test_all_or_nothing_from_the_page_imports_none(login: Any, township_user: Any) -> None:
    client = login(township_user)

    started = upload(client, all_or_nothing="on").json()

    result = client.get(started["progress"]).json()["result"]
    assert (result["created"], result["rejected"]) == (0, True)
    assert not Person.objects.exists()
    assert ImportBatch.objects.get().status == BatchStatus.REJECTED


def test_an_xlsx_upload_is_imported(login: Any, township_user: Any) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id_number", "name", "hukou_region"])
    book.active.append([WANG, "王秀英", VILLAGE])
    buffer = io.BytesIO()
    book.save(buffer)
    client = login(township_user)

    started = client.post(
        reverse("import-upload"),
        {"file": SimpleUploadedFile("feed.xlsx", buffer.getvalue()), "source": "minzheng"},
    ).json()

    assert client.get(started["progress"]).json()["result"]["created"] == 1
    assert Person.objects.get().name == "王秀英"


def test_a_file_of_another_type_is_refused(login: Any, township_user: Any) -> None:
    response = upload(login(township_user), name="feed.docx")

    assert response.status_code == 400
    assert "不支持的文件类型“.docx”" in response.json()["error"]
    assert not ImportBatch.objects.exists()


def test_an_upload_leaves_no_file_behind(login: Any, township_user: Any, settings: Any) -> None:
    upload(login(township_user))

    uploads = settings.HOME / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_the_outsider_gets_a_404_on_someone_elses_progress_and_report(
    login: Any, township_user: Any, outsider: Any, client: Any
) -> None:
    started = upload(login(township_user)).json()
    report = client.get(started["progress"]).json()["result"]["report"]

    client.force_login(outsider)

    assert client.get(started["progress"]).status_code == 404
    assert client.get(report).status_code == 404


def test_the_import_page_lists_the_users_own_batches(login: Any, township_user: Any, outsider: Any) -> None:
    upload(login(township_user), name="音德尔镇.csv")

    mine = login(township_user).get(reverse("import")).content.decode()
    theirs = login(outsider).get(reverse("import")).content.decode()

    assert "音德尔镇.csv" in mine
    assert "音德尔镇.csv" not in theirs
