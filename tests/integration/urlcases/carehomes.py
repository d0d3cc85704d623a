"""Care-home admissions: an application of 王秀英 (音德尔镇), its offer of a bed of 音德尔镇敬老院, a residence;
the public queue of 扎赉特旗 (200 for everybody, no login).

Reading needs ``admissions.read`` (visitors 403); answering an offer for the applicant and withdrawing
need ``admissions.work`` (caseworkers only); the home's answers (refuse, admit) and a resident's changes
need ``residents.write`` (caseworkers and care-home staff: the test's care-home user works at no home,
so 404). The outsider (新林镇) gets the audited 404."""

from __future__ import annotations

from typing import Any

from tests.integration.urlpolicy import COUNTY, NEVER, PUBLIC, TOWNSHIP, Case, World, answers

HOME_WRITES = answers(403, 404, 403, 403)


def _home(w: World) -> Any:
    from yanglao.facilities.models import Facility

    def make() -> Any:
        return Facility.objects.create(
            name="音德尔镇敬老院", kind="public_home", region_id=TOWNSHIP, beds=20, nursing_beds=10
        )

    return w.once("carehome", make)


def _application(w: World) -> Any:
    from yanglao.carehomes.models import Application

    def make() -> Any:
        on = w.on.date()
        return Application.objects.create(
            number="RZ152223202600001", person=w.person, rules=COUNTY, applied_on=on, status_on=on, position=1
        )

    return w.once("application", make)


def _app_pk(w: World) -> list[Any]:
    return [_application(w).pk]


def _offer(w: World) -> list[Any]:
    from yanglao.carehomes.models import Offer, Vacancy

    def make() -> Any:
        on = w.on.date()
        vacancy = Vacancy.objects.create(facility=_home(w), nursing=True, source="report", opened_on=on)
        return Offer.objects.create(vacancy=vacancy, application=_application(w), offered_on=on, due_on=on)

    return [w.once("offer", make).pk]


def _residence(w: World) -> list[Any]:
    from yanglao.carehomes.models import Residence

    def make() -> Any:
        return Residence.objects.create(person=w.person, facility=_home(w), admitted_on=w.on.date())

    return [w.once("residence", make).pk]


def _settlement(w: World) -> list[Any]:
    from yanglao.carehomes.models import SettlementRoll

    def make() -> Any:
        return SettlementRoll.objects.create(
            county=COUNTY, catalog=COUNTY, month=w.on.date().replace(day=1), prepared_at=w.on
        )

    return [w.once("settlement", make).pk]


def _county(w: World) -> list[Any]:
    return [COUNTY]


REASON = {"reason": "试探"}
CASES = {
    "carehomes:application": Case(_app_pk, answers(403, 404, 200, 200), denied="application"),
    "carehomes:withdraw": Case(_app_pk, NEVER, method="post", data=REASON, denied="application"),
    "carehomes:accept": Case(_offer, NEVER, method="post", denied="offer"),
    "carehomes:decline": Case(_offer, NEVER, method="post", data=REASON, denied="offer"),
    "carehomes:refuse": Case(_offer, HOME_WRITES, method="post", data=REASON, denied="offer"),
    "carehomes:admit": Case(_offer, HOME_WRITES, method="post", denied="offer"),
    "carehomes:leave": Case(_residence, HOME_WRITES, method="post", denied="residence"),
    "carehomes:back": Case(_residence, HOME_WRITES, method="post", denied="residence"),
    "carehomes:end": Case(
        _residence, HOME_WRITES, method="post", data={"reason": "death"}, denied="residence"
    ),
    "carehomes:queue": Case(_county, PUBLIC),
    "carehomes:settlement": Case(_settlement, answers(403, 403, 200, 200), denied="settlement"),
    "carehomes:settlement-review": Case(_settlement, NEVER, method="post", denied="settlement"),
    "carehomes:settlement-approve": Case(
        _settlement, answers(403, 403, 403, 403, outsider=403), method="post"
    ),
    "carehomes:settlement-xlsx": Case(_settlement, NEVER, denied="settlement"),
}
MENU = {"carehomes:index": "admissions.read"}
