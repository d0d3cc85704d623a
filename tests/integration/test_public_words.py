"""The public pages speak to the public: no developer words (seed files, YAML, entry notes, parameter
codes, code names of fields and values) in what an anonymous reader sees."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from yanglao.core.catalog.loader import list_codes

pytestmark = pytest.mark.django_db

DEVELOPER_WORDS = (
    "种子",
    "录入说明",
    "seed",
    "YAML",
    "yaml",
    "parameters",
    "taxonomy",
    "参数",
    "null",
    "True",
    "False",
)
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # snake_case: a field, parameter or code name
SELF_CHECK = {
    "birth_date": "1940-03-01",
    "hukou": "local",
    "residence": "local",
    "tekun": "dispersed",
    "fp_special": "none",
    "special_contribution": "none",
    "dibao": "on",
    "living_arrangement": "alone",
}


def text_of(response: Any) -> str:
    """What a reader sees: the text without tags, scripts and styles, entities decoded."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def public_pages(client: Any) -> dict[str, str]:
    urls = [reverse("catalogweb:index"), reverse("login")]
    for code in list_codes():
        urls += [reverse("catalogweb:catalog", args=[code]), reverse("catalogweb:selfcheck", args=[code])]
    pages = {url: text_of(client.get(url)) for url in urls}
    for code in list_codes():
        url = reverse("catalogweb:selfcheck", args=[code])
        pages[f"{url} (answered)"] = text_of(client.post(url, SELF_CHECK))
    return pages


def test_the_public_pages_have_no_developer_words(client: Any) -> None:
    found = {
        url: sorted({w for w in DEVELOPER_WORDS if w in text} | set(IDENTIFIER.findall(text)))
        for url, text in public_pages(client).items()
    }

    assert {url: words for url, words in found.items() if words} == {}


def test_the_check_finds_what_it_looks_for(client: Any) -> None:
    """The scan is not vacuous: a logged-in reader of a list still sees its notes, codes and all."""
    from yanglao.accounts.models import User

    client.force_login(User.objects.create_user(username="county2", password="x", role="county_caseworker"))
    text = text_of(client.get(reverse("catalogweb:catalog", args=["152223"])))

    assert "编制说明" in text
    assert IDENTIFIER.search(text)


def test_a_list_page_still_shows_its_standards_and_example_values(client: Any) -> None:
    text = text_of(client.get(reverse("catalogweb:catalog", args=["152223"])))

    assert "示例值，需本地填报" in text
    assert "标准的历史" in text
    assert "编制说明" not in text


def test_the_self_check_answered_is_among_the_pages_scanned(client: Any) -> None:
    url = reverse("catalogweb:selfcheck", args=["152223"])

    text = text_of(client.post(url, SELF_CHECK))  # as public_pages posts it

    assert "可以享受" in text or "能享受" in text, text[:2000]
