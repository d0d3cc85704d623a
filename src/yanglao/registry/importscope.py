"""What an import may touch: the department it is labelled with, and the people inside the uploader's scope.

- The source of an import is a registered :class:`Department`; a role imports only for the departments
  that list it (``importer_roles``), and a department with a region only for users inside it.
- A row for a person outside the uploader's scope is an error that reveals nothing: the same error for a
  person registered elsewhere as for an ID number registered nowhere (a new person must be created
  inside the scope, so a row without a region in the scope is refused too).
- A row that moves a person's 户籍地 or 常住地 may only be imported by a user who sees both the old and
  the new place.
"""

from __future__ import annotations

from typing import Any

from yanglao.accounts.scope import Scope, scope_of
from yanglao.core import person as spec
from yanglao.core.records_io import RowError
from yanglao.registry.models import EXTRA_FIELDS, Department, Person

BOTH = ["county_caseworker", "township_caseworker"]
COUNTY = ["county_caseworker"]
# (code, name, roles that may import for it): the usual departments, under the names the bureau's files
# have always been labelled with. Seeded by migration registry 0003, and again into an empty table.
DEFAULT_DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("minzheng", "旗民政局", BOTH),
    ("laolingban", "旗老龄办", BOTH),
    ("gongan", "旗公安局", COUNTY),
    ("weijian", "旗卫健委", COUNTY),
    ("yibao", "旗医保局", COUNTY),
    ("canlian", "旗残联", COUNTY),
    ("renshe", "旗人社局", COUNTY),
]
# The columns each usual department's file carries (its import template); a department registered later
# gets every column. Every file starts with the ID number and the name.
IDENTITY = ("id_number", "name")
DEPARTMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "gongan": (
        *IDENTITY,
        "sex",
        "birth_date",
        "hukou_region",
        "residence_region",
        "residence_permit",
        "death_date",
        "address",
    ),
    "minzheng": (
        *IDENTITY,
        "residence_region",
        "living_arrangement",
        "no_supporter",
        "dibao",
        "dibao_edge",
        "spending_hardship",
        "tekun",
        "tekun_care",
        "poverty_relapse",
        "poverty_relapse_risk",
        "vagrant",
        "self_care_unable",
        "ability_level",
        "ability_assessed_on",
        "special_contribution",
        "periodic_pension",
        "military_family",
        "phone",
        "address",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relation",
    ),
    "laolingban": (
        *IDENTITY,
        "residence_region",
        "living_arrangement",
        "phone",
        "address",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relation",
        "spouse_id_number",
    ),
    "weijian": (
        *IDENTITY,
        "fp_special",
        "ability_level",
        "ability_assessed_on",
        "long_term_care_need",
        "disabled_months",
    ),
    "yibao": (*IDENTITY, "ltc_insured", "long_term_care_need", "disabled_months"),
    "canlian": (*IDENTITY, "disability_grade", "disability_category"),
    "renshe": (*IDENTITY, "pension_scheme"),
}
OUT_OF_SCOPE = "不在您的管辖区域内：只能导入户籍地或常住地在本辖区内的老年人"
MOVE_REFUSED = "迁入或迁出本辖区须由同时管辖原地和新地的用户办理"
REGION_FIELDS = ("residence_region", "hukou_region")


def department_fields(department: Department) -> tuple[str, ...]:
    """The columns of ``department``'s import template."""
    return DEPARTMENT_FIELDS.get(department.code) or (*spec.FIELD_NAMES, *EXTRA_FIELDS)


class ImportRefused(Exception):
    """The import may not start (an unknown department, or one the user may not import for)."""


def ensure_departments() -> None:
    """An installation without any department (a database emptied by hand) gets the usual ones."""
    if not Department.objects.exists():
        for code, name, roles in DEFAULT_DEPARTMENTS:
            Department.objects.get_or_create(code=code, defaults={"name": name, "importer_roles": roles})


def allowed_departments(user: Any) -> list[Department]:
    """The departments ``user`` may import for (what the import page offers)."""
    ensure_departments()
    return [d for d in Department.objects.filter(active=True).select_related("region") if may_import(user, d)]


def may_import(user: Any, department: Department) -> bool:
    if not department.active or getattr(user, "role", None) not in department.importer_roles:
        return False
    if department.region is None:
        return True
    region = str(getattr(user, "region_id", None) or "")
    return scope_of(user).everything or (region != "" and region.startswith(department.region.prefix))


def resolve_department(source: str, user: Any = None) -> Department:
    """The registered department named ``source`` (its code or its name); for a user, one they may import for."""
    text = (source or "").strip()
    ensure_departments()
    department = Department.objects.filter(code=text).first() or Department.objects.filter(name=text).first()
    if department is None or not department.active:
        names = "、".join(Department.objects.filter(active=True).values_list("name", flat=True))
        raise ImportRefused(f"数据来源“{text}”不是已登记的部门（已登记：{names}）")
    if user is not None and not may_import(user, department):
        raise ImportRefused(f"您的角色不能以“{department.name}”的名义导入数据")
    return department


class RowScope:
    """The scope rows are checked against: a user's, or none at all (the command line run by the operator)."""

    def __init__(self, user: Any = None) -> None:
        self.scope: Scope | None = scope_of(user) if user is not None else None
        self.refused_existing = 0  # rows for people registered outside the scope (audited, never shown)

    def sees(self, person: Person) -> bool:
        return self.scope is None or any(self.scope.covers(getattr(person, f)) for f in REGION_FIELDS)

    def check(self, line: int, person: Person | None, record: dict[str, Any]) -> RowError | None:
        """The row's error when it reaches outside the scope, else None."""
        scope = self.scope
        if scope is None:
            return None
        if person is None:
            codes = [record[f] for f in REGION_FIELDS if record.get(f)]
            if codes and all(scope.covers(c) for c in codes):
                return None
            return RowError(line, "id_number", OUT_OF_SCOPE)
        if not self.sees(person):
            self.refused_existing += 1
            return RowError(line, "id_number", OUT_OF_SCOPE)
        for name in REGION_FIELDS:
            new, old = record.get(name), getattr(person, name)
            if new is None or new == old:
                continue
            if not scope.covers(new) or (old and not scope.covers(old)):
                return RowError(line, name, MOVE_REFUSED)
        return None
