"""The demo's list adjustments: one published local adjustment and one open draft of the county's list,
made by the demo's two county caseworkers through the actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from yanglao.core.catalog import source
from yanglao.core.catalog.drafts import load_texts
from yanglao.core.catalog.versions import history
from yanglao.demo.users import build_users
from yanglao.listadmin.actions import base_catalog
from yanglao.listadmin.demo import build_list_versions
from yanglao.listadmin.models import ListVersion, State
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lists_home(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.LISTS_DIR = str(tmp_path / "lists")
    source.invalidate()
    yield
    source.invalidate()


def test_the_demo_publishes_one_adjustment_from_next_month_and_leaves_one_draft(today: dt.date) -> None:
    build_users(Region.objects.get(code="152223"))
    published, draft = build_list_versions("152223", today)
    next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert published.state == State.PUBLISHED
    assert published.effective_from == next_month
    assert published.editors != [published.approved_by_id]
    assert published.approved_by == published.published_by
    assert published.approved_by.username == "county152223b"
    assert published.history
    assert all("示例文件" in line["text"] for line in published.history if line["kind"] == "parameter")
    # today the shipped list is in force; from next month the published one
    assert source.catalog_on("152223", today).version == "2023"
    assert source.catalog_on("152223", next_month).version == published.version
    # the draft builds on the published version and changes something more
    assert draft.state == State.DRAFT
    assert draft.base_version == published.version
    assert history(base_catalog(draft), source.catalog_on("152223", next_month), next_month) == []
    after = load_texts("152223", draft.files, {})
    assert history(base_catalog(draft), after, draft.effective_from or today)  # something more
    assert ListVersion.objects.filter(code="152223").count() == 2
    assert build_list_versions("152223", today) == [published, draft]  # made once
