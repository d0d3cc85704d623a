"""A 征求意见稿 named and found by 户籍 (issue 12): ``yanglao entitle --catalog 411700`` evaluates the draft
and says it is one; ``yanglao discover`` finds a 驿城区 person's list by 户籍 and so passes the draft over
for the province's. A list named for a day before its effective date grants nothing and says why."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from yanglao.cli import main
from yanglao.core.idnumber import make_id_number
from yanglao.entitlements.models import Finding, FindingKind
from yanglao.regions.models import Level, Region

ELDER = make_id_number("411702", dt.date(1940, 1, 1), 13)  # 驿城区 户籍: 驻马店市 has a draft list


def entitle(tmp_path: Path, code: str, on: str) -> tuple[int, dict[str, Any], str]:
    source = tmp_path / "in.csv"
    source.write_text(f"id_number,hukou_region,dibao\n{ELDER},411702,是\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    status = main(
        ["entitle", "--catalog", code, "--date", on, "--input", str(source), "--output", str(output)]
    )
    (line,) = output.read_text(encoding="utf-8").splitlines()
    return status, json.loads(line), str(output)


def test_a_named_draft_is_evaluated_and_said_to_be_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, person, _ = entitle(tmp_path, "411700", "2026-06-17")
    assert status == 0
    assert person["catalog"] == "411700"
    assert person["items"]  # evaluated, not passed over
    assert "注意：本清单是征求意见稿" in capsys.readouterr().err


def test_a_named_list_grants_nothing_before_its_effective_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, person, _ = entitle(tmp_path, "410721", "2020-01-01")
    assert status == 0
    assert person["items"] == []
    assert "本清单自 2024-06-01 起施行，2020-01-01 尚未施行" in capsys.readouterr().err
    _, person, _ = entitle(tmp_path, "410721", "2024-06-01")
    assert person["items"]


@pytest.mark.django_db(transaction=True)  # the command closes the connection when it ends
def test_found_by_hukou_the_draft_is_passed_over_for_the_province(
    make_person: Callable[..., Any], today: dt.date, capsys: pytest.CaptureFixture[str]
) -> None:
    village = Region.objects.filter(code__startswith="411702", level=Level.VILLAGE).order_by("code").first()
    assert village is not None
    elder = make_person("驿城老人", region=village.code, birth=dt.date(1940, 1, 1))
    assert main(["discover", "--date", today.isoformat(), "--region", "411700", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["found"]["missed"] > 0
    missed = Finding.objects.filter(person=elder, kind=FindingKind.MISSED)
    assert set(missed.values_list("catalog", flat=True)) == {"410000"}
