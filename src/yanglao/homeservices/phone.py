"""The worker's phone page: today's orders, and for one order the check-in and check-out, what was
done, the elder's confirmation (a code or a drawn signature) and photos. The page works offline: the
record waits in the phone's local storage and is sent when the connection is back
(``static/homeservices/phone.js``); the answer is JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.scope import require
from yanglao.core.masking import person_label
from yanglao.homeservices.access import access, scoped
from yanglao.homeservices.delivery import DeliveryError, Visit, do_record_checkin
from yanglao.homeservices.models import Confirmation, Order, OrderState

PHOTOS = 3
DAYS_AHEAD = 7


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    require(request, "services.deliver")
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(today + dt.timedelta(days=DAYS_AHEAD), dt.time(0), tzinfo=tz)
    found = (
        scoped(request.user, Order.objects.select_related("person", "provider", "worker"))
        .filter(state=OrderState.SCHEDULED, due__gte=since, due__lt=until)
        .order_by("due")[:100]
    )
    user = request.user
    return render(
        request, "homeservices/phone.html", {"orders": [(o, person_label(user, o.person)) for o in found]}
    )


@login_required
def order_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.deliver")
    order = access(
        request, Order.objects.select_related("person", "provider", "worker"), pk, "service_order", "上门服务"
    )
    workers = order.provider.workers.filter(active=True).order_by("code")
    mine = workers.filter(user_id=current_user(request).pk).first()
    return render(
        request,
        "homeservices/phone_order.html",
        {
            "order": order,
            "label": person_label(request.user, order.person),
            "workers": workers,
            "mine": mine or order.worker,
            "done": order.state == OrderState.DONE,
        },
    )


def _time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=timezone.get_current_timezone())


def _number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> JsonResponse:
    require(request, "services.deliver")
    order = access(
        request, Order.objects.select_related("person", "provider"), pk, "service_order", "记录上门服务"
    )
    post = request.POST
    errors: dict[str, Any] = {}
    worker = order.provider.workers.filter(
        pk=int(post.get("worker") or 0) if (post.get("worker") or "").isdigit() else 0
    ).first()
    if worker is None:
        errors["worker"] = "请选择服务人员"
    try:
        start, end = _time(post.get("start", "")), _time(post.get("end", ""))
    except ValueError:
        errors["start"] = "请点“签到”和“签退”记录时间"
    if post.get("confirmation") not in Confirmation.values:
        errors["confirmation"] = "请选择老人确认方式"
    uid = (post.get("uid") or "").strip()[:40]
    if not uid:
        errors["uid"] = "记录缺少标识，请刷新页面后重填"
    if errors or worker is None:
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    photos = [f.read() for f in request.FILES.getlist("photo")[:PHOTOS]]
    visit = Visit(
        uid=uid, worker=worker, order=order, start=start, end=end, done=post.get("done", ""),
        confirmation=post["confirmation"], code=post.get("code", ""), signature=post.get("signature", ""),
        lat=_number(post.get("lat", "")), lon=_number(post.get("lon", "")),
    )  # fmt: skip
    try:
        checkin, created = do_record_checkin(current_user(request), visit, photos, request=request)
    except DeliveryError as exc:
        return JsonResponse({"ok": False, "errors": {"__all__": str(exc)}}, status=400)
    return JsonResponse({"ok": True, "id": checkin.pk, "created": created, "late": checkin.late})
