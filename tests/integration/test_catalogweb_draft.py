"""The public pages name a list explicitly, so they evaluate a 征求意见稿 and say it is one (issue 12);
a list asked about on a day before its effective date shows nothing granted and says why."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ANSWERS = {"hukou": "local", "residence": "local", "tekun": "none", "fp_special": "none"}


def text_of(response: Any) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def selfcheck(client: Any, code: str, on: dt.date) -> str:
    url = reverse("catalogweb:selfcheck", args=[code]) + f"?date={on}"
    return text_of(client.post(url, {**ANSWERS, "special_contribution": "none", "age": "86"}))


def test_the_list_page_of_a_draft_says_it_is_one(client: Any) -> None:
    page = text_of(client.get(reverse("catalogweb:catalog", args=["411700"])))
    assert "本清单是 征求意见稿 ：本局尚未采用，户籍在本辖区的老年人按上级清单享受待遇" in page
    assert "征求意见稿 ：本局尚未采用" not in text_of(
        client.get(reverse("catalogweb:catalog", args=["410721"]))
    )


def test_the_self_check_of_a_draft_evaluates_it_and_says_so(client: Any, today: dt.date) -> None:
    page = selfcheck(client, "411700", today)
    assert "本清单是 征求意见稿 ，本局尚未采用：下面按征求意见稿计算，仅供参考" in page
    granted = re.search(r"可以享受 (\d+) 项", page)
    assert granted
    assert int(granted.group(1)) > 0  # evaluated, not passed over


def test_the_self_check_before_a_list_is_in_force_grants_nothing(client: Any) -> None:
    page = selfcheck(client, "410721", dt.date(2020, 1, 1))
    assert "共 0 项" in page
    assert "本清单自 2024-06-01 起施行，2020-01-01 尚未施行，不享受其中任何待遇" in page
