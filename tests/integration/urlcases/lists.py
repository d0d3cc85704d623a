"""The data-conflict list (no identifier in its URL): a menu link for every role that reads people.

The list adjustment pages (清单调整, docs/listadmin.md): the versions of 扎赉特旗's list are read by the
county caseworker, the auditor and the administrator (``lists.read``); drafting, saving, submitting
(``lists.edit``) and approving, publishing, sending back (``lists.approve``) are a county caseworker's
only. A township caseworker (the outsider) never reads them: 403 before any version is looked at."""

from __future__ import annotations

from typing import Any

from tests.conftest import frozen_now
from tests.integration.urlpolicy import COUNTY, NEVER, Case, World, answers

MENU = {"conflicts": "persons.read", "listadmin:index": "lists.read"}

READ = answers(403, 403, 200, 200, outsider=403)
WRITE = {**NEVER, "outsider": 403}


def _version(w: World) -> list[Any]:
    def make() -> Any:
        from yanglao.listadmin.models import ListVersion
        from yanglao.listadmin.store import shipped_texts

        now = frozen_now()
        return ListVersion.objects.create(
            code=COUNTY, seq=1, version="url-1", base_version="2023", files=shipped_texts(COUNTY),
            created_at=now, updated_at=now,
        )  # fmt: skip

    return [w.once("list_version", make).pk]


def _file(w: World) -> list[Any]:
    return [*_version(w), "parameters.yaml"]


CASES = {
    "listadmin:list": Case(lambda w: [COUNTY], READ),
    "listadmin:version": Case(_version, READ),
    "listadmin:file": Case(_file, READ),
    "listadmin:impact": Case(_version, READ),
    "listadmin:new": Case(lambda w: [COUNTY], WRITE, "post"),
    "listadmin:item": Case(_version, WRITE),
    "listadmin:meta": Case(_version, WRITE, "post", {"effective_from": "2026-07-01", "revision": "1"}),
    "listadmin:value": Case(_version, WRITE, "post", {"name": "dibao_standard", "revision": "1"}),
    "listadmin:option": Case(_version, WRITE, "post", {"name": "x", "revision": "1"}),
    "listadmin:retire": Case(_version, WRITE, "post", {"no": "1", "revision": "1"}),
    "listadmin:check": Case(_version, WRITE, "post"),
    "listadmin:submit": Case(_version, WRITE, "post"),
    "listadmin:withdraw": Case(_version, WRITE, "post"),
    "listadmin:approve": Case(_version, WRITE, "post"),
    "listadmin:publish": Case(_version, WRITE, "post"),
    "listadmin:return": Case(_version, WRITE, "post", {"reason": "测试"}),
}
