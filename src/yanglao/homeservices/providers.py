"""Writes about providers: registering one, its contracts, workers and their training, the link of a
provider-staff user to its provider, 助老联盟 volunteers and their quarterly assessment. Each writes the
audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from yanglao.accounts.models import Role
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.services import load_services
from yanglao.homeservices.models import (
    Contract,
    Provider,
    ProviderPost,
    Training,
    Volunteer,
    VolunteerAssessment,
    Worker,
)
from yanglao.regions.models import Region


class ProviderError(ValueError):
    """A provider record refused (the message in Chinese)."""


def _audit(actor: Any, action: str, provider: Provider, summary: str) -> None:
    audit(
        None if isinstance(actor, str) else actor, action, object_type="provider", object_id=str(provider.pk),
        summary=f"{provider.name}：{summary}",
    )  # fmt: skip


@transaction.atomic
def do_register_provider(
    actor: Any, *, code: str, name: str, kind: str, region: Region, **fields: Any
) -> Provider:
    if Provider.objects.filter(code=code).exists():
        raise ProviderError(f"机构编码 {code} 已存在")
    provider = Provider.objects.create(code=code, name=name, kind=kind, region=region, **fields)
    _audit(actor, Action.CREATE, provider, "登记服务机构")
    return provider


@transaction.atomic
def do_add_contract(
    actor: Any, provider: Provider, *, number: str, catalog: str, region: Region, start: dt.date, end: dt.date,
    prices: dict[str, str],
) -> Contract:  # fmt: skip
    """A contract: every service must be in the catalogue and its unit price within the price cap."""
    if end < start:
        raise ProviderError("合同结束日期早于开始日期")
    cat = load_services(catalog)
    services = cat.by_code()
    for code, text in prices.items():
        if code not in services:
            raise ProviderError(f"服务项目“{code}”不在{cat.name}内")
        try:
            price = Decimal(str(text))
        except InvalidOperation as exc:
            raise ProviderError(f"“{services[code].name}”的单价不是数字") from exc
        cap = cat.value(services[code].price_cap, start)
        if price <= 0 or (cap is not None and price > cap):
            raise ProviderError(f"“{services[code].name}”的单价 {price} 元超过价格上限 {cap} 元")
    contract = Contract.objects.create(
        provider=provider, number=number, catalog=catalog, region=region, start=start, end=end,
        prices={k: str(v) for k, v in prices.items()},
    )  # fmt: skip
    _audit(actor, Action.CREATE, provider, f"登记服务合同 {number}（{len(prices)} 项服务）")
    return contract


@transaction.atomic
def do_add_worker(actor: Any, provider: Provider, *, code: str, name: str, **fields: Any) -> Worker:
    if provider.workers.filter(code=code).exists():
        raise ProviderError(f"工号 {code} 已存在")
    worker = Worker.objects.create(provider=provider, code=code, name=name, **fields)
    _audit(actor, Action.CREATE, provider, f"登记服务人员 {code}")
    return worker


def do_add_training(actor: Any, worker: Worker, title: str, on: dt.date, hours: Decimal) -> Training:
    training = Training.objects.create(worker=worker, title=title, on=on, hours=hours)
    _audit(actor, Action.CREATE, worker.provider, f"服务人员 {worker.code} 培训：{title}")
    return training


def certificates_due(on: dt.date, within_days: int = 30) -> list[Worker]:
    """Active workers whose health certificate has expired or expires within ``within_days``."""
    return list(
        Worker.objects.filter(active=True, health_certificate_until__lte=on + dt.timedelta(days=within_days))
        .select_related("provider")
        .order_by("health_certificate_until")
    )


@transaction.atomic
def set_provider(actor: Any, user: Any, provider: Provider | None) -> None:
    """Attach a provider-staff user to its provider (None: detach)."""
    if provider is None:
        ProviderPost.objects.filter(user_id=user.pk).delete()
        return
    if user.role != Role.PROVIDER:
        raise ProviderError("只有居家社区养老服务机构工作人员可以关联服务机构")
    ProviderPost.objects.update_or_create(user_id=user.pk, defaults={"provider": provider})
    _audit(actor, Action.CHANGE, provider, f"关联工作人员账号 {user.username}")


def do_assess_volunteer(
    actor: Any, volunteer: Volunteer, quarter: dt.date, services: int, score: int
) -> VolunteerAssessment:
    """The quarterly assessment of a 助老联盟 member: 优秀 from 90, 合格 from 60."""
    if not 0 <= score <= 100:
        raise ProviderError("考核得分应在 0 到 100 之间")
    first = dt.date(quarter.year, 3 * ((quarter.month - 1) // 3) + 1, 1)
    result = "优秀" if score >= 90 else "合格" if score >= 60 else "不合格"
    found, _ = VolunteerAssessment.objects.update_or_create(
        volunteer=volunteer, quarter=first, defaults={"services": services, "score": score, "result": result}
    )
    audit(
        None if isinstance(actor, str) else actor, Action.CHANGE, object_type="volunteer", object_id=str(volunteer.pk),
        summary=f"助老联盟成员季度考核 {first:%Y-%m}：{score} 分（{result}）",
    )  # fmt: skip
    return found
