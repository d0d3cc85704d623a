"""Orders and their delivery: orders made from a plan's month or one-off requests, the check-ins the
worker's phone sends (stored once per phone-made id), photos stored without their metadata, and the
missed and late visits."""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from PIL import Image, ImageOps

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.services import load_services
from yanglao.homeservices.models import CheckIn, CheckInPhoto, Confirmation, Order, OrderState, Plan, Worker

LATE_MINUTES = 30  # a check-in this long after the appointment is late
MISSED_AFTER = dt.timedelta(days=1)  # an appointment with no check-in a day later is missed
HOURS_PER_VISIT = Decimal(2)  # an hourly service is ordered as visits of two hours
PHOTO_LIMIT = 8 * 1024 * 1024
PHOTO_SIDE = 1600


class DeliveryError(ValueError):
    """A check-in that cannot be stored (the message in Chinese)."""


def strip_photo(data: bytes) -> tuple[bytes, int, int]:
    """The photo re-encoded as a JPEG without any metadata (EXIF, its GPS location, XMP, comments),
    turned upright first and at most :data:`PHOTO_SIDE` pixels a side."""
    if len(data) > PHOTO_LIMIT:
        raise DeliveryError("照片过大（不超过 8 MB）")
    try:
        with Image.open(io.BytesIO(data)) as img:
            upright = ImageOps.exif_transpose(img).convert("RGB")
    except Exception as exc:
        raise DeliveryError("照片无法识别（请上传 JPEG 或 PNG）") from exc
    upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)  # a fresh image: no info dictionary, no EXIF carried over
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85)
    return out.getvalue(), clean.width, clean.height


def _visits(units: Decimal, unit: str) -> list[Decimal]:
    """A month's units as visits: hourly services in visits of two hours, others one unit a visit."""
    if unit == "小时":
        n = math.ceil(units / HOURS_PER_VISIT)
        return [min(HOURS_PER_VISIT, units - HOURS_PER_VISIT * i) for i in range(n)]
    if unit == "月":
        return [units]
    return [Decimal(1)] * int(units)


@transaction.atomic
def make_orders(plan: Plan, month: dt.date, *, hour: int = 9) -> list[Order]:
    """The orders of one month of a plan, spread over the days it runs (none twice: a month already
    ordered is left as it is)."""
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    start, end = max(first, plan.start), min(last, plan.end or last)
    if end < start or Order.objects.filter(plan=plan, due__date__gte=first, due__date__lte=last).exists():
        return []
    unit = load_services(plan.catalog).by_code()[plan.service].unit
    if unit == "餐":
        return []  # meals are recorded at the meal point (助餐), not ordered
    visits = _visits(plan.units_per_month, unit)
    days = (end - start).days + 1
    tz = timezone.get_current_timezone()
    orders = [
        Order(
            plan=plan, person=plan.person, provider=plan.provider, service=plan.service, units=units,
            due=dt.datetime.combine(start + dt.timedelta(days=i * days // len(visits)), dt.time(hour), tzinfo=tz),
        )
        for i, units in enumerate(visits)
    ]  # fmt: skip
    return Order.objects.bulk_create(orders)


@dataclass
class Visit:
    """What the phone sends for one visit."""

    uid: str
    worker: Worker
    order: Order
    start: dt.datetime
    end: dt.datetime
    done: str
    confirmation: str
    code: str = ""
    signature: str = ""
    lat: float | None = None
    lon: float | None = None


def confirmation_code(order: Order) -> str:
    """The elder's 4-digit confirmation code for an order (given to the elder, e.g. on the order slip)."""
    import hashlib

    return str(
        int(hashlib.sha256(f"{order.pk}:{order.person.id_number}".encode()).hexdigest(), 16) % 10000
    ).zfill(4)


@transaction.atomic
def do_record_checkin(
    actor: Any, visit: Visit, photos: list[bytes], *, request: HttpRequest | None = None
) -> tuple[CheckIn, bool]:
    """Store one visit (``(check-in, created)``); the same phone-made id sent again returns the stored
    one. Refused: a check-out not after the check-in or longer than 24 hours, a wrong confirmation code,
    no signature, a worker of another provider."""
    stored = CheckIn.objects.filter(uid=visit.uid).first()
    if stored is not None:
        return stored, False
    order = Order.objects.select_for_update().select_related("person", "provider").get(pk=visit.order.pk)
    if visit.worker.provider_id != order.provider_id:
        raise DeliveryError("服务人员不属于该工单的服务机构")
    if visit.end <= visit.start:
        raise DeliveryError("签退时间须晚于签到时间")
    if visit.end - visit.start > dt.timedelta(hours=24):
        raise DeliveryError("一次服务不能超过 24 小时")
    if visit.confirmation == Confirmation.CODE:
        if visit.code.strip() != confirmation_code(order):
            raise DeliveryError("服务确认码不对（请老人或家属核对工单上的确认码）")
    elif visit.confirmation == Confirmation.SIGNATURE:
        if not visit.signature.startswith("data:image/png;base64,") or len(visit.signature) < 200:
            raise DeliveryError("请老人在签名框内签名")
    else:
        raise DeliveryError("请选择老人确认方式")
    cleaned = [strip_photo(p) for p in photos]
    late = visit.start > order.due + dt.timedelta(minutes=LATE_MINUTES)
    checkin = CheckIn.objects.create(
        uid=visit.uid, order=order, provider=order.provider, worker=visit.worker, person=order.person,
        service=order.service, start=visit.start, end=visit.end, lat=visit.lat, lon=visit.lon,
        done=visit.done.strip(), confirmation=visit.confirmation, confirmed=True,
        signature=visit.signature if visit.confirmation == Confirmation.SIGNATURE else "",
        late=late, recorded_by=str(getattr(actor, "username", actor)), received_at=timezone.now(),
    )  # fmt: skip
    for data, width, height in cleaned:
        CheckInPhoto.objects.create(checkin=checkin, data=data, width=width, height=height)
    order.state, order.worker = OrderState.DONE, visit.worker
    order.save(update_fields=["state", "worker"])
    audit(
        None if isinstance(actor, str) else actor, Action.CREATE, request=request, object_type="service_checkin",
        object_id=str(checkin.pk), summary=f"上门服务签到签退：{order.service}{'（迟到）' if late else ''}",
    )  # fmt: skip
    return checkin, True


def mark_missed(now: dt.datetime) -> int:
    """Orders still waiting a day after their appointment become missed (未上门); their number."""
    return Order.objects.filter(state=OrderState.SCHEDULED, due__lt=now - MISSED_AFTER).update(
        state=OrderState.MISSED
    )
