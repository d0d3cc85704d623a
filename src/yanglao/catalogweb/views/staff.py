"""For staff (any role, login required): what changed in a list between two dates, and a list checked
against the list above it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from yanglao.catalogweb.listing import history_dates
from yanglao.catalogweb.source import catalog_root, catalogs, parse_date, today
from yanglao.core.catalog import Catalog, Change, Finding, check, diff
from yanglao.core.catalog.compare import KIND_WORDS

CHANGE_WORDS = {"parameter": "参数调整", "item_added": "新增项目", "item_removed": "删除项目"}


_CHECKS: dict[tuple[str, str, dt.date, int, int], list[Finding]] = {}


def cached_check(child: Catalog, parent: Catalog, on: dt.date) -> list[Finding]:
    """``check`` tries many probe persons and takes a while: the answer is kept for the loaded lists."""
    if catalog_root() is not None:  # lists read afresh on every request: nothing stable to key on
        return check(child, parent, on)
    key = (child.code, parent.code, on, id(child), id(parent))
    if key not in _CHECKS:
        if len(_CHECKS) >= 64:
            _CHECKS.clear()
        _CHECKS[key] = check(child, parent, on)
    return _CHECKS[key]


@dataclass(frozen=True)
class DiffResult:
    catalog: Catalog
    date1: dt.date
    date2: dt.date
    changes: list[Change]


@dataclass(frozen=True)
class CheckResult:
    child: Catalog
    parent: Catalog
    on: dt.date
    findings: list[Finding]

    @property
    def short(self) -> int:
        return sum(1 for f in self.findings if f.falls_short)

    @property
    def notes(self) -> int:
        return len(self.findings) - self.short


def _date(request: HttpRequest, name: str, default: dt.date, errors: list[str]) -> dt.date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    parsed = parse_date(raw)
    if parsed is None:
        errors.append(f"日期“{raw}”无效，应写成 YYYY-MM-DD")
        return default
    return parsed


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    lists = {c.code: c for c in catalogs()}
    errors: list[str] = []
    mode = request.GET.get("mode", "")
    diff_result = check_result = None
    code = request.GET.get("code", "")
    child_code = request.GET.get("child", "")
    parent_code = request.GET.get("parent", "")
    if mode == "diff":
        if code not in lists:
            errors.append("请选择清单")
        else:
            catalog = lists[code]
            dates = history_dates(catalog)
            first = catalog.issued_on or (dates[0] if dates else today())
            date1 = _date(request, "date1", first, errors)
            date2 = _date(request, "date2", today(), errors)
            diff_result = DiffResult(catalog, date1, date2, diff(catalog, date1, date2))
    elif mode == "check":
        child = lists.get(child_code)
        parent_code = parent_code or (child.parent if child and child.parent else "")
        parent = lists.get(parent_code)
        if child is None or parent is None:
            errors.append("请选择本级清单和上级清单")
        elif child.code == parent.code:
            errors.append("本级清单和上级清单不能相同")
        else:
            on = _date(request, "date", today(), errors)
            check_result = CheckResult(child, parent, on, cached_check(child, parent, on))
    context = {
        "lists": sorted(lists.values(), key=lambda c: c.code),
        "mode": mode,
        "code": code,
        "child_code": child_code,
        "parent_code": parent_code,
        "date1": request.GET.get("date1", ""),
        "date2": request.GET.get("date2", ""),
        "date": request.GET.get("date", ""),
        "errors": errors,
        "diff": diff_result,
        "check": check_result,
        "diff_rows": [(CHANGE_WORDS[c.kind], c) for c in diff_result.changes] if diff_result else [],
        "check_rows": [(KIND_WORDS[f.kind], f) for f in check_result.findings] if check_result else [],
        "today": today().isoformat(),
    }
    return render(request, "catalogweb/compare.html", context)
