"""综合监管: a facility of 音德尔镇 with an inspection, a hazard, a rating, a complaint, a plan and an
evidence file. The bureau's caseworkers and the auditors read; the visitor may never (403); care-home
staff see only their own facility (the test's care-home user works at none: 404) and may rectify and
self-assess there; inspecting, verifying and handling complaints are caseworkers' (403 for the others).
The outsider (新林镇) gets the audited 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from tests.integration.urlpolicy import NEVER, TOWNSHIP, VILLAGE, Case, World, answers

READERS = answers(403, 404, 200, 200)
RECTIFY = answers(403, 404, 403, 403)


def _facility(w: World) -> Any:
    from yanglao.facilities.models import Facility

    return w.once(
        "supervision_facility",
        lambda: Facility.objects.create(
            name="龙腾社区敬老院", kind="public_home", region_id=VILLAGE, beds=30
        ),
    )


def _inspection(w: World) -> Any:
    from yanglao.supervision.models import Inspection

    def make() -> Any:
        return Inspection.objects.create(
            facility=_facility(w),
            checklist="152223",
            inspectors="张三、李四",
            inspected_at=w.on,
            score=96,
            deductions=4,
            recorded_at=w.on,
        )

    return w.once("supervision_inspection", make)


def _hazard(w: World) -> Any:
    from yanglao.supervision.models import Hazard

    def make() -> Any:
        return Hazard.objects.create(
            facility=_facility(w),
            township=TOWNSHIP,
            source="report",
            title="疏散通道堵塞",
            level="major",
            opened_at=w.on,
            due_at=w.on + dt.timedelta(hours=24),
        )

    return w.once("supervision_hazard", make)


def _rating(w: World) -> Any:
    from yanglao.supervision.models import Rating

    def make() -> Any:
        return Rating.objects.create(
            facility=_facility(w),
            kind="bureau",
            scores={},
            total=820,
            level=4,
            assessed_on=w.on.date(),
            recorded_at=w.on,
        )

    return w.once("supervision_rating", make)


def _complaint(w: World) -> Any:
    from yanglao.supervision.models import Complaint

    def make() -> Any:
        return Complaint.objects.create(
            number="TS202606010001",
            channel="12345",
            received_at=w.on,
            region_id=TOWNSHIP,
            facility=_facility(w),
            route="facility",
            subject="饭菜不热",
            text="饭菜不热",
            severity="normal",
            reply_due=w.on + dt.timedelta(days=3),
        )

    return w.once("supervision_complaint", make)


def _plan(w: World) -> Any:
    from yanglao.supervision.models import InspectionPlan

    def make() -> Any:
        return InspectionPlan.objects.create(
            name="年度检查",
            kind="annual",
            region_id=TOWNSHIP,
            year=w.on.year,
            draw={"facilities": [_facility(w).pk]},
            created_at=w.on,
        )

    return w.once("supervision_plan", make)


def _evidence(w: World) -> Any:
    from yanglao.supervision.models import Evidence

    def make() -> Any:
        return Evidence.objects.create(
            file=ContentFile(b"%PDF-1.7\n", name="fix.pdf"),
            name="fix.pdf",
            content_type="application/pdf",
            size=9,
            hazard=_hazard(w),
            uploaded_at=w.on,
        )

    return w.once("supervision_evidence", make)


def pk(make: Any) -> Any:
    return lambda w: [make(w).pk]


CASES = {
    "supervision:facility": Case(pk(_facility), READERS, denied="facility"),
    "supervision:inspect": Case(pk(_facility), NEVER, denied="facility"),
    "supervision:report-hazard": Case(
        pk(_facility), NEVER, "post", {"title": "x", "level": "low"}, "facility"
    ),
    "supervision:rate": Case(pk(_facility), RECTIFY, denied="facility"),
    "supervision:inspection": Case(pk(_inspection), READERS, denied="inspection"),
    "supervision:hazard": Case(pk(_hazard), READERS, denied="hazard"),
    "supervision:hazard-rectify": Case(pk(_hazard), RECTIFY, "post", {"rectification": "x"}, "hazard"),
    "supervision:hazard-verify": Case(pk(_hazard), NEVER, "post", {"passed": "1"}, "hazard"),
    "supervision:evidence": Case(pk(_evidence), READERS, denied="evidence"),
    "supervision:rating": Case(pk(_rating), READERS, denied="rating"),
    "supervision:complaint": Case(pk(_complaint), READERS, denied="complaint"),
    "supervision:complaint-act": Case(
        pk(_complaint), NEVER, "post", {"do": "reply", "reply": "x"}, "complaint"
    ),
    "supervision:plan": Case(pk(_plan), READERS, denied="inspection_plan"),
}
# The header's 综合监管 link (base.html: ``{% if user|may:"supervision.read" %}<a href="{% url 'supervision:index' %}">综合监管</a>{% endif %}``).
MENU = {"supervision:index": "supervision.read"}
