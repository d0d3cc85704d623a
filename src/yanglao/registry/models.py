"""The registry of older people: one record per ID number, every field's history and source."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias

from django.conf import settings
from django.db import models

from yanglao.core import person as spec
from yanglao.core.personfields import PERSON_FIELD_BY_NAME, REGISTRY_FIELDS, Field, label_of

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    Flag: TypeAlias = models.BooleanField[bool | Combinable | None, bool | None]
    Day: TypeAlias = models.DateField[str | dt.date | Combinable | None, dt.date | None]
    Number: TypeAlias = models.SmallIntegerField[float | int | str | Combinable | None, int | None]
    Coded: TypeAlias = models.CharField[str | int | Combinable | None, str | None]
    Text: TypeAlias = models.CharField[str | int | Combinable, str]

# The person-record fields the registry stores as columns (id_number is the key, declared below).
RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in spec.FIELDS if f.kind != "id")
# Further fields the registry keeps beyond the interchange record (described in core/personfields.py).
EXTRA_FIELDS: tuple[str, ...] = tuple(f.name for f in REGISTRY_FIELDS)
EXTRA_LABELS: dict[str, str] = {f.name: f.label for f in REGISTRY_FIELDS}
TRACKED_FIELDS: tuple[str, ...] = RECORD_FIELDS + EXTRA_FIELDS
# The columns of Person that are not facts about the person (tests/integration/test_person_fields.py).
BOOKKEEPING_FIELDS: tuple[str, ...] = (
    "id",
    "synthetic",
    "spouse",
    "created_batch",
    "created_at",
    "updated_at",
)


def field_label(name: str) -> str:
    return label_of(name)


def _described(name: str, kind: str) -> Field:
    fld = PERSON_FIELD_BY_NAME[name]
    if fld.kind != kind:
        raise ValueError(f"{name}: described as {fld.kind}, not {kind}")
    return fld


# The columns of the described person fields (core/personfields.py): label, type and codes from the
# description; a record field is empty (NULL) when not known, a registry-only text field is "" instead.
def flag(name: str) -> Flag:
    return models.BooleanField(_described(name, "bool").label, null=True, blank=True)


def day(name: str) -> Day:
    return models.DateField(_described(name, "date").label, null=True, blank=True)


def number(name: str) -> Number:
    return models.SmallIntegerField(_described(name, "int").label, null=True, blank=True)


def coded(name: str) -> Coded:
    fld = _described(name, "code")
    return models.CharField(fld.label, max_length=24, null=True, blank=True, choices=fld.codes)


def region(name: str) -> Coded:
    return models.CharField(_described(name, "region").label, max_length=12, null=True, blank=True)


def extra(name: str, max_length: int) -> Text:
    fld = _described(name, "text")
    assert not fld.record, name
    return models.CharField(fld.label, max_length=max_length, blank=True, default="")


class Person(models.Model):
    # Every person fact below is a column built from its description (flag, day, number, coded, region,
    # extra: core/personfields.py); the key and the name are declared here by hand.
    id_number = models.CharField(label_of("id_number"), max_length=18, unique=True)
    # Indexed with the ID number by migrations 0002/0005 per database: on PostgreSQL as
    # ``(name COLLATE "C", id_number)``, which serves both the prefix search (LIKE '王%') and its
    # order (name, id_number) from one index (see access_persons_by_search).
    name = models.CharField(label_of("name"), max_length=64, blank=True, default="")
    sex = coded("sex")
    birth_date = day("birth_date")
    # Region codes are searched by prefix (a user's scope: LIKE '152223100%') and by equality: one
    # varchar_pattern_ops index each serves both (Meta.indexes; migration 0006 dropped the plain twins).
    hukou_region = region("hukou_region")
    residence_region = region("residence_region")
    residence_permit = flag("residence_permit")
    death_date = day("death_date")
    living_arrangement = coded("living_arrangement")
    no_supporter = flag("no_supporter")
    dibao = flag("dibao")
    dibao_edge = flag("dibao_edge")
    spending_hardship = flag("spending_hardship")
    tekun = coded("tekun")
    tekun_care = coded("tekun_care")
    poverty_relapse = flag("poverty_relapse")
    poverty_relapse_risk = flag("poverty_relapse_risk")
    vagrant = flag("vagrant")
    ability_level = number("ability_level")
    ability_assessed_on = day("ability_assessed_on")
    self_care_unable = flag("self_care_unable")
    disability_grade = number("disability_grade")
    disability_category = coded("disability_category")
    long_term_care_need = flag("long_term_care_need")
    fp_special = coded("fp_special")
    special_contribution = coded("special_contribution")
    periodic_pension = flag("periodic_pension")
    military_family = flag("military_family")
    pension_scheme = coded("pension_scheme")
    ltc_insured = flag("ltc_insured")
    disabled_months = number("disabled_months")
    synthetic = models.BooleanField("合成数据", default=False)
    phone = extra("phone", 20)
    address = extra("address", 200)
    emergency_contact_name = extra("emergency_contact_name", 64)
    emergency_contact_phone = extra("emergency_contact_phone", 20)
    emergency_contact_relation = extra("emergency_contact_relation", 16)
    spouse_id_number = extra("spouse_id_number", 18)
    spouse = models.ForeignKey(
        "self", verbose_name="配偶", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The import that created this record: its source, data date and operator are the creation event's,
    # and the values it brought are the ones before each field's first change (registry.history).
    created_batch = models.ForeignKey(
        "ImportBatch",
        verbose_name="建档导入批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # batches are never deleted; an index would only slow down a million-row import
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "老年人"
        verbose_name_plural = "老年人信息库"
        indexes = [
            models.Index(fields=["birth_date"]),
            models.Index(
                fields=["hukou_region"], name="registry_person_huk_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["residence_region"],
                name="registry_person_res_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number[:6]}…{self.id_number[-4:]}）"

    def record(self) -> spec.Record:
        """The person-record view of this person (for the rules core)."""
        out: spec.Record = {"id_number": self.id_number}
        for name in RECORD_FIELDS:
            out[name] = getattr(self, name)
        return out

    @property
    def scope_codes(self) -> tuple[str, ...]:
        return tuple(c for c in (self.residence_region, self.hukou_region) if c)


class ChangeKind(models.TextChoices):
    CREATE = "create", "建档"
    FEED = "feed", "部门数据"
    EDIT = "edit", "人工修改"
    RESOLVE = "resolve", "冲突处理"
    ASSESSMENT = "assessment", "能力评估"


class PersonChange(models.Model):
    """One change event of one person: every field changed with old and new value and its source."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="changes", verbose_name="老年人"
    )
    kind = models.CharField("类型", max_length=16, choices=ChangeKind.choices)
    source = models.CharField("来源", max_length=100)
    batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导入批次",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="操作人"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    as_of = models.DateField("数据日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    changes = models.JSONField("变更", default=dict)  # {field: [old, new]} as interchange text

    class Meta:
        verbose_name = "信息变更"
        verbose_name_plural = "信息变更"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.source}"


class ConflictStatus(models.TextChoices):
    OPEN = "open", "待处理"
    KEPT = "kept", "保留现值"
    ACCEPTED = "accepted", "采用新值"


class Conflict(models.Model):
    """A feed contradicting a value another source set more recently: both are kept until resolved."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="conflicts", verbose_name="老年人"
    )
    field = models.CharField("字段", max_length=40)
    current_value = models.CharField("现值", max_length=200, blank=True)
    current_source = models.CharField("现值来源", max_length=100, blank=True)
    current_as_of = models.DateField("现值数据日期", null=True)
    proposed_value = models.CharField("新值", max_length=200, blank=True)
    proposed_source = models.CharField("新值来源", max_length=100)
    proposed_as_of = models.DateField("新值数据日期")
    batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导入批次",
    )
    status = models.CharField(
        "状态", max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    note = models.CharField("处理说明", max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("发现时间", auto_now_add=True)

    class Meta:
        verbose_name = "数据冲突"
        verbose_name_plural = "数据冲突"
        ordering = ["-created_at", "-id"]
        # the open conflicts of a scope: the few open rows first, then their people by key
        indexes = [models.Index(fields=["status", "person"], name="registry_conflict_open")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.field}: {self.current_value} ↔ {self.proposed_value}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id_number": self.person.id_number,
            "field": self.field,
            "current": {
                "value": self.current_value,
                "source": self.current_source,
                "as_of": self.current_as_of.isoformat() if self.current_as_of else None,
            },
            "proposed": {
                "value": self.proposed_value,
                "source": self.proposed_source,
                "as_of": self.proposed_as_of.isoformat(),
            },
        }


class Department(models.Model):
    """A department of the jurisdiction whose files are imported (公安、卫健、医保、残联、人社、民政 …).

    An import names one of these as its source; ``importer_roles`` are the roles that may import for it
    (a role not listed may not label a file as this department's). ``region`` limits the department to
    users inside it; empty means the whole installation."""

    code = models.SlugField("部门代码", max_length=32, unique=True)
    name = models.CharField("部门名称", max_length=100, unique=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    importer_roles = models.JSONField("可导入的角色", default=list, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "数据来源部门"
        verbose_name_plural = "数据来源部门"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BatchStatus(models.TextChoices):
    DONE = "done", "已完成"
    REJECTED = "rejected", "全部未导入（有错误）"


class ImportBatch(models.Model):
    """One department file imported. Written in the same transaction as its rows: a killed import leaves none.

    Its errors are rows of :class:`ImportRowError`, as many as the setting ``IMPORT_MAX_ERRORS_KEPT``
    allows; ``error_count`` is the exact number found."""

    source = models.CharField("数据来源", max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name="数据来源部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64)
    as_of = models.DateField("数据日期")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True)
    status = models.CharField("状态", max_length=16, choices=BatchStatus.choices, default=BatchStatus.DONE)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    error_count = models.PositiveIntegerField("错误", default=0)
    conflicts = models.PositiveIntegerField("冲突", default=0)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.source}）"


class ImportRowError(models.Model):
    """One error of an import: its line in the file, the field and the reason."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="error_rows")
    line = models.PositiveIntegerField("行号")
    # whose row it is, as the file had it: the ID number's last 4 characters and the name
    id_tail = models.CharField("身份证号后4位", max_length=4, blank=True, default="")
    name = models.CharField("姓名", max_length=50, blank=True, default="")
    field = models.CharField("字段", max_length=100)
    reason = models.CharField("原因", max_length=500)

    class Meta:
        verbose_name = "导入错误"
        verbose_name_plural = "导入错误"
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"{self.line} {self.field}: {self.reason}"
