"""The database of ``yanglao bench web``: N people of 扎赉特旗 on PostgreSQL, written with COPY.

The people come from the demo's population generator (:class:`~yanglao.demo.population.PopulationBuilder`,
its shares scaled to N people aged 60+), created by one import batch as the importer
records a creation (``created_batch``), the users the clients log in as, and 服务找人 run
once so the township work list has its findings. A database is built once per size and reused: its
PostgreSQL comment names the size (``COMMENT ON DATABASE``). It is vacuumed after it is built and
before each run (:func:`vacuum`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlparse, urlunparse

from yanglao.demo.population import Baseline

FORMAT = 2  # bump when the bench data change: older databases are rebuilt
COUNTY = "152223"
PASSWORD = "Bench#2026-web"
# (username, role, region): a county caseworker searches and opens people, a township one its work list.
USERS = (
    ("bench_county", "county_caseworker", COUNTY),
    ("bench_township", "township_caseworker", "152223100000"),
)
Print = Callable[[str], None]


def marker(people: int) -> str:
    return f"yanglao bench web: {people} people, format {FORMAT}"


def database_url(base: str, people: int, name: str | None) -> str:
    """The URL of the bench database: ``name``, or ``yanglao_bench_web_<N>`` on the server of ``base``."""
    parts = urlparse(base)
    return urlunparse(parts._replace(path="/" + (name or f"yanglao_bench_web_{people}")))


def ready(url: str, people: int) -> bool:
    """Whether the database exists and holds this size's bench data; if it holds other data of ours or
    none, it is dropped and created empty."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if row is not None and row[0] == marker(people):
            return True
        if row is not None:
            if row[0] is not None and not str(row[0]).startswith("yanglao bench web"):
                raise RuntimeError(f"数据库 {name} 不是性能基准数据库，不会删除它")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return False


def mark(url: str, people: int) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker(people)}'")


def baseline(people: int) -> Baseline:
    """扎赉特旗's shares (80+, alone/特困/失能) scaled to ``people`` people aged 60+."""
    return Baseline(
        COUNTY,
        people,
        round(people * 4_088 / 64_511),
        round(people * 4_890 / 64_511),
        f"性能基准：{people} 人",
    )


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def build(people: int, on: dt.date, say: Print) -> dict[str, float]:
    """Fill the (migrated, empty) default database. Runs inside Django with the bench database."""
    from django.db import connection
    from django.utils import timezone

    from yanglao.demo.build import villages_of
    from yanglao.demo.population import PopulationBuilder
    from yanglao.regions.models import Region
    from yanglao.registry.models import ImportBatch, Person

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    county = Region.objects.get(code=COUNTY)
    population = PopulationBuilder(baseline(people), villages_of(county), on).build()
    seconds["generate"] = time.perf_counter() - started
    say(f"生成 {len(population)} 人：{seconds['generate']:.1f} 秒")

    now = timezone.now()
    batch = ImportBatch.objects.create(
        source="旗民政局",
        filename="bench.csv",
        sha256="0" * 64,
        as_of=on - dt.timedelta(days=30),
        actor_name="性能基准",
        started_at=now,
        finished_at=now,
        rows=len(population),
        created=len(population),
    )
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    columns = [str(f.column) for f in fields]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('registry_person', 'id'))")
        first = int(cursor.fetchone()[0])
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY registry_person (id, {', '.join(columns)}) FROM STDIN") as copy,
    ):
        for offset, row in enumerate(population):
            values: list[Any] = [first + offset]
            for field in fields:
                if field.name in ("created_at", "updated_at"):
                    value: Any = now
                elif field.name == "created_batch":
                    value = batch.pk
                elif field.name == "synthetic":
                    value = True
                elif field.name in ("spouse",):
                    value = None
                else:
                    value = row.get(field.name)
                    if value is None and not field.null:
                        value = field.get_default()
                values.append(value)
            copy.write_row(values)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('registry_person', 'id'), %s)", [first + len(population)]
        )
    seconds["copy_persons"] = time.perf_counter() - started
    say(f"COPY 人员：{seconds['copy_persons']:.1f} 秒")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _users()
    started = time.perf_counter()
    from django.core.management import call_command

    call_command("discover", date=on, region=COUNTY, verbosity=0)
    seconds["discover"] = time.perf_counter() - started
    say(f"服务找人：{seconds['discover']:.1f} 秒")
    vacuum(connection)
    return seconds


def vacuum(connection: Any) -> None:
    """``VACUUM ANALYZE``: the statistics, and the visibility map that lets a ``COUNT(*)`` over an index
    read the index alone (what autovacuum keeps up on a running system; a freshly written database, or
    a server with autovacuum off, has none and reads every row's page)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _users() -> None:
    from django.utils import timezone

    from yanglao.accounts.models import User
    from yanglao.regions.models import Region

    for username, role, region in USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.region = role, Region.objects.get(code=region)
        user.display_name = "性能基准"
        user.set_password(PASSWORD)
        if hasattr(user, "must_change_password"):
            user.must_change_password = False
        if hasattr(user, "password_changed_at"):
            user.password_changed_at = timezone.now()
        user.save()


def samples(count: int = 500) -> dict[str, list[str]]:
    """What the clients ask for: names and person ids drawn from the database, the township codes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name FROM registry_person TABLESAMPLE SYSTEM (1) WHERE death_date IS NULL LIMIT %s",
            [count],
        )
        rows = cursor.fetchall()
    return {"ids": [str(r[0]) for r in rows], "names": [str(r[1]) for r in rows if r[1]]}
