"""The demo's year of supervision in 扎赉特旗: inspections of every institution, hazards with a few
overdue, ratings with their levels computed, complaints with one facility complained about repeatedly;
the board, the risk plan and the public ratings page show it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from yanglao.demo.network import build_network
from yanglao.demo.supervision import build_supervision
from yanglao.facilities.models import INSTITUTION_KINDS
from yanglao.regions.models import Region
from yanglao.supervision import rules
from yanglao.supervision.models import Complaint, Hazard, Inspection, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(today: dt.date) -> dict[str, int]:
    county = Region.objects.get(code="152223")
    build_network(county, today)
    return build_supervision(county)


def test_a_year_of_supervision(built: dict[str, int], today: dt.date) -> None:
    assert built["inspections"] == Inspection.objects.count() >= 13 * 4
    assert set(Inspection.objects.values_list("facility__kind", flat=True)) >= set(INSTITUTION_KINDS)
    first = Inspection.objects.order_by("inspected_at").first()
    assert first is not None
    assert first.inspected_at.date() >= today - dt.timedelta(days=366)
    for inspection in Inspection.objects.prefetch_related("findings")[:30]:
        assert inspection.score == max(100 - sum(f.deduction for f in inspection.findings.all()), 0)
    assert built["hazards"] == Hazard.objects.count()
    assert 3 <= built["overdue"] <= 12
    assert Hazard.objects.filter(status="cleared").count() > Hazard.objects.exclude(status="cleared").count()
    for rating in Rating.objects.all():
        result = rules.rate({k: int(v) for k, v in rating.scores.items()})
        assert (rating.total, rating.level) == (result.total, result.level)
    assert Rating.objects.filter(kind="bureau", valid_until__gt=today).exists()
    assert built["complaints"] == Complaint.objects.count() == 25
    assert set(Complaint.objects.values_list("channel", flat=True)) == {"12345", "phone", "walkin", "public"}


def test_the_demo_on_the_pages(built: dict[str, int], login: Any, county_user: Any, client: Any) -> None:
    page = login(county_user).get("/supervision/")
    total = page.context["board"]["total"]
    assert total["overdue"] == built["overdue"]
    assert total["open"] >= total["overdue"]
    ranked = login(county_user).get("/supervision/risk/").context["ranked"]
    assert ranked[0].risk.score >= ranked[-1].risk.score
    assert any(r.facts["repeated_complaints"] for r in ranked)
    client.logout()
    public = client.get("/supervision/public/ratings/").content.decode()
    assert "级" in public
    assert public.count("<tr>") >= 2


def test_the_figures_for_the_dashboard(built: dict[str, int]) -> None:
    from tests.conftest import frozen_now
    from yanglao.supervision.indicators import supervision_figures

    figures = supervision_figures("152223", frozen_now())
    assert figures["逾期未整改隐患"] == built["overdue"]
    assert figures["未清零隐患"] == Hazard.objects.exclude(status="cleared").count()
    assert 0 < figures["本年检查平均得分"] <= 100
    assert figures["等级评定有效机构数"] > 0
    assert supervision_figures("152223101000", frozen_now())["未清零隐患"] <= figures["未清零隐患"]
