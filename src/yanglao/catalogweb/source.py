"""Where the pages get their lists: every folder under the catalogue root, each loaded strictly.

The root is ``settings.CATALOGS_ROOT`` when set (tests point it at a copy), else the lists shipped in
``src/yanglao/catalogs/``. A folder that does not load is shown with its error, not hidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone

from yanglao.core.catalog import Catalog, CatalogError, load_catalog
from yanglao.core.catalog.loader import list_codes
from yanglao.core.catalog.source import catalog_on


def catalog_root() -> Path | None:
    root = getattr(settings, "CATALOGS_ROOT", None)
    return Path(root) if root else None


@dataclass(frozen=True)
class Entry:
    code: str
    catalog: Catalog | None
    error: str = ""


def entries() -> list[Entry]:
    """Every list folder, loaded (or with the reason it does not load), parents before children."""
    out = []
    for code in list_codes(catalog_root()):
        try:
            out.append(Entry(code, get_catalog(code)))
        except CatalogError as exc:
            out.append(Entry(code, None, str(exc)))
    return sorted(out, key=lambda e: (e.catalog is not None and e.catalog.parent is not None, e.code))


def catalogs() -> list[Catalog]:
    return [e.catalog for e in entries() if e.catalog is not None]


def get_catalog(code: str, on: dt.date | None = None) -> Catalog:
    """The list ``code`` (the version in force on ``on``, today when None); 404 when there is no such
    folder. A broken file raises ``CatalogError``."""
    if code not in list_codes(catalog_root()):
        raise Http404(f"没有清单 {code}")
    return load_catalog(code, catalog_root()) if catalog_root() else catalog_on(code, on)


def today() -> dt.date:
    return timezone.localdate()


def parse_date(text: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` → date; anything else → ``None``."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def page_date(request: HttpRequest, name: str = "date") -> tuple[dt.date, str]:
    """The ``?date=`` of a page (today when absent) and an error message when it is not a date."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return today(), ""
    parsed = parse_date(raw)
    if parsed is None or len(raw) != 10:
        return today(), f"日期“{raw}”无效，应写成 YYYY-MM-DD；已按今天显示。"
    return parsed, ""
