"""The self-check form: a few plain questions, only those the chosen list's rules need."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from yanglao.catalogweb.plain import region_choices
from yanglao.catalogweb.selfcheck import asked_fields
from yanglao.core.catalog import Catalog
from yanglao.core.person import ABILITY_LEVELS, DISABILITY_GRADES

RADIO = forms.RadioSelect


def _bool(label: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=help_text)


def _choice(
    label: str, choices: list[tuple[str, str]], *, radio: bool = False, initial: str = ""
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, required=False, initial=initial, widget=RADIO if radio else forms.Select
    )


# One question per person field, in the family's words.
QUESTIONS: dict[str, Any] = {
    "sex": lambda: _choice("性别", [("", "不填"), ("1", "男"), ("2", "女")], radio=True),
    "living_arrangement": lambda: _choice(
        "居住情况",
        [
            ("", "不填"),
            ("alone", "独居"),
            ("empty_nest", "空巢（与配偶同住，子女不在身边）"),
            ("left_behind", "留守（子女外出务工）"),
            ("with_family", "与子女等同住"),
        ],
        radio=True,
    ),
    "residence_permit": lambda: _bool("持有常住地的居住证", "户籍不在常住地的，才需要勾选"),
    "dibao": lambda: _bool("是低保对象（城乡居民最低生活保障）"),
    "dibao_edge": lambda: _bool("是低保边缘家庭成员"),
    "spending_hardship": lambda: _bool("是支出型困难家庭成员（因病、因残等刚性支出造成困难）"),
    "tekun": lambda: _choice(
        "特困人员",
        [
            ("none", "不是特困人员"),
            ("dispersed", "特困人员，分散供养（在家）"),
            ("centralized", "特困人员，集中供养（在敬老院等机构）"),
        ],
        radio=True,
        initial="none",
    ),
    "tekun_care": lambda: _choice(
        "特困人员的照料护理类型",
        [("", "不是特困人员或不清楚"), ("self", "全自理"), ("half", "半护理"), ("full", "全护理")],
    ),
    "poverty_relapse": lambda: _bool("是返贫致贫人口"),
    "poverty_relapse_risk": lambda: _bool("是农村易返贫致贫人口（监测对象）"),
    "ability_level": lambda: _choice(
        "老年人能力评估结果",
        [("", "没有评估过"), *ABILITY_LEVELS],  # labels from core/person.py only
    ),
    "self_care_unable": lambda: _bool("经认定生活不能自理"),
    "disabled_months": lambda: forms.IntegerField(
        label="失能已持续几个月", required=False, min_value=0, max_value=1200
    ),
    "long_term_care_need": lambda: _bool("需要长期照护"),
    "disability_grade": lambda: _choice(
        "残疾人证",
        [("", "没有残疾人证"), *((g, f"{w}（最重）" if g == "1" else w) for g, w in DISABILITY_GRADES)],
    ),
    "disability_category": lambda: _choice(
        "残疾类别",
        [
            ("", "没有或不清楚"),
            ("visual", "视力"),
            ("hearing", "听力"),
            ("speech", "言语"),
            ("physical", "肢体"),
            ("intellectual", "智力"),
            ("mental", "精神"),
            ("multiple", "多重"),
        ],
    ),
    "fp_special": lambda: _choice(
        "计划生育特殊家庭",
        [("none", "不是"), ("bereaved", "独生子女死亡家庭"), ("disabled_child", "独生子女伤残家庭")],
        initial="none",
    ),
    "special_contribution": lambda: _choice(
        "优抚对象",
        [
            ("none", "不是"),
            ("martyr_family", "烈士遗属"),
            ("duty_death_family", "因公牺牲军人遗属"),
            ("illness_death_family", "病故军人遗属"),
            ("disabled_veteran", "残疾军人"),
            ("demobilized", "复员军人"),
            ("retired_soldier", "退伍军人"),
        ],
        initial="none",
    ),
    "periodic_pension": lambda: _bool("享受国家定期抚恤补助"),
    "no_supporter": lambda: _bool("没有子女等法定赡养人、扶养人，或他们没有赡养、扶养能力"),
    "military_family": lambda: _bool("是现役军人家属"),
    "vagrant": lambda: _bool("是生活无着的流浪乞讨人员"),
    "pension_scheme": lambda: _choice(
        "基本养老保险",
        [
            ("", "不清楚"),
            ("none", "没有参加"),
            ("employee", "企业职工养老保险（退休金）"),
            ("public_sector", "机关事业单位养老保险"),
            ("urban_rural", "城乡居民养老保险"),
        ],
    ),
    "ltc_insured": lambda: _bool("参加了长期护理保险"),
}

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("基本情况", ("age", "birth_date", "sex", "hukou", "residence", "residence_permit", "living_arrangement")),
    ("家庭经济", ("dibao", "dibao_edge", "spending_hardship", "tekun", "tekun_care", "poverty_relapse",
                  "poverty_relapse_risk")),
    ("身体状况", ("ability_level", "self_care_unable", "disabled_months", "long_term_care_need",
                  "disability_grade", "disability_category")),
    ("家庭和身份", ("fp_special", "special_contribution", "periodic_pension", "no_supporter", "military_family",
                    "vagrant")),
    ("保险", ("pension_scheme", "ltc_insured")),
)  # fmt: skip


class SelfCheckForm(forms.Form):
    age = forms.IntegerField(label="年龄（周岁）", required=False, min_value=0, max_value=130)
    birth_date = forms.DateField(
        label="或者：出生日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="填了出生日期就不用填年龄",
    )

    def __init__(self, catalog: Catalog, on: dt.date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        self.on = on
        places = [(key, label) for key, label, _ in region_choices(catalog)]
        self.fields["hukou"] = forms.ChoiceField(
            label="户籍在哪里", choices=places, initial="local", widget=RADIO
        )
        self.fields["residence"] = forms.ChoiceField(
            label="现在常住在哪里", choices=places, initial="local", widget=RADIO
        )
        for name in asked_fields(catalog):
            self.fields[name] = QUESTIONS[name]()
        for name, option in catalog.options.items():
            self.fields[f"opt_{name}"] = forms.BooleanField(
                label=option.label, required=False, initial=option.default, help_text=f"原文：{option.text}"
            )

    def clean_birth_date(self) -> dt.date | None:
        birth: dt.date | None = self.cleaned_data.get("birth_date")
        if birth is not None and birth > self.on:
            raise forms.ValidationError("出生日期不能晚于今天")
        return birth

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = data.get("age") is None and data.get("birth_date") is None
        if missing and not self.has_error("age") and not self.has_error("birth_date"):
            self.add_error("age", "请填写年龄或出生日期")
        return data

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        out = []
        for title, names in SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((title, fields))
        return out

    def option_fields(self) -> list[forms.BoundField]:
        return [self[f"opt_{name}"] for name in self.catalog.options]

    def options(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(f"opt_{name}")) for name in self.catalog.options}

    def answers(self) -> list[tuple[str, str]]:
        """What was answered, in words (printed above the results); unticked boxes and blanks left out."""
        out: list[tuple[str, str]] = []
        for name, fld in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            label = str(fld.label)
            if isinstance(fld, forms.BooleanField):
                out.append(("本地政策" if name.startswith("opt_") else "情况", label))
            elif isinstance(fld, forms.ChoiceField):
                words = {str(k): str(v) for k, v in cast(list[tuple[str, str]], fld.choices)}
                out.append((label, words.get(str(value), str(value))))
            elif isinstance(value, dt.date):
                out.append((label.removeprefix("或者："), value.isoformat()))
            else:
                out.append((label, str(value)))
        return out
