"""The rule files quote their documents: every ``text`` (split at the ellipses “……” that leave words
out, and at “；” between two quotations) is found in the document's text (``catalogs/<code>/source.txt``), whitespace and line breaks of the
PDF extraction aside. A provision that borrows another Henan document's words says so in its reference
and is looked up in the Henan documents."""

from __future__ import annotations

import re

import pytest

from yanglao.core.admissions import list_rules, load_rules
from yanglao.core.catalog.loader import CATALOGS_ROOT

HENAN = ("411700", "410400", "411303", "410721")
BORROWED = ("河南共用", "卧龙区", "新乡县", "驻马店")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


SOURCES = {
    code: flat((CATALOGS_ROOT / code / "source.txt").read_text(encoding="utf-8"))
    for code in (*HENAN, "152223")
}


@pytest.mark.parametrize("code", list_rules())
def test_every_quoted_text_is_in_the_document(code: str) -> None:
    rules = load_rules(code)
    missing = []
    for provision in (rules.eligibility, *rules.classes, *rules.tie_breakers):
        own_only = not any(word in provision.reference for word in BORROWED)
        where = [SOURCES[code]] if own_only else [SOURCES[c] for c in HENAN]
        for fragment in re.split("……|；", flat(provision.text)):
            fragment = fragment.strip("。；，")
            if fragment and not any(fragment in source for source in where):
                missing.append(f"{provision.key}: {fragment}")
    fragment = flat(rules.assessment.text).strip("。")
    if fragment not in SOURCES[code]:
        missing.append(f"assessment: {fragment}")
    assert not missing, "\n".join(missing)
