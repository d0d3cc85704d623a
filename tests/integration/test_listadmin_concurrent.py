"""On PostgreSQL, two county caseworkers approving (then publishing) the same version at the same moment,
each on its own connection: the version row is locked (``select_for_update``), so exactly one step is
taken and the other is told the version is no longer in that state."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from yanglao.accounts.models import User
from yanglao.core.catalog import source
from yanglao.listadmin import actions
from yanglao.listadmin.models import ListVersion, State

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def lists_home(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.LISTS_DIR = str(tmp_path / "lists")
    source.invalidate()
    yield
    source.invalidate()


def county(name: str) -> User:
    return User.objects.create_user(username=name, role="county_caseworker", region_id="152223")


def at_once(steps: list[Callable[[], Any]]) -> list[str]:
    barrier = threading.Barrier(len(steps))
    out: list[str] = []

    def run(step: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            step()
            out.append("ok")
        except actions.StepError as exc:
            out.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in steps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_two_approvals_and_two_publications_at_once_take_one_step_each(postgres: None) -> None:
    editor, b, c = county("editor"), county("b"), county("c")
    version = actions.do_create_draft(editor, "152223")
    version = actions.do_save_files(
        editor, version, {}, version.revision, "日期", meta={"effective_from": dt.date(2026, 7, 1)}
    )
    actions.do_submit(editor, version)
    said = at_once([lambda: actions.do_approve(b, version), lambda: actions.do_approve(c, version)])
    assert sorted(said)[0] == "ok"
    assert "只有审核中的版本可以批准" in sorted(said)[1]
    said = at_once([lambda: actions.do_publish(b, version), lambda: actions.do_publish(c, version)])
    assert said.count("ok") == 1
    assert "只有已批准的版本可以发布" in next(s for s in said if s != "ok")
    assert ListVersion.objects.get(pk=version.pk).state == State.PUBLISHED
