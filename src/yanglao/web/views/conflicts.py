"""The open data conflicts of the user's people, by township: each names the person (masked for the
role), the field, both values in words, their sources and data dates, and links to the person page
where it is resolved."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yanglao.accounts.current import current_user
from yanglao.accounts.scope import require
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core import masking
from yanglao.registry.access import place_of, region_filter, scoped_conflicts
from yanglao.registry.models import TRACKED_FIELDS, field_label
from yanglao.web.views.persons import place_names, region_choices, region_names, shown_text

PAGE = 50


def by_township(user: Any) -> list[dict[str, Any]]:
    """The number of open conflicts per township (of the person's 常住地), in one query."""
    counts = (
        scoped_conflicts(user)
        .order_by()
        .annotate(township=Substr("person__residence_region", 1, 9))
        .values("township")
        .annotate(n=Count("pk"))
        .order_by("township")
    )
    rows = [(str(c["township"] or ""), int(c["n"])) for c in counts]
    names = region_names({t + "000" for t, _ in rows if len(t) == 9})
    return [
        {
            "code": t + "000" if len(t) == 9 else "",
            "name": names.get(t + "000", "其他") if t else "未知",
            "count": n,
        }
        for t, n in rows
    ]


@login_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    require(request, "persons.read")
    user = current_user(request)
    township, village, _ = region_filter(
        user, request.GET.get("township", ""), request.GET.get("village", "")
    )
    field_name = request.GET.get("field", "")
    field_name = field_name if field_name in TRACKED_FIELDS else ""
    conflicts = scoped_conflicts(user, township=township, village=village, field_name=field_name)
    page = Paginator(conflicts, PAGE).get_page(request.GET.get("page"))
    places = place_names({c.person.residence_region or c.person.hukou_region or "" for c in page})
    rows = [
        {
            "pk": c.pk,
            "person_pk": c.person_id,
            "name": masking.person_label(user, c.person),
            "id_number": masking.mask(user.role, "id_number", c.person.id_number),
            "synthetic": c.person.synthetic,
            "place": places.get(c.person.residence_region or c.person.hukou_region or "", ""),
            "field": field_label(c.field),
            "current": shown_text(user, c.field, c.current_value, empty="空"),
            "current_source": c.current_source,
            "current_as_of": c.current_as_of,
            "proposed": shown_text(user, c.field, c.proposed_value, empty="空"),
            "proposed_source": c.proposed_source,
            "proposed_as_of": c.proposed_as_of,
            "found": c.created_at,
        }
        for c in page
    ]
    audit(
        user,
        Action.VIEW,
        request=request,
        object_type="conflict",
        summary=f"查看待处理数据冲突第 {page.number} 页"
        + (f"，{place_of(village or township)}" if village or township else "")
        + (f"，字段 {field_label(field_name)}" if field_name else ""),
        detail={"page": page.number, "results": page.paginator.count, "region": village or township},
    )
    params = {k: v for k, v in {"township": township, "village": village, "field": field_name}.items() if v}
    return render(
        request,
        "web/conflicts.html",
        {
            "rows": rows,
            "page": page,
            "query": urlencode(params),
            "township": township,
            "village": village,
            "field": field_name,
            "fields": [(name, field_label(name)) for name in TRACKED_FIELDS],
            "summary": by_township(user),
            **region_choices(user, township),
        },
    )
