"""Residents of the public homes: admission (and the 特困 集中供养 switch, written through the registry's
action with its source), leave and return, discharge, transfer and death (each freed bed a vacancy
offered to the queue). Each action runs in one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db import transaction
from django.http import HttpRequest
from django.utils.module_loading import import_string

from yanglao.audit.models import Action
from yanglao.carehomes.actions import AdmissionError, _audit, _user, open_residence, open_vacancy, rerank
from yanglao.carehomes.models import (
    AppStatus,
    EndReason,
    Offer,
    OfferState,
    Residence,
    ResidenceState,
    VacancySource,
)
from yanglao.facilities.models import Facility, FacilityKind
from yanglao.registry.actions import do_edit_person
from yanglao.registry.models import Person


def _set_person(request: HttpRequest, person: Person, values: dict[str, Any], reason: str) -> None:
    """A person's field changed through the registry's action, with the reason as its source."""
    do_edit_person(request, person, values, reason)


def _event(residence: Residence, request: HttpRequest, on: dt.date, what: str, note: str = "") -> None:
    user = _user(request)
    residence.events = [
        *residence.events,
        {"on": on.isoformat(), "what": what, "note": note, "by": user.get_username() if user else "系统"},
    ]


@transaction.atomic
def do_admit(request: HttpRequest, offer: Offer, on: dt.date) -> Residence:
    """The accepted applicant moves in: a residence, the vacancy filled, the application 已入住; a 分散供养
    特困 person admitted to a public home becomes 集中供养 (recorded in the registry with its source)."""
    if offer.state != OfferState.ACCEPTED:
        raise AdmissionError("只有已接受的入住通知才能办理入住")
    app, vacancy = offer.application, offer.vacancy
    person = app.person
    if open_residence(person) is not None:
        raise AdmissionError("该老年人已在院")
    facility = vacancy.facility
    if (
        Residence.objects.filter(facility=facility).exclude(state=ResidenceState.ENDED).count()
        >= facility.beds
    ):
        raise AdmissionError(f"{facility.name}床位已满（{facility.beds}张）")
    switch = person.tekun == "dispersed" and facility.kind == FacilityKind.PUBLIC_HOME
    residence = Residence(
        person=person,
        facility=facility,
        application=app,
        nursing=vacancy.nursing,
        admitted_on=on,
        centralized=switch,
    )
    _event(residence, request, on, "入住", facility.name)
    residence.save()
    offer.state = OfferState.ADMITTED
    offer.save(update_fields=["state"])
    vacancy.filled, vacancy.closed_on = True, on
    vacancy.save(update_fields=["filled", "closed_on"])
    app.status, app.status_on, app.position = AppStatus.RESIDENT, on, None
    app.save(update_fields=["status", "status_on", "position"])
    if switch:
        _set_person(
            request, person, {"tekun": "centralized"}, f"入住公办养老机构{facility.name}，{on} 起集中供养"
        )
    if apps.is_installed("yanglao.homeservices"):  # home-service plans end the day before admission
        end_plans = import_string("yanglao.homeservices.plans.end_plans_for")
        end_plans(person, "care_home", on, getattr(request, "user", None))
    rerank(app.rules, on)
    _audit(request, Action.CHANGE, person, f"办理入住：{facility.name}", residence=residence.pk)
    return residence


@transaction.atomic
def do_leave(request: HttpRequest, residence: Residence, on: dt.date, note: str, back: bool = False) -> None:
    """请假离院 and its return; the bed stays the resident's."""
    want = ResidenceState.LEAVE if back else ResidenceState.IN
    if residence.state != want:
        raise AdmissionError("该人员不在院" if not back else "该人员没有请假离院")
    residence.state = ResidenceState.IN if back else ResidenceState.LEAVE
    _event(residence, request, on, "销假回院" if back else "请假离院", note)
    residence.save(update_fields=["state", "events"])
    _audit(request, Action.CHANGE, residence.person, "销假回院" if back else f"请假离院：{note}")


@transaction.atomic
def do_end(
    request: HttpRequest,
    residence: Residence,
    reason: str,
    on: dt.date,
    *,
    note: str = "",
    to: Facility | None = None,
) -> Residence | None:
    """Discharge, transfer (to another home: a new residence there) or death. The freed bed becomes a
    vacancy offered to the queue. A death records the registry's death date (payments stop from the day
    after); a 集中供养 person discharged home goes back to 分散供养."""
    if residence.state == ResidenceState.ENDED:
        raise AdmissionError("该人员已离院")
    if on < residence.admitted_on:
        raise AdmissionError("离院日期早于入住日期")
    person = residence.person
    residence.state, residence.ended_on, residence.end_reason = ResidenceState.ENDED, on, reason
    _event(residence, request, on, EndReason(reason).label, note)
    residence.save(update_fields=["state", "ended_on", "end_reason", "events"])
    moved: Residence | None = None
    if reason == EndReason.DEATH:
        if person.death_date is None:
            _set_person(request, person, {"death_date": on.isoformat()}, f"在{residence.facility.name}去世")
    elif reason == EndReason.TRANSFER:
        if to is None or to.pk == residence.facility_id:
            raise AdmissionError("请选择转入的养老机构")
        moved = Residence(person=person, facility=to, nursing=residence.nursing, admitted_on=on)
        moved.centralized = residence.centralized
        _event(moved, request, on, "转院转入", residence.facility.name)
        moved.save()
    elif person.tekun == "centralized" and residence.facility.kind == FacilityKind.PUBLIC_HOME:
        _set_person(
            request, person, {"tekun": "dispersed"}, f"从{residence.facility.name}出院，{on} 起分散供养"
        )
    source = {
        EndReason.DEATH: VacancySource.DEATH,
        EndReason.TRANSFER: VacancySource.TRANSFER,
        EndReason.DISCHARGE: VacancySource.DISCHARGE,
    }[EndReason(reason)]
    if residence.facility.kind == FacilityKind.PUBLIC_HOME:
        open_vacancy(
            residence.facility,
            nursing=residence.nursing,
            source=source,
            on=on,
            note=f"{EndReason(reason).label}：{note}"[:200],
            user=_user(request),
        )
    _audit(request, Action.CHANGE, person, f"{EndReason(reason).label}：{residence.facility.name} {note}")
    return moved
