"""A file cache of computed figures under ``YANGLAO_HOME/cache/stats`` (shared by the command line and
the server processes), keyed by region, date and the version of the data, so a change to the data is
never answered from the cache.

The version of the data has two parts (docs/operations.md, "统计缓存"):

* a **write token**, a file beside the cache rewritten with a new random value when a transaction that
  saved or deleted a row of a watched model commits (``post_save``/``post_delete``, so every action that
  saves a row counts, whichever process it runs in);
* a **fingerprint** of each watched table: its row count, its largest id and, where the model has one,
  its latest ``updated_at``, for the bulk paths that send no signal (``bulk_create``, an import's
  ``bulk_update``/``UPDATE`` that sets ``updated_at``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Max, Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
FORMAT = 6  # bump when a definition or the shape of the figures changes: older entries are ignored
SECONDS = 24 * 3600
# Models whose changes change some figure (those of apps not installed, or not there, are skipped).
WATCHED = (
    ("registry", "Person"),
    ("facilities", "Facility"),
    ("facilities", "CapacityReport"),
    ("visits", "Visit"),
    ("visits", "Target"),
    ("assessments", "Assessment"),
    ("entitlements", "Enrolment"),
    ("entitlements", "Finding"),
    # the capability apps' figures on the dashboard and in the bulletin (stats/capabilities.py)
    ("carehomes", "Application"),
    ("carehomes", "Offer"),
    ("carehomes", "Residence"),
    ("homeservices", "Plan"),
    ("homeservices", "CheckIn"),
    ("homeservices", "ClaimLine"),
    ("homeservices", "MealRecord"),
    ("supervision", "Inspection"),
    ("supervision", "Hazard"),
    ("supervision", "Rating"),
    ("supervision", "Complaint"),
)
WATCHED_LABELS = frozenset(f"{label}.{name}".lower() for label, name in WATCHED)
TOKEN_FILE = "data-token"


def _folder() -> Path:
    return Path(settings.HOME) / "cache" / "stats"


@lru_cache(maxsize=1)
def _store() -> FileBasedCache:
    return FileBasedCache(str(_folder()), {"TIMEOUT": SECONDS, "OPTIONS": {"MAX_ENTRIES": 2000}})


def watched_models() -> list[type[Model]]:
    out = []
    for label, name in WATCHED:
        if not apps.is_installed(f"yanglao.{label}"):
            continue
        try:
            out.append(apps.get_model(label, name))
        except LookupError:
            continue
    return out


# --- the write token -------------------------------------------------------------------------------


def write_token() -> str:
    try:
        return (_folder() / TOKEN_FILE).read_text()
    except FileNotFoundError:
        return ""


def bump() -> None:
    """A new write token: every figure computed before is answered from the cache no more."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{TOKEN_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    temporary.write_text(secrets.token_hex(16))
    os.replace(temporary, folder / TOKEN_FILE)  # atomic: a reader sees the old token or the new one
    # Recompute in the background the figures pages asked for lately (one job waiting at most).
    from yanglao.stats.fresh import after_write

    after_write()


def _changed(sender: type[Model], using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if sender._meta.label_lower in WATCHED_LABELS:
        data_changed(using)


def data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Renew the write token when the current transaction commits (now, outside one). For the writes
    that send no signal and set no ``updated_at`` (``bulk_update``, ``QuerySet.update``) of a watched
    model: their action calls this."""
    connection = connections[using]
    if not connection.in_atomic_block:
        bump()
        return
    # After the commit (a figure computed before it would read the old rows under the new token), once
    # per transaction however many rows it writes.
    if not any(entry[1] is bump for entry in connection.run_on_commit):
        transaction.on_commit(bump, using=using)


def watch() -> None:
    """Connect the signals (idempotent); called when the statistics app is ready."""
    post_save.connect(_changed, dispatch_uid="yanglao.stats.cache.saved")
    post_delete.connect(_changed, dispatch_uid="yanglao.stats.cache.deleted")


watch()


# --- the version of the data -----------------------------------------------------------------------


def fingerprint() -> list[Any]:
    parts: list[Any] = []
    for model in watched_models():
        aggregates: dict[str, Any] = {"n": Count("pk"), "m": Max("pk")}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            aggregates["t"] = Max("updated_at")
        parts.append((model._meta.label_lower, model._default_manager.aggregate(**aggregates)))
    return parts


# The version a computation in progress keys its figures by: the figures it computes on the way (the
# entitlement engine's) are keyed by the same one, without reading the tables' fingerprint again.
_computing: ContextVar[str | None] = ContextVar("stats_version", default=None)


def data_version() -> str:
    """Changes whenever the data behind the figures may have changed."""
    current = _computing.get()
    if current is not None:
        return current
    parts = [write_token(), fingerprint()]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def computing(version: str, build: Callable[[], T]) -> T:
    """``build()`` with :func:`data_version` answering ``version`` meanwhile."""
    token = _computing.set(version)
    try:
        return build()
    finally:
        _computing.reset(token)


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
        value = computing(version, build)
        keep(kind, code, on, version, value)
    return value  # type: ignore[no-any-return]
