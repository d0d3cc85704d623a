"""Helpers of the visits views: who may open them, the month asked for, XLSX exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from yanglao.accounts.scope import require
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.visits.schedule import parse_month

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_read(request: HttpRequest) -> None:
    require(request, "visits.read")


def month_of(request: HttpRequest) -> tuple[int, int, str]:
    """The ``?month=YYYY-MM`` asked for (default: this month)."""
    today = timezone.localdate()
    text = request.GET.get("month", "")
    try:
        year, month = parse_month(text) if text else (today.year, today.month)
    except ValueError:
        year, month = today.year, today.month
    return year, month, f"{year:04d}-{month:02d}"


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    return value


def xlsx_response(
    request: HttpRequest,
    *,
    name: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    summary: str,
    people: set[int] | None = None,
    detail: dict[str, Any] | None = None,
) -> HttpResponse:
    """An XLSX download of one list; audited as one export event. ``people`` (filled while ``rows``
    is read) gives the number of people in the file, named in the event."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from yanglao.core.exports import workbook, workbook_bytes

    book = workbook(write_only=True)  # streamed: a county's monthly plan has 100,000 lines and more
    sheet = book.create_sheet(title[:31])
    for index, header in enumerate(headers):
        sheet.column_dimensions[chr(ord("A") + index)].width = max(10, len(header) * 2 + 4)
    bold = Font(bold=True)
    heading = []
    for header in headers:
        header_cell = WriteOnlyCell(sheet, value=header)
        header_cell.font = bold
        heading.append(header_cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        sheet.append([cell(v) for v in row])
        count += 1
    data = workbook_bytes(book)
    audit(
        request.user,
        Action.EXPORT,
        request=request,
        object_type="visits",
        object_id=name,
        summary=(
            f"导出{title}：{summary}，{count} 行" + (f"，{len(people)} 人" if people is not None else "")
        )[:300],
        detail={
            "list": name,
            "rows": count,
            **({"people": len(people)} if people is not None else {}),
            **(detail or {}),
            "query": dict(request.GET.items()),
        },
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="visits-{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response
