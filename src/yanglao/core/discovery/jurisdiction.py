"""Which service list applies to a person: the list of the jurisdiction of their 户籍.

The rule (docs/discovery.md): take the person's 户籍地 code (the 常住地 code when 户籍 is unknown);
walk up the region tree — county (first 6 digits), prefecture (first 4 digits + ``00``), province
(first 2 digits + ``0000``) — and take the first jurisdiction that has a list. ``411702`` (驿城区) has
no list of its own, so 驻马店市 ``411700`` applies; ``152223100001`` (a community of 扎赉特旗) → ``152223``.
A person whose place is unknown, or whose jurisdiction has no list anywhere up the tree, has none.
"""

from __future__ import annotations

from collections.abc import Collection


def jurisdiction_code(hukou_region: str | None, residence_region: str | None) -> str | None:
    """The code the rule starts from: 户籍, else 常住地."""
    return hukou_region or residence_region or None


def candidates(code: str) -> list[str]:
    """The jurisdictions above ``code``, nearest first (county, prefecture, province)."""
    if len(code) < 6 or not code[:6].isdigit():
        return []
    county = code[:6]
    out = [county, county[:4] + "00", county[:2] + "0000"]
    return list(dict.fromkeys(out))


def catalog_for(code: str | None, available: Collection[str]) -> str | None:
    """The code of the nearest list up the tree from ``code`` among ``available``, or None."""
    if not code:
        return None
    for candidate in candidates(code):
        if candidate in available:
            return candidate
    return None
