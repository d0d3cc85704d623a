"""The public queue with 10,000 applicants: built in bulk, ranked by the admissions core, the first and
the last page served. The times are printed (``-s``) for the note, never asserted."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import pytest
from django.test import Client

from yanglao.carehomes import actions
from yanglao.carehomes.models import Application
from yanglao.core.idnumber import make_id_number
from yanglao.registry.models import Person

pytestmark = pytest.mark.django_db
SIZE = 10_000


def build(today: dt.date, size: int = SIZE) -> None:
    rng = random.Random(15)
    people = []
    for i in range(size):
        birth = dt.date(1930 + i % 30, 1 + i % 12, 1 + i % 28)
        people.append(
            Person(
                id_number=make_id_number("152223", birth, i // 360 % 1000),
                name=f"王{'秀玉桂'[i % 3]}英",
                birth_date=birth,
                sex="1" if (i // 360 % 1000) % 2 else "2",
                hukou_region="152223100001",
                residence_region="152223100001",
                tekun=rng.choice(("none", "none", "dispersed")),
                self_care_unable=rng.random() < 0.3,
                dibao=rng.random() < 0.3,
                ability_level=rng.randrange(5),
                ability_assessed_on=today - dt.timedelta(days=rng.randrange(1, 300)),
                synthetic=True,
            )
        )
    Person.objects.bulk_create(people, batch_size=2000)
    apps = [
        Application(
            number=f"RZ152223{2026}{i + 1:05d}",
            person=p,
            rules="152223",
            applied_on=today - dt.timedelta(days=rng.randrange(1, 900)),
            status_on=today,
        )
        for i, p in enumerate(Person.objects.order_by("id"))
    ]
    Application.objects.bulk_create(apps, batch_size=2000)


def test_the_public_queue_with_10000_applicants(today: dt.date, client: Client, capsys: Any) -> None:
    build(today)
    started = time.perf_counter()
    queued = actions.rerank("152223", today)
    ranked = time.perf_counter() - started
    assert queued == SIZE
    times = []
    for page in ("1", "1", "100"):
        started = time.perf_counter()
        response = client.get(f"/carehomes/queue/152223/?page={page}")
        times.append(time.perf_counter() - started)
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count('data-label="位次"') == 100
        assert "共 10000 人" in html
    with capsys.disabled():
        print(
            f"\n10,000 applicants: ranked and stored in {ranked:.2f} s; public page 1 {times[0] * 1000:.0f} ms "
            f"(the first request), again {times[1] * 1000:.0f} ms, page 100 {times[2] * 1000:.0f} ms"
        )
