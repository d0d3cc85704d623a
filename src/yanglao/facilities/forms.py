"""The facility pages' forms: register or edit a facility, file a monthly capacity report, upload a file.

The forms only read the input; the rules live in the actions (``do_save_facility``, ``do_file_report``),
whose errors (field, reason) are put back on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from yanglao.accounts.scope import Scope
from yanglao.core.facilities.capacity import FIGURES, parse_month
from yanglao.facilities.models import (
    TRACKED_FIELDS,
    CoordinateSystem,
    Facility,
    FacilityKind,
    LicenceKind,
    Operator,
    Service,
    Status,
    Tier,
)
from yanglao.regions.models import Level, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def region_choices(scope: Scope) -> list[tuple[str, Any]]:
    """The regions a facility may be placed in: the user's county (if in scope), its townships and villages,
    grouped by township."""
    if scope.nothing:
        return []
    prefix = scope.prefix or ""
    qs = Region.objects.filter(level__in=(Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE))
    if prefix:
        qs = qs.filter(code__startswith=prefix)
    out: list[tuple[str, Any]] = []
    groups: dict[str, list[tuple[str, str]]] = {}
    for r in qs.order_by("code"):
        if r.level == Level.COUNTY:
            out.append((r.code, f"{r.name}（旗县级）"))
        elif r.level == Level.TOWNSHIP:
            groups.setdefault(r.code, []).insert(0, (r.code, f"{r.name}（乡镇级）"))
        else:
            groups.setdefault(r.code[:9] + "000", []).append((r.code, r.name))
    names = dict(Region.objects.filter(code__in=list(groups)).values_list("code", "name"))
    for code, options in groups.items():
        out.append((names.get(code, code), options))
    return out


class FacilityForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=FacilityKind.choices)
    tier = forms.ChoiceField(label="层级", choices=Tier.choices)
    operator = forms.ChoiceField(label="运营方式", choices=Operator.choices)
    region = forms.ChoiceField(label="所在区划")
    address = forms.CharField(label="地址", max_length=200, required=False)
    status = forms.ChoiceField(label="状态", choices=Status.choices, initial=Status.OPEN)
    beds = forms.IntegerField(label="床位数", min_value=0, max_value=100_000, initial=0)
    nursing_beds = forms.IntegerField(label="护理型床位数", min_value=0, max_value=100_000, initial=0)
    rooms = forms.IntegerField(label="房间数", min_value=0, max_value=100_000, initial=0)
    services = forms.MultipleChoiceField(
        label="服务项目", choices=Service.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    licence_kind = forms.ChoiceField(
        label="许可或备案", choices=[("", "无"), *LicenceKind.choices], required=False
    )
    licence_number = forms.CharField(label="许可证号或备案号", max_length=64, required=False)
    licence_date = forms.DateField(label="许可或备案日期", required=False, widget=DATE)
    opened_on = forms.DateField(label="开业日期", required=False, widget=DATE)
    closed_on = forms.DateField(label="关停日期", required=False, widget=DATE)
    lon = forms.FloatField(label="经度", required=False, min_value=73, max_value=136)
    lat = forms.FloatField(label="纬度", required=False, min_value=3, max_value=54)
    coordinate_system = forms.ChoiceField(
        label="坐标系", choices=CoordinateSystem.choices, initial=CoordinateSystem.WGS84
    )
    phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = region_choices(scope)

    @classmethod
    def initial_of(cls, facility: Facility) -> dict[str, Any]:
        return {
            name: facility.region_id if name == "region" else getattr(facility, name)
            for name in TRACKED_FIELDS
        }

    def values(self) -> dict[str, Any]:
        """The cleaned values as the action takes them (region as a code; blanks as the model's blanks)."""
        data = dict(self.cleaned_data)
        for name in ("address", "licence_kind", "licence_number", "phone"):
            data[name] = data.get(name) or ""
        data["services"] = sorted(data.get("services") or [])
        return {name: data[name] for name in TRACKED_FIELDS if name in data}

    def add_action_errors(self, errors: list[tuple[str, str]]) -> None:
        for name, reason in errors:
            self.add_error(name if name in self.fields else None, reason)


class ReportForm(forms.Form):
    month = forms.CharField(label="报告月份（YYYY-MM）", max_length=7)
    nursing_in_use = forms.IntegerField(label=FIGURES["nursing_in_use"], min_value=0, initial=0)
    general_in_use = forms.IntegerField(label=FIGURES["general_in_use"], min_value=0, initial=0)
    level_0 = forms.IntegerField(label=FIGURES["level_0"], min_value=0, initial=0)
    level_1 = forms.IntegerField(label=FIGURES["level_1"], min_value=0, initial=0)
    level_2 = forms.IntegerField(label=FIGURES["level_2"], min_value=0, initial=0)
    level_3 = forms.IntegerField(label=FIGURES["level_3"], min_value=0, initial=0)
    level_4 = forms.IntegerField(label=FIGURES["level_4"], min_value=0, initial=0)
    tekun = forms.IntegerField(label=FIGURES["tekun"], min_value=0, initial=0)
    dibao = forms.IntegerField(label=FIGURES["dibao"], min_value=0, initial=0)
    social = forms.IntegerField(label=FIGURES["social"], min_value=0, initial=0)
    caregivers_on_duty = forms.IntegerField(label=FIGURES["caregivers_on_duty"], min_value=0, initial=0)
    staff_on_duty = forms.IntegerField(label=FIGURES["staff_on_duty"], min_value=0, initial=0)
    reason = forms.CharField(
        label="替换原因（该月已有报告时必填）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_month(self) -> dt.date:
        try:
            return parse_month(str(self.cleaned_data["month"]))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def figures(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIGURES}

    def add_action_errors(self, errors: list[tuple[str, str]]) -> None:
        for name, reason in errors:
            self.add_error(name if name in self.fields else None, reason)


class UploadForm(forms.Form):
    file = forms.FileField(label="设施信息表（CSV 或 XLSX）")
    as_of = forms.DateField(label="数据日期", required=False, widget=DATE)
    source = forms.CharField(label="数据来源", max_length=100, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError("只接受 CSV 或 XLSX 文件")
        return upload
