"""What the supervision views share: the clock, uploaded files, JSON answers for the tablet's script."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from yanglao.supervision.actions import Files


def now() -> dt.datetime:
    return timezone.now()


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def files_of(request: HttpRequest, *names: str) -> Files:
    """The uploaded evidence files: field ``evidence`` (item ""), or ``evidence_<item>`` for a rating item."""
    out: list[tuple[str, Any]] = []
    for name, uploads in request.FILES.lists():
        if name == "evidence" or name.startswith("evidence_"):
            item = name.removeprefix("evidence").removeprefix("_")
            out.extend((item, upload) for upload in uploads if upload.size)
    return out


def text(request: HttpRequest, name: str, limit: int = 2000) -> str:
    return str(request.POST.get(name, "")).strip()[:limit]


def failed(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "errors": {"__all__": [message]}}, status=status)
