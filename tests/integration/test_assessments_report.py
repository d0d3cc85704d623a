"""The Annex C report as a PDF: Chinese text with its font embedded, no network, audited as an export."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from tests.conftest import frozen_today
from tests.integration.assessor_helpers import two_assessors
from yanglao.assessments.actions import do_import_legacy_result, do_save_draft, do_sign_assessment
from yanglao.assessments.models import Assessment
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.assessment import instrument
from yanglao.registry.models import Person

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇

pytestmark = pytest.mark.django_db


def signed(person: Person, user: Any, total: int, **fields: Any) -> Assessment:
    request = RequestFactory().post("/")
    request.user = user
    items = {i.code: i.max_score for i in instrument().items}
    excess = 90 - total
    for code in reversed(list(items)):
        cut = min(excess, items[code])
        items[code] -= cut
        excess -= cut
    data = {
        "reference_date": frozen_today(),
        "reason": "first",
        "informant_name": "李建国",
        "informant_relation": "child",
        "place": "音德尔镇龙腾社区居家",
        "coma": False,
        "risk_events": dict.fromkeys(("fall", "lost", "choking", "self_harm", "other"), 0),
        "assessor_1": two_assessors()[0],
        "assessor_2": two_assessors()[1],
        "items": items,
        **fields,
    }
    return do_sign_assessment(request, do_save_draft(request, person, data))


@pytest.fixture
def wang(make_person: Any) -> Person:
    person: Person = make_person("王秀英", region=VILLAGE)
    return person


def fonts_of(pdf: bytes) -> dict[str, bool]:
    """Each font's name and whether its glyphs are embedded in the file (/FontFile, 2 or 3)."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def test_the_report_is_a_pdf_with_its_chinese_font_embedded(
    login: Any, township_user: Any, wang: Person, tmp_path: Path
) -> None:
    a = signed(wang, township_user, 50, diagnoses=["F03"])

    response = login(township_user).get(reverse("assessments:pdf", args=[a.pk]))

    pdf = response.content
    (tmp_path / "report.pdf").write_bytes(pdf)  # to look at: pytest --basetemp=DIR
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF-")
    fonts = fonts_of(pdf)
    assert fonts
    assert all(fonts.values()), fonts
    assert any("YanglaoReportCJK" in name or "WenQuanYi" in name for name in fonts)


def test_the_report_says_what_annex_c_says(login: Any, township_user: Any, wang: Person) -> None:
    a = signed(wang, township_user, 50, diagnoses=["F03"])

    pdf = login(township_user).get(reverse("assessments:pdf", args=[a.pk])).content

    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0].extract_text()
    for text in (
        "老年人能力评估报告",
        "王秀英",
        "C.1",
        "C.2",
        "C.3",
        "C.4",
        "C.5",
        "重度失能",
        "评估员签名",
        "信息提供者签名",
        "评估地点",
    ):
        assert text in first, text
    assert a.number in first
    assert "音德尔镇龙腾社区居家" in first
    assert len(reader.pages) == 2  # Annex C, then the 26 item scores
    assert "B.4.5" in reader.pages[1].extract_text()


def test_the_report_shows_the_full_id_number_only_to_roles_that_may_see_it(
    login: Any, township_user: Any, visitor: Any, wang: Person
) -> None:
    a = signed(wang, township_user, 70)

    caseworker = PdfReader(
        io.BytesIO(login(township_user).get(reverse("assessments:pdf", args=[a.pk])).content)
    )
    grid = PdfReader(io.BytesIO(login(visitor).get(reverse("assessments:pdf", args=[a.pk])).content))

    assert wang.id_number in caseworker.pages[0].extract_text()
    assert wang.id_number not in grid.pages[0].extract_text()
    assert wang.id_number[-4:] in grid.pages[0].extract_text()


def test_downloading_the_report_is_audited_as_an_export(login: Any, township_user: Any, wang: Person) -> None:
    a = signed(wang, township_user, 70)

    login(township_user).get(reverse("assessments:pdf", args=[a.pk]), REMOTE_ADDR="10.8.0.9")

    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.username, event.address, event.object_type, event.object_id) == (
        "township",
        "10.8.0.9",
        "assessment",
        a.number,
    )
    assert wang.id_number not in event.summary


def test_a_draft_has_no_report(login: Any, township_user: Any, wang: Person) -> None:
    client = login(township_user)
    client.post(reverse("assessments:new", args=[wang.pk]), {"B.1.1": "4", "action": "save"})
    draft = Assessment.objects.get()

    assert client.get(reverse("assessments:pdf", args=[draft.pk])).status_code == 404


def test_a_legacy_result_is_reported_on_its_own_scale(login: Any, township_user: Any, wang: Person) -> None:
    a = do_import_legacy_result(
        wang, grade=3, assessed_on=dt.date(2022, 6, 1), number="MZ-2022-001", source="旧系统", actor="命令行"
    )

    pdf = login(township_user).get(reverse("assessments:pdf", args=[a.pk])).content

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "重度失能（MZ/T 039-2013，3级）" in text
    assert "不换算" in text
    assert all(fonts_of(pdf).values())
