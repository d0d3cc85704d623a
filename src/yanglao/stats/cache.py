"""A file cache of computed figures under ``YANGLAO_HOME/cache/stats`` (shared by the command line and
the server), keyed by region, date and a fingerprint of the data, so a change to the data is never
answered from the cache."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.db.models import Count, Max

from yanglao.facilities.models import Facility
from yanglao.registry.models import Person

T = TypeVar("T")
FORMAT = 3  # bump when a definition or the shape of the figures changes: older entries are ignored
SECONDS = 24 * 3600
# Models whose changes change some figure (those of apps not installed are skipped).
WATCHED = (
    ("visits", "Visit"),
    ("visits", "Target"),
    ("assessments", "Assessment"),
    ("entitlements", "Enrolment"),
)


@lru_cache(maxsize=1)
def _store() -> FileBasedCache:
    folder = Path(settings.HOME) / "cache" / "stats"
    return FileBasedCache(str(folder), {"TIMEOUT": SECONDS, "OPTIONS": {"MAX_ENTRIES": 2000}})


def data_version() -> str:
    """Changes whenever the data behind the figures may have changed."""
    parts: list[Any] = [
        Person.objects.aggregate(n=Count("pk"), t=Max("updated_at"), m=Max("pk")),
        Facility.objects.aggregate(n=Count("pk"), m=Max("pk"), b=Max("beds"), o=Max("occupied_beds")),
    ]
    for label, name in WATCHED:
        if apps.is_installed(f"yanglao.{label}"):
            parts.append(apps.get_model(label, name).objects.aggregate(n=Count("pk"), m=Max("pk")))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _key(kind: str, code: str, on: dt.date, version: str) -> str:
    return f"stats{FORMAT}-{kind}-{code}-{on.isoformat()}-{version}"


def peek(kind: str, code: str, on: dt.date, version: str) -> Any:
    return _store().get(_key(kind, code, on, version))


def keep(kind: str, code: str, on: dt.date, version: str, value: Any) -> None:
    _store().set(_key(kind, code, on, version), value)


def cached(kind: str, code: str, on: dt.date, build: Callable[[], T], version: str | None = None) -> T:
    version = version or data_version()
    value = peek(kind, code, on, version)
    if value is None:
        value = build()
        keep(kind, code, on, version, value)
    return value  # type: ignore[no-any-return]
