"""Where the lists in force come from: the published versions in the database, each materialized as a
folder the strict loader reads (``LISTS_DIR``, default ``YANGLAO_HOME/catalogs``:
``<code>/<version>-<digest>/`` holding ``taxonomy.yaml``, ``<code>/`` and its parent lists), the
shipped list before a jurisdiction's first publication.

:func:`versioned` is registered as the one source (:mod:`yanglao.core.catalog.source`) when the app
starts; a published version of a 征求意见稿 is returned as adopted (:func:`adopted`), which is how a
person's 户籍 comes to find it. Loaded lists are kept per (code, version, files); the index of published
versions is read again after a publication here (:func:`forget`) and at most :data:`INDEX_SECONDS`
later in other processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from yanglao.core.catalog import source
from yanglao.core.catalog.drafts import Texts, read_folder, write_root
from yanglao.core.catalog.loader import CATALOGS_ROOT, list_codes, load_catalog
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.yamlio import MarkedDict, parse_yaml
from yanglao.listadmin.models import ListVersion, State

INDEX_SECONDS = 10.0
SHIPPED = "shipped"


@dataclass(frozen=True)
class Published:
    pk: int
    code: str
    seq: int
    version: str
    effective_from: dt.date
    digest: str


_index: dict[str, object] = {}
_loaded: dict[tuple[object, ...], Catalog] = {}


def lists_dir() -> Path:
    """The folder published versions are materialized in (docs/listadmin.md)."""
    configured = getattr(settings, "LISTS_DIR", None) or os.environ.get("YANGLAO_LISTS_DIR")
    return Path(configured) if configured else Path(settings.HOME) / "catalogs"


def forget() -> None:
    """A version was published: read the index again and drop the lists derived from the old one."""
    _index.clear()
    _loaded.clear()


source.on_invalidate(forget)


def _published() -> dict[str, list[Published]]:
    at = _index.get("at")
    if isinstance(at, float) and time.monotonic() - at < INDEX_SECONDS:
        rows = _index["rows"]
        assert isinstance(rows, dict)
        return rows
    out: dict[str, list[Published]] = {}
    query = ListVersion.objects.filter(state=State.PUBLISHED, effective_from__isnull=False).order_by(
        "code", "effective_from", "seq"
    )
    try:
        rows = list(query.values_list("pk", "code", "seq", "version", "effective_from", "digest"))
    except (DatabaseError, RuntimeError):
        # No table yet (a command run before ``migrate``) or no database at all (a test without one):
        # the shipped lists, asked again next time.
        return {}
    for pk, code, seq, version, effective, digest in rows:
        assert effective is not None
        out.setdefault(code, []).append(Published(pk, code, seq, version, effective, digest))
    _index.update(at=time.monotonic(), rows=out)
    return out


def in_force(code: str, on: dt.date) -> Published | None:
    """The published version of ``code`` in force on ``on`` (None: the shipped list)."""
    found = None
    for row in _published().get(code, []):
        if row.effective_from <= on:
            found = row
    return found


def published_versions(code: str) -> list[Published]:
    return list(_published().get(code, []))


def shipped_texts(code: str) -> dict[str, str]:
    return read_folder(CATALOGS_ROOT / code)


def texts_on(code: str, on: dt.date) -> tuple[dict[str, str], str]:
    """The files of the version of ``code`` in force on ``on`` and its version label."""
    row = in_force(code, on)
    if row is None:
        texts = shipped_texts(code)
        return texts, _declared_version(texts)
    return dict(ListVersion.objects.values_list("files", flat=True).get(pk=row.pk)), row.version


def _declared_version(texts: Texts) -> str:
    data = parse_yaml(texts.get("catalog.yaml", ""), "catalog.yaml")
    return str(data.get("version", "")) if isinstance(data, MarkedDict) else ""


def parent_of(texts: Texts) -> str | None:
    data = parse_yaml(texts.get("catalog.yaml", ""), "catalog.yaml")
    parent = data.get("parent") if isinstance(data, MarkedDict) else None
    return str(parent) if parent else None


def ancestors_on(texts: Texts, on: dt.date) -> dict[str, dict[str, str]]:
    """The files of the parent lists in force on ``on`` (so a version's parents resolve)."""
    out: dict[str, dict[str, str]] = {}
    parent = parent_of(texts)
    while parent is not None and parent not in out and parent in shipped_codes():
        files, _ = texts_on(parent, on)
        out[parent] = files
        parent = parent_of(files)
    return out


def digest(texts: Texts, ancestors: Mapping[str, Texts] | None = None) -> str:
    blob = json.dumps([texts, ancestors or {}], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _identity(code: str, on: dt.date) -> tuple[str, str]:
    row = in_force(code, on)
    return (SHIPPED, "") if row is None else (row.version, row.digest)


def versioned(code: str, on: dt.date | None = None) -> Catalog:
    """The registered source: the version of ``code`` in force on ``on`` (today when None)."""
    day = on or timezone.localdate()
    row = in_force(code, day)
    if row is None:
        return load_catalog(code)
    key = (code, row.version, row.digest, *_ancestor_identities(code, row, day))
    cached = _loaded.get(key)
    if cached is not None:
        return cached
    files = dict(ListVersion.objects.values_list("files", flat=True).get(pk=row.pk))
    ancestors = ancestors_on(files, day)
    folder = lists_dir() / code / f"{row.version}-{digest(files, ancestors)[:12]}"
    if not (folder / code / "catalog.yaml").exists():
        write_root(folder, code, files, ancestors)
    catalog = adopted(load_catalog(code, folder))
    _loaded[key] = catalog
    return catalog


def adopted(catalog: Catalog) -> Catalog:
    """A published version of a 征求意见稿 is the bureau adopting it: from the version's effective date a
    person's 户籍 finds it (``core/catalog/source.list_by_hukou``) and it says 本局已决定采用."""
    return replace(catalog, status="adopted") if catalog.is_draft else catalog


def load_files(code: str, texts: Texts, on: dt.date) -> Catalog:
    """A list from its files' texts with its parents in force on ``on``, materialized like a published
    version (``LISTS_DIR/<code>/files-<digest>/``) so that its folder stays readable (the comparison with
    the parent and the cases read it); kept per digest."""
    ancestors = ancestors_on(texts, on)
    key = digest(texts, ancestors)
    cached = _loaded.get(("files", code, key))
    if cached is not None:
        return cached
    folder = lists_dir() / code / f"files-{key[:16]}"
    if not (folder / code / "catalog.yaml").exists():
        write_root(folder, code, texts, ancestors)
    catalog = load_catalog(code, folder)
    _loaded[("files", code, key)] = catalog
    return catalog


@cache
def shipped_codes() -> frozenset[str]:
    """The codes of the shipped lists (they do not change while the program runs)."""
    return frozenset(list_codes())


def _ancestor_identities(code: str, row: Published, on: dt.date) -> tuple[tuple[str, str], ...]:
    out = []
    seen = {code}
    parent = load_catalog(code).parent if code in shipped_codes() else None
    while parent is not None and parent not in seen and parent in shipped_codes():
        seen.add(parent)
        out.append(_identity(parent, on))
        parent = load_catalog(parent).parent
    return tuple(out)
