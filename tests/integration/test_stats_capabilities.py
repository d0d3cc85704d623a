"""The care homes', home services' and supervision's figures on the dashboard and in the bulletin: each
section is there, and a change in the data (a 特困 person placed in a home) changes its figure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from yanglao.regions.models import Region
from yanglao.stats import bulletin, capabilities

pytestmark = pytest.mark.django_db

COUNTY = "152223"


def values(section: capabilities.Section) -> dict[str, Any]:
    return dict(section.values)


def test_every_capability_has_its_section_on_the_dashboard(
    client: Any, county_user: Any, today: dt.date
) -> None:
    client.force_login(county_user)

    html = client.get(reverse("stats:region", args=[COUNTY])).content.decode()

    for title in ("公办养老机构入住与集中供养", "综合监管", "居家社区养老服务"):
        assert title in html
    assert "生活不能自理特困人员" in html
    assert "未清零隐患" in html


def test_a_placed_tekun_person_moves_the_centralized_rate(
    make_person: Callable[..., Any], today: dt.date
) -> None:
    county = Region.objects.get(code=COUNTY)
    make_person("甲", tekun="dispersed", tekun_care="full")
    before = values(capabilities.carehomes(county, today))

    make_person("乙", tekun="centralized", tekun_care="full")
    after = values(capabilities.carehomes(county, today))

    assert (before["集中供养"], before["生活不能自理特困人员"]) == (0, 1)
    assert (after["集中供养"], after["生活不能自理特困人员"]) == (1, 2)
    assert after["集中供养率（%）"] == 50.0


def test_the_bulletin_lists_the_sections(today: dt.date) -> None:
    county = Region.objects.get(code=COUNTY)

    tables = dict(bulletin.context(county, today)["tables"])

    assert {"公办养老机构入住与集中供养", "综合监管"} <= set(tables)
    assert any(title.startswith("居家社区养老服务") for title in tables)
