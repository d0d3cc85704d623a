"""The one place every caller reads a service list: the version of list ``code`` in force on a date.

By default the lists are the ones shipped in ``src/yanglao/catalogs/`` (:func:`shipped`). The web
application registers another source at start-up (``listadmin``: the versions a bureau has published,
each from its effective date, falling back to the shipped list before the first one), so that the
self-check, discovery, the payment rolls, statistics and the bulk engine all read the same version::

    catalog_on("152223", dt.date(2026, 7, 1))   # the list in force on that day
    catalog_on("152223")                        # today's (the source decides what today is)

A person's list found by 户籍 (:func:`list_by_hukou`) skips a list not in force on the day and a
征求意见稿 the bureau has not adopted; a list named explicitly is evaluated whatever its status.

A source that changes what it returns (a publication) calls :func:`invalidate`: callers that keep
something derived from a list key it on :func:`generation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


# --- the list a person's 户籍 finds (issue 12) ------------------------------------------------------
#
# A person's list is found by walking up the region tree from their 户籍 (docs/discovery.md). A list is
# found that way on a day only when it is in force that day (its ``effective_from`` / ``effective_to``)
# and is not a 征求意见稿 (``status: draft``) the bureau has not adopted. Adoption is the list in force
# saying so: shipped as ``status: adopted`` (or ``issued``), or a version the bureau has published
# (the source ``listadmin`` registers returns it as ``adopted`` from its effective date). Naming a list
# (``yanglao entitle --catalog 411700``, the list pages) evaluates it whatever this says.

UNPUBLISHED = "本地清单尚未发布施行"


@dataclass(frozen=True)
class Passed:
    """A list of a person's jurisdictions that their 户籍 does not find on a day, and why."""

    code: str
    reason: str  # draft (征求意见稿 not adopted), not_yet (before its effective date), ended
    words: str


def passed_over(code: str, on: dt.date) -> Passed | None:
    """None when list ``code`` is one a person's 户籍 may find on ``on``; else why not."""
    catalog = catalog_on(code, on)
    if catalog.is_draft:
        return Passed(code, "draft", f"《{catalog.name}》是征求意见稿，尚未经本局采用发布")
    if catalog.effective_from is not None and on < catalog.effective_from:
        return Passed(code, "not_yet", f"《{catalog.name}》自 {catalog.effective_from} 起施行")
    if catalog.effective_to is not None and on > catalog.effective_to:
        return Passed(code, "ended", f"《{catalog.name}》已于 {catalog.effective_to} 终止")
    return None


def found_by_hukou(code: str, on: dt.date) -> bool:
    """Whether list ``code`` may be found by 户籍 on ``on`` (in force, and not an unadopted draft)."""
    return passed_over(code, on) is None


@dataclass(frozen=True)
class HukouList:
    """The list a person's 户籍 finds on a day (``code``, None when none) and the nearer lists of their
    jurisdictions passed over, nearest first."""

    code: str | None
    passed: tuple[Passed, ...] = ()

    @property
    def words(self) -> str:
        """What to tell staff about the lists passed over ("" when the nearest list applies)."""
        if not self.passed:
            return ""
        why = "；".join(p.words for p in self.passed)
        if self.code is not None:
            return f"{why}，按上级清单（{self.code}）"
        if any(p.reason != "ended" for p in self.passed):
            return f"{UNPUBLISHED}：{why}"
        return f"本地清单已终止：{why}"


def list_by_hukou(candidates: Iterable[str], on: dt.date) -> HukouList:
    """The first of ``candidates`` (the codes of the lists of a person's jurisdictions that exist,
    nearest first: county, prefecture, province) found by 户籍 on ``on``."""
    passed: list[Passed] = []
    for code in candidates:
        why = passed_over(code, on)
        if why is None:
            return HukouList(code, tuple(passed))
        passed.append(why)
    return HukouList(None, tuple(passed))
