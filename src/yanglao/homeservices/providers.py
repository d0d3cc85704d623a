"""Writes about providers: registering one, its contracts, workers and their training, the link of a
provider-staff user to its provider, 助老联盟 volunteers and their quarterly assessment. Each writes the
audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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


def _changes(obj: Any, fields: dict[str, Any]) -> list[str]:
    """Set ``fields`` on ``obj``; the words of what changed (``名称 甲 → 乙``)."""
    said = []
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            label = obj._meta.get_field(name.removesuffix("_id")).verbose_name
            said.append(
                f"{label} {old if old not in (None, '') else '（空）'} → {value if value not in (None, '') else '（空）'}"
            )
            setattr(obj, name, value)
    return said


@transaction.atomic
def do_edit_provider(actor: Any, provider: Provider, **fields: Any) -> list[str]:
    """Change a provider's record (not its code: claims files name it); the words of what changed."""
    said = _changes(provider, fields)
    if said:
        provider.save()
        _audit(actor, Action.CHANGE, provider, "修改服务机构：" + "；".join(said))
    return said


def _check_prices(catalog: str, start: dt.date, prices: dict[str, str]) -> None:
    cat = load_services(catalog)
    services = cat.by_code()
    if not prices:
        raise ProviderError("合同至少包含一项服务及其单价")
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


@transaction.atomic
def do_edit_contract(
    actor: Any, contract: Contract, *, number: str, region: Region, start: dt.date, end: dt.date,
    prices: dict[str, str],
) -> list[str]:  # fmt: skip
    """Change a contract's number, area, period or prices (checked like a new one)."""
    if end < start:
        raise ProviderError("合同结束日期早于开始日期")
    _check_prices(contract.catalog, start, prices)
    prices = {k: str(Decimal(str(v))) for k, v in prices.items()}
    said = _changes(contract, {"number": number, "region_id": region.code, "start": start, "end": end})
    if prices != contract.prices:
        said.append("服务及单价 " + "；".join(f"{k} {v}" for k, v in sorted(prices.items())))
        contract.prices = prices
    if said:
        contract.save()
        _audit(actor, Action.CHANGE, contract.provider, f"修改服务合同 {contract.number}：" + "；".join(said))
    return said


@transaction.atomic
def do_edit_worker(actor: Any, worker: Worker, **fields: Any) -> list[str]:
    said = _changes(worker, fields)
    if said:
        worker.save()
        _audit(actor, Action.CHANGE, worker.provider, f"修改服务人员 {worker.code}：" + "；".join(said))
    return said


@transaction.atomic
def do_register_volunteer(actor: Any, **fields: Any) -> Volunteer:
    volunteer = Volunteer.objects.create(**fields)
    audit(
        None if isinstance(actor, str) else actor, Action.CREATE, object_type="volunteer", object_id=str(volunteer.pk),
        summary=f"登记助老联盟成员（{volunteer.get_team_display()}）",
    )  # fmt: skip
    return volunteer


@transaction.atomic
def do_edit_volunteer(actor: Any, volunteer: Volunteer, **fields: Any) -> list[str]:
    said = _changes(volunteer, fields)
    if said:
        volunteer.save()
        audit(
            None if isinstance(actor, str) else actor, Action.CHANGE, object_type="volunteer",
            object_id=str(volunteer.pk), summary="修改助老联盟成员：" + "；".join(said),
        )  # fmt: skip
    return said


@transaction.atomic
def do_add_contract(
    actor: Any, provider: Provider, *, number: str, catalog: str, region: Region, start: dt.date, end: dt.date,
    prices: dict[str, str],
) -> Contract:  # fmt: skip
    """A contract: every service must be in the catalogue and its unit price within the price cap."""
    if end < start:
        raise ProviderError("合同结束日期早于开始日期")
    _check_prices(catalog, start, prices)
    contract = Contract.objects.create(
        provider=provider, number=number, catalog=catalog, region=region, start=start, end=end,
        prices={k: str(Decimal(str(v))) for k, v in prices.items()},
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
    if hours <= 0:
        raise ProviderError("学时须大于 0")
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


def provider_attacher(actor: Any, provider: Provider | None) -> Callable[[Any], str]:
    """The ``attach`` of the user actions (``accounts/actions.py``): puts a provider-staff user at
    ``provider``, takes anybody else away from theirs; the audit summary's words for what changed."""

    def attach(user: Any) -> str:
        post = ProviderPost.objects.select_related("provider").filter(user_id=user.pk).first()
        before = post.provider if post else None
        wanted = provider if user.role == Role.PROVIDER else None
        if (before.pk if before else None) == (wanted.pk if wanted else None):
            return ""
        set_provider(actor, user, wanted)
        return (
            f"，所属服务机构 {wanted.name}"
            if wanted
            else f"，解除所属服务机构 {before.name if before else ''}"
        )

    return attach


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
