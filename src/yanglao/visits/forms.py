"""The visit record form (made for a phone) and its conversion to :class:`VisitInput`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from yanglao.visits.actions import FollowUpRequest, VisitInput
from yanglao.visits.models import FollowUpKind, Hazard, Need, VisitMode

PHOTO_TYPES = ("jpg", "jpeg", "png", "webp", "heic", "heif")
PHOTO_MAX_BYTES = 8 * 1024 * 1024
CLOCK_SKEW = dt.timedelta(minutes=10)


class VisitForm(forms.Form):
    mode = forms.ChoiceField(
        label="探访方式", choices=VisitMode.choices, widget=forms.RadioSelect, initial=VisitMode.HOME
    )
    visited_at = forms.DateTimeField(
        label="探访时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    health = forms.CharField(
        label="健康与日常生活",
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "精神、行动、反应、疾病、情绪；吃穿住行、就医有无困难"}
        ),
    )
    hazards = forms.MultipleChoiceField(
        label="安全隐患", required=False, choices=Hazard.choices, widget=forms.CheckboxSelectMultiple
    )
    hazard_note = forms.CharField(
        label="隐患说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    family_support = forms.CharField(
        label="家庭赡养与支持",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "子女是否履行赡养义务、是否常联系"}),
    )
    needs = forms.MultipleChoiceField(
        label="服务需求", required=False, choices=Need.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="其他情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.FileField(
        label="照片（可选）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    fu_assessment = forms.BooleanField(label="申请老年人能力评估", required=False)
    fu_adaptation = forms.BooleanField(label="转介居家适老化改造", required=False)
    fu_entitlement = forms.BooleanField(label="应享待遇未落实（报主动发现）", required=False)
    entitlement = forms.CharField(
        label="哪项待遇",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如：高龄津贴、护理补贴"}),
    )
    fu_urgent = forms.BooleanField(label="紧急情况，24小时内上报乡镇（街道）", required=False)
    urgent_detail = forms.CharField(
        label="紧急情况说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_visited_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["visited_at"]
        if value > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError("探访时间不能晚于现在")
        return value

    def clean_photo(self) -> UploadedFile[bytes] | None:
        photo: UploadedFile[bytes] | None = self.cleaned_data.get("photo")
        if not photo:
            return None
        suffix = (photo.name or "").rsplit(".", 1)[-1].lower()
        if suffix not in PHOTO_TYPES:
            raise forms.ValidationError(f"照片应为 {'、'.join(PHOTO_TYPES)} 格式")
        if (photo.size or 0) > PHOTO_MAX_BYTES:
            raise forms.ValidationError("照片不能超过 8 MB")
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fu_entitlement") and not data.get("entitlement"):
            self.add_error("entitlement", "请写明哪项待遇未落实")
        if data.get("fu_urgent") and not data.get("urgent_detail"):
            self.add_error("urgent_detail", "请说明紧急情况")
        return data

    def to_input(self) -> VisitInput:
        d = self.cleaned_data
        wants: list[FollowUpRequest] = []
        if d["fu_assessment"]:
            wants.append(FollowUpRequest(FollowUpKind.ASSESSMENT, d["health"]))
        if d["fu_adaptation"]:
            detail = "、".join(Hazard(h).label for h in d["hazards"])
            wants.append(
                FollowUpRequest(
                    FollowUpKind.ADAPTATION, "；".join(x for x in (detail, d["hazard_note"]) if x)
                )
            )
        if d["fu_entitlement"]:
            wants.append(FollowUpRequest(FollowUpKind.ENTITLEMENT, d["note"], d["entitlement"]))
        if d["fu_urgent"]:
            wants.append(FollowUpRequest(FollowUpKind.URGENT, d["urgent_detail"]))
        return VisitInput(
            mode=d["mode"],
            visited_at=d["visited_at"],
            health=d["health"],
            hazards=d["hazards"],
            hazard_note=d["hazard_note"],
            family_support=d["family_support"],
            needs=d["needs"],
            note=d["note"],
            photo=d["photo"],
            client_id=d["client_id"],
            followups=wants,
        )


class AssignForm(forms.Form):
    visitor = forms.IntegerField(label="探访人员")
    note = forms.CharField(label="原因", max_length=200)


class CloseForm(forms.Form):
    resolution = forms.CharField(label="办理结果", max_length=1000)
