"""The one place every caller reads a service list: the version of list ``code`` in force on a date.

By default the lists are the ones shipped in ``src/yanglao/catalogs/`` (:func:`shipped`). The web
application registers another source at start-up (``listadmin``: the versions a bureau has published,
each from its effective date, falling back to the shipped list before the first one), so that the
self-check, discovery, the payment rolls, statistics and the bulk engine all read the same version::

    catalog_on("152223", dt.date(2026, 7, 1))   # the list in force on that day
    catalog_on("152223")                        # today's (the source decides what today is)

A source that changes what it returns (a publication) calls :func:`invalidate`: callers that keep
something derived from a list key it on :func:`generation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.model import Catalog

Source = Callable[[str, "dt.date | None"], Catalog]


def shipped(code: str, on: dt.date | None = None) -> Catalog:
    """The list shipped with the program, whatever the date."""
    return load_catalog(code)


_registry: dict[str, Source] = {"source": shipped}
_generation = [0]
_listeners: list[Callable[[], None]] = []


def register(source: Source) -> None:
    """Read every list through ``source`` from now on (the previous one is replaced)."""
    _registry["source"] = source
    invalidate()


def unregister() -> None:
    """Back to the shipped lists."""
    register(shipped)


def current() -> Source:
    return _registry["source"]


def catalog_on(code: str, on: dt.date | None = None) -> Catalog:
    """The version of list ``code`` in force on ``on`` (today when ``None``). Raises
    :class:`~yanglao.core.catalog.yamlio.CatalogError` when there is no such list."""
    return _registry["source"](code, on)


def generation() -> int:
    """A number that changes whenever a list in force may have changed."""
    return _generation[0]


def invalidate() -> None:
    """A list in force may have changed: forget what was derived from the old one."""
    _generation[0] += 1
    for listener in list(_listeners):
        listener()


def on_invalidate(listener: Callable[[], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)
