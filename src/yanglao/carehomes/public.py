"""The public, anonymised queue (no login): per county, a masked name, the class, the application month
and the position; and an applicant's own position by application number and the last 4 ID characters.
No ID numbers, no health data, no addresses. A wrong number and wrong digits get the same answer."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yanglao.carehomes.queries import lookup, public_rows, queue, waits
from yanglao.core.admissions import list_rules, load_rules

PAGE = 100
NOT_FOUND = (
    "没有找到与申请编号和身份证号后四位相符的轮候申请，请核对后再查（如已入住或已撤回，也不再显示位次）。"
)


def counties() -> list[tuple[str, str]]:
    return [(code, load_rules(code).jurisdiction) for code in list_rules()]


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "carehomes/public_index.html", {"counties": counties()})


def county_queue(request: HttpRequest, code: str) -> HttpResponse:
    if code not in list_rules():
        raise Http404("没有该地区的公办养老机构轮候名单")
    rules = load_rules(code)
    page = Paginator(queue(code), PAGE).get_page(request.GET.get("page"))
    context = {
        "rules": rules,
        "code": code,
        "page": page,
        "rows": public_rows(page.object_list),
        "classes": [p.name for p in rules.classes],
        "tie_breakers": [p.name for p in rules.tie_breakers],
    }
    return render(request, "carehomes/public_queue.html", context)


def my_position(request: HttpRequest) -> HttpResponse:
    """POST only carries the number and digits (kept out of addresses and logs); one answer for any
    mismatch. Nothing is audited: the page shows no personal data."""
    context: dict[str, object] = {"counties": counties()}
    if request.method == "POST":
        app = lookup(request.POST.get("number", ""), request.POST.get("tail", ""))
        if app is None or app.position is None:
            context["error"] = NOT_FOUND
        else:
            context["app"] = app
            context["class_name"] = app.class_name
            context["month"] = f"{app.applied_on.year}年{app.applied_on.month}月"
            context["waits"] = waits(app, timezone.localdate())
    return render(request, "carehomes/public_mine.html", context)
