"""Open data for a county whose registry is empty: a 404 in Chinese, not a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yanglao.regions.models import Level, Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("dataset", ["age", "sex", "living", "groups"])
def test_a_county_with_no_people_has_no_open_data(client: Any, dataset: str) -> None:
    county = Region.objects.filter(level=Level.COUNTY).order_by("code").first()
    assert county is not None
    response = client.get(reverse("stats:open-csv", kwargs={"code": county.code, "dataset": dataset}))
    assert response.status_code == 404
    assert "返回首页" in response.content.decode()  # the Chinese error page, not a server error
