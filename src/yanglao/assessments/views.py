"""Views: the list, a person's history, the tablet form (draft, resume, sign), the signed result,
its PDF report and the live scoring endpoint. Thin: reading goes through :mod:`access`, writing
through :mod:`actions`."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.models import User
from yanglao.accounts.scope import may, require
from yanglao.assessments import formview, listing
from yanglao.assessments.access import (
    access_assessment_by_pk,
    access_person_for_assessment,
    may_write,
)
from yanglao.assessments.actions import SignError, do_save_draft, do_sign_assessment
from yanglao.assessments.assessors import qualified_users
from yanglao.assessments.formdata import (
    FormError,
    Values,
    medication_rows,
    parse_date,
    parse_form,
    values_from_post,
    values_of,
)
from yanglao.assessments.live import live_score
from yanglao.assessments.models import Assessment, ReasonChoice, Status
from yanglao.assessments.report import render_pdf, report_context
from yanglao.assessments.results import current_of, expiring_among, signed_history
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import person_label
from yanglao.registry.access import scoped_persons
from yanglao.registry.models import Person

EXPIRING_DAYS = 30


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The expiring results, and every assessment of the user's people: filtered, paged."""
    require(request, "assessments.read")
    today = timezone.localdate()
    persons = scoped_persons(request.user)
    towns = listing.townships_of(request.user)
    chosen, township = listing.read_filters(request.GET, towns)
    page = Paginator(listing.filtered(persons, chosen), listing.PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "a": a,
            "label": person_label(request.user, a.person),
            "id_number": mask_id_number(a.person.id_number),
        }
        for a in page.object_list
    ]
    soon = list(expiring_among(persons, today, EXPIRING_DAYS))
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="assessment",
        summary=f"能力评估列表：{page.paginator.count} 条（第 {page.number} 页），"
        f"{EXPIRING_DAYS} 天内到期 {len(soon)} 条",
        detail={"filters": chosen.query(), "page": page.number},
    )
    context = {
        "rows": rows,
        "page": page,
        "filters": chosen,
        "query": urlencode(chosen.query()),
        "townships": towns,
        "villages": listing.villages_of(township, request.user),
        "levels": listing.level_choices(),
        "states": Status.choices,
        "expiring": [{"a": a, "label": person_label(request.user, a.person)} for a in soon],
        "days": EXPIRING_DAYS,
        "today": today,
        "can_manage": may(request.user, "users.manage"),
    }
    return render(request, "assessments/index.html", context)


@login_required
@require_GET
def person_history(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access_person_for_assessment(request, person_pk, purpose="查看能力评估记录")
    today = timezone.localdate()
    history = list(
        person.assessments.filter(status=Status.SIGNED).order_by("signed_at", "pk").prefetch_related("uses")
    )
    current = current_of(history, today)
    rows = [
        {
            "a": a,
            "current": current is not None and a.pk == current.pk,
            "expired": a.valid_until is not None and a.valid_until < today,
            "superseded": current is not None
            and a.pk != current.pk
            and not (a.valid_until and a.valid_until < today),
            "uses": list(a.uses.all()[:20]),
        }
        for a in sorted(history, key=lambda a: (a.reference_date, a.signed_at), reverse=True)
    ]
    drafts = person.assessments.filter(status=Status.DRAFT).order_by("-updated_at")
    context = {
        "person": person,
        "label": person_label(request.user, person),
        "id_number": mask_id_number(person.id_number),
        "rows": rows,
        "drafts": drafts,
        "current": current,
        "can_write": may_write(request),
    }
    return render(request, "assessments/person.html", context)


def _assessors(request: HttpRequest, on: dt.date | None) -> dict[int, User]:
    """Users who may be chosen as assessors: active users of the user's county holding an assessor
    qualification valid on ``on`` (the reference date; today when it is not given)."""
    user = current_user(request)
    prefix = str(user.region_id)[:6] if user.region_id else ""
    return qualified_users(prefix, on or timezone.localdate())


def _on(values: Values | QueryDict) -> dt.date | None:
    return parse_date(str(values.get("reference_date", "") or ""))


def _render_form(
    request: HttpRequest,
    person: Person,
    assessment: Assessment | None,
    values: Values,
    errors: list[FormError],
    *,
    status: int = 200,
    signing: bool = False,
) -> HttpResponse:
    number = assessment.number if assessment else ""
    action = (
        reverse("assessments:edit", args=[assessment.pk])
        if assessment
        else reverse("assessments:new", args=[person.pk])
    )
    live = live_score(values)
    by_name = formview.field_errors(errors)
    indicators = formview.indicators(values, errors)
    for ind, running in zip(indicators, live["indicators"], strict=True):
        ind["live"] = running
    signers = [
        {
            "label": label,
            "select_name": f"assessor_{n}",
            "name_name": f"assessor_{n}_name",
            "selected": int(s) if (s := str(values.get(f"assessor_{n}", ""))).isdigit() else None,
            "value": values.get(f"assessor_{n}_name", ""),
            "error": by_name.get(f"assessor_{n}"),
        }
        for n, label in ((1, "评估员一"), (2, "评估员二"))
    ]
    context = {
        "person": person,
        "label": person_label(request.user, person),
        "assessment": assessment,
        "action": action,
        "sections": formview.sections(values, errors, person, number),
        "indicators": indicators,
        "errors": errors,
        "signing": signing,
        "signers": signers,
        "place": {"value": values.get("place", ""), "error": by_name.get("place")},
        "assessors": sorted(_assessors(request, _on(values)).values(), key=str),
        "assessors_on": _on(values) or timezone.localdate(),
        "live": live,
        "med_rows": medication_rows(values),
    }
    return render(request, "assessments/form.html", context, status=status)


def _initial_values(request: HttpRequest, person: Person) -> Values:
    user = current_user(request)
    has_history = person.assessments.filter(status=Status.SIGNED).exists()
    today = timezone.localdate()
    values: Values = {
        "reference_date": today.isoformat(),
        "reason": ReasonChoice.ROUTINE if has_history else ReasonChoice.FIRST,
    }
    if user.pk in _assessors(request, today):  # the user fills in the form as the first assessor
        values.update(assessor_1=str(user.pk), assessor_1_name=str(user))
    return values


def _save(request: HttpRequest, person: Person, assessment: Assessment | None) -> HttpResponse:
    data, errors = parse_form(request.POST, _assessors(request, _on(request.POST)))
    assessment = do_save_draft(request, person, data, assessment)
    values = values_from_post(request.POST)
    if errors:
        return _render_form(request, person, assessment, values, errors, status=400)
    if request.POST.get("action") == "sign":
        try:
            assessment = do_sign_assessment(request, assessment)
        except SignError as exc:
            return _render_form(
                request, person, assessment, values_of(assessment), exc.problems, status=400, signing=True
            )
        return redirect("assessments:edit", pk=assessment.pk)
    return redirect(reverse("assessments:edit", args=[assessment.pk]) + "?saved=1")


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = access_person_for_assessment(request, person_pk, purpose="新建能力评估", write=True)
    if request.method == "POST":
        return _save(request, person, None)
    return _render_form(request, person, None, _initial_values(request, person), [])


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft: the form (GET) and saving or signing it (POST). A signed assessment: its result."""
    assessment = access_assessment_by_pk(request, pk, purpose="查看能力评估")
    person = assessment.person
    if assessment.status == Status.SIGNED:
        if request.method == "POST":
            return HttpResponse("该评估已签署，不能修改", status=409)
        context = {
            **report_context(assessment, current_user(request)),
            "label": person_label(request.user, person),
            "uses": list(assessment.uses.all()),
            "current": current_of(signed_history(person), timezone.localdate()),
            "today": timezone.localdate(),
        }
        return render(request, "assessments/detail.html", context)
    require(request, "assessments.write")
    if request.method == "POST":
        return _save(request, person, assessment)
    return _render_form(request, person, assessment, values_of(assessment), [])


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access_assessment_by_pk(request, pk, purpose="导出能力评估报告")
    if assessment.status != Status.SIGNED:
        raise Http404("草稿没有评估报告")
    user = current_user(request)
    pdf = render_pdf(assessment, user)
    audit(
        user,
        Action.EXPORT,
        request=request,
        object_type="assessment",
        object_id=assessment.number,
        summary=f"导出能力评估报告 {assessment.number}（{mask_id_number(assessment.person.id_number)}）",
        detail={
            "person": assessment.person_id,
            "assessment": assessment.pk,
            "full_id_number": user.can_reveal_id,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-{assessment.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def score(request: HttpRequest) -> HttpResponse:
    """The running scores of a form being filled in, computed by the core (one implementation)."""
    require(request, "assessments.read")
    return JsonResponse(live_score(request.POST))
