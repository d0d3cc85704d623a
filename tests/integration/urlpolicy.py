"""The shared part of the URL policy test (:mod:`tests.integration.test_url_policy`): the world of
音德尔镇 the cases make their objects in, :class:`Case`, and the answer tables. Each area adds its URL
cases in a module of :mod:`tests.integration.urlcases` (``CASES`` and, for its menu links, ``MENU``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from yanglao.accounts.models import User

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇: the visitor's and the care-home staff's village
TOWNSHIP = "152223100000"  # 音德尔镇
COUNTY = "152223"  # 扎赉特旗
ROLES = ("visitor", "carehome", "auditor", "admin")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Case:
    """How to request one URL and the answers. ``args`` makes the objects and returns the URL's
    arguments; ``answers`` gives the status per role (``outsider`` defaults to 404, ``anonymous`` to
    302); ``denied`` names the object type whose refused attempt is audited for the outsider."""

    args: Callable[[World], list[Any]]
    answers: dict[str, int]
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    denied: str = ""


class World:
    """The objects of 音德尔镇, made on first use."""

    def __init__(
        self, township_user: User, visitor: User, make_person: Callable[..., Any], today: dt.date
    ) -> None:
        self.township_user, self.visitor, self.make_person = township_user, visitor, make_person
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        self.on = dt.datetime.combine(last_month.replace(day=20), dt.time(10), tzinfo=SHANGHAI)
        self.made: dict[str, Any] = {}

    def once(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self.made:
            self.made[name] = make()
        return self.made[name]

    @property
    def person(self) -> Any:
        def make() -> Any:
            from yanglao.visits.models import Assignment, Visitor, VisitorKind

            person = self.make_person("王秀英", region=VILLAGE, living_arrangement="alone")
            grid = Visitor.objects.create(
                name="李网格", kind=VisitorKind.GRID, village_id=VILLAGE, user=self.visitor
            )
            Assignment.objects.create(person=person, visitor=grid)
            return person

        return self.once("person", make)

    def pk(self) -> list[Any]:
        return [self.person.pk]

    def conflict(self) -> list[Any]:
        from yanglao.registry.models import Conflict

        conflict = Conflict.objects.create(
            person=self.person,
            field="phone",
            proposed_value="13800000000",
            proposed_source="民政",
            proposed_as_of=self.on.date(),
        )
        return [self.person.pk, conflict.pk]

    def batch(self) -> list[Any]:
        from yanglao.registry.models import ImportBatch

        batch = ImportBatch.objects.create(
            source="民政",
            filename="a.csv",
            sha256="0" * 64,
            as_of=self.on.date(),
            user=self.township_user,
            started_at=self.on,
        )
        return [batch.pk]

    def assessment(self, signed: bool) -> list[Any]:
        from tests.integration.test_assessments_access import signed_result
        from yanglao.assessments.models import Assessment

        if signed:
            return [signed_result(self.person).pk]
        return [Assessment.objects.create(person=self.person, number="PG-1", items={"B.1.1": 4}).pk]

    def visit(self) -> Any:
        from yanglao.visits.models import Visit

        def make() -> Any:
            visit = Visit.objects.create(
                person=self.person,
                recorded_by=self.visitor,
                mode="home",
                visited_at=self.on,
                visited_on=self.on.date(),
            )
            visit.photo.save("visit.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
            return visit

        return self.once("visit", make)

    def followup(self) -> list[Any]:
        from yanglao.visits.models import FollowUp

        visit = self.visit()
        followup = FollowUp.objects.create(
            person=self.person, visit=visit, kind="assessment", township_id=TOWNSHIP, opened_by=self.visitor
        )
        return [followup.pk]

    def finding(self) -> list[Any]:
        from yanglao.entitlements.models import Finding

        finding = Finding.objects.create(
            key="url-policy",
            kind="missed",
            person=self.person,
            township=TOWNSHIP,
            summary="漏保",
            found_on=self.on.date(),
            last_seen_on=self.on.date(),
        )
        return [finding.pk]

    def roll(self) -> list[Any]:
        from yanglao.core.payments import Month
        from yanglao.payments.actions import prepare_roll
        from yanglao.regions.models import Region

        def make() -> Any:
            return prepare_roll(
                self.township_user, COUNTY, Month.parse("2026-05"), Region.objects.get(code=TOWNSHIP)
            )

        return [self.once("roll", make).pk]


def answers(visitor: int, carehome: int, auditor: int, admin: int, **more: int) -> dict[str, int]:
    return {"visitor": visitor, "carehome": carehome, "auditor": auditor, "admin": admin, **more}


NEVER = answers(403, 403, 403, 403)  # a write only caseworkers do
PUBLIC = answers(200, 200, 200, 200, outsider=200, anonymous=200)
