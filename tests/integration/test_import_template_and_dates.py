"""The web import's data date, its per-department template, dates as Excel writes them, and the errors
on the page naming whose row (the ID number's last 4 characters and the name)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import make_id_number
from yanglao.registry.models import ImportBatch, Person

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
WANG = make_id_number("152223", dt.date(1946, 6, 6), 702)
LI = make_id_number("152223", dt.date(1944, 7, 1), 703)
BAD_LI = LI[:17] + ("0" if LI[17] != "0" else "1")  # a wrong check character

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_imports(settings: Any) -> None:
    settings.IMPORT_INLINE = True


def upload(client: Any, content: bytes, name: str = "民政.csv", **fields: str) -> Any:
    fields.setdefault("source", "minzheng")
    return client.post(reverse("import-upload"), {"file": SimpleUploadedFile(name, content), **fields})


def finished(client: Any, response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    result: dict[str, Any] = client.get(response.json()["progress"]).json()["result"]
    return result


# --- the data date ---------------------------------------------------------------------------------


def test_the_page_offers_today_as_the_data_date_and_no_later(
    login: Any, township_user: Any, today: dt.date
) -> None:
    page = login(township_user).get(reverse("import")).content.decode()

    assert f'name="as_of" value="{today:%Y-%m-%d}" max="{today:%Y-%m-%d}"' in page
    assert "数据日期" in page


def test_the_data_date_defaults_to_today(login: Any, township_user: Any, today: dt.date) -> None:
    client = login(township_user)

    finished(
        client,
        upload(client, f"公民身份号码,姓名,常住地区划代码\n{WANG},王秀英,{VILLAGE}\n".encode(), as_of=""),
    )

    assert ImportBatch.objects.get().as_of == today


def test_a_data_date_in_the_past_is_the_batchs(login: Any, township_user: Any, today: dt.date) -> None:
    client = login(township_user)
    last_month = today - dt.timedelta(days=30)

    finished(
        client,
        upload(
            client,
            f"公民身份号码,姓名,常住地区划代码\n{WANG},王秀英,{VILLAGE}\n".encode(),
            as_of=f"{last_month}",
        ),
    )

    assert ImportBatch.objects.get().as_of == last_month


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("tomorrow", "晚于今天"),
        ("2026-02-30", "无效"),
        ("1926-06-17", "早于 2000-01-01"),
        ("下个月", "无效"),
    ],
)
def test_a_data_date_in_the_future_or_not_a_date_is_refused(
    login: Any, township_user: Any, today: dt.date, given: str, reason: str
) -> None:
    client = login(township_user)
    as_of = f"{today + dt.timedelta(days=1)}" if given == "tomorrow" else given

    response = upload(client, f"公民身份号码,姓名\n{WANG},王秀英\n".encode(), as_of=as_of)

    assert response.status_code == 400
    assert "数据日期" in response.json()["error"]
    assert reason in response.json()["error"]
    assert not ImportBatch.objects.exists()
    assert AuditEvent.objects.filter(action=Action.IMPORT, summary__contains="被拒绝").exists()


def test_the_later_data_date_wins_and_the_earlier_becomes_a_conflict(
    login: Any, township_user: Any, today: dt.date
) -> None:
    from yanglao.registry.models import Conflict

    client = login(township_user)
    feed = "公民身份号码,姓名,常住地区划代码,居住状况\n{id},王秀英,{village},{living}\n"
    finished(
        client,
        upload(client, feed.format(id=WANG, village=VILLAGE, living="独居").encode(), as_of=f"{today}"),
    )
    earlier = today - dt.timedelta(days=60)

    finished(
        client,
        upload(
            client,
            feed.format(id=WANG, village=VILLAGE, living="空巢").encode(),
            name="老龄办.csv",
            source="laolingban",
            as_of=f"{earlier}",
        ),
    )

    assert Person.objects.get().living_arrangement == "alone"
    conflict = Conflict.objects.get()
    assert (conflict.field, conflict.proposed_value, conflict.proposed_as_of) == (
        "living_arrangement",
        "empty_nest",
        earlier,
    )


# --- dates as Excel writes them -------------------------------------------------------------------


def test_dates_as_excel_writes_them_are_imported_from_csv(login: Any, township_user: Any) -> None:
    client = login(township_user)
    feed = (
        "公民身份号码,姓名,出生日期,能力评估日期,常住地区划代码\n"
        f"{WANG},王秀英,1946/6/6,2026年5月6日,{VILLAGE}\n"
        f"{LI},李建国,16254,45000,{VILLAGE}\n"  # Excel serial numbers: 1944-07-01 and 2023-03-15
    )

    result = finished(client, upload(client, feed.encode("gb18030")))

    assert (result["created"], result["errors"]) == (2, 0)
    wang, li = Person.objects.get(id_number=WANG), Person.objects.get(id_number=LI)
    assert (wang.birth_date, wang.ability_assessed_on) == (dt.date(1946, 6, 6), dt.date(2026, 5, 6))
    assert (li.birth_date, li.ability_assessed_on) == (dt.date(1944, 7, 1), dt.date(2023, 3, 15))


def test_excel_serial_numbers_in_xlsx_cells_are_imported(login: Any, township_user: Any) -> None:
    book = Workbook()
    book.active.append(["公民身份号码", "姓名", "出生日期", "能力评估日期", "常住地区划代码"])
    book.active.append([WANG, "王秀英", 16959, "2026-5-6", VILLAGE])
    buffer = io.BytesIO()
    book.save(buffer)
    client = login(township_user)

    result = finished(client, upload(client, buffer.getvalue(), name="民政.xlsx"))

    assert (result["created"], result["errors"]) == (1, 0)
    assert Person.objects.get().birth_date == dt.date(1946, 6, 6)


# --- the errors on the page -------------------------------------------------------------------------


def test_the_page_lists_the_errors_with_whose_row_and_the_field_in_chinese(
    login: Any, township_user: Any
) -> None:
    client = login(township_user)
    feed = (
        "公民身份号码,姓名,居住状况,出生日期,常住地区划代码\n"
        f"{WANG},王秀英,独自居住,1946,{VILLAGE}\n"
        f"{BAD_LI},李建国,独居,,{VILLAGE}\n"
    )

    result = finished(client, upload(client, feed.encode()))

    assert result["errors"] == 3
    assert [(e["line"], e["id_tail"], e["name"], e["field"]) for e in result["shown"]] == [
        (2, WANG[-4:], "王秀英", "居住状况"),
        (2, WANG[-4:], "王秀英", "出生日期"),
        (3, BAD_LI[-4:], "李建国", "公民身份号码"),
    ]
    assert "只有年份“1946”" in result["shown"][1]["reason"]
    assert "report" in result
    assert isinstance(result["report"], str)


# --- the template -----------------------------------------------------------------------------------


def template(client: Any, code: str) -> Any:
    return client.get(reverse("import"), {"template": code})


def test_each_department_has_its_template_with_its_columns_a_sample_row_and_notes(
    login: Any, county_user: Any
) -> None:
    client = login(county_user)

    response = template(client, "canlian")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["数据", "填写说明"]
    rows = list(book["数据"].iter_rows(values_only=True))
    assert rows[0] == ("公民身份号码", "姓名", "残疾等级", "残疾类别")
    assert rows[1][1] == "张三（示例）"
    assert str(rows[1][0]).startswith("999999")
    notes = "\n".join(str(c) for row in book["填写说明"].iter_rows(values_only=True) for c in row if c)
    assert "旗残联" in notes
    assert "视力、听力" in notes
    assert "第 2 行是示例" in notes
    police = load_workbook(io.BytesIO(template(client, "gongan").content))["数据"]
    assert [c.value for c in police[1]][:6] == [
        "公民身份号码",
        "姓名",
        "性别",
        "出生日期",
        "户籍地区划代码",
        "常住地区划代码",
    ]


def test_a_template_filled_in_as_its_sample_says_imports_and_the_sample_row_does_not(
    login: Any, township_user: Any
) -> None:
    client = login(township_user)
    book = load_workbook(io.BytesIO(template(client, "minzheng").content))
    sheet = book["数据"]
    headers = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    row[headers.index("公民身份号码")] = WANG
    row[headers.index("姓名")] = "王秀英"
    row[headers.index("常住地区划代码")] = VILLAGE
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)

    result = finished(client, upload(client, buffer.getvalue(), name="民政模板.xlsx"))

    assert result["created"] == 1
    assert [(e["line"], e["name"]) for e in result["shown"]] == [(2, "张三（示例）")]  # the sample: refused
    wang = Person.objects.get()
    assert (wang.name, wang.living_arrangement, wang.phone) == ("王秀英", "alone", "13800000000")


def test_a_department_the_user_may_not_import_for_has_no_template(login: Any, township_user: Any) -> None:
    client = login(township_user)

    assert template(client, "gongan").status_code == 404  # a county department
    assert template(client, "nosuch").status_code == 404


def test_a_role_that_never_imports_gets_no_template(login: Any, visitor: Any) -> None:
    assert template(login(visitor), "minzheng").status_code == 403


def test_no_import_takes_a_data_date_in_the_future(tmp_path: Any, today: dt.date) -> None:
    """The rule holds below the page too: the command line and the jobs go through the same action."""
    from yanglao.registry.imports import do_import_persons

    path = tmp_path / "民政.csv"
    path.write_text(f"公民身份号码,姓名\n{WANG},王秀英\n", encoding="utf-8")

    result = do_import_persons(path, source="minzheng", actor="ops", as_of=today + dt.timedelta(days=1))

    assert result.failed == f"数据日期 {today + dt.timedelta(days=1):%Y-%m-%d} 晚于今天：数据日期不能是将来"
    assert not Person.objects.exists()
    assert not ImportBatch.objects.exists()
    assert AuditEvent.objects.filter(action=Action.IMPORT, summary__contains="晚于今天").exists()
