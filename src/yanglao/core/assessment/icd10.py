"""ICD-10 codes for the diagnoses of an ability assessment (GB/T 42195-2022 A.4.1).

A code is written as the WHO and GB/T 14396 write it: an upper-case letter, two digits (the
three-character category), optionally a dot and a subdivision of up to eight letters or digits
(``F03``, ``F01.1``, ``F03.x00``, ``I10.x00x002``). Change ground 2 looks only at the category:
F00-F03 痴呆, F04-F99 其他精神和行为障碍.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from yanglao.core.assessment._data import DataError, Node, load_yaml

CODE_RE = re.compile(r"^[A-Z][0-9]{2}(?:\.[0-9A-Za-z]{1,8})?$")
_RANGE_RE = re.compile(r"^([A-Z][0-9]{2})-([A-Z][0-9]{2})$")

DEMENTIA = ("F00", "F03")
OTHER_MENTAL = ("F04", "F99")


@dataclass(frozen=True)
class Category:
    code: str  # three characters, e.g. "F01"
    name: str


@dataclass(frozen=True)
class Block:
    first: str
    last: str
    title: str
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class PicklistGroup:
    """One checkbox of the diagnosis section: a label and the range of categories it covers."""

    key: str
    label: str
    first: str | None
    last: str | None

    def covers(self, code: str) -> bool:
        if self.first is None or self.last is None:
            return False
        return self.first <= category(code) <= self.last


@dataclass(frozen=True)
class Icd10:
    chapter_v_title: str
    blocks: tuple[Block, ...]
    common: tuple[Category, ...]
    picklist: tuple[PicklistGroup, ...]

    @property
    def chapter_v(self) -> tuple[Category, ...]:
        return tuple(c for b in self.blocks for c in b.categories)

    def name(self, code: str) -> str | None:
        """The Chinese name of the code's category, if this list knows it."""
        cat = category(code)
        for c in (*self.chapter_v, *self.common):
            if c.code == cat:
                return c.name
        return None


def is_well_formed(code: str) -> bool:
    return CODE_RE.match(code) is not None


def category(code: str) -> str:
    """The three-character category of a well-formed code (``"F03.x00"`` → ``"F03"``)."""
    if not is_well_formed(code):
        raise ValueError(f"not an ICD-10 code: {code!r}")
    return code[:3]


def is_dementia(code: str) -> bool:
    """痴呆, F00-F03."""
    return DEMENTIA[0] <= category(code) <= DEMENTIA[1]


def is_other_mental_disorder(code: str) -> bool:
    """其他精神和行为障碍, F04-F99."""
    return OTHER_MENTAL[0] <= category(code) <= OTHER_MENTAL[1]


def is_known_chapter_v(code: str) -> bool:
    """For an F code: is its category one of chapter V's? (F08 is not; F09 is.)"""
    cat = category(code)
    return any(c.code == cat for c in icd10().chapter_v)


def _range(text: str, path: str) -> tuple[str, str]:
    match = _RANGE_RE.match(text)
    if match is None or match.group(1) > match.group(2):
        raise DataError(f"{path}: bad range {text!r}")
    return match.group(1), match.group(2)


def _category(node: Node) -> Category:
    cat = Category(node.text("code"), node.text("name"))
    node.done()
    if not re.fullmatch(r"[A-Z][0-9]{2}", cat.code):
        raise DataError(f"{node.path}: bad category code {cat.code!r}")
    return cat


@cache
def icd10() -> Icd10:
    """The ICD-10 data shipped with the package (``icd10.yaml``), checked when first loaded."""
    root = Node(load_yaml("icd10.yaml"), "icd10.yaml")
    chapter = root.node("chapter_v")
    title = chapter.text("title")
    if _range(chapter.text("range"), chapter.path) != ("F00", "F99"):
        raise DataError(f"{chapter.path}.range: chapter V is F00-F99")
    blocks: list[Block] = []
    for node in chapter.nodes("blocks"):
        first, last = _range(node.text("range"), node.path)
        block = Block(first, last, node.text("title"), tuple(_category(n) for n in node.nodes("categories")))
        node.done()
        for cat in block.categories:
            if not first <= cat.code <= last:
                raise DataError(f"{node.path}: {cat.code} is outside {first}-{last}")
        blocks.append(block)
    chapter.done()
    common = tuple(_category(n) for n in root.nodes("common"))
    picklist: list[PicklistGroup] = []
    for node in root.nodes("picklist"):
        codes = node.opt_text("codes")
        first_last = _range(codes, node.path) if codes is not None else (None, None)
        picklist.append(PicklistGroup(node.text("key"), node.text("label"), *first_last))
        node.done()
    root.done()
    data = Icd10(title, tuple(blocks), common, tuple(picklist))
    codes_seen = [c.code for c in (*data.chapter_v, *data.common)]
    if len(codes_seen) != len(set(codes_seen)):
        raise DataError("icd10.yaml: a category is listed twice")
    if any(c.code.startswith("F") for c in common):
        raise DataError("icd10.yaml: common: F codes belong in chapter_v")
    return data
