"""Every URL that takes an identifier answers the access policy, found by walking the URL resolver.

For each such URL the table :data:`CASES` says which object to make (in 音德尔镇, the township
caseworker's township), how to request it and what each caller gets:

- anonymous: 302 to the login page (the public pages: 200; the API: 401);
- the outsider, a caseworker of another township (新林镇): 404, as if the object did not exist;
- the lesser roles — visitor (网格员), care-home staff, auditor — and the system administrator:
  403 for a role that may never do the thing, otherwise the page (the object is in their scope).

A URL with an identifier that has no case here fails the test: the next endpoint gets a case.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from tests.integration import urlcases
from tests.integration.urlpolicy import (
    COUNTY,
    NEVER,
    PUBLIC,
    ROLES,
    TOWNSHIP,
    VILLAGE,
    Case,
    World,
    answers,
)
from yanglao.accounts.models import User
from yanglao.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db

CASES: dict[str, Case] = {
    # the person and the import pages
    "person": Case(World.pk, answers(200, 200, 200, 200), denied="person"),
    "person-reveal": Case(World.pk, answers(200, 200, 403, 403), "post", {"field": "phone"}, "person"),
    "person-edit": Case(World.pk, NEVER, "post", {"field": "phone", "value": "1", "reason": "x"}, "person"),
    "conflict-resolve": Case(World.conflict, NEVER, "post", {"decision": "keep"}, "person"),
    "import-progress": Case(lambda w: ["no-such-task"], NEVER),
    "import-errors": Case(World.batch, NEVER),
    # assessments: health data, for the roles that see it; written by caseworkers
    "assessments:person": Case(World.pk, answers(200, 403, 403, 403), denied="person"),
    "assessments:new": Case(World.pk, NEVER, denied="person"),
    "assessments:edit": Case(lambda w: w.assessment(signed=False), NEVER, denied="person"),
    "assessments:pdf": Case(
        lambda w: w.assessment(signed=True), answers(200, 403, 403, 403), denied="person"
    ),
    # visits: the administrator manages but never records (issue 10, item 11)
    "visits:person": Case(World.pk, answers(200, 403, 200, 200), denied="person"),
    "visits:record": Case(World.pk, answers(400, 403, 403, 403), "post", {"mode": "home"}, "person"),
    "visits:assign": Case(World.pk, answers(403, 403, 403, 302), "post", {}, "person"),
    "visits:photo": Case(lambda w: [w.visit().pk], answers(200, 403, 200, 200), denied="person"),
    "visits:followup-close": Case(World.followup, answers(403, 403, 403, 302), "post", {}, "person"),
    # service discovery
    "entitlements:township": Case(lambda w: [TOWNSHIP], answers(403, 403, 200, 200), denied="finding"),
    "entitlements:export": Case(lambda w: [TOWNSHIP], answers(403, 403, 200, 200), denied="finding"),
    "entitlements:finding": Case(World.finding, answers(403, 403, 200, 200), denied="finding"),
    "entitlements:work": Case(World.finding, NEVER, "post", {"action": "rejected"}, "finding"),
    "api:person-entitlements": Case(
        lambda w: [w.person.id_number], answers(200, 403, 403, 403, anonymous=401), denied="person"
    ),
    # payment rolls: read by caseworkers, auditors and the administrator; worked by caseworkers only
    "payments:roll": Case(World.roll, answers(403, 403, 200, 200), denied="payroll"),
    "payments:xlsx": Case(World.roll, answers(403, 403, 200, 200), denied="payroll"),
    "payments:again": Case(World.roll, NEVER, "post", {}, "payroll"),
    "payments:review": Case(World.roll, NEVER, "post", {}, "payroll"),
    "payments:approve": Case(World.roll, {**NEVER, "outsider": 403}, "post"),  # a township never approves
    "payments:bank": Case(World.roll, NEVER, "post", {}, "payroll"),
    # statistics of a region (the village: inside every lesser role's scope)
    "stats:region": Case(lambda w: [VILLAGE], answers(200, 200, 200, 200), denied="region"),
    "stats:entitlements": Case(lambda w: [VILLAGE], answers(200, 200, 200, 200), denied="region"),
    "stats:bulletin-file": Case(
        lambda w: [VILLAGE, 2026, 5, "xlsx"], answers(200, 200, 200, 200), denied="region"
    ),
    "stats:evaluation-export": Case(lambda w: [VILLAGE], answers(200, 200, 200, 200), denied="region"),
    # public pages
    "stats:open-csv": Case(lambda w: [w.person and COUNTY, "age"], PUBLIC),
    "catalogweb:catalog": Case(lambda w: [COUNTY], PUBLIC),
    "catalogweb:selfcheck": Case(lambda w: [COUNTY], PUBLIC),
    "catalogweb:export": Case(lambda w: [COUNTY], PUBLIC),
}


def _areas() -> list[types.ModuleType]:
    """The modules of :mod:`tests.integration.urlcases`, one per area, each adding its cases."""
    return [
        importlib.import_module(f"{urlcases.__name__}.{info.name}")
        for info in pkgutil.iter_modules(urlcases.__path__)
    ]


for _area in _areas():
    for _name, _case in getattr(_area, "CASES", {}).items():
        assert _name not in CASES, f"two cases for {_name}"
        CASES[_name] = _case


def walk(patterns: list[Any], namespace: str = "", takes: bool = False) -> Iterator[tuple[str, bool]]:
    """Every named URL with whether its pattern (or a parent's) takes an argument."""
    for entry in patterns:
        here = takes or bool(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner, here)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", here


def identifier_urls() -> list[str]:
    """The names of the URLs that take an identifier."""
    return sorted({name for name, takes in walk(get_resolver().url_patterns) if takes})


def text_of(response: Any) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return str(response.content.decode())


def missing_cases() -> list[str]:
    return [f"no case for URL name {name}" for name in identifier_urls() if name not in CASES]


def test_every_url_with_an_identifier_has_a_case() -> None:
    assert not missing_cases(), "\n".join(missing_cases())


def test_a_new_url_with_an_identifier_and_no_case_is_caught(settings: Any) -> None:
    from django.http import HttpResponse

    from yanglao import urls

    module = types.ModuleType("url_policy_probe")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("probe/<int:pk>/", lambda request, pk: HttpResponse(), name="probe"),
        path("probe/", lambda request: HttpResponse(), name="probe-list"),
        *urls.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    try:
        assert missing_cases() == ["no case for URL name probe"]
    finally:
        del sys.modules[module.__name__]


def test_every_case_names_a_url_that_exists() -> None:
    assert sorted(set(CASES) - set(identifier_urls())) == []


@pytest.fixture
def callers(db: None, outsider: User, visitor: User, auditor: User) -> dict[str, User]:
    return {
        "outsider": outsider,
        "visitor": visitor,
        "carehome": User.objects.create_user("carehome", role="carehome_staff", region_id=VILLAGE),
        "auditor": auditor,
        "admin": User.objects.create_user("admin", role="admin"),
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_url_answers_the_policy(
    name: str,
    client: Any,
    callers: dict[str, User],
    township_user: User,
    visitor: User,
    make_person: Callable[..., Any],
    today: dt.date,
) -> None:
    case = CASES[name]
    world = World(township_user, visitor, make_person, today)
    url = reverse(name, args=case.args(world))
    expected = {"anonymous": 302, "outsider": 404, **case.answers}
    got: dict[str, int] = {}

    def ask(who: str) -> Any:
        client.logout()
        if who != "anonymous":
            client.force_login(callers[who])
        response = getattr(client, case.method)(url, case.data)
        got[who] = response.status_code
        return response

    anonymous = ask("anonymous")
    if expected["anonymous"] == 302:
        assert anonymous["Location"].startswith(reverse("login")), name
    before = AuditEvent.objects.filter(action=Action.DENIED).count()
    outsider = ask("outsider")
    if case.denied:
        event = AuditEvent.objects.filter(action=Action.DENIED).order_by("pk").last()
        assert AuditEvent.objects.filter(action=Action.DENIED).count() == before + 1, name
        assert event is not None, name
        assert (event.username, event.object_type) == ("outsider", case.denied), name
    for role in ROLES:
        response = ask(role)
        if expected[role] == 403:
            assert "当前角色" in text_of(response), (name, role)  # the refusal, in Chinese
    assert "王秀英".encode() not in outsider.content, name

    assert got == expected, name


def test_the_administrator_may_not_record_a_visit(
    client: Any,
    callers: dict[str, User],
    township_user: User,
    visitor: User,
    make_person: Callable[..., Any],
    today: dt.date,
) -> None:
    """Issue 10, item 11: the administrator manages visits (assigns, plans) but never records one."""
    from yanglao.visits.models import Visit

    world = World(township_user, visitor, make_person, today)
    client.force_login(callers["admin"])
    data = {"mode": "home", "visited_at": f"{world.on:%Y-%m-%dT%H:%M}", "health": "精神尚可"}

    response = client.post(reverse("visits:record", args=world.pk()), data)

    assert response.status_code == 403
    assert "当前角色不能记录探访" in response.content.decode()
    assert not Visit.objects.exists()


MENU = {
    "visits:index": "visits.read",
    "entitlements:index": "entitlements.read",
    "payments:index": "payments.read",
    "assessments:index": "assessments.read",
    "import": "persons.import",
    "audit": "audit.read",
}
for _area in _areas():
    MENU.update(getattr(_area, "MENU", {}))


@pytest.mark.parametrize("who", ["township", *ROLES])
def test_the_menu_offers_what_the_table_allows_and_each_link_opens(
    who: str, client: Any, callers: dict[str, User], township_user: User
) -> None:
    from yanglao.accounts.scope import may

    user = township_user if who == "township" else callers[who]
    client.force_login(user)

    html = client.get(reverse("home")).content.decode()

    offered = {name for name in MENU if f'href="{reverse(name)}"' in html}
    assert offered == {name for name, verb in MENU.items() if may(user, verb)}
    for name in MENU:
        expected = {200, 302} if name in offered else {403}  # 302: a township's list opens on its township
        assert client.get(reverse(name)).status_code in expected, name


def test_a_visitor_of_another_township_named_in_a_form_is_denied_and_audited(
    client: Any, township_user: User, visitor: User, make_person: Callable[..., Any], today: dt.date
) -> None:
    """An identifier in a form's body follows the same policy: 404 outside the scope, audited."""
    from yanglao.visits.models import Assignment, Visitor, VisitorKind

    world = World(township_user, visitor, make_person, today)
    person = world.person
    far = Visitor.objects.create(name="赵网格", kind=VisitorKind.GRID, village_id="152223101001")
    client.force_login(township_user)

    response = client.post(reverse("visits:assign", args=[person.pk]), {"visitor": far.pk, "note": "试探"})

    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=Action.DENIED).get()
    assert (event.username, event.object_type, event.object_id) == ("township", "visitor", str(far.pk))
    assert not Assignment.objects.filter(visitor=far).exists()


def test_the_error_pages_are_in_chinese_and_name_no_record(rf: Any, outsider: User) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from django.views import defaults

    request = rf.get("/persons/12345/")
    request.user = outsider

    not_found = defaults.page_not_found(request, Http404("未找到该老年人"))
    refused = defaults.permission_denied(request, PermissionDenied("当前角色不能审批发放表"))
    broken = defaults.server_error(request)

    assert (not_found.status_code, refused.status_code, broken.status_code) == (404, 403, 500)
    assert "未找到" in not_found.content.decode()
    assert "12345" not in not_found.content.decode()
    assert "当前角色不能审批发放表" in refused.content.decode()
    assert "服务器内部错误" in broken.content.decode()


def test_preparing_a_roll_for_another_township_is_denied_and_audited_and_never_by_an_auditor(
    client: Any, outsider: User, auditor: User, today: dt.date
) -> None:
    """The region of a roll to prepare is an identifier in the form: the same policy."""
    data = {"region": TOWNSHIP, "catalog": COUNTY, "month": f"{today:%Y-%m}"}
    client.force_login(outsider)

    foreign = client.post(reverse("payments:prepare"), data)
    client.force_login(auditor)
    refused = client.post(reverse("payments:prepare"), data)

    assert (foreign.status_code, refused.status_code) == (404, 403)
    event = AuditEvent.objects.filter(action=Action.DENIED).get()
    assert (event.username, event.object_type, event.object_id) == ("outsider", "region", TOWNSHIP)
    assert "当前角色不能生成或审核发放表" in refused.content.decode()
