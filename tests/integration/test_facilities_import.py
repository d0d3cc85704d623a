"""`yanglao facilities import FILE [--json] [--user U] [--as-of D]`, the import job and the XLSX export."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from yanglao.audit.models import Action, AuditEvent
from yanglao.facilities.history import facility_changes, field_histories, latest_sources
from yanglao.facilities.imports import do_import_facilities
from yanglao.facilities.jobs import queue_import, save_upload
from yanglao.facilities.models import Facility, FacilityChange, FacilityImport, FacilityImportError
from yanglao.facilities.queries import export_xlsx

pytestmark = pytest.mark.django_db

T1 = "152223100000"  # 音德尔镇
T2 = "152223101000"  # 新林镇
V1 = "152223100001"  # 龙腾社区 (音德尔镇)

HEADER = "名称,类型,运营方式,所在区划代码,许可证号或备案号,床位数,护理型床位数,在住人数,服务项目,经度,纬度\n"
GOOD = (
    f"音德尔镇敬老院,敬老院,公办,{T1},民养证152223001,132,73,112,助餐、托养,122.90,46.72\n"
    f"新林镇颐养院,社会办养老机构,民办,{T2},民养证152223002,60,30,40,,,\n"
    f"龙腾社区养老服务站,community_station,,{V1},,16,0,0,助餐、日间照料,122.91,46.73\n"
)
# line 5: unknown kind; 6: region of no place; 7: beds in use above beds; 8: a negative count;
# 9: the licence number of line 2 again.
BAD = (
    f"某会所,养生会所,民办,{T1},,10,0,0,,,\n"
    f"无名院,敬老院,公办,152223999000,,10,0,0,,,\n"
    f"超员院,敬老院,公办,{T1},,10,0,11,,,\n"
    f"负数院,敬老院,公办,{T1},,-5,0,0,,,\n"
    f"重号院,敬老院,公办,{T2},民养证152223001,10,0,0,,,\n"
)


def write(tmp_path: Path, text: str, name: str = "facilities.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = 0
    try:
        call_command("facilities", *args, "--json", stdout=out)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def test_good_rows_are_kept_and_each_bad_row_is_a_row_error(tmp_path: Path) -> None:
    code, result = run("import", str(write(tmp_path, HEADER + GOOD + BAD)))
    assert code == 1
    assert (result["created"], result["updated"], result["unchanged"]) == (3, 0, 0)
    assert result["error_count"] == 5
    errors = [(e["line"], e["field"], e["reason"]) for e in result["errors"]]
    assert errors == [
        (5, "kind", "未知的设施类型：“养生会所”"),
        (6, "region", "区划代码不存在：152223999000"),
        (7, "occupied_beds", "在住人数 11 超过床位数 10"),
        (8, "beds", "不能为负数（-5）"),
        (9, "licence_number", "许可证号或备案号与第 2 行重复：民养证152223001"),
    ]
    home = Facility.objects.get(licence_number="民养证152223001")
    assert (home.kind, home.operator, home.beds, home.nursing_beds, home.occupied_beds) == (
        "public_home",
        "public",
        132,
        73,
        112,
    )
    assert home.services == ["meals", "residential"]
    assert Facility.objects.get(name="新林镇颐养院").operator == "private"
    assert Facility.objects.get(name="龙腾社区养老服务站").tier == "village"
    batch = FacilityImport.objects.get()
    assert (batch.created, batch.error_count) == (3, 5)
    assert FacilityImportError.objects.filter(batch=batch).count() == 5
    event = AuditEvent.objects.get(action=Action.IMPORT, object_type="facility_import")
    assert event.username == "命令行"


def test_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD)
    assert run("import", str(path))[0] == 0
    changes = FacilityChange.objects.count()
    code, result = run("import", str(path))
    assert code == 0
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3)
    assert FacilityChange.objects.count() == changes
    assert Facility.objects.count() == 3


def test_a_changed_row_updates_by_licence_else_by_region_and_name_with_its_source(tmp_path: Path) -> None:
    run("import", str(write(tmp_path, HEADER + GOOD)), "--as-of", "2026-05-01")
    changed = GOOD.replace(",132,73,112,", ",140,90,112,").replace("音德尔镇敬老院", "音德尔镇中心敬老院")
    changed = changed.replace(f"{V1},,16,0,0,", f"{V1},,20,0,0,")
    code, result = run("import", str(write(tmp_path, HEADER + changed, "v2.csv")), "--source", "旗民政局台账")
    assert (code, result["created"], result["updated"], result["unchanged"]) == (0, 0, 2, 1)
    home = Facility.objects.get(licence_number="民养证152223001")
    assert (home.name, home.beds, home.nursing_beds) == ("音德尔镇中心敬老院", 140, 90)
    histories = field_histories(facility_changes(home))
    assert [v.value for v in histories["beds"]] == ["132", "140"]
    assert [v.source for v in histories["beds"]] == ["facilities.csv", "旗民政局台账"]
    assert latest_sources(facility_changes(home))["name"][0] == "旗民政局台账"
    assert Facility.objects.get(name="龙腾社区养老服务站").beds == 20


def test_gb18030_and_xlsx_files(tmp_path: Path) -> None:
    code, result = run("import", str(write(tmp_path, HEADER + GOOD, "gbk.csv", "gb18030")))
    assert (code, result["created"]) == (0, 3)
    xlsx = tmp_path / "export.xlsx"
    xlsx.write_bytes(export_xlsx(Facility.objects.all()))
    code, result = run("import", str(xlsx))
    assert (code, result["created"], result["updated"], result["unchanged"]) == (0, 0, 0, 3)


def test_a_user_imports_only_inside_the_jurisdiction(tmp_path: Path, township_user: Any) -> None:
    code, result = run("import", str(write(tmp_path, HEADER + GOOD)), "--user", township_user.username)
    assert code == 1
    assert result["created"] == 2
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(3, "region")]
    assert "不在您的管辖区域内" in result["errors"][0]["reason"]
    assert not Facility.objects.filter(region_id=T2).exists()


def test_a_missing_required_column_imports_nothing(tmp_path: Path) -> None:
    code, result = run("import", str(write(tmp_path, "名称,床位数\n某院,10\n")))
    assert code == 1
    assert {(e["line"], e["field"], e["reason"]) for e in result["errors"]} == {
        (1, "kind", "缺少必填列"),
        (1, "region", "缺少必填列"),
    }
    assert not Facility.objects.exists()


def test_a_licence_registered_to_another_facility(tmp_path: Path) -> None:
    run("import", str(write(tmp_path, HEADER + GOOD)))
    clash = HEADER + f"新林镇颐养院,社会办养老机构,民办,{T2},民养证152223001,60,30,40,,,\n"
    code, result = run("import", str(write(tmp_path, clash, "clash.csv")))
    assert code == 1
    assert result["errors"][0]["field"] == "licence_number"
    assert "音德尔镇敬老院" in result["errors"][0]["reason"]


def test_the_import_job_imports_as_the_uploader_and_deletes_the_file(
    tmp_path: Path, county_user: Any, settings: Any, today: dt.date
) -> None:
    # through the settings fixture only: override_settings stacked with it leaks JOBS_INLINE to later tests
    settings.JOBS_INLINE = True
    settings.HOME = str(tmp_path)
    path = save_upload("网点.csv", [(HEADER + GOOD + BAD).encode()])
    job = queue_import(county_user, path, as_of=today, source="上传")
    assert job.state == "done"
    assert (job.result["created"], job.result["errors"]) == (3, 5)
    assert job.result["error_rows"][0] == {"line": 5, "field": "kind", "reason": "未知的设施类型：“养生会所”"}
    assert not path.exists()
    batch = FacilityImport.objects.get(pk=job.result["batch"])
    assert (batch.user_id, batch.source, batch.filename) == (county_user.pk, "上传", "网点.csv")


def test_the_import_function_reports_an_unreadable_file(tmp_path: Path) -> None:
    result = do_import_facilities(write(tmp_path, "", "empty.csv"), actor="命令行")
    assert result.failed
    assert result.error_count == 1
    assert not FacilityImport.objects.exists()


def test_a_role_that_may_not_register_facilities_imports_nothing(tmp_path: Path, visitor: Any) -> None:
    code, result = run("import", str(write(tmp_path, HEADER + GOOD)), "--user", visitor.username)
    assert code == 1
    assert result["errors"] == [
        {"line": 1, "field": "（用户）", "reason": "当前角色不能登记或修改养老服务设施"}
    ]
    assert not Facility.objects.exists()
