"""服务找人 pages: the overview of townships, a township's work list (filters, counts, XLSX export),
a finding's page with the person's explanation and the actions, and running discovery."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.scope import may, require
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import mask, person_label
from yanglao.entitlements import catalogs
from yanglao.entitlements.access import (
    access_finding,
    access_township,
    can_work,
    scoped_findings,
    townships,
)
from yanglao.entitlements.actions import WorkError, do_work_finding
from yanglao.entitlements.explain import decide, decision_json
from yanglao.entitlements.jobs import KIND, own_job, start_job
from yanglao.entitlements.models import (
    LIVE_STATES,
    Enrolment,
    Finding,
    FindingKind,
    FindingState,
    PayeeAccount,
)
from yanglao.jobs.models import Job, JobState
from yanglao.regions.models import Region
from yanglao.regions.tree import name_of

PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE_FILTERS = {"live": "待办（待处理、已联系）", **{s.value: s.label for s in FindingState}, "all": "全部"}


def _require_read(request: HttpRequest) -> None:
    require(request, "entitlements.read")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    user: Any = request.user
    if user.region is not None and user.region.level == "township":
        return redirect("entitlements:township", code=user.region.code)
    rows = (
        scoped_findings(user)
        .filter(state__in=LIVE_STATES)
        .values("township", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[str, Counter[str]] = {}
    for r in rows:
        table.setdefault(r["township"], Counter())[r["kind"]] = r["n"]
    places = {t.code: t for t in townships(user)}
    lines: list[dict[str, Any]] = [
        {
            "code": code,
            "name": places[code].name if code in places else name_of(code),
            "counts": [table.get(code, Counter()).get(k.value, 0) for k in FindingKind],
            "total": sum(table.get(code, Counter()).values()),
        }
        for code in sorted(set(places) | set(table))
    ]
    lines = [line for line in lines if line["total"] or line["code"] in places]
    last = Finding.objects.filter(pk__in=scoped_findings(user).values("pk")).order_by("-last_seen_on").first()
    return render(
        request,
        "entitlements/index.html",
        {
            "lines": lines,
            "kinds": list(FindingKind),
            "totals": [sum(line["counts"][i] for line in lines) for i in range(len(FindingKind))],
            "can_work": can_work(user),
            "last_run": last.last_seen_on if last else None,
        },
    )


def _filtered(request: HttpRequest, region: Region) -> tuple[Any, str, str]:
    qs = scoped_findings(request.user)
    # A township's own code: an equality the index (township, kind, due_on, id) serves with the list's
    # order (a LIKE on a non-C collation uses no index); a county: the prefix.
    if region.level == "township":
        qs = qs.filter(township=region.code)
    else:
        qs = qs.filter(township__startswith=region.prefix)
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "live")
    base = qs
    if kind in FindingKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    if state == "live":
        qs = qs.filter(state__in=LIVE_STATES)
    elif state in FindingState.values:
        qs = qs.filter(state=state)
    else:
        state = "all"
    return (qs, base), kind, state


@login_required
def township(request: HttpRequest, code: str) -> HttpResponse:
    _require_read(request)
    region = access_township(request, code)
    (qs, base), kind, state = _filtered(request, region)
    # Every tally from one COUNT(*) by (kind, state): one index-only scan of (township, state, kind)
    # instead of three (COUNT(id) would read every row)
    tally = {(k, s): n for k, s, n in base.values_list("kind", "state").annotate(n=Count("*")).order_by()}
    by_kind: dict[str, int] = {}
    by_state: dict[str, int] = {}
    for (k, s), n in tally.items():
        by_state[s] = by_state.get(s, 0) + n
        if s in LIVE_STATES:
            by_kind[k] = by_kind.get(k, 0) + n
    paginator = Paginator(qs.select_related("person").order_by("kind", "due_on", "pk"), PAGE)
    paginator.count = sum(  # the page's total, from the tally (not one more count)
        n
        for (k, s), n in tally.items()
        if (not kind or k == kind) and (s in LIVE_STATES if state == "live" else state == "all" or s == state)
    )
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "f": f,
            "name": person_label(request.user, f.person),
            "id_number": mask_id_number(f.person.id_number),
            "place": f.person.residence_region or f.person.hukou_region or "",
        }
        for f in page
    ]
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="findings",
        object_id=region.code,
        summary=f"查看服务找人工作清单：{region.name}，{page.paginator.count} 条",
        detail={"kind": kind, "state": state, "page": page.number},
    )
    return render(
        request,
        "entitlements/township.html",
        {
            "region": region,
            "rows": rows,
            "page": page,
            "kind": kind,
            "state": state,
            "kinds": [(k.value, k.label, by_kind.get(k.value, 0)) for k in FindingKind],
            "states": [
                (key, label, by_state.get(key, 0) if key in FindingState.values else None)
                for key, label in STATE_FILTERS.items()
            ],
            "leads": _leads(request, region),
            "can_work": can_work(request.user),
            "can_run": can_work(request.user) and getattr(request.user, "region_id", None) == region.code,
            "can_import": may(request.user, "payments.work"),
            "query": request.GET.urlencode(),
        },
    )


def _leads(request: HttpRequest, region: Region) -> list[dict[str, Any]]:
    """Open visit reports of an entitlement not received (leads for 漏保), from the visits app."""
    from yanglao.visits.models import FollowUp

    reports = (
        FollowUp.objects.entitlement_reports()
        .filter(
            Q(township__code__startswith=region.prefix)
            | Q(township__isnull=True, person__residence_region__startswith=region.prefix)
        )
        .select_related("person")
        .order_by("opened_at")[:100]
    )
    return [
        {
            "f": r,
            "name": person_label(request.user, r.person),
            "id_number": mask_id_number(r.person.id_number),
        }
        for r in reports
    ]


@login_required
def export(request: HttpRequest, code: str) -> HttpResponse:
    _require_read(request)
    region = access_township(request, code)
    (qs, _base), kind, state = _filtered(request, region)
    from yanglao.core.exports import workbook, workbook_bytes

    user: Any = request.user
    role = str(getattr(user, "role", ""))
    full_phone = may(user, "persons.reveal_phone")  # for field work; masked for everyone else
    names = dict(Region.objects.filter(code__startswith=region.prefix).values_list("code", "name"))
    book = workbook(write_only=True)
    sheet = book.create_sheet("服务找人")
    headers = [
        "编号",
        "类型",
        "状态",
        "姓名",
        "公民身份号码",
        "乡镇（街道）",
        "村（社区）",
        "居住地址",
        "联系电话",
        "清单",
        "序号",
        "项目",
        "摘要",
        "依据",
        "变化日期",
        "发现日期",
        "最近发现",
        "处理说明",
        "关闭原因",
    ]
    sheet.append(headers)
    count = 0
    for f in qs.select_related("person").order_by("kind", "pk").iterator(chunk_size=2000):
        p = f.person
        place = p.residence_region or p.hukou_region or ""
        sheet.append(
            [
                f.pk,
                f.get_kind_display(),
                f.get_state_display(),
                person_label(user, p),
                mask_id_number(p.id_number),
                names.get(f.township) or name_of(f.township),
                names.get(place, "") if len(place) == 12 else "",
                mask(role, "address", p.address),
                p.phone if full_phone else mask(role, "phone", p.phone),
                f.catalog,
                f.item_no,
                f.item_name,
                f.summary,
                f.reason,
                f.due_on,
                f.found_on,
                f.last_seen_on,
                f.note,
                f.closed_reason,
            ]
        )
        count += 1
    data = workbook_bytes(book)
    audit(
        user,
        Action.EXPORT,
        request=request,
        object_type="findings",
        object_id=region.code,
        summary=f"导出服务找人工作清单：{region.name}，{count} 行"
        + ("（含居住地址和完整联系电话）" if full_phone else "（联系电话已遮蔽）"),
        detail={"kind": kind, "state": state, "rows": count, "full_phone": full_phone, "region": region.code},
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="discovery-{region.code}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


@login_required
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    _require_read(request)
    f = access_finding(request, pk)
    person = f.person
    today = timezone.localdate()
    explanation = None
    item = None
    code = f.catalog or catalogs.person_catalog(person.hukou_region, person.residence_region)
    if code:
        catalog = catalogs.catalog(code)
        on = f.due_on if f.kind == FindingKind.DUE_CHANGE and f.due_on else today
        record, decision = decide(catalog, person, on)
        explanation = decision_json(catalog, record, decision)
        item = next((i for i in explanation["items"] if i["no"] == f.item_no), None)
    enrolments = Enrolment.objects.filter(person=person).order_by("-status", "catalog", "item_no")
    account = PayeeAccount.objects.filter(person=person).first()
    return render(
        request,
        "entitlements/finding.html",
        {
            "f": f,
            "person": person,
            "label": person_label(request.user, person),
            "id_number": mask_id_number(person.id_number),
            "explanation": explanation,
            "item": item,
            "enrolments": enrolments,
            "account": account,
            "can_work": can_work(request.user) and f.live,
            "today": today,
            "double_enrolments": Enrolment.objects.filter(pk__in=f.detail.get("enrolments", []))
            if f.kind == FindingKind.DOUBLE_PAID
            else [],
        },
    )


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise WorkError(f"日期应为 YYYY-MM-DD，实际为“{text}”") from None


@login_required
@require_POST
def work(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "entitlements.work")
    f = access_finding(request, pk, purpose="处理服务找人事项")
    post = request.POST
    try:
        amount = None
        if post.get("amount", "").strip():
            try:
                amount = Decimal(post["amount"].strip())
            except InvalidOperation:
                raise WorkError("金额应为数字") from None
        enrolment_id = int(post["enrolment"]) if post.get("enrolment", "").isdigit() else None
        do_work_finding(
            request,
            f,
            post.get("action", ""),
            note=post.get("note", ""),
            start=_parse_date(post.get("start", "")),
            end=_parse_date(post.get("end", "")),
            amount=amount,
            enrolment_id=enrolment_id,
        )
    except WorkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已保存")
    return redirect("entitlements:finding", pk=pk)


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """Run discovery over the user's own region, today, as a background job (a county takes seconds
    to a minute); the job's page polls it."""
    require(request, "entitlements.work")
    user: Any = request.user
    if user.region is None:
        raise Http404
    job = start_job(KIND, user, {"region": user.region.code, "on": timezone.localdate().isoformat()})
    return _job_answer(request, job)


def _job_answer(request: HttpRequest, found: Job) -> HttpResponse:
    """A finished job: its outcome as a message on the overview; a failed or running one: its page."""
    if found.state != JobState.DONE:
        if found.state == JobState.FAILED and request.method == "GET":
            return _job_page(request, found)
        return redirect("entitlements:job", pk=found.pk)
    r = found.result
    kinds = "，".join(f"{FindingKind(k).label} {n}" for k, n in r.get("found", {}).items())
    messages.success(
        request,
        f"已完成服务找人（{r.get('seconds', 0):.1f} 秒）：{kinds}；新增 {r.get('created', 0)}，"
        f"自动关闭 {r.get('closed', 0)}",
    )
    return redirect("entitlements:index")


def _job_page(request: HttpRequest, found: Job) -> HttpResponse:
    context = {
        "job": found,
        "title": "服务找人",
        "back": "服务找人",
        "back_url": reverse("entitlements:index"),
        "poll_url": reverse("entitlements:job", args=[found.pk]),
    }
    return render(request, "entitlements/job.html", context)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A discovery job's page (its owner only) while it runs; ``Accept: application/json`` gives its
    progress. A finished job answers with its outcome."""
    require(request, "entitlements.work")
    found = own_job(request, pk, KIND)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(found.as_progress())
    if found.finished:
        return _job_answer(request, found)
    return _job_page(request, found)
