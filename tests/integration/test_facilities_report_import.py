"""`yanglao facilities import-reports FILE [--user U] [--json]`: monthly capacity reports from a file."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from yanglao.facilities.models import CapacityReport, Facility

pytestmark = pytest.mark.django_db

T1 = "152223100000"
T2 = "152223101000"
HEADER = "设施编号,许可证号或备案号,报告月份,护理型床位在用,普通床位在用,能力完好,完全失能,特困人员,社会老人,替换原因\n"


def run(path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = 0
    try:
        call_command("facilities", "import-reports", str(path), *extra, "--json", stdout=out)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


@pytest.fixture
def homes() -> tuple[Facility, Facility]:
    a = Facility.objects.create(name="甲院", kind="public_home", region_id=T1, beds=50, nursing_beds=30)
    b = Facility.objects.create(
        name="乙院", kind="private_home", region_id=T2, beds=20, nursing_beds=10, licence_number="民养证9"
    )
    return a, b


def test_good_rows_are_filed_bad_rows_reported_and_a_second_import_files_nothing(
    tmp_path: Path, homes: tuple[Facility, Facility]
) -> None:
    a, _ = homes
    path = tmp_path / "reports.csv"
    path.write_text(
        HEADER
        + f"{a.pk},,2026-04,20,10,25,5,10,20,\n"
        + ",民养证9,2026-04,5,5,8,2,0,10,\n"
        + "9999,,2026-04,1,0,1,0,0,1,\n"  # no such facility
        + f"{a.pk},,2026-05,40,20,50,10,20,40,\n"  # 60 in use of 50 beds
        + f"{a.pk},,2026-04,20,9,25,4,10,19,\n",  # the month again without a reason
        encoding="utf-8",
    )
    code, result = run(path)
    assert code == 1
    assert (result["filed"], result["replaced"]) == (2, 0)
    fields = [(e["line"], e["field"]) for e in result["errors"]]
    assert (4, "facility") in fields
    assert any(e["line"] == 5 and "超过床位数" in e["reason"] for e in result["errors"])
    assert (6, "reason") in fields
    assert CapacityReport.objects.filter(current=True).count() == 2
    good = tmp_path / "good.csv"
    good.write_text(HEADER + f"{a.pk},,2026-04,20,10,25,5,10,20,\n", encoding="utf-8")
    assert run(good)[1]["unchanged"] == 1
    assert CapacityReport.objects.count() == 2


def test_a_user_files_only_for_the_jurisdiction(
    tmp_path: Path, homes: tuple[Facility, Facility], township_user: Any
) -> None:
    a, b = homes
    path = tmp_path / "reports.csv"
    path.write_text(
        HEADER + f"{a.pk},,2026-04,20,10,25,5,10,20,\n{b.pk},,2026-04,5,5,8,2,0,10,\n", encoding="utf-8"
    )
    code, result = run(path, "--user", township_user.username)
    assert (code, result["filed"]) == (1, 1)
    assert result["errors"] == [{"line": 3, "field": "facility", "reason": f"设施编号不存在：{b.pk}"}]
    assert CapacityReport.objects.get().on_behalf
