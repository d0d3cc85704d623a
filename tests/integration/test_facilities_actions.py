"""The registry's actions: register and change a facility (history, sources, audit, scope), staff and
training records, residential projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from yanglao.audit.models import Action, AuditEvent
from yanglao.facilities.actions import (
    FacilityInvalid,
    FacilityRefused,
    do_add_staff,
    do_add_training,
    do_end_staff,
    do_save_facility,
    do_save_project,
)
from yanglao.facilities.history import facility_changes, field_histories, latest_sources
from yanglao.facilities.models import Facility, ResidentialProject, StaffMember

pytestmark = pytest.mark.django_db

T1 = "152223100000"  # 音德尔镇
T2 = "152223101000"  # 新林镇
HOME = {"name": "音德尔镇敬老院", "kind": "public_home", "region": T1, "beds": 100, "nursing_beds": 60}


def test_registering_and_changing_keeps_each_fields_history_and_source(
    county_user: Any, today: dt.date
) -> None:
    f = do_save_facility(county_user, HOME, source="旗民政局台账", as_of=today)
    do_save_facility(county_user, {"beds": 120, "services": ["meals", "bath"]}, facility=f, source="实地核查")
    f.refresh_from_db()
    assert (f.beds, f.services) == (120, ["bath", "meals"])
    histories = field_histories(facility_changes(f))
    assert [(v.value, v.source) for v in histories["beds"]] == [("100", "旗民政局台账"), ("120", "实地核查")]
    assert histories["services"][0].value == "助浴、助餐"
    assert latest_sources(facility_changes(f))["name"] == ("旗民政局台账", today)
    actions = list(AuditEvent.objects.filter(object_type="facility").values_list("action", flat=True))
    assert sorted(actions) == sorted([Action.CREATE, Action.CHANGE])


def test_saving_the_same_values_writes_nothing(county_user: Any) -> None:
    f = do_save_facility(county_user, HOME)
    do_save_facility(county_user, {"beds": 100}, facility=f)
    assert f.changes.count() == 1
    assert AuditEvent.objects.filter(object_type="facility").count() == 1


def test_bad_values_are_refused_with_the_field(county_user: Any) -> None:
    cases = [
        ({**HOME, "kind": "spa"}, "kind"),
        ({**HOME, "beds": -1}, "beds"),
        ({**HOME, "occupied_beds": 101}, "occupied_beds"),
        ({**HOME, "region": "152223999000"}, "region"),
        ({**HOME, "services": ["dance"]}, "services"),
        ({**HOME, "colour": "red"}, "colour"),
    ]
    for values, field in cases:
        with pytest.raises(FacilityInvalid) as excinfo:
            do_save_facility(county_user, values)
        assert excinfo.value.errors[0][0] == field
    do_save_facility(county_user, {**HOME, "licence_number": "民养证1"})
    with pytest.raises(FacilityInvalid, match="已被其他设施使用"):
        do_save_facility(county_user, {**HOME, "name": "另一院", "licence_number": "民养证1"})
    assert Facility.objects.count() == 1


def test_outside_the_jurisdiction_or_without_the_verb_is_refused(outsider: Any, auditor: Any) -> None:
    with pytest.raises(FacilityRefused):
        do_save_facility(outsider, HOME)
    with pytest.raises(FacilityRefused):
        do_save_facility(auditor, {**HOME, "region": T2})
    assert not Facility.objects.exists()


def test_staff_with_skill_level_and_training(county_user: Any, today: dt.date) -> None:
    f = do_save_facility(county_user, HOME)
    nurse = do_add_staff(county_user, f, {"name": "李护理", "role": "caregiver", "skill_level": "4"})
    do_add_training(county_user, nurse, {"course": "失能老年人照护", "hours": 16, "completed_on": today})
    do_end_staff(county_user, nurse, today)
    nurse = StaffMember.objects.get(pk=nurse.pk)
    assert (nurse.get_skill_level_display(), nurse.left_on) == ("四级/中级工", today)
    assert nurse.trainings.get().course == "失能老年人照护"
    assert AuditEvent.objects.filter(object_type__in=["facility_staff", "facility_training"]).count() == 3


def test_projects_are_registered_and_audited(county_user: Any, outsider: Any) -> None:
    p = do_save_project(county_user, T1, {"name": "幸福小区", "households": 1200, "area_kind": "new"})
    do_save_project(county_user, T1, {"delivered_area": 400}, project=p)
    assert ResidentialProject.objects.get().delivered_area == 400
    assert AuditEvent.objects.filter(object_type="residential_project").count() == 2
    with pytest.raises(FacilityRefused):
        do_save_project(outsider, T1, {"name": "越权小区", "households": 10})
