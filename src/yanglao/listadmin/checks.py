"""The checks every draft goes through (docs/listadmin.md, "检查"):

1. the strict loader (any error refuses the save: file, line, path, reason);
2. the old values of the version in force stay (a new standard is a new dated value);
3. the comparison with the parent list in force on the effective date (``yanglao catalog check``):
   a shortfall the version in force does not already have blocks publication until a justification
   is recorded;
4. the list's own test cases (``cases.yaml``) must all pass;
5. the budget sanity cases written beside the list (``budget.yaml``) warn when the yearly cost moves
   outside the range they give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from yanglao.core.catalog import source
from yanglao.core.catalog.cases import check_case, load_cases
from yanglao.core.catalog.compare import check
from yanglao.core.catalog.drafts import Texts, loaded, old_values_kept
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.yamlio import YamlFileError
from yanglao.listadmin.store import ancestors_on


def validate(code: str, texts: Texts, base: Catalog, on: dt.date) -> Catalog:
    """The draft loaded strictly, its old values kept; raises :class:`YamlFileError`."""
    with loaded(code, texts, ancestors_on(texts, on)) as catalog:
        old_values_kept(base, catalog, texts.get("parameters.yaml", ""))
        return catalog


def _findings(child: Catalog, on: dt.date) -> list[str]:
    if child.parent is None:
        return []
    try:
        parent = source.catalog_on(child.parent, on)
    except YamlFileError:
        return []
    return [f.line() for f in check(child, parent, on) if f.falls_short]


_base_findings: dict[tuple[str, str, dt.date, int], list[str]] = {}


def _findings_of_base(base: Catalog, on: dt.date) -> list[str]:
    """The version in force's own shortfalls (the comparison takes seconds: kept per version and day)."""
    key = (base.code, base.version, on, source.generation())
    if key not in _base_findings:
        if len(_base_findings) > 64:
            _base_findings.clear()
        _base_findings[key] = _findings(base, on)
    return _base_findings[key]


def run(code: str, texts: Texts, base: Catalog, on: dt.date, *, compare: bool = True) -> dict[str, Any]:
    """Every check of the draft ``texts`` against ``base`` (the version in force) on ``on``; without
    ``compare`` all but the comparison with the parent list (which takes seconds: it runs when the draft
    is submitted, and on request)."""
    out: dict[str, Any] = {"on": on.isoformat(), "error": None}
    try:
        with loaded(code, texts, ancestors_on(texts, on)) as catalog:
            old_values_kept(base, catalog, texts.get("parameters.yaml", ""))
            if compare:
                findings = _findings(catalog, on)
                before = set(_findings_of_base(base, on))
                out["findings"] = findings
                out["new_findings"] = [f for f in findings if f not in before]
            out["cases"] = _cases(catalog)
            if compare:
                out["budget"] = budget_warnings(catalog, on)
    except YamlFileError as exc:
        out["error"] = str(exc)
    return out


def _cases(catalog: Catalog) -> dict[str, Any]:
    root = Path(catalog.folder).parent
    failed = []
    cases = load_cases(catalog, root)
    for case in cases:
        _, problems = check_case(catalog, case)
        if problems:
            failed.append({"name": case.name, "on": case.on.isoformat(), "problems": problems})
    return {"total": len(cases), "failed": failed}


def budget_warnings(after: Catalog, on: dt.date) -> list[str]:
    """The budget sanity cases of the draft's ``budget.yaml`` (none without one): the draft's projected
    cost of the effective date's year over the jurisdiction's people, outside the range they give.
    Warnings only: a change may move the cost on purpose."""
    # the projection's frames (Polars): imported when a draft is checked, not with the URL modules
    from yanglao.core.catalog.budget import FILE, check_budget, project, read_config
    from yanglao.listadmin.people import persons_of

    path = Path(after.folder) / FILE
    if not path.exists():
        return []
    config = read_config(path)
    if not config.sanity:
        return []
    report = project(after, persons_of(after.code).drop("pk"), on.year, config)
    return check_budget(after, report, config)


def blocking(checks: Mapping[str, Any], justification: str) -> list[str]:
    """Why the version may not be published yet (empty: it may)."""
    out = []
    if checks.get("error"):
        out.append(f"清单无法读取：{checks['error']}")
    failed = (checks.get("cases") or {}).get("failed") or []
    if failed:
        out.append(f"{len(failed)} 个测试用例未通过")
    if checks.get("new_findings") and not justification.strip():
        out.append("有低于上级清单的内容，须填写理由")
    if "findings" not in checks and not checks.get("error"):
        out.append("尚未与上级清单比对（提交审核时进行）")
    return out
