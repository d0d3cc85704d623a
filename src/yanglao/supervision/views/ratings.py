"""Ratings (等级评定, GB/T 37276-2018 as data): the facility's self-assessment and the bureau's assessment,
item by item with evidence; the public list of levels (no login)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yanglao.accounts.models import Role
from yanglao.accounts.scope import may, require, role_of
from yanglao.facilities.models import Facility
from yanglao.supervision import access, actions, rules
from yanglao.supervision.models import Rating, RatingKind
from yanglao.supervision.views.common import files_of, now, text


@login_required
def rating_list(request: HttpRequest) -> HttpResponse:
    access.require_read(request)
    rows = access.ratings(request.user).order_by("-assessed_on", "-pk")[:200]
    return render(request, "supervision/ratings.html", {"rows": rows, "tab": "ratings"})


def _items(posted: dict[str, str]) -> list[tuple[str, list[tuple[dict[str, object], str]]]]:
    """The standard's items by area, each with the value posted before (a form sent back with an error)."""
    out: dict[str, list[tuple[dict[str, object], str]]] = {}
    for area, item in rules.rating_items():
        out.setdefault(area, []).append((item, posted.get(f"score_{item['code']}", "")))
    return list(out.items())


@login_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Care-home staff record their facility's self-assessment; the bureau's assessors its assessment."""
    require(request, "supervision.rectify")
    facility = access.access_facility(request, pk, "等级评定")
    kind = RatingKind.SELF if role_of(request.user) == Role.CAREHOME else RatingKind.BUREAU
    if kind == RatingKind.BUREAU and not may(request.user, "supervision.inspect"):
        require(request, "supervision.inspect")
    error = ""
    posted = {k: str(v) for k, v in request.POST.items()}
    if request.method == "POST":
        error = _record(request, facility, kind)
        if not error:
            return redirect("supervision:facility", facility.pk)
    context = {
        "f": facility,
        "kind": RatingKind(kind).label,
        "areas": _items(posted),
        "standard": rules.rating_standard(),
        "notes": [str(v) for v in dict(rules.rating_standard()["status"]).values()],
        "values": posted,
        "today": now().astimezone(rules.SHANGHAI).date().isoformat(),
        "error": error,
        "tab": "ratings",
    }
    return render(request, "supervision/rate.html", context, status=400 if error else 200)


def _record(request: HttpRequest, facility: Facility, kind: str) -> str:
    scores: dict[str, int] = {}
    for _, item in rules.rating_items():
        raw = request.POST.get(f"score_{item['code']}", "").strip()
        if not raw:
            return f"未评分：{item['name']}"
        try:
            scores[str(item["code"])] = int(raw)
        except ValueError:
            return f"{item['name']}：得分应为整数"
    try:
        assessed = dt.date.fromisoformat(request.POST.get("assessed_on", ""))
    except ValueError:
        return "请填写评定日期"
    if assessed > now().astimezone(rules.SHANGHAI).date():
        return "评定日期不能晚于今天"
    try:
        actions.do_rate(
            request,
            request.user,
            facility,
            kind=kind,
            scores=scores,
            assessed_on=assessed,
            assessors=text(request, "assessors", 200),
            note=text(request, "note"),
            files=files_of(request),
            now=now(),
        )
    except rules.RuleError as exc:
        return str(exc)
    return ""


@login_required
def rating(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_read(request)
    item = access.access_rating(request, pk, "查看等级评定")
    files: dict[str, list[object]] = {}
    for e in item.evidence_set.all():
        files.setdefault(e.item, []).append(e)
    rows = [
        (area, entry, item.scores.get(str(entry["code"])), files.get(str(entry["code"]), []))
        for area, entry in rules.rating_items()
    ]
    context = {"r": item, "rows": rows, "history": item.facility.ratings.all(), "tab": "ratings"}
    return render(request, "supervision/rating.html", context)


def public_ratings(request: HttpRequest) -> HttpResponse:
    """养老机构等级评定结果公示: each facility's latest valid level of the bureau and its date (public)."""
    today = now().astimezone(rules.SHANGHAI).date()
    latest = (
        Rating.objects.filter(kind=RatingKind.BUREAU)
        .values("facility_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    rows = (
        Rating.objects.filter(pk__in=list(latest), valid_until__gte=today)
        .select_related("facility", "facility__region")
        .order_by("-level", "facility__name")
    )
    return render(
        request, "supervision/public_ratings.html", {"rows": rows, "standard": rules.rating_standard()}
    )
