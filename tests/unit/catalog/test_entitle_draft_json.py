"""The status of the list on every line of ``yanglao entitle``'s JSON Lines and in ``yanglao catalog show
--json`` (issue 12): a named 征求意见稿 says so in the machine-read output too."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from yanglao.cli import main
from yanglao.core.idnumber import make_id_number

ELDER = make_id_number("411702", dt.date(1940, 1, 1), 13)


@pytest.mark.parametrize(("code", "status"), [("411700", "draft"), ("410721", "issued")])
@pytest.mark.parametrize("explain", [False, True])
def test_every_line_says_the_status_of_the_list(
    tmp_path: Path, code: str, status: str, explain: bool
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(f"id_number,hukou_region\n{ELDER},411702\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    argv = [
        "entitle",
        "--catalog",
        code,
        "--date",
        "2026-06-17",
        "--input",
        str(source),
        "--output",
        str(output),
    ]
    assert main(argv + (["--explain"] if explain else [])) == 0
    (line,) = output.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["catalog_status"] == status


def test_catalog_show_json_gives_status_and_dates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "show", "411700", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["status"], data["status_text"], data["effective_from"]) == ("draft", "征求意见稿", None)
    assert main(["catalog", "show", "410721"]) == 0
    assert "状态：已印发；施行：2024-06-01 至 —" in capsys.readouterr().out
