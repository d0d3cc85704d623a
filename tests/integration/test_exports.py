"""Formula injection: a name a spreadsheet could run comes out of every export as plain text.

Each XLSX export must hold the name as a text cell (type ``s``, the original value, marked “quote
prefix”); each CSV export must start the cell with a single quote. The module that does it is
``yanglao.core.exports``; ``tests/unit/test_exports.py`` checks no export bypasses it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.integration import test_import_page as import_page
from tests.integration.test_payments_roll import enrol, region
from yanglao.catalogweb.xlsx import catalog_xlsx
from yanglao.core.catalog import load_catalog
from yanglao.core.idnumber import make_id_number
from yanglao.core.payments import Month
from yanglao.entitlements.models import Finding, FindingKind, PayeeAccount
from yanglao.payments.actions import prepare_roll
from yanglao.payments.exports import bank_csv, roll_xlsx
from yanglao.stats.bulletin import bulletin_xlsx
from yanglao.stats.evaluation import evaluation_xlsx
from yanglao.stats.opendata import csv_bytes
from yanglao.visits.actions import do_auto_assign, do_make_plans, do_refresh_targets
from yanglao.visits.models import Visitor, VisitorKind

NAMES = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)"]
VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
TOWNSHIP = "152223100000"
ON = dt.date(2026, 6, 17)

pytestmark = pytest.mark.django_db


def text_cells(data: bytes, texts: list[str]) -> None:
    """Every text of ``texts`` is in the workbook, and every cell holding one is a quoted text cell."""
    book = load_workbook(io.BytesIO(data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value in texts]
    assert {c.value for c in cells} == set(texts)
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [(c.value, "s", True) for c in cells]


def starting_with(data: bytes, texts: list[str]) -> list[str]:
    """The cells of a CSV export that begin with one of ``texts`` or with it quoted."""
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    return [cell for row in rows for cell in row if cell.lstrip("'").startswith(tuple(texts))]


@pytest.fixture
def roll(make_person: Any) -> Any:
    for n, name in enumerate(NAMES):
        person = make_person(name, birth=dt.date(1930, 1, 1 + n))
        enrol(person)
        PayeeAccount.objects.create(
            person=person, bank="中国农业银行", account_number=f"622848001234567890{n}", holder_name=name
        )
    return prepare_roll("命令行", "152223", Month(2025, 6), region())


def test_the_payment_roll_xlsx(roll: Any) -> None:
    text_cells(roll_xlsx(roll), NAMES)


def test_the_bank_file(roll: Any) -> None:
    data, rows, _total = bank_csv(roll)
    assert rows == len(NAMES)
    assert sorted(starting_with(data, NAMES)) == sorted("'" + name for name in NAMES)
    first = next(row for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) if row[0] == "1")
    assert first[2:5] == ["6228480012345678900", "中国农业银行", "100.00"]  # account and amount as they are


def test_the_findings_export(make_person: Any, login: Any, county_user: Any) -> None:
    for n, name in enumerate(NAMES):
        Finding.objects.create(
            key=f"test-{n}",
            person=make_person(name),
            township=TOWNSHIP,
            kind=FindingKind.MISSED,
            catalog="152223",
            item_no="5",
            item_name=name,
            summary=name,
            due_on=ON,
            found_on=ON,
            last_seen_on=ON,
        )
    response = login(county_user).get(f"/entitlements/townships/{TOWNSHIP}/export.xlsx", {"state": "all"})
    assert response.status_code == 200
    text_cells(response.content, NAMES)


@pytest.mark.parametrize("name", ["overdue", "plans"])
def test_the_visit_lists(make_person: Any, login: Any, county_user: Any, visitor: Any, name: str) -> None:
    for text in NAMES:  # living alone, never visited since April: targets, overdue, in June's plan
        make_person(text, region=VILLAGE, living_arrangement="alone")
    do_refresh_targets(None, "152223", dt.date(2026, 4, 1))
    Visitor.objects.create(name="李网格", kind=VisitorKind.GRID, village_id=VILLAGE, user=visitor)
    do_auto_assign(None, "152223")
    do_make_plans(None, "152223", ON.year, ON.month)

    response = login(county_user).get(reverse(f"visits:{name}"), {"format": "xlsx", "month": f"{ON:%Y-%m}"})
    assert response.status_code == 200
    text_cells(response.content, NAMES)


def test_the_import_error_report(login: Any, township_user: Any, settings: Any) -> None:
    settings.IMPORT_INLINE = True
    ident = make_id_number("152223", dt.date(1950, 3, 1), 602)
    feed = io.StringIO()
    csv.writer(feed).writerows([["id_number", "name", *NAMES], [ident, "王秀英", "", "", "", ""]])
    client = login(township_user)
    started = import_page.upload(client, feed.getvalue(), "f.csv").json()
    report = client.get(started["progress"]).json()["result"]["report"]

    response = client.get(report)
    assert response.status_code == 200
    text_cells(response.content, NAMES)


@pytest.fixture
def county(make_person: Any) -> Any:
    """The county, its name (in memory only) a formula: the name begins the statistics' titles."""
    from yanglao.regions.models import Region

    for n in range(12):  # enough people for the open data's small-count suppression to work
        make_person(f"老人{n}", region=(VILLAGE, "152223101001")[n % 2], birth=dt.date(1940 + n, 1, 1))
    place = Region.objects.get(code="152223")
    place.name = NAMES[0]
    return place


def quoted_title(cell: Any) -> tuple[bool, str, bool]:
    return cell.value.startswith(NAMES[0]), cell.data_type, cell.quotePrefix


def test_the_bulletin_xlsx(county: Any) -> None:
    book = load_workbook(io.BytesIO(bulletin_xlsx(county, ON)))
    assert quoted_title(book["公报"]["A1"]) == (True, "s", True)


def test_the_evaluation_xlsx(county: Any) -> None:
    book = load_workbook(io.BytesIO(evaluation_xlsx(county, ON)))
    assert quoted_title(book.active["A1"]) == (True, "s", True)


def test_the_open_data_csv(county: Any) -> None:
    assert starting_with(csv_bytes(county, "age", ON), NAMES) == [f"'{NAMES[0]}合计"]


def test_the_catalog_xlsx() -> None:
    catalog = dataclasses.replace(load_catalog("152223"), name=NAMES[0], notes=NAMES[1], source=NAMES[2])
    text_cells(catalog_xlsx(catalog, ON), NAMES[:3])
