"""The staff's explanation of one item (``entitlements/_item.html``, on the person page and a finding's
page) shows what the list gives besides money and to whom, and never an amount resting on an example
figure (示例值) without its mark (issue 12)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string

from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.loader import load_catalog
from yanglao.entitlements.explain import item_json

ON = dt.date(2024, 7, 1)
TEKUN = {"birth_date": dt.date(1950, 1, 1), "hukou_region": "411303", "residence_region": "411303", "tekun": "centralized"}  # fmt: skip


def _html(no: str) -> str:
    decision = evaluate(load_catalog("411303"), TEKUN, ON)
    return render_to_string("entitlements/_item.html", {"i": item_json(decision.item(no), None)})


def test_an_amount_resting_on_an_example_carries_its_mark() -> None:
    html = _html("19")  # 医疗救助 of a 特困 person: the example 城乡居民医保 contribution
    assert "400.00 元/年〔示例值〕" in html


def test_a_real_amount_has_no_mark_and_the_home_is_named_as_payee() -> None:
    html = _html("11")
    assert "500.00 元/月</p>" in html
    assert "由供养本人的敬老院领取（不发给本人）" in html


def test_a_quantity_is_shown() -> None:
    assert "标准：每年1次" in _html("3")  # 老年人健康管理
