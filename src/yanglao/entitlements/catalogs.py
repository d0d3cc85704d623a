"""The service lists as discovery and the API use them: which list applies, items by code and number."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import timezone

from yanglao.core.catalog.loader import list_codes
from yanglao.core.catalog.model import Catalog, Item
from yanglao.core.catalog.rules import fields_used
from yanglao.core.catalog.source import HukouList, catalog_on, generation, list_by_hukou
from yanglao.core.discovery import jurisdiction_code, tracked_codes
from yanglao.core.discovery.jurisdiction import candidates


@lru_cache(maxsize=1)
def available() -> frozenset[str]:
    return frozenset(list_codes())


def catalog(code: str, on: dt.date | None = None) -> Catalog:
    """The version of list ``code`` in force on ``on`` (today when None)."""
    return catalog_on(code, on)


def person_list(
    hukou_region: str | None, residence_region: str | None, on: dt.date | None = None
) -> HukouList:
    """The list of the person's jurisdiction on ``on`` (today when None; docs/discovery.md: 户籍 county,
    walking up the tree), passing over a list not in force that day and a 征求意见稿 the bureau has not
    adopted (``core/catalog/source.list_by_hukou``), with why."""
    code = jurisdiction_code(hukou_region, residence_region)
    lists = [c for c in candidates(code) if c in available()] if code else []
    return list_by_hukou(lists, on or timezone.localdate())


def person_catalog(
    hukou_region: str | None, residence_region: str | None, on: dt.date | None = None
) -> str | None:
    """The code of :func:`person_list`'s list, or None."""
    return person_list(hukou_region, residence_region, on).code


def item_by_code(cat: Catalog, code: str) -> Item | None:
    """The item whose code is ``code``, or that has a part (benefit) coded ``code``."""
    for item in cat.items:
        if item.code == code or any(b.code == code for b in item.benefits):
            return item
    return None


def paid_codes(cat: Catalog, item: Item, service_code: str) -> list[str]:
    """The benefit codes an enrolment pays: the named part, or the item and all its parts."""
    if service_code != item.code and any(b.code == service_code for b in item.benefits):
        return [service_code]
    return list(dict.fromkeys([item.code, *(b.code for b in item.benefits)]))


def tracked(code: str) -> frozenset[str]:
    return _tracked(code, generation())


@lru_cache(maxsize=32)
def _tracked(code: str, generation: int) -> frozenset[str]:
    return frozenset(tracked_codes(catalog_on(code)))


def evaluable(code: str) -> frozenset[str]:
    """Items whose every benefit the machine can decide (an enrolment of another item is not checked)."""
    return _evaluable(code, generation())


@lru_cache(maxsize=32)
def _evaluable(code: str, generation: int) -> frozenset[str]:
    return frozenset(i.code for i in catalog_on(code).items if all(b.rule is not None for b in i.benefits))


def uses_ability_level(item: Item) -> bool:
    return any(b.rule is not None and "ability_level" in fields_used(b.rule) for b in item.benefits)
