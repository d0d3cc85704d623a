"""Staff pages: the queue (轮候), applying for an elder, an application with its explanation and wait."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.scope import may, require, scope_of
from yanglao.carehomes import actions, indicators
from yanglao.carehomes.access import access_application, homes_of, scoped_applications, scoped_offers
from yanglao.carehomes.models import AppStatus, OfferState
from yanglao.carehomes.queries import waits
from yanglao.core.admissions import list_rules, load_rules
from yanglao.core.masking import person_label
from yanglao.registry.access import access_person_by_id_number


def county_of(user: Any) -> str:
    """The county whose queue a user works on: their region's, else the first with rules."""
    region = scope_of(user).prefix or ""
    for code in list_rules():
        if region.startswith(code) or code.startswith(region):
            return code
    return list_rules()[0]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request, "admissions.read")
    today = timezone.localdate()
    apps = scoped_applications(request.user).select_related("person")
    status = request.GET.get("status", "queue")
    if status == "queue":
        apps = apps.filter(status__in=(AppStatus.WAITING, AppStatus.OFFERED), position__isnull=False)
    elif status in AppStatus.values:
        apps = apps.filter(status=status)
    page = Paginator(apps.order_by("rules", "position", "applied_on", "id"), 50).get_page(
        request.GET.get("page")
    )
    rows = [(a, person_label(request.user, a.person)) for a in page]
    code = county_of(request.user)
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": AppStatus.choices,
        "code": code,
        "can_work": may(request.user, "admissions.work"),
        "homes": homes_of(request.user),
        "figures": indicators.queue_figures(code, today),
        "rate": indicators.centralized_rate(code, today),
    }
    offers = scoped_offers(request.user).filter(state__in=(OfferState.OPEN, OfferState.ACCEPTED))
    context["offer_rows"] = [
        (o, person_label(request.user, o.application.person))
        for o in offers.select_related("application__person", "vacancy__facility")
    ]
    return render(request, "carehomes/index.html", context)


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    require(request, "admissions.work")
    today = timezone.localdate()
    homes = homes_of(request.user)
    form: dict[str, Any] = {"applied_on": today.isoformat(), "wants_placement": "1"}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            app = _apply(request, homes, today)
        except actions.AdmissionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已受理入住申请 {app.number}")
            return redirect("carehomes:application", pk=app.pk)
    return render(request, "carehomes/apply.html", {"form": form, "homes": homes})


def _find(request: HttpRequest, raw: str, what: str) -> Any:
    number = raw.strip().upper()
    if not number:
        raise actions.AdmissionError(f"请填写{what}的公民身份号码")
    try:
        return access_person_by_id_number(request, number, purpose="受理入住申请")
    except Http404:
        raise actions.AdmissionError(
            f"{what}（公民身份号码 {number[:6]}…{number[-4:]}）不在老年人信息库中或不在您的管辖范围内，请先建档"
        ) from None


def _apply(request: HttpRequest, homes: Any, today: dt.date) -> Any:
    post = request.POST
    person = _find(request, post.get("id_number", ""), "申请人")
    partner = _find(request, post["partner_id_number"], "配偶") if post.get("partner_id_number") else None
    try:
        applied_on = dt.date.fromisoformat(post.get("applied_on", ""))
    except ValueError:
        raise actions.AdmissionError("申请日期格式应为 年-月-日") from None
    chosen = [int(x) for x in post.getlist("preferred") if x.isdigit()]
    preferred = list(homes.filter(pk__in=chosen))
    return actions.do_apply(
        request,
        person,
        on=today,
        applied_on=applied_on,
        wants_placement=post.get("wants_placement") == "1",
        preferred=preferred,
        partner=partner,
        files=request.FILES.getlist("documents"),
    )


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "admissions.read")
    app = access_application(request, pk)
    today = timezone.localdate()
    rules = load_rules(app.rules)
    context = {
        "app": app,
        "label": person_label(request.user, app.person),
        "rules": rules,
        "waits": waits(app, today),
        "offers": app.offers.select_related("vacancy__facility"),
        "documents": app.documents.all(),
        "preferred": app.preferred.all(),
        "can_work": may(request.user, "admissions.work"),
        "open": app.status in (AppStatus.WAITING, AppStatus.OFFERED),
    }
    return render(request, "carehomes/application.html", context)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "admissions.work")
    app = access_application(request, pk, "撤回入住申请")
    try:
        actions.do_withdraw(request, app, request.POST.get("reason", ""), timezone.localdate())
    except actions.AdmissionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤回申请")
    return redirect("carehomes:application", pk=app.pk)
