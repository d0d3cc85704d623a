"""The staff forms of home services: providers, contracts, workers and their training, 助老联盟 members and
their quarterly assessment. The forms only check the input; the ``do_*`` actions (``providers.py``) write
and audit. Regions offered are those of the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from yanglao.core.services import list_service_catalogs, load_services
from yanglao.homeservices.models import CarerLevel, ProviderKind, Team
from yanglao.regions.models import Level, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> reads


def region_field(regions: QuerySet[Region], label: str) -> forms.ModelChoiceField[Any]:
    field: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=label,
        queryset=regions.filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]).order_by("code"),
        error_messages={"invalid_choice": "未知区划，或不在您的辖区内"},
    )
    field.label_from_instance = lambda r: f"{r.name}（{r.code}）"  # type: ignore[method-assign,assignment]
    return field


class ProviderForm(forms.Form):
    code = forms.CharField(label="机构编码（申报文件中的 provider）", max_length=32)
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=ProviderKind.choices)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    capacity = forms.IntegerField(label="每月可服务人数", min_value=0, initial=0)
    vetted = forms.BooleanField(label="适老化改造入围", required=False)
    bank_account = forms.CharField(label="收款账号", max_length=32, required=False)
    bank_name = forms.CharField(label="开户行", max_length=64, required=False)

    def __init__(
        self, data: Any = None, *, regions: QuerySet[Region], editing: bool = False, **kw: Any
    ) -> None:
        super().__init__(data, **kw)
        self.fields["region"] = region_field(regions, "所在区划")
        if editing:
            del self.fields["code"]  # claims files name the provider by its code: it stays

    def clean_credit_code(self) -> str:
        value = str(self.cleaned_data.get("credit_code") or "").strip().upper()
        if value and len(value) != 18:
            raise forms.ValidationError("统一社会信用代码为 18 位")
        return value


class ContractForm(forms.Form):
    """A contract of one catalogue: a price input per service of the catalogue (empty: not contracted)."""

    number = forms.CharField(label="合同编号", max_length=40)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)

    def __init__(
        self, data: Any = None, *, regions: QuerySet[Region], catalog: str, on: dt.date, **kw: Any
    ) -> None:
        super().__init__(data, **kw)
        self.catalog = catalog
        self.fields["region"] = region_field(regions, "服务区域（辖区）")
        cat = load_services(catalog)
        self.services = cat.services_on(on)
        for s in self.services:
            cap = cat.value(s.price_cap, on)
            self.fields[f"price_{s.code}"] = forms.DecimalField(
                label=f"{s.name}（元/{s.unit}{f'，上限 {cap}' if cap is not None else ''}）",
                required=False,
                min_value=0,
                decimal_places=2,
                max_digits=10,
            )

    def prices(self) -> dict[str, str]:
        return {
            s.code: str(self.cleaned_data[f"price_{s.code}"])
            for s in self.services
            if self.cleaned_data.get(f"price_{s.code}") is not None
        }

    def price_fields(self) -> list[Any]:
        return [self[f"price_{s.code}"] for s in self.services]

    def other_fields(self) -> list[Any]:
        return [self[name] for name in ("number", "region", "start", "end")]


def catalog_choices() -> list[tuple[str, str]]:
    return [(code, f"{load_services(code).name}（{code}）") for code in list_service_catalogs()]


class WorkerForm(forms.Form):
    code = forms.CharField(label="工号", max_length=32)
    name = forms.CharField(label="姓名", max_length=64)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    carer_level = forms.ChoiceField(label="养老护理员等级", choices=CarerLevel.choices, required=False)
    health_certificate_until = forms.DateField(label="健康证有效期至", required=False, widget=DATE)
    active = forms.BooleanField(label="在岗", required=False, initial=True)

    def __init__(self, data: Any = None, *, editing: bool = False, **kw: Any) -> None:
        super().__init__(data, **kw)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["active"]


class TrainingForm(forms.Form):
    title = forms.CharField(label="培训内容", max_length=100)
    on = forms.DateField(label="培训日期", widget=DATE)
    hours = forms.DecimalField(label="学时", min_value=0.5, max_digits=5, decimal_places=1)


class VolunteerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    team = forms.ChoiceField(label="服务队", choices=Team.choices)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    joined_on = forms.DateField(label="加入日期", widget=DATE)

    def __init__(self, data: Any = None, *, regions: QuerySet[Region], **kw: Any) -> None:
        super().__init__(data, **kw)
        self.fields["region"] = region_field(regions, "所在区划")


class AssessmentForm(forms.Form):
    quarter = forms.DateField(label="季度（该季度任一日）", widget=DATE)
    services = forms.IntegerField(label="服务次数", min_value=0)
    score = forms.IntegerField(label="考核得分（0–100）", min_value=0, max_value=100)
