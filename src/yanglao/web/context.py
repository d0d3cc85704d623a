from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yanglao import __version__


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_name": "基本养老服务信息系统", "version": __version__}
