"""Every list's texts are the document's words: each item's target, content, standard and policy basis
appear (whitespace aside) in the document's text vendored beside the list (``catalogs/<code>/source.txt``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import yanglao
from yanglao.core.catalog import load_catalog

CATALOGS = Path(yanglao.__file__).parent / "catalogs"
TRANSCRIBED = ("152223", "410400", "410721", "411303", "411700")  # 410000 is reconstructed: no own text
FIELDS = ("target_text", "content", "standard_text", "policy_basis")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("code", TRANSCRIBED)
def test_the_list_is_verbatim_from_its_document(code: str) -> None:
    source = squeeze((CATALOGS / code / "source.txt").read_text(encoding="utf-8"))
    checked = 0
    for item in load_catalog(code).items:
        for name in FIELDS:
            text = getattr(item, name, None)
            if text:
                checked += 1
                assert squeeze(text) in source, (code, item.no, name, text)
    assert checked >= 2 * len(load_catalog(code).items)


def test_every_transcribed_list_has_its_document_and_names_it() -> None:
    for code in TRANSCRIBED:
        assert (CATALOGS / code / "source.txt").stat().st_size > 10_000, code
        assert load_catalog(code).source.startswith(f"catalogs/{code}/source.txt"), code


def test_a_changed_word_is_caught() -> None:
    """The check can fail: one changed character of an item's content is not in the document."""
    source = squeeze((CATALOGS / "152223" / "source.txt").read_text(encoding="utf-8"))
    content = squeeze(load_catalog("152223").items[0].content or "")
    assert content in source
    assert content.replace(content[3], "龘", 1) not in source
