"""The bureau's forms: register or edit a facility, file a monthly capacity report (a facility's own staff,
or the bureau on its behalf: audited as such), upload a facility file (imported by a background job)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from yanglao.accounts.scope import deny, require, scope_of
from yanglao.facilities import jobs
from yanglao.facilities.actions import (
    FacilityInvalid,
    FacilityRefused,
    do_file_report,
    do_save_facility,
    is_bureau,
)
from yanglao.facilities.forms import FacilityForm, ReportForm, UploadForm
from yanglao.facilities.models import CapacityReport, Facility
from yanglao.facilities.views import common
from yanglao.jobs import runner
from yanglao.jobs.models import Job


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _save(request: HttpRequest, form: FacilityForm, facility: Facility | None) -> Facility | None:
    try:
        return do_save_facility(request.user, form.values(), facility=facility, address=_address(request))
    except FacilityInvalid as exc:
        form.add_action_errors(exc.errors)
    except FacilityRefused as exc:
        form.add_error("region", str(exc))
    return None


@login_required
def create(request: HttpRequest) -> HttpResponse:
    require(request, "facilities.write")
    scope = scope_of(request.user)
    form = FacilityForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, f"已登记：{saved.name}")
            return redirect("facilities:detail", pk=saved.pk)
    return render(
        request, "facilities/form.html", {"form": form, "facility": None, "title": "登记养老服务设施"}
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = common.facility_in_scope(request, pk, "facilities.write")
    scope = scope_of(request.user)
    form = FacilityForm(request.POST or None, scope=scope, initial=FacilityForm.initial_of(facility))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, facility)
        if saved is not None:
            messages.success(request, f"已保存：{saved.name}")
            return redirect("facilities:detail", pk=saved.pk)
    return render(
        request,
        "facilities/form.html",
        {"form": form, "facility": facility, "title": f"修改：{facility.name}"},
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    facility = common.facility_in_scope(request, pk, "facilities.report")
    today = common.today()
    last_month = common.last_months(today, 1)[0]
    month_text = request.GET.get("month", "") or f"{last_month:%Y-%m}"
    initial: dict[str, object] = {"month": month_text}
    existing = None
    try:
        month = dt.date.fromisoformat(f"{month_text}-01")
        existing = CapacityReport.objects.filter(facility=facility, month=month, current=True).first()
    except ValueError:
        pass
    if existing is not None:
        initial.update(
            {name: getattr(existing, name) for name in ReportForm.base_fields if hasattr(existing, name)}
        )
        initial["month"] = month_text
        initial["reason"] = ""
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = do_file_report(
                request.user,
                facility,
                form.cleaned_data["month"],
                form.figures(),
                reason=form.cleaned_data.get("reason") or "",
                address=_address(request),
            )
        except FacilityInvalid as exc:
            form.add_action_errors(exc.errors)
        except FacilityRefused as exc:
            form.add_error(None, str(exc))
        else:
            note = "（民政部门代报）" if saved.on_behalf else ""
            messages.success(request, f"已提交 {saved.month:%Y年%m月}床位月报{note}")
            return redirect("facilities:detail", pk=facility.pk)
    return render(
        request,
        "facilities/report.html",
        {
            "form": form,
            "f": facility,
            "existing": existing,
            "on_behalf": is_bureau(request.user),
        },
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    require(request, "facilities.write")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        path = jobs.save_upload(upload_file.name, upload_file.chunks())
        job = jobs.queue_import(
            request.user,
            path,
            as_of=form.cleaned_data.get("as_of") or common.today(),
            source=form.cleaned_data.get("source") or "",
            address=_address(request),
        )
        return redirect("facilities:import-job", pk=job.pk)
    recent = Job.objects.filter(kind=jobs.KIND, user_id=int(request.user.pk or 0)).order_by("-pk")[:5]
    return render(request, "facilities/import.html", {"form": form, "recent": recent})


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "facilities.write")
    job = Job.objects.filter(pk=pk, kind=jobs.KIND, user_id=int(request.user.pk or 0)).first()
    if job is None:  # another user's job is answered like a missing one, audited
        exists = Job.objects.filter(pk=pk, kind=jobs.KIND).exists()
        raise deny(request, exists=exists, object_type="job", object_id=str(pk), what=f"设施导入任务 {pk}")
    job = runner.check(job)
    result = dict(job.result or {})
    return render(
        request,
        "facilities/import_job.html",
        {
            "job": job,
            "result": result,
            "errors": result.get("error_rows", []),
            "refresh": not job.finished,
            "list_url": reverse("facilities:index"),
        },
    )
