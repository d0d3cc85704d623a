"""The words of the service codes (the catalogues' names) for the pages."""

from __future__ import annotations

import functools

from yanglao.core.services import list_service_catalogs, load_services


@functools.cache
def service_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code in list_service_catalogs():
        for s in load_services(code).services:
            names.setdefault(s.code, s.name)
    return names


def service_name(code: str) -> str:
    return service_names().get(code, code)
