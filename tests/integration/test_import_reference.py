"""Issue 18 goal 2: the project's import and the benchmark's set-based reference (bench/importref.py) give
the same rows, change events, conflicts and row errors on a feed with every kind of row: new, changed,
unchanged, a field another source set later (conflict), out of the uploader's scope, malformed, a
duplicate ID number, a move out of the township. On SQLite (no reference there: it is PostgreSQL SQL)
the project's results are checked against what the generator says each row is."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from yanglao.core.idnumber import make_id_number
from yanglao.registry.imports import do_import_persons
from yanglao.registry.importscope import MOVE_REFUSED, OUT_OF_SCOPE
from yanglao.registry.models import (
    TRACKED_FIELDS,
    Conflict,
    ImportBatch,
    ImportRowError,
    Person,
    PersonChange,
)

pytestmark = pytest.mark.django_db(transaction=True)

HERE = ["152223100001", "152223100002"]  # villages of 音德尔镇 (the township user's)
THERE = "152223101001"  # 新林镇
LIVING = ["with_family", "alone", "empty_nest", "left_behind"]
FEED_COLUMNS = (
    "id_number,name,residence_region,living_arrangement,dibao,ability_level,ability_assessed_on,birth_date"
)
KINDS = (
    "new",
    "changed",
    "unchanged",
    "conflict",
    "outside",
    "new_outside",
    "malformed",
    "duplicate",
    "move",
)


class World:
    """Three earlier imports (public security, civil affairs, public security again, later) and a feed of
    civil affairs whose every row is of a known kind."""

    def __init__(self, folder: Path, today: dt.date, per_kind: int = 12) -> None:
        self.rng = random.Random(18)
        self.folder = folder
        self.base_day = today - dt.timedelta(days=90)
        self.minzheng_day = today - dt.timedelta(days=60)
        self.feed_day = today - dt.timedelta(days=30)
        self.later_day = today - dt.timedelta(days=10)
        self.per_kind = per_kind
        self.serial = 0
        self.people: list[dict[str, Any]] = []
        self.expected: dict[int, str] = {}  # feed line -> kind

    def ident(self) -> str:
        self.serial += 1
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=self.serial * 37 % 9000)
        return make_id_number("152223", birth, self.serial % 1000)

    def write(self, name: str, header: str, rows: list[list[str]]) -> Path:
        path = self.folder / name
        path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
        return path

    def build(self) -> None:
        for n in range(self.per_kind * 6):
            region = THERE if n % 6 == 5 else self.rng.choice(HERE)
            self.people.append(
                {
                    "id": self.ident(),
                    "name": f"老人{n:03d}",
                    "region": region,
                    "living": self.rng.choice(LIVING),
                    "dibao": self.rng.choice(["true", "false"]),
                }
            )
        base = [
            [p["id"], p["name"], p["region"], p["region"], p["living"], p["dibao"], "1"] for p in self.people
        ]
        header = "id_number,name,hukou_region,residence_region,living_arrangement,dibao,ability_level"
        do_import_persons(
            self.write("base.csv", header, base), source="gongan", actor="base", as_of=self.base_day
        )
        minzheng = [[p["id"], LIVING[(LIVING.index(p["living"]) + 1) % 4]] for p in self.people[::3]]
        do_import_persons(
            self.write("mz.csv", "id_number,living_arrangement", minzheng),
            source="minzheng",
            actor="base",
            as_of=self.minzheng_day,
        )
        later = [[p["id"], "false" if p["dibao"] == "true" else "true"] for p in self.people[1::3]]
        do_import_persons(
            self.write("later.csv", "id_number,dibao", later),
            source="gongan",
            actor="base",
            as_of=self.later_day,
        )

    def feed(self) -> Path:
        later = [p for p in self.people[1::3] if p["region"] != THERE][: self.per_kind]
        here = [p for p in self.people if p["region"] != THERE and p not in later]
        there = [p for p in self.people if p["region"] == THERE]
        current = {p.id_number: p for p in Person.objects.all()}
        rows: list[tuple[str, list[str]]] = []

        def same(p: dict[str, Any]) -> list[str]:
            person = current[p["id"]]
            return [
                p["id"],
                person.name,
                person.residence_region or "",
                person.living_arrangement or "",
                "true" if person.dibao else "false",
                str(person.ability_level),
                "",
                "",
            ]

        changed_rows = []
        for n in range(self.per_kind):
            ident = self.ident()
            rows.append(("new", [ident, f"新人{n}", self.rng.choice(HERE), "alone", "", "", "", ""]))
            rows.append(
                ("new_outside", [self.ident(), f"外人{n}", THERE if n % 2 else "", "alone", "", "", "", ""])
            )
            p = here[n]
            row = same(p)
            row[3] = LIVING[
                (LIVING.index(row[3]) + 2) % 4
            ]  # living arrangement: last set by 民政 or 公安 earlier
            row[6] = (self.feed_day - dt.timedelta(days=n)).isoformat()  # 能力评估日期 never set before
            rows.append(("changed", row))
            changed_rows.append(row)
            rows.append(("unchanged", same(here[self.per_kind + n])))
            row = same(later[n])
            row[4] = "false" if row[4] == "true" else "true"  # dibao: 公安 set it after the feed's data date
            rows.append(("conflict", row))
            rows.append(("outside", same(there[n % len(there)]) if n < len(there) else same(there[0])))
            malformed = same(here[2 * self.per_kind + n])
            position, bad = [
                (2, "15222310"),
                (3, "独自"),
                (4, "也许"),
                (5, "9"),
                (6, "不详"),
                (7, "1901-01-01"),
                (0, malformed[0][:-1] + ("0" if malformed[0][-1] != "0" else "1")),
            ][n % 7]
            malformed[position] = bad
            rows.append(("malformed", malformed))
            move = same(here[3 * self.per_kind + n])
            move[2] = THERE
            rows.append(("move", move))
        for row in changed_rows[: self.per_kind // 2]:
            rows.append(("duplicate", list(row)))
        self.rng.shuffle(rows)
        seen: set[str] = set()
        for line, (kind, row) in enumerate(rows, start=2):
            if kind in ("changed", "duplicate"):
                kind = "duplicate" if row[0] in seen else "changed"
                seen.add(row[0])
            self.expected[line] = kind
        return self.write("feed.csv", FEED_COLUMNS, [r for _, r in rows])


def state(batch_id: int) -> dict[str, Any]:
    """What an import wrote, without ids or times."""
    people = {
        p["id_number"]: {f: str(p[f]) for f in TRACKED_FIELDS}
        for p in Person.objects.values("id_number", *TRACKED_FIELDS)
    }
    changes = sorted(
        (
            c.person.id_number,
            c.kind,
            c.source,
            c.as_of.isoformat(),
            c.actor_name,
            json.dumps(c.changes, sort_keys=True),
        )
        for c in PersonChange.objects.filter(batch_id=batch_id).select_related("person")
    )
    conflicts = sorted(
        (
            c.person.id_number,
            c.field,
            c.current_value,
            c.current_source,
            str(c.current_as_of),
            c.proposed_value,
            c.proposed_source,
            str(c.proposed_as_of),
            c.status,
        )
        for c in Conflict.objects.filter(batch_id=batch_id).select_related("person")
    )
    errors = sorted(
        (e.line, e.id_tail, e.name, e.field, e.reason)
        for e in ImportRowError.objects.filter(batch_id=batch_id)
    )
    batch = ImportBatch.objects.values(
        "rows", "created", "updated", "unchanged", "error_count", "conflicts"
    ).get(pk=batch_id)
    return {"people": people, "changes": changes, "conflicts": conflicts, "errors": errors, "batch": batch}


@pytest.fixture
def world(tmp_path: Path, today: dt.date) -> World:
    world = World(tmp_path, today)
    world.build()
    return world


def test_the_project_imports_every_kind_of_row_as_the_generator_says(
    world: World, township_user: Any
) -> None:
    feed = world.feed()
    result = do_import_persons(feed, source="minzheng", actor=township_user, as_of=world.feed_day)
    kinds = Counter(world.expected.values())
    assert (result.created, result.updated) == (kinds["new"], kinds["changed"])
    assert result.unchanged == kinds["unchanged"] + kinds["conflict"]  # a row whose only change conflicts
    assert len(result.conflicts) == kinds["conflict"]
    assert {c["field"] for c in result.conflicts} == {"dibao"}
    errors = {(e.line, e.field, e.reason) for e in result.errors}
    by_line: dict[int, set[str]] = {}
    for line, _, reason in errors:
        by_line.setdefault(line, set()).add(reason)
    for line, kind in world.expected.items():
        if kind in ("outside", "new_outside"):
            assert by_line[line] == {OUT_OF_SCOPE}, (line, kind)
        elif kind == "move":
            assert by_line[line] == {MOVE_REFUSED}, (line, kind)
        elif kind == "duplicate":
            [reason] = by_line[line]
            assert "公民身份号码重复" in reason, line
        elif kind == "malformed":
            assert len(by_line[line]) == 1, (line, by_line.get(line))
        else:
            assert line not in by_line, (line, kind, by_line.get(line))
    assert result.error_count == sum(
        kinds[k] for k in ("outside", "new_outside", "move", "duplicate", "malformed")
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the reference is PostgreSQL SQL")
def test_the_project_and_the_set_based_reference_write_the_same(world: World, township_user: Any) -> None:
    from yanglao.bench import importref

    feed = world.feed()
    prefix = township_user.region.prefix
    with transaction.atomic():
        connection.ensure_connection()
        out = importref.run(
            connection.connection,
            feed,
            "旗民政局",
            world.feed_day,
            prefix,
            township_user.pk,
            township_user.username,
        )
        reference = state(out["batch"])
        transaction.set_rollback(True)
    assert not ImportBatch.objects.filter(pk=out["batch"]).exists()

    result = do_import_persons(feed, source="minzheng", actor=township_user, as_of=world.feed_day)
    project = state(result.batch_id or 0)

    assert project["errors"] == reference["errors"]
    assert project["changes"] == reference["changes"]
    assert project["conflicts"] == reference["conflicts"]
    assert project["batch"] == reference["batch"]
    assert project["people"] == reference["people"]
    assert sorted(map(json.dumps, result.conflicts)) == sorted(map(json.dumps, out["conflicts"]))
    kinds = Counter(world.expected.values())
    assert project["batch"]["created"] == kinds["new"] > 0
    assert project["batch"]["conflicts"] == kinds["conflict"] > 0
    assert len(project["changes"]) == kinds["changed"] > 0
    assert len(project["errors"]) == project["batch"]["error_count"] > kinds["malformed"] > 0
