"""The homes' pages: vacancies and offers (accept, decline, refuse, admit), residents and their changes,
the refusals for the county's review, the 应收尽收 work list."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.scope import may, require
from yanglao.carehomes import actions, indicators
from yanglao.carehomes import residents as stays
from yanglao.carehomes.access import (
    access_offer,
    access_residence,
    homes_of,
    scoped_offers,
    scoped_residences,
)
from yanglao.carehomes.models import EndReason, OfferState, ResidenceState
from yanglao.carehomes.views import county_of
from yanglao.core.masking import person_label
from yanglao.core.person import ABILITY_LEVELS, TEKUN


@login_required
@require_POST
def vacancy(request: HttpRequest) -> HttpResponse:
    require(request, "residents.write")
    if request.POST.get("from_reports"):
        today = timezone.localdate()
        actions.expire_due(today)
        made = actions.do_vacancies_from_reports(request, list(homes_of(request.user)), today)
        messages.success(request, f"按最新运营情况报告登记空床 {made} 张，已按轮候顺序通知")
        return redirect("carehomes:index")
    home = homes_of(request.user).filter(pk=request.POST.get("facility", "0") or 0).first()
    if home is None:
        messages.error(request, "请选择本辖区的公办养老机构")
        return redirect("carehomes:index")
    try:
        today = timezone.localdate()
        actions.expire_due(today)
        found = actions.do_report_vacancy(
            request,
            home,
            nursing=request.POST.get("nursing") == "1",
            on=today,
            note=request.POST.get("note", ""),
        )
    except actions.AdmissionError as exc:
        messages.error(request, str(exc))
    else:
        offer = found.offers.first()
        messages.success(
            request,
            f"已登记空床；入住通知已发给轮候第 {offer.position} 位"
            if offer
            else "已登记空床；没有符合该床位的轮候人员",
        )
    return redirect("carehomes:index")


@login_required
@require_POST
def offer_action(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    require(request, "residents.write" if what in ("refuse", "admit") else "admissions.work")
    offer = access_offer(request, pk)
    today = timezone.localdate()
    if actions.expire_due(today):  # overdue offers expire first, whatever this answer does
        offer.refresh_from_db()
    reason = request.POST.get("reason", "")
    try:
        if what == "accept":
            actions.do_accept(request, offer, today)
            messages.success(request, "已接受入住通知")
        elif what == "decline":
            nxt = actions.do_decline(request, offer, reason, today)
            messages.success(
                request,
                "已记录放弃；" + (f"已通知轮候第 {nxt.position} 位" if nxt else "没有其他符合的轮候人员"),
            )
        elif what == "refuse":
            nxt = actions.do_refuse(request, offer, reason, today)
            messages.success(
                request,
                "已记录拒收及原因；"
                + (f"已通知轮候第 {nxt.position} 位" if nxt else "没有其他符合的轮候人员"),
            )
        else:
            stays.do_admit(request, offer, today)
            messages.success(request, "已办理入住")
    except actions.AdmissionError as exc:
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") or "carehomes:index")


@login_required
def residents(request: HttpRequest) -> HttpResponse:
    require(request, "admissions.read")
    qs = (
        scoped_residences(request.user)
        .exclude(state=ResidenceState.ENDED)
        .select_related("person", "facility")
    )
    home = request.GET.get("facility", "")
    if home.isdigit():
        qs = qs.filter(facility_id=int(home))
    rows = [
        (r, person_label(request.user, r.person)) for r in qs.order_by("facility__name", "admitted_on", "id")
    ]
    levels = dict(ABILITY_LEVELS)
    tekun = dict(TEKUN)
    by_level = Counter(levels.get(str(r.person.ability_level), "未评估") for r, _ in rows)
    by_category = Counter(tekun.get(r.person.tekun or "none", "非特困") for r, _ in rows)
    context = {
        "rows": rows,
        "homes": homes_of(request.user),
        "home": home,
        "by_level": sorted(by_level.items()),
        "by_category": sorted(by_category.items()),
        "ends": EndReason.choices,
        "can_write": may(request.user, "residents.write"),
        "ended": scoped_residences(request.user)
        .filter(state=ResidenceState.ENDED)
        .select_related("person", "facility")[:50],
    }
    return render(request, "carehomes/residents.html", context)


@login_required
@require_POST
def residence_action(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    require(request, "residents.write")
    residence = access_residence(request, pk)
    today = timezone.localdate()
    note = request.POST.get("note", "")
    try:
        if what in ("leave", "back"):
            stays.do_leave(request, residence, today, note, back=what == "back")
        else:
            reason = request.POST.get("reason", "")
            if reason not in EndReason.values:
                raise actions.AdmissionError("请选择离院原因")
            to = homes_of(request.user).filter(pk=request.POST.get("to", "0") or 0).first()
            stays.do_end(request, residence, reason, today, note=note, to=to)
        messages.success(request, "已办理")
    except actions.AdmissionError as exc:
        messages.error(request, str(exc))
    return redirect("carehomes:residents")


@login_required
def refusals(request: HttpRequest) -> HttpResponse:
    """机构拒收 with their reasons, for the county's 应收尽收 review."""
    require(request, "admissions.read")
    qs = (
        scoped_offers(request.user)
        .filter(state=OfferState.REFUSED)
        .select_related("application__person", "vacancy__facility", "decided_by")
    )
    rows = [(o, person_label(request.user, o.application.person)) for o in qs]
    return render(request, "carehomes/refusals.html", {"rows": rows})


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """应收尽收: 特困 who cannot look after themselves, want placement and are not placed."""
    require(request, "admissions.read")
    code = county_of(request.user)
    from yanglao.registry.access import scoped_persons

    people = indicators.placement_worklist(code, timezone.localdate()).filter(
        pk__in=scoped_persons(request.user).values("pk")
    )
    people = people.prefetch_related("care_applications")[:500]
    rows: list[tuple[Any, str]] = [(p, person_label(request.user, p)) for p in people]
    context = {"rows": rows, "rate": indicators.centralized_rate(code, timezone.localdate())}
    context["occupancy"] = [
        (o["养老机构"], o["床位"], o["在院人数"], o["入住率（%）"]) for o in indicators.occupancy(code)
    ]
    return render(request, "carehomes/worklist.html", context)
