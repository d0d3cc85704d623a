"""One person's visits page (made for a phone): who they are to the visitor, the form, the history."""

from __future__ import annotations

import mimetypes
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from yanglao.accounts.scope import require
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import mask_id_number
from yanglao.core.visits.schedule import due_date
from yanglao.registry.models import Person
from yanglao.visits.access import (
    access_followup,
    access_visit,
    access_visit_person,
    access_visitor,
    can_manage,
    can_record,
    scoped_visitors,
)
from yanglao.visits.actions import do_assign, do_close_followup, do_record_visit, village_of
from yanglao.visits.filters import ordered
from yanglao.visits.forms import AssignForm, CloseForm, VisitForm
from yanglao.visits.models import CASELOAD_KINDS, Assignment, FollowUpStatus, Target
from yanglao.visits.reports import person_name
from yanglao.visits.views.common import require_read


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _context(request: HttpRequest, person: Person, form: VisitForm) -> dict[str, Any]:
    target = Target.objects.filter(person=person, active=True).first()
    visits = list(person.visits.select_related("visitor", "recorded_by").order_by("-visited_at")[:10])
    last = visits[0].visited_on if visits else None
    due = due_date(last, target.interval, target.since) if target else None
    assignments = Assignment.objects.filter(person=person, ended_at__isnull=True).select_related("visitor")
    village = village_of(person.residence_region, person.hukou_region)
    return {
        "person": person,
        "label": person_name(request.user, person.name),
        "id_masked": mask_id_number(person.id_number),
        "target": target,
        "due": due,
        "overdue": due is not None and due < timezone.localdate(),
        "visits": visits,
        "assignments": assignments,
        "followups": ordered(person.visit_followups.select_related("township"), timezone.now())[:20],
        "form": form,
        "can_record": can_record(request.user),
        "can_manage": can_manage(request.user),
        "candidates": scoped_visitors(request.user).filter(
            active=True, village_id=village, kind__in=CASELOAD_KINDS
        )
        if can_manage(request.user)
        else [],
        "dead": person.death_date is not None,
    }


@login_required
def person_page(request: HttpRequest, pk: int) -> HttpResponse:
    require_read(request)
    person = access_visit_person(request, pk)
    form = VisitForm(
        initial={
            "visited_at": timezone.localtime().replace(second=0, microsecond=0),
            "client_id": uuid.uuid4(),
        }
    )
    return render(request, "visits/person.html", _context(request, person, form))


@login_required
@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit. Answers JSON to the page's script (drafts sent later), HTML otherwise."""
    require(request, "visits.record")
    person = access_visit_person(request, pk, purpose="记录探访")
    form = VisitForm(request.POST, request.FILES)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=400
            )
        return render(request, "visits/person.html", _context(request, person, form), status=400)
    try:
        visit, created = do_record_visit(request, person, form.to_input())
    except ValueError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": {"__all__": [str(exc)]}}, status=409)
        raise Http404 from exc
    url = reverse("visits:person", args=[person.pk])
    if _wants_json(request):
        return JsonResponse({"ok": True, "visit": visit.pk, "created": created, "url": url})
    return redirect(url + "?saved=1")


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A visit's photo, only to users who may see the person's visits; audited."""
    require_read(request)
    visit = access_visit(request, pk, purpose="查看探访照片")
    if not visit.photo:
        raise Http404
    content_type = mimetypes.guess_type(visit.photo.name or "")[0] or "application/octet-stream"
    response = FileResponse(visit.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Manual override of the person's primary visitor (caseworkers)."""
    require(request, "visits.manage")
    person = access_visit_person(request, pk, purpose="指定探访人员")
    form = AssignForm(request.POST)
    if not form.is_valid():
        return redirect(reverse("visits:person", args=[pk]) + "?error=assign")
    visitor = access_visitor(request, form.cleaned_data["visitor"])
    if visitor.village_id != village_of(person.residence_region, person.hukou_region):
        raise Http404("探访人员不在该老年人所在村（社区）")
    do_assign(request, person, visitor, form.cleaned_data["note"])
    return redirect(reverse("visits:person", args=[pk]) + "?assigned=1")


@login_required
@require_POST
def close_followup(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "visits.manage")
    followup = access_followup(request, pk, purpose="办结探访跟进")
    form = CloseForm(request.POST)
    if form.is_valid() and followup.status == FollowUpStatus.OPEN:
        do_close_followup(request, followup, form.cleaned_data["resolution"])
    back = request.POST.get("next", "")
    safe = back.startswith("/visits/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None)
    return redirect(back if safe else reverse("visits:followups"))


def audit_list_view(request: HttpRequest, name: str, summary: str, rows: int) -> None:
    """Viewing a list of people is audited like a search."""
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="visits",
        object_id=name,
        summary=f"{summary}：{rows} 条",
        detail={"list": name, "rows": rows},
    )
