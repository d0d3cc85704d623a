"""The township evaluation page and its export (the export is audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yanglao.accounts.current import current_user
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.stats.evaluation import MEASURES
from yanglao.stats.access import access_region, home_region
from yanglao.stats.evaluation import evaluate, evaluation_xlsx
from yanglao.stats.views.bulletin import XLSX
from yanglao.stats.views.common import date_param


@login_required
def evaluation_page(request: HttpRequest) -> HttpResponse:
    home = home_region(current_user(request))
    code = request.GET.get("region") or (home.code if home else "")
    if not code:
        return redirect("stats:index")
    region = access_region(request, code, purpose="查看考核")
    on = date_param(request)
    note: list[str] = []
    measures, ranked, s = evaluate(region, on, stale_note=note)
    return render(
        request,
        "stats/evaluation.html",
        {
            "region": region,
            "on": on,
            "measures": measures,
            "missing": [m for m in MEASURES if m not in measures],
            "ranked": ranked,
            "s": s,
            "tab": "evaluation",
            "stale_note": note[0],
        },
    )


@login_required
def evaluation_export(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region(request, code, purpose="导出考核")
    on = date_param(request)
    data = evaluation_xlsx(region, on)
    audit(
        request.user,
        Action.EXPORT,
        request=request,
        object_type="evaluation",
        object_id=region.code,
        summary=f"导出考核排名 {region.name} {on:%Y-%m-%d}",
        detail={"region": region.code, "date": on.isoformat()},
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{region.code}-{on:%Y%m%d}.xlsx"'
    return response
