"""A person's fields described once: what each is, where it is shown, how it is asked and said.

One :class:`Field` per fact about an older person. Derived from this table: the record at the edge
(:mod:`yanglao.core.person`: parsing, headers); the registry's columns (``registry/models.py``, checked by
``tests/integration/test_person_fields.py``); the person page's sections (:data:`SECTIONS`), values in
words (``codes``, ``levels``) and edit choices, ``sensitive`` fields hidden (:mod:`yanglao.core.masking`);
the public self-check's questions (``ask``: :class:`Question`, in a family's words; staff-only fields
have none); the public plain words of a condition on a field (``phrases``: :class:`Phrases`).
:data:`FIELDS` is the interchange record (``docs/person-record.md``, in its column order);
:data:`REGISTRY_FIELDS` are the facts the registry keeps beyond it (phone, address, contacts).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Literal

Kind = Literal["id", "text", "code", "bool", "date", "int", "region"]
# How the self-check asks: a yes/no box, one of a few (radio buttons), one of many (a list), a number;
# ``age`` (age or birth date) and ``place`` (which of the list's places) are the form's own questions.
Widget = Literal["check", "radio", "select", "number", "age", "place"]
Codes = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Section:
    """A group of fields: ``title`` on the person page, ``public`` in the self-check (empty: not asked)."""

    key: str
    title: str
    public: str


SECTIONS: tuple[Section, ...] = (
    Section("basic", "基本信息", "基本情况"),
    Section("place", "户籍与居住", "户籍和居住"),
    Section("hardship", "困难情况", "家庭经济"),
    Section("health", "能力与健康", "身体状况"),
    Section("family", "家庭、优抚与保险", "家庭、优抚和保险"),
    Section("contact", "联系方式", ""),
)
SECTION_BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}


@dataclass(frozen=True)
class Question:
    """How the anonymous self-check asks about a field, in a family's words.

    ``choices``: the field's codes (or levels) in the family's words and order, when they differ from
    the staff labels; ``blank``: the first choice, meaning none or not known (no blank choice when
    ``None``); ``always``: asked of everyone, otherwise only when the list's rules read the field."""

    label: str
    widget: Widget
    choices: Codes = ()
    blank: str | None = None
    initial: str = ""
    hint: str = ""
    always: bool = False


@dataclass(frozen=True)
class Phrases:
    """A condition on the field in plain words: ``yes``/``no`` for a yes/no field being true or false;
    ``values`` for a coded or level field having one of some values, ``{}`` standing for them
    (``{}`` → 独居、空巢或留守; ``持{}残疾人证`` → 持一级或二级残疾人证); ``known`` for "the value is
    known" (持有残疾人证); ``empty`` for the person's value being unknown (无残疾人证)."""

    yes: str = ""
    no: str = ""
    values: str = ""
    known: str = ""
    empty: str = ""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind
    codes: Codes = ()  # a coded field's values: (code, label)
    _: KW_ONLY
    section: str = ""  # the key of its Section; "" for a field that is not a person's (an application's)
    levels: Codes = ()  # an int field's values by name: ("1", "轻度失能")
    minimum: int | None = None
    maximum: int | None = None
    sensitive: bool = False  # PIPL art. 28 sensitive personal information: hidden from most roles
    ask: Question | None = None  # None: staff only, the self-check never asks
    phrases: Phrases = Phrases()
    record: bool = True  # part of the interchange record; False: kept by the registry only

    def code_values(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.codes)

    def code_label(self, code: str) -> str:
        return dict(self.codes).get(code, code)

    @property
    def choices(self) -> Codes:
        """The values a person may have, by name: the codes, or the levels of a level field."""
        return self.codes or self.levels

    @property
    def public_choices(self) -> Codes:
        """The self-check's choices: the family's words where given, else the staff labels."""
        return (self.ask.choices if self.ask else ()) or self.choices


LIVING: Codes = (
    ("with_family", "与子女等同住"),
    ("alone", "独居"),
    ("empty_nest", "空巢"),
    ("left_behind", "留守"),
)
TEKUN: Codes = (("none", "非特困"), ("dispersed", "分散供养"), ("centralized", "集中供养"))
TEKUN_CARE: Codes = (("self", "全自理"), ("half", "半护理"), ("full", "全护理"))
DISABILITY_CATEGORY: Codes = (
    ("visual", "视力"),
    ("hearing", "听力"),
    ("speech", "言语"),
    ("physical", "肢体"),
    ("intellectual", "智力"),
    ("mental", "精神"),
    ("multiple", "多重"),
)
FP_SPECIAL: Codes = (("none", "否"), ("bereaved", "独生子女死亡"), ("disabled_child", "独生子女伤残"))
SPECIAL_CONTRIBUTION: Codes = (
    ("none", "否"),
    ("martyr_family", "烈士遗属"),
    ("duty_death_family", "因公牺牲军人遗属"),
    ("illness_death_family", "病故军人遗属"),
    ("disabled_veteran", "残疾军人"),
    ("demobilized", "复员军人"),
    ("retired_soldier", "退伍军人"),
)
PENSION: Codes = (
    ("none", "未参保"),
    ("employee", "企业职工"),
    ("public_sector", "机关事业单位"),
    ("urban_rural", "城乡居民"),
)
# GB/T 42195-2022 老年人能力等级.
ABILITY_LEVELS: Codes = (
    ("0", "能力完好"),
    ("1", "轻度失能"),
    ("2", "中度失能"),
    ("3", "重度失能"),
    ("4", "完全失能"),
)
# 残疾等级 (GB/T 26341-2010): the grade as written on the 残疾人证.
DISABILITY_GRADES: Codes = (("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级"))
SEX: Codes = (("1", "男"), ("2", "女"))

ASSESSED = Phrases(known="做过老年人能力评估", empty="未评估")


def _check(label: str, *, always: bool = False, hint: str = "") -> Question:
    return Question(label, "check", always=always, hint=hint)


FIELDS: tuple[Field, ...] = (
    Field("id_number", "公民身份号码", "id", section="basic", sensitive=True),
    Field("name", "姓名", "text", section="basic"),
    Field(
        "sex", "性别", "code", SEX, section="basic", ask=Question("性别", "radio", blank="不填", always=True)
    ),
    Field(
        "birth_date", "出生日期", "date", section="basic", ask=Question("年龄（周岁）", "age", always=True)
    ),
    Field(
        "hukou_region",
        "户籍地区划代码",
        "region",
        section="place",
        ask=Question("户籍在哪里", "place", always=True),
    ),
    Field(
        "residence_region",
        "常住地区划代码",
        "region",
        section="place",
        ask=Question("现在常住在哪里", "place", always=True),
    ),
    Field(
        "residence_permit",
        "持常住地居住证",
        "bool",
        section="place",
        ask=_check("持有常住地的居住证", always=True, hint="户籍不在常住地的，才需要勾选"),
        phrases=Phrases("持有常住地居住证", "没有常住地居住证"),
    ),
    Field("death_date", "死亡日期", "date", section="basic"),
    Field(
        "living_arrangement",
        "居住状况",
        "code",
        LIVING,
        section="place",
        ask=Question(
            "居住情况",
            "radio",
            (
                ("alone", "独居"),
                ("empty_nest", "空巢（与配偶同住，子女不在身边）"),
                ("left_behind", "留守（子女外出务工）"),
                ("with_family", "与子女等同住"),
            ),
            blank="不填",
            always=True,
        ),
        phrases=Phrases(values="{}"),
    ),
    Field(
        "no_supporter",
        "无法定赡养人扶养人或其无赡养扶养能力",
        "bool",
        section="hardship",
        ask=_check("没有子女等法定赡养人、扶养人，或他们没有赡养、扶养能力"),
        phrases=Phrases("无法定赡养人、扶养人，或其无赡养、扶养能力", "有赡养人或扶养人"),
    ),
    Field(
        "dibao",
        "最低生活保障对象",
        "bool",
        section="hardship",
        sensitive=True,
        ask=_check("是低保对象（城乡居民最低生活保障）", always=True),
        phrases=Phrases("是低保对象", "不是低保对象"),
    ),
    Field(
        "dibao_edge",
        "低保边缘家庭成员",
        "bool",
        section="hardship",
        sensitive=True,
        ask=_check("是低保边缘家庭成员", always=True),
        phrases=Phrases("是低保边缘家庭成员", "不是低保边缘家庭成员"),
    ),
    Field(
        "spending_hardship",
        "支出型困难家庭成员",
        "bool",
        section="hardship",
        sensitive=True,
        ask=_check("是支出型困难家庭成员（因病、因残等刚性支出造成困难）", always=True),
        phrases=Phrases("是支出型困难家庭成员", "不是支出型困难家庭成员"),
    ),
    Field(
        "tekun",
        "特困人员供养方式",
        "code",
        TEKUN,
        section="hardship",
        sensitive=True,
        ask=Question(
            "特困人员",
            "radio",
            (
                ("none", "不是特困人员"),
                ("dispersed", "特困人员，分散供养（在家）"),
                ("centralized", "特困人员，集中供养（在敬老院等机构）"),
            ),
            initial="none",
            always=True,
        ),
        phrases=Phrases(values="特困人员（{}）"),
    ),
    Field(
        "tekun_care",
        "特困人员照料护理类型",
        "code",
        TEKUN_CARE,
        section="hardship",
        sensitive=True,
        ask=Question("特困人员的照料护理类型", "select", blank="不是特困人员或不清楚"),
        phrases=Phrases(values="特困人员照料护理类型为{}"),
    ),
    Field(
        "poverty_relapse",
        "返贫致贫人口",
        "bool",
        section="hardship",
        sensitive=True,
        ask=_check("是返贫致贫人口"),
        phrases=Phrases("是返贫致贫人口", "不是返贫致贫人口"),
    ),
    Field(
        "poverty_relapse_risk",
        "农村易返贫致贫人口",
        "bool",
        section="hardship",
        sensitive=True,
        ask=_check("是农村易返贫致贫人口（监测对象）"),
        phrases=Phrases("是农村易返贫致贫人口", "不是农村易返贫致贫人口"),
    ),
    Field(
        "vagrant",
        "生活无着的流浪乞讨人员",
        "bool",
        section="hardship",
        sensitive=True,
        ask=_check("是生活无着的流浪乞讨人员"),
        phrases=Phrases("是生活无着的流浪乞讨人员", "不是生活无着的流浪乞讨人员"),
    ),
    Field(
        "ability_level",
        "老年人能力等级",
        "int",
        section="health",
        levels=ABILITY_LEVELS,
        minimum=0,
        maximum=4,
        sensitive=True,
        ask=Question("老年人能力评估结果", "select", blank="没有评估过", always=True),
        phrases=Phrases(values="老年人能力评估为{}", known="做过老年人能力评估", empty="未评估"),
    ),
    Field("ability_assessed_on", "能力评估日期", "date", section="health", sensitive=True, phrases=ASSESSED),
    Field(
        "self_care_unable",
        "经认定生活不能自理",
        "bool",
        section="health",
        sensitive=True,
        ask=_check("经认定生活不能自理"),
        phrases=Phrases("经认定生活不能自理", "未经认定生活不能自理"),
    ),
    Field(
        "disability_grade",
        "残疾等级",
        "int",
        section="health",
        levels=DISABILITY_GRADES,
        minimum=1,
        maximum=4,
        sensitive=True,
        ask=Question(
            "残疾人证",
            "select",
            (("1", "一级（最重）"), *DISABILITY_GRADES[1:]),
            blank="没有残疾人证",
            always=True,
        ),
        phrases=Phrases(values="持{}残疾人证", known="持有残疾人证", empty="无残疾人证"),
    ),
    Field(
        "disability_category",
        "残疾类别",
        "code",
        DISABILITY_CATEGORY,
        section="health",
        sensitive=True,
        ask=Question("残疾类别", "select", blank="没有或不清楚"),
        phrases=Phrases(values="{}残疾", known="持有残疾人证", empty="无残疾人证"),
    ),
    Field(
        "long_term_care_need",
        "需要长期照护",
        "bool",
        section="health",
        sensitive=True,
        ask=_check("需要长期照护"),
        phrases=Phrases("需要长期照护", "不需要长期照护"),
    ),
    Field(
        "fp_special",
        "计划生育特殊家庭",
        "code",
        FP_SPECIAL,
        section="family",
        sensitive=True,
        ask=Question(
            "计划生育特殊家庭",
            "select",
            (("none", "不是"), ("bereaved", "独生子女死亡家庭"), ("disabled_child", "独生子女伤残家庭")),
            initial="none",
            always=True,
        ),
        phrases=Phrases(values="计划生育特殊家庭（{}）"),
    ),
    Field(
        "special_contribution",
        "对国家和社会作出特殊贡献的老年人类别",
        "code",
        SPECIAL_CONTRIBUTION,
        section="family",
        ask=Question(
            "优抚对象", "select", (("none", "不是"), *SPECIAL_CONTRIBUTION[1:]), initial="none", always=True
        ),
        phrases=Phrases(values="{}"),
    ),
    Field(
        "periodic_pension",
        "享受国家定期抚恤补助",
        "bool",
        section="family",
        ask=_check("享受国家定期抚恤补助"),
        phrases=Phrases("享受国家定期抚恤补助", "不享受国家定期抚恤补助"),
    ),
    Field(
        "military_family",
        "现役军人家属",
        "bool",
        section="family",
        ask=_check("是现役军人家属"),
        phrases=Phrases("是现役军人家属", "不是现役军人家属"),
    ),
    Field(
        "pension_scheme",
        "基本养老保险类别",
        "code",
        PENSION,
        section="family",
        ask=Question(
            "基本养老保险",
            "select",
            (
                ("none", "没有参加"),
                ("employee", "企业职工养老保险（退休金）"),
                ("public_sector", "机关事业单位养老保险"),
                ("urban_rural", "城乡居民养老保险"),
            ),
            blank="不清楚",
            always=True,
        ),
        phrases=Phrases(values="参加{}基本养老保险"),
    ),
    Field(
        "ltc_insured",
        "参加长期护理保险",
        "bool",
        section="family",
        ask=_check("参加了长期护理保险", always=True),
        phrases=Phrases("参加了长期护理保险", "没有参加长期护理保险"),
    ),
    Field(
        "disabled_months",
        "失能持续月数",
        "int",
        section="health",
        minimum=0,
        maximum=1200,
        sensitive=True,
        ask=Question("失能已持续几个月", "number"),
    ),
)
# The registry's own facts beyond the interchange record (the import accepts them as extra columns).
REGISTRY_FIELDS: tuple[Field, ...] = (
    Field("phone", "联系电话", "text", section="contact", record=False),
    Field("address", "居住地址", "text", section="place", record=False),
    Field("emergency_contact_name", "紧急联系人", "text", section="contact", record=False),
    Field("emergency_contact_phone", "紧急联系人电话", "text", section="contact", record=False),
    Field("emergency_contact_relation", "与本人关系", "text", section="contact", record=False),
    Field("spouse_id_number", "配偶公民身份号码", "text", section="family", record=False),
)
PERSON_FIELDS: tuple[Field, ...] = FIELDS + REGISTRY_FIELDS
PERSON_FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in PERSON_FIELDS}


def label_of(name: str) -> str:
    """A person field's label (the record's and the registry's); an unknown name as it is."""
    fld = PERSON_FIELD_BY_NAME.get(name)
    return fld.label if fld else name


def sections() -> list[tuple[Section, list[Field]]]:
    """The person page: every section with its fields, in this table's order."""
    return [(s, [f for f in PERSON_FIELDS if f.section == s.key]) for s in SECTIONS]


def public_sections() -> list[tuple[Section, list[Field]]]:
    """The self-check: the sections with a public title and the fields it may ask, in order; the one
    question every answer needs (age or birth date) first."""
    return [
        (
            s,
            sorted(
                (f for f in PERSON_FIELDS if f.section == s.key and f.ask),
                key=lambda f: f.name != "birth_date",
            ),
        )
        for s in SECTIONS
        if s.public
    ]


def asked(names_read: set[str]) -> list[Field]:
    """The fields the self-check asks (as answers, not the form's own age and place questions): those
    asked of everyone and those the list's rules read (``names_read``), in section order."""
    return [
        f
        for _, fields in public_sections()
        for f in fields
        if f.ask is not None
        and f.ask.widget not in ("age", "place")
        and (f.ask.always or f.name in names_read)
    ]
