"""The statistical bulletin: choose a region and a month, read it, download it as PDF or XLSX.

The page's download buttons POST to the file's URL, which starts a background job (kind ``bulletin``)
and sends the user back to the page with ``?job=PK``: a progress bar (its JSON with
``Accept: application/json``), then the download link. A GET of the file's URL gives the file (from
the statistics cache once the job has made it)."""

from __future__ import annotations

import time

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from yanglao.accounts.current import current_user
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.stats.access import access_region, home_region
from yanglao.stats.bulletin import bulletin_bytes, bulletin_date, context
from yanglao.stats.jobs import own_job, start_bulletin
from yanglao.stats.views.common import month_param

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def bulletin_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    home = home_region(user)
    code = request.GET.get("region") or (home.code if home else "")
    if not code:
        return render(request, "stats/bulletin_page.html", {"region": None, "tab": "bulletin"})
    region = access_region(request, code, purpose="查看统计公报")
    job = own_job(request, int(request.GET["job"])) if request.GET.get("job", "").isdigit() else None
    if job is not None and "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({**job.as_progress(), "error": job.error})
    year, month = month_param(request)
    try:
        on = bulletin_date(year, month)
    except ValueError as exc:
        raise Http404(str(exc)) from None
    started = time.perf_counter()
    page = {
        **context(region, on, stale_ok=True),
        "month": f"{year:04d}-{month:02d}",
        "max_month": f"{timezone.localdate():%Y-%m}",
        "job": job,
        "job_format": str(job.params.get("format", "")).upper() if job else "",
        "job_url": (
            reverse(
                "stats:bulletin-file",
                args=[job.params["region"], job.params["year"], job.params["month"], job.params["format"]],
            )
            if job
            else ""
        ),
    }
    page["seconds"] = time.perf_counter() - started
    return render(request, "stats/bulletin_page.html", page)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_file(request: HttpRequest, code: str, year: int, month: int, kind: str) -> HttpResponse:
    if kind not in ("pdf", "xlsx"):
        raise Http404("没有该格式")
    region = access_region(request, code, purpose="下载统计公报")
    try:
        on = bulletin_date(year, month)
    except ValueError as exc:
        raise Http404(str(exc)) from None
    if request.method == "POST":
        job = start_bulletin(current_user(request), region, on.year, on.month, kind)
        page = reverse("stats:bulletin")
        return redirect(f"{page}?region={region.code}&month={on.year:04d}-{on.month:02d}&job={job.pk}")
    started = time.perf_counter()
    data = bulletin_bytes(region, on, kind)
    seconds = time.perf_counter() - started
    audit(
        request.user,
        Action.EXPORT,
        request=request,
        object_type="bulletin",
        object_id=region.code,
        summary=f"下载统计公报 {region.name} {year}年{month}月（{kind.upper()}，{seconds:.1f} 秒）",
        detail={
            "region": region.code,
            "month": f"{year:04d}-{month:02d}",
            "format": kind,
            "seconds": round(seconds, 2),
        },
    )
    response = HttpResponse(data, content_type="application/pdf" if kind == "pdf" else XLSX)
    name = f"bulletin-{region.code}-{year:04d}{month:02d}.{kind}"
    disposition = "inline" if kind == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Elapsed-Seconds"] = f"{seconds:.2f}"
    return response
