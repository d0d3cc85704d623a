"""Staff pages for providers, their contracts, workers (certificates, training) and 助老联盟 members
(quarterly assessment): lists filtered and paged, forms that check and hand over to the ``do_*`` actions
(``providers.py``), which write and audit. The bureau (``services.plan``) registers providers, contracts
and volunteers; a provider's own staff and the bureau (``services.claim``) keep its workers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.models import Role
from yanglao.accounts.scope import deny, may, require, scope_of
from yanglao.core.services import list_service_catalogs
from yanglao.homeservices.access import access_provider, scoped_providers
from yanglao.homeservices.forms import (
    AssessmentForm,
    ContractForm,
    ProviderForm,
    TrainingForm,
    VolunteerForm,
    WorkerForm,
    catalog_choices,
)
from yanglao.homeservices.models import CarerLevel, Contract, ProviderKind, Team, Volunteer, Worker
from yanglao.homeservices.providers import (
    ProviderError,
    do_add_contract,
    do_add_training,
    do_add_worker,
    do_assess_volunteer,
    do_edit_contract,
    do_edit_provider,
    do_edit_volunteer,
    do_edit_worker,
    do_register_provider,
    do_register_volunteer,
)
from yanglao.regions.models import Region

PAGE_SIZE = 50
CERTIFICATE_DAYS = 30


def _regions(request: HttpRequest) -> QuerySet[Region]:
    return Region.objects.filter(scope_of(request.user).q("code"))


def _prefix(code: str) -> str:
    """The code prefix of a region chosen in a filter (its own code when unknown: matches itself)."""
    region = Region.objects.filter(code=code).first()
    return region.prefix if region else code


def _page(request: HttpRequest, rows: Any) -> tuple[Page[Any], str]:
    """The page asked for, and the query string of the filters (without the page) for the pager."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _form_page(request: HttpRequest, form: Any, title: str, back: str, **extra: Any) -> HttpResponse:
    return render(request, "homeservices/form.html", {"form": form, "title": title, "back": back, **extra})


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """Cleaned form data as model fields (a region chosen becomes its code)."""
    out = dict(data)
    if "region" in out:
        out["region_id"] = out.pop("region").code
    return out


# providers ----------------------------------------------------------------------------------------


@login_required
def providers(request: HttpRequest) -> HttpResponse:
    require(request, "services.read")
    rows = scoped_providers(request.user).select_related("region").annotate(n_workers=Count("workers"))
    chosen = {k: request.GET.get(k, "").strip() for k in ("q", "kind", "region", "vetted")}
    if chosen["q"]:
        rows = rows.filter(Q(name__icontains=chosen["q"]) | Q(code__icontains=chosen["q"]))
    if chosen["kind"] in ProviderKind.values:
        rows = rows.filter(kind=chosen["kind"])
    if chosen["region"]:
        rows = rows.filter(region__code__startswith=_prefix(chosen["region"]))
    if chosen["vetted"] == "1":
        rows = rows.filter(vetted=True)
    page, query = _page(request, rows.order_by("code"))
    return render(
        request,
        "homeservices/providers.html",
        {
            "page": page,
            "query": query,
            "chosen": chosen,
            "kinds": ProviderKind.choices,
            "regions": _regions(request).filter(level__in=["county", "township"]).order_by("code")[:300],
            "can_register": may(request.user, "services.plan"),
        },
    )


@login_required
def provider_new(request: HttpRequest) -> HttpResponse:
    require(request, "services.plan")
    form = ProviderForm(request.POST if request.method == "POST" else None, regions=_regions(request))
    if request.method == "POST" and form.is_valid():
        data = _fields(form.cleaned_data)
        try:
            p = do_register_provider(
                current_user(request), code=data.pop("code").strip(), name=data.pop("name"),
                kind=data.pop("kind"), region=Region.objects.get(code=data.pop("region_id")), **data,
            )  # fmt: skip
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记服务机构：{p.name}")
            return redirect("homeservices:provider", p.pk)
    return _form_page(request, form, "登记服务机构", "homeservices:providers")


@login_required
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.plan")
    p = access_provider(request, pk, "修改服务机构")
    initial = {f: getattr(p, f) for f in ProviderForm.base_fields if f != "code"} | {"region": p.region_id}
    form = ProviderForm(
        request.POST if request.method == "POST" else None, regions=_regions(request), editing=True,
        initial=initial,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        said = do_edit_provider(current_user(request), p, **_fields(form.cleaned_data))
        messages.success(request, "已保存：" + "；".join(said) if said else "没有修改")
        return redirect("homeservices:provider", p.pk)
    return _form_page(
        request, form, f"修改服务机构：{p.name}（{p.code}）", "homeservices:provider", back_pk=p.pk
    )


# contracts ----------------------------------------------------------------------------------------


def _catalog(request: HttpRequest, default: str) -> str:
    wanted = (request.POST.get("catalog") or request.GET.get("catalog") or default).strip()
    codes = list_service_catalogs()
    return wanted if wanted in codes else (default if default in codes else codes[0])


@login_required
def contract_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.plan")
    p = access_provider(request, pk, "登记服务合同")
    catalog = _catalog(request, p.region_id[:6])
    today = timezone.localdate()
    post = request.POST if request.method == "POST" and "number" in request.POST else None
    form = ContractForm(
        post, regions=_regions(request), catalog=catalog, on=today,
        initial={"region": p.region_id, "start": today.replace(month=1, day=1), "end": today.replace(month=12, day=31)},
    )  # fmt: skip
    if post is not None and form.is_valid():
        d = form.cleaned_data
        try:
            do_add_contract(
                current_user(request), p, number=d["number"], catalog=catalog, region=d["region"],
                start=d["start"], end=d["end"], prices=form.prices(),
            )  # fmt: skip
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记服务合同 {d['number']}")
            return redirect("homeservices:provider", p.pk)
    return render(
        request,
        "homeservices/contract_form.html",
        {"form": form, "p": p, "catalog": catalog, "catalogs": catalog_choices(), "contract": None},
    )


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.plan")
    contract = Contract.objects.select_related("provider").filter(pk=pk).first()
    p = access_provider(request, contract.provider_id if contract else 0, "修改服务合同")
    assert contract is not None
    initial: dict[str, Any] = {
        "number": contract.number, "region": contract.region_id, "start": contract.start, "end": contract.end,
        **{f"price_{k}": v for k, v in contract.prices.items()},
    }  # fmt: skip
    form = ContractForm(
        request.POST if request.method == "POST" else None, regions=_regions(request),
        catalog=contract.catalog, on=contract.start, initial=initial,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            said = do_edit_contract(
                current_user(request), contract, number=d["number"], region=d["region"], start=d["start"],
                end=d["end"], prices=form.prices(),
            )  # fmt: skip
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存：" + "；".join(said) if said else "没有修改")
            return redirect("homeservices:provider", p.pk)
    return render(
        request,
        "homeservices/contract_form.html",
        {"form": form, "p": p, "catalog": contract.catalog, "catalogs": [], "contract": contract},
    )


# workers ------------------------------------------------------------------------------------------


@login_required
def workers(request: HttpRequest) -> HttpResponse:
    require(request, "services.read")
    today = timezone.localdate()
    rows = Worker.objects.filter(provider__in=scoped_providers(request.user)).select_related("provider")
    rows = rows.annotate(n_trainings=Count("trainings"))
    chosen = {k: request.GET.get(k, "").strip() for k in ("q", "provider", "level", "due", "active")}
    if chosen["q"]:
        rows = rows.filter(Q(name__icontains=chosen["q"]) | Q(code__icontains=chosen["q"]))
    if chosen["provider"].isdigit():
        rows = rows.filter(provider_id=int(chosen["provider"]))
    if chosen["level"] and chosen["level"] in CarerLevel.values:
        rows = rows.filter(carer_level=chosen["level"])
    if chosen["due"] == "1":
        rows = rows.filter(health_certificate_until__lte=today + dt.timedelta(days=CERTIFICATE_DAYS))
    if chosen["active"] in ("1", "0"):
        rows = rows.filter(active=chosen["active"] == "1")
    page, query = _page(request, rows.order_by("provider__code", "code"))
    return render(
        request,
        "homeservices/workers.html",
        {
            "page": page,
            "query": query,
            "chosen": chosen,
            "levels": CarerLevel.choices[1:],
            "providers": scoped_providers(request.user).order_by("code"),
            "due_on": today + dt.timedelta(days=CERTIFICATE_DAYS),
            "today": today,
            "can_edit": may(request.user, "services.claim"),
        },
    )


def _worker(request: HttpRequest, pk: int, what: str) -> Worker:
    found = (
        Worker.objects.filter(provider__in=scoped_providers(request.user), pk=pk)
        .select_related("provider")
        .first()
    )
    if found is None:
        raise deny(request, exists=Worker.objects.filter(pk=pk).exists(), object_type="provider",
                   object_id=f"worker:{pk}", what=what)  # fmt: skip
    return found


@login_required
def worker_new(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.claim")
    p = access_provider(request, pk, "登记服务人员")
    form = WorkerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            w = do_add_worker(current_user(request), p, code=d.pop("code").strip(), name=d.pop("name"), **d)
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记服务人员 {w.code} {w.name}")
            return redirect("homeservices:worker", w.pk)
    return _form_page(request, form, f"登记服务人员：{p.name}", "homeservices:provider", back_pk=p.pk)


@login_required
def worker_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker: the record (editable), the certificates, the training records and a form to add one."""
    require(request, "services.read")
    w = _worker(request, pk, "查看服务人员")
    can_edit = may(request.user, "services.claim")
    initial = {f: getattr(w, f) for f in WorkerForm.base_fields if f != "code"}
    form = WorkerForm(request.POST if request.method == "POST" else None, editing=True, initial=initial)
    if request.method == "POST":
        require(request, "services.claim")
        if form.is_valid():
            said = do_edit_worker(current_user(request), w, **form.cleaned_data)
            messages.success(request, "已保存：" + "；".join(said) if said else "没有修改")
            return redirect("homeservices:worker", w.pk)
    return render(
        request,
        "homeservices/worker.html",
        {
            "w": w,
            "form": form,
            "training": TrainingForm(),
            "trainings": w.trainings.order_by("-on"),
            "can_edit": can_edit,
            "due": w.health_certificate_until is not None
            and w.health_certificate_until <= timezone.localdate() + dt.timedelta(days=CERTIFICATE_DAYS),
        },
    )


@login_required
@require_POST
def worker_training(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.claim")
    w = _worker(request, pk, "登记培训记录")
    form = TrainingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写培训内容、日期和学时（学时须大于 0）")
    else:
        try:
            do_add_training(current_user(request), w, **form.cleaned_data)
            messages.success(request, "已登记培训记录")
        except ProviderError as exc:
            messages.error(request, str(exc))
    return redirect("homeservices:worker", w.pk)


# volunteers (助老联盟) ------------------------------------------------------------------------------


def _volunteers(request: HttpRequest) -> QuerySet[Volunteer]:
    """Members of the user's region; a provider's staff sees none (the alliance is the bureau's)."""
    if scope_of(request.user).role == Role.PROVIDER:
        return Volunteer.objects.none()
    return Volunteer.objects.filter(scope_of(request.user).q("region__code"))


@login_required
def volunteers(request: HttpRequest) -> HttpResponse:
    require(request, "services.read")
    rows = _volunteers(request).select_related("region").prefetch_related("assessments")
    chosen = {k: request.GET.get(k, "").strip() for k in ("q", "team", "region")}
    if chosen["q"]:
        rows = rows.filter(name__icontains=chosen["q"])
    if chosen["team"] in Team.values:
        rows = rows.filter(team=chosen["team"])
    if chosen["region"]:
        rows = rows.filter(region__code__startswith=_prefix(chosen["region"]))
    page, query = _page(request, rows.order_by("team", "region_id", "name"))
    items = [(v, max(v.assessments.all(), key=lambda a: a.quarter, default=None)) for v in page]
    return render(
        request,
        "homeservices/volunteers.html",
        {
            "page": page,
            "items": items,
            "query": query,
            "chosen": chosen,
            "teams": Team.choices,
            "regions": _regions(request).filter(level__in=["county", "township"]).order_by("code")[:300],
            "can_edit": may(request.user, "services.plan"),
        },
    )


@login_required
def volunteer_new(request: HttpRequest) -> HttpResponse:
    require(request, "services.plan")
    form = VolunteerForm(request.POST if request.method == "POST" else None, regions=_regions(request))
    if request.method == "POST" and form.is_valid():
        v = do_register_volunteer(current_user(request), **_fields(form.cleaned_data))
        messages.success(request, f"已登记助老联盟成员 {v.name}")
        return redirect("homeservices:volunteer", v.pk)
    return _form_page(request, form, "登记助老联盟成员", "homeservices:volunteers")


def _volunteer(request: HttpRequest, pk: int, what: str) -> Volunteer:
    found = _volunteers(request).select_related("region").filter(pk=pk).first()
    if found is None:
        raise deny(request, exists=Volunteer.objects.filter(pk=pk).exists(), object_type="volunteer",
                   object_id=str(pk), what=what)  # fmt: skip
    return found


@login_required
def volunteer_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.read")
    v = _volunteer(request, pk, "查看助老联盟成员")
    initial = {
        "name": v.name,
        "team": v.team,
        "phone": v.phone,
        "joined_on": v.joined_on,
        "region": v.region_id,
    }
    form = VolunteerForm(request.POST if request.method == "POST" else None, regions=_regions(request),
                         initial=initial)  # fmt: skip
    if request.method == "POST":
        require(request, "services.plan")
        if form.is_valid():
            said = do_edit_volunteer(current_user(request), v, **_fields(form.cleaned_data))
            messages.success(request, "已保存：" + "；".join(said) if said else "没有修改")
            return redirect("homeservices:volunteer", v.pk)
    return render(
        request,
        "homeservices/volunteer.html",
        {
            "v": v,
            "form": form,
            "assess": AssessmentForm(initial={"quarter": timezone.localdate()}),
            "assessments": v.assessments.order_by("-quarter"),
            "can_edit": may(request.user, "services.plan"),
        },
    )


@login_required
@require_POST
def volunteer_assess(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.plan")
    v = _volunteer(request, pk, "助老联盟成员季度考核")
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写季度、服务次数和 0 到 100 的考核得分")
    else:
        d = form.cleaned_data
        try:
            a = do_assess_volunteer(current_user(request), v, d["quarter"], d["services"], d["score"])
            messages.success(request, f"已记录 {a.quarter:%Y-%m} 起的季度考核：{a.score} 分（{a.result}）")
        except ProviderError as exc:
            messages.error(request, str(exc))
    return redirect("homeservices:volunteer", v.pk)
