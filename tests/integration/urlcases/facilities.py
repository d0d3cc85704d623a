"""Facilities: a facility's page, its edit and report forms, the facility import's job, the network page,
the map and its data, each for a region or a facility of 音德尔镇.

Care-home staff see only their own facility (the test's care-home user works at none: 404); the network,
its checks and the map are the bureau's and the auditors' (care-home staff 403). The outsider (新林镇)
gets the audited 404."""

from __future__ import annotations

from typing import Any

from tests.integration.urlpolicy import TOWNSHIP, VILLAGE, Case, World, answers

READERS = answers(403, 404, 200, 200)
NETWORK = answers(403, 403, 200, 200)


def _facility(w: World) -> list[Any]:
    from yanglao.facilities.models import Facility

    def make() -> Any:
        return Facility.objects.create(
            name="龙腾社区养老服务站", kind="community_station", region_id=VILLAGE, beds=10, nursing_beds=2
        )

    return [w.once("facility", make).pk]


def _job(w: World) -> list[Any]:
    from yanglao.jobs.models import Job

    return [Job.objects.create(kind="import_facilities", user=w.township_user, params={"path": "x"}).pk]


def _township(w: World) -> list[Any]:
    return [TOWNSHIP]


CASES = {
    "facilities:detail": Case(_facility, READERS, denied="facility"),
    "facilities:edit": Case(_facility, answers(403, 403, 403, 200), denied="facility"),
    "facilities:report": Case(_facility, answers(403, 404, 403, 403), denied="facility"),
    "facilities:import-job": Case(_job, answers(403, 403, 403, 404), denied="job"),
    "facilities:network-region": Case(_township, NETWORK, denied="region"),
    "facilities:map-region": Case(_township, NETWORK, denied="region"),
    "facilities:map-data": Case(_township, NETWORK, denied="region"),
}
MENU = {"facilities:index": "facilities.read"}
