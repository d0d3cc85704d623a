"""The items discovery compares with what people are recorded as receiving.

A paying department records (and discovery compares) the recurring benefits: items with at least one
benefit paid by the month or by the year (高龄津贴, 养老服务补贴, 护理补贴, 低保, 特困供养, 特别扶助金,
残疾人两项补贴, 医疗救助…). Left out: services without a period (能力评估, 巡访, 意外伤害保险…), which
nobody "receives" as a payment, and the contributory pensions (:data:`CONTRIBUTORY`), which 人社部门
pays by contribution records the civil-affairs bureau neither holds nor decides.
"""

from __future__ import annotations

from yanglao.core.catalog.model import Catalog

CONTRIBUTORY: frozenset[str] = frozenset(
    {"enterprise_pension", "public_sector_pension", "employee_pension", "urban_rural_pension"}
)
RECURRING = ("month", "year")


def tracked_codes(catalog: Catalog) -> set[str]:
    """The item codes of ``catalog`` that discovery compares with enrolments."""
    return {
        item.code
        for item in catalog.items
        if item.code not in CONTRIBUTORY and any(b.period in RECURRING for b in item.benefits)
    }
