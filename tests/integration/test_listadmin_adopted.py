"""A 征求意见稿 (411700, 驻马店市, ``status: draft``) is not found by 户籍 until the bureau adopts it by
publishing a version (issue 12): until then a 驿城区 person's list is the province's (410000) and the
person page says why; from the published version's effective date the city's list applies — on the
person page, in 服务找人 and when named — and says it is a draft the bureau adopted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Clock
from yanglao.accounts.models import User
from yanglao.core.catalog import source
from yanglao.core.catalog.evaluate import evaluate
from yanglao.demo.users import build_users
from yanglao.entitlements import catalogs
from yanglao.entitlements.actions import do_discover
from yanglao.entitlements.models import LIVE_STATES, Finding, FindingKind
from yanglao.listadmin.demo import build_list_versions
from yanglao.listadmin.models import State
from yanglao.regions.models import Level, Region

pytestmark = pytest.mark.django_db

CITY = "411700"  # 驻马店市: its list is a 征求意见稿
DISTRICT = "411702"  # 驿城区: no list of its own
DRAFT_WORDS = "《驻马店市基本养老服务清单》是征求意见稿，尚未经本局采用发布，按上级清单（410000）"


@pytest.fixture(autouse=True)
def lists_home(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.LISTS_DIR = str(tmp_path / "lists")
    source.invalidate()
    yield
    source.invalidate()


@pytest.fixture
def city() -> Region:
    region = Region.objects.get(code=CITY)
    build_users(region)  # county411700 drafts, county411700b approves and publishes (the demo's users)
    return region


@pytest.fixture
def elder(make_person: Any) -> Any:
    village = Region.objects.filter(code__startswith=DISTRICT, level=Level.VILLAGE).order_by("code").first()
    assert village is not None
    return make_person("驿城老人", region=village.code, birth=dt.date(1940, 1, 1))


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def panel(client: Any, user: Any, person: Any) -> str:
    client.force_login(user)
    page = text_of(client.get(f"/persons/{person.pk}/"))
    assert "应享待遇与享受记录" in page
    return page


def next_month(today: dt.date) -> dt.date:
    return (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def test_until_adopted_a_draft_list_region_is_on_the_province_list(
    client: Any, city: Region, elder: Any, today: dt.date
) -> None:
    assert catalogs.person_catalog(elder.hukou_region, elder.residence_region, today) == "410000"
    page = panel(client, User.objects.get(username=f"county{CITY}"), elder)
    assert "按《河南省基本养老服务清单》" in page
    assert DRAFT_WORDS in page
    # the list page tells the bureau what adopting it means
    page = text_of(client.get(f"/lists/{CITY}/"))
    assert "本局尚未采用：按户籍查找清单时不用它，辖区内的老年人按上级清单享受待遇" in page
    # named, the draft is evaluated and says so
    catalog = source.catalog_on(CITY, today)
    assert catalog.is_draft
    decision = evaluate(catalog, {"birth_date": dt.date(1940, 1, 1), "hukou_region": DISTRICT}, today)
    assert decision.granted()
    assert decision.notes == ("本清单是征求意见稿",)


def test_publishing_a_version_adopts_the_draft_from_its_effective_date(
    client: Any, city: Region, elder: Any, today: dt.date, clock: Clock
) -> None:
    published, draft = build_list_versions(CITY, today)
    assert published.state == State.PUBLISHED
    assert draft.state == State.DRAFT
    since = next_month(today)
    assert published.effective_from == since
    # before the effective date nothing changes; from it, the city's list is found by 户籍
    assert catalogs.person_catalog(elder.hukou_region, None, since - dt.timedelta(days=1)) == "410000"
    assert catalogs.person_list(elder.hukou_region, None, since) == source.HukouList(CITY)
    adopted = source.catalog_on(CITY, since)
    assert adopted.status == "adopted"
    assert adopted.version == published.version
    decision = evaluate(adopted, {"birth_date": dt.date(1940, 1, 1), "hukou_region": DISTRICT}, since)
    assert decision.notes == ("本清单是征求意见稿（本局已决定采用）",)
    # 服务找人 today finds the 86-year-old's missed items on the province's list, from next month on the city's
    do_discover(city, today)
    assert set(
        Finding.objects.filter(person=elder, kind=FindingKind.MISSED).values_list("catalog", flat=True)
    ) == {"410000"}
    clock.move_to(since)
    do_discover(city, since)
    live = Finding.objects.filter(person=elder, kind=FindingKind.MISSED, state__in=LIVE_STATES)
    assert set(live.values_list("catalog", flat=True)) == {CITY}
    page = panel(client, User.objects.get(username=f"county{CITY}"), elder)
    assert "按《驻马店市基本养老服务清单》" in page
    assert "尚未经本局采用发布" not in page
