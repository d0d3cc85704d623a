"""``yanglao discover``: counts per kind, the time, JSON, idempotence."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.test_entitlements_discovery import enrol
from yanglao.cli import main
from yanglao.entitlements.models import Finding

pytestmark = pytest.mark.hard_dates  # date-sensitive: runs at every hard date (tests/conftest.py)


@pytest.mark.django_db(transaction=True)  # the command closes the connection when it ends
def test_discover_prints_counts_and_time(
    make_person: Callable[..., Any], capsys: pytest.CaptureFixture[str]
) -> None:
    make_person("漏保", birth=dt.date(1940, 1, 1))
    dead = make_person("已故", birth=dt.date(1940, 2, 1), death_date=dt.date(2024, 5, 20))
    enrol(dead, "5")
    assert main(["discover", "--date", "2026-11-23", "--region", "152223"]) == 0
    out = capsys.readouterr().out
    assert "漏保：符合条件未享受：1" in out
    assert "错保：不符合条件仍在享受：1" in out
    assert "用时" in out
    assert main(["discover", "--date", "2026-11-23", "--region", "152223", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["found"]["missed"] == 1
    assert result["created"] == 0
    assert result["seconds"] >= 0
    assert Finding.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_unknown_region(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", "--region", "999999"]) != 0
