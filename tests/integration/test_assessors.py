"""Assessors (issue 11, item 12): qualifications registered and ended by county caseworkers and
administrators (audited; out of scope 404, audited; other roles 403), and the assessment form offering
only the users qualified on the assessment's date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.integration.assessor_helpers import qualified
from yanglao.accounts.models import User
from yanglao.assessments.assessors import qualified_users, qualify_demo_assessors
from yanglao.assessments.models import AssessorQualification
from yanglao.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

URL = "/assessments/assessors/"


def test_a_county_caseworker_registers_and_ends_a_qualification(
    login: Any, county_user: Any, township_user: Any, today: dt.date
) -> None:
    client = login(county_user)
    data = {"user": str(township_user.pk), "number": "", "issuer": "兴安盟民政局", "valid_from": "2024-01-01"}

    missing = client.post(URL, data)
    added = client.post(URL, {**data, "number": "XAM-2024-0007", "valid_until": "2028-12-31"})

    assert missing.status_code == 400
    assert '<span class="err">请填写资质证书编号</span>' in missing.content.decode()
    assert 'value="兴安盟民政局"' in missing.content.decode()  # what was typed is kept
    assert added.status_code == 302
    q = AssessorQualification.objects.get()
    assert (q.user, q.number, q.valid_from, q.valid_until) == (
        township_user,
        "XAM-2024-0007",
        dt.date(2024, 1, 1),
        dt.date(2028, 12, 31),
    )
    page = client.get(URL).content.decode()
    assert "XAM-2024-0007" in page
    assert "今日有效" in page

    no_reason = client.post(reverse("assessments:assessor-end", args=[q.pk]), {"on": today.isoformat()})
    ended = client.post(
        reverse("assessments:assessor-end", args=[q.pk]), {"on": today.isoformat(), "reason": "调离评估岗位"}
    )

    assert no_reason.status_code == 400
    assert "请填写终止原因" in no_reason.content.decode()
    assert ended.status_code == 302
    q.refresh_from_db()
    assert (q.ended_on, q.ended_reason) == (today, "调离评估岗位")
    assert not q.is_valid_on(today)
    assert q.is_valid_on(today - dt.timedelta(days=1))
    events = AuditEvent.objects.filter(object_type="assessor").order_by("id")
    assert [(e.action, e.object_id) for e in events] == [
        (Action.CREATE, "township"),
        (Action.CHANGE, "township"),
    ]


def test_only_managers_manage_and_another_countys_qualification_is_a_404(
    login: Any, township_user: Any, auditor: Any, visitor: Any
) -> None:
    q = AssessorQualification.objects.create(
        user=township_user, number="A-1", issuer="兴安盟民政局", valid_from=dt.date(2024, 1, 1)
    )
    far = User.objects.create_user("far_county", role="county_caseworker", region_id="152221")

    assert login(township_user).get(URL).status_code == 403
    assert login(auditor).get(URL).status_code == 403
    assert login(visitor).get(URL).status_code == 403
    client = login(far)
    assert "A-1" not in client.get(URL).content.decode()
    response = client.post(
        reverse("assessments:assessor-end", args=[q.pk]), {"on": "2026-01-01", "reason": "x"}
    )
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=Action.DENIED)
    assert (event.username, event.object_type) == ("far_county", "assessor")
    refused = client.post(
        URL, {"user": str(township_user.pk), "number": "B", "issuer": "x", "valid_from": "2024-01-01"}
    )
    assert refused.status_code == 400
    assert "请选择本辖区的用户" in refused.content.decode()
    q.refresh_from_db()
    assert q.ended_on is None


def test_the_form_offers_only_users_qualified_on_the_assessment_date(
    login: Any, township_user: Any, make_person: Any, today: dt.date
) -> None:
    valid = qualified("assessor_zhang", "张评估")
    later = qualified("assessor_new", "新评估员", since=today + dt.timedelta(days=1))
    ended = qualified("assessor_gone", "已调离")
    AssessorQualification.objects.filter(user=ended).update(ended_on=today, ended_reason="调离")
    expired = qualified("assessor_old", "过期评估员")
    AssessorQualification.objects.filter(user=expired).update(valid_until=today - dt.timedelta(days=1))
    far = qualified("assessor_far", "外旗评估员", region="152221")
    person = make_person("王秀英")

    html = login(township_user).get(reverse("assessments:new", args=[person.pk])).content.decode()

    assert f'<option value="{valid.pk}"' in html
    for user in (later, ended, expired, far, township_user):
        assert f'<option value="{user.pk}"' not in html, user.username
    assert set(qualified_users("152223", today)) == {valid.pk}
    assert set(qualified_users("152223", today - dt.timedelta(days=1))) == {valid.pk, ended.pk, expired.pk}


def test_the_demo_qualifies_its_caseworkers_once(
    county_user: Any, township_user: Any, today: dt.date
) -> None:
    assert qualify_demo_assessors("152223", today) == 2
    assert qualify_demo_assessors("152223", today) == 0
    assert set(qualified_users("152223", today)) == {county_user.pk, township_user.pk}
    assert all(q.synthetic for q in AssessorQualification.objects.all())
