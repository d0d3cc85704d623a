"""What one request of the pages of ``yanglao bench web`` costs the database (issue 11): counted queries,
never times. A page read by a logged-in user writes no session; reading a person writes one audit
event (on PostgreSQL one statement: the chain's head locked for one round trip); the work list's tallies
are one GROUP BY; the person page's fields come from Python fragments, not template loops."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yanglao.audit.chain import verify
from yanglao.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

VILLAGE = "152223100001"
TOWNSHIP = "152223100000"
# Queries of the second request of a session (the first settles the session), transaction control
# left out: one more than these means a page grew a query per request; change a figure only with the
# reason. On SQLite the audit event takes three statements (the head read, the insert, the head moved).
BUDGET = {
    "postgresql": {"search": 7, "person": 13, "worklist": 8},
    "sqlite": {"search": 9, "person": 15, "worklist": 10},
}


def budget(page: str) -> int:
    return BUDGET[connection.vendor][page]


def queries_of(client: Any, path: str) -> list[str]:
    client.get(path)  # the session's first request may write it
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(control)]


def is_write(sql: str) -> bool:
    return sql.lstrip().startswith(("INSERT", "UPDATE", "DELETE", "WITH"))


def findings(make_person: Any, today: Any, n: int = 3) -> None:
    from yanglao.entitlements.models import Finding, FindingKind, FindingState

    for i in range(n):
        Finding.objects.create(
            key=f"missed:{i}",
            kind=FindingKind.MISSED if i % 2 else FindingKind.DUE_CHANGE,
            person=make_person(f"王{i}", region=VILLAGE),
            township=TOWNSHIP,
            summary="符合条件未享受高龄津贴",
            found_on=today,
            last_seen_on=today,
            state=FindingState.CLOSED if i == 0 else FindingState.OPEN,
        )


def audit_writes(sqls: list[str]) -> list[str]:
    return [s for s in sqls if "audit_auditevent" in s and is_write(s)]


def test_the_person_page_writes_its_audit_event_and_nothing_else(
    login: Any, county_user: Any, make_person: Any
) -> None:
    client = login(county_user)
    person = make_person("王秀英", region=VILLAGE)
    sqls = queries_of(client, reverse("person", args=[person.pk]))

    assert len(sqls) <= budget("person"), "\n".join(sqls)
    assert not [s for s in sqls if "django_session" in s and is_write(s)]  # the session is not written
    assert len(audit_writes(sqls)) == 1
    assert not [s for s in sqls if s.startswith('SELECT "registry_person"."residence_region"')]  # not re-read
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.object_region, event.detail) == (VILLAGE, {"person": person.pk})
    assert verify().ok


def test_on_postgresql_the_audit_event_is_one_statement(
    login: Any, county_user: Any, make_person: Any, postgres: None
) -> None:
    client = login(county_user)
    sqls = queries_of(client, reverse("person", args=[make_person("王秀英", region=VILLAGE).pk]))

    [write] = audit_writes(sqls)
    assert "FOR UPDATE" in write
    assert "UPDATE audit_auditchain" in write
    assert not [s for s in sqls if s.startswith("SELECT hash, count FROM audit_auditchain")]
    assert verify().ok


def test_a_search_stays_within_its_queries(login: Any, county_user: Any, make_person: Any) -> None:
    client = login(county_user)
    for name in ("王秀英", "王秀兰", "李桂兰"):
        make_person(name, region=VILLAGE)
    sqls = queries_of(client, reverse("search") + "?q=王秀")

    assert len(sqls) <= budget("search"), "\n".join(sqls)
    assert not [s for s in sqls if "django_session" in s and is_write(s)]
    assert len(audit_writes(sqls)) == 1


def test_the_work_list_counts_its_tallies_in_one_query(
    login: Any, township_user: Any, make_person: Any, today: Any
) -> None:
    findings(make_person, today)
    client = login(township_user)
    url = reverse("entitlements:township", args=[TOWNSHIP])
    sqls = queries_of(client, url)

    assert len(sqls) <= budget("worklist"), "\n".join(sqls)
    assert len([s for s in sqls if "COUNT(" in s and "entitlements_finding" in s]) == 1
    page = client.get(url)
    # two live findings of two kinds, one closed: the tallies and the page's total from that one query
    assert page.context["page"].paginator.count == 2
    assert sum(n for _, _, n in page.context["kinds"]) == 2
    assert {key: n for key, _, n in page.context["states"]}["closed"] == 1
    assert client.get(url + "?state=all").context["page"].paginator.count == 3


def test_the_person_page_renders_its_edit_forms_without_a_template_loop_per_option(
    login: Any, county_user: Any, make_person: Any
) -> None:
    """The fragments of ``web/templatetags/fragments.py`` keep the form: every editable field has its
    form with the CSRF token, the current choice selected, the village suggestions listed."""
    client = login(county_user)
    person = make_person("王秀英", region=VILLAGE)
    page = client.get(reverse("person", args=[person.pk])).content.decode()

    assert page.count('class="edit-form"') == page.count('name="reason"') > 20
    assert page.count('name="csrfmiddlewaretoken"') >= page.count('class="edit-form"')
    assert page.count(" selected>") >= 2  # the sex and the living arrangement at least
    assert '<datalist id="villages"><option value="152223100001">音德尔镇 龙腾社区</option>' in page
