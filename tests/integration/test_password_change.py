"""A user's own password: the forced change after a one-time password or when it has expired (one
middleware, every URL), the change page's rules, the account page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PASSWORD, SHANGHAI
from yanglao.accounts.models import User
from yanglao.audit.models import Action, AuditEvent
from yanglao.facilities.access import set_facility
from yanglao.facilities.models import Facility

pytestmark = pytest.mark.django_db

NEW = "Ganxie-2026!"
SAMPLES = {"int": 1, "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def every_path(patterns: list[Any] | None = None, prefix: str = "", converters: Any = None) -> Iterator[str]:
    """A concrete path for every URL pattern of the site (identifiers filled with samples)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        kinds = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            yield from every_path(entry.url_patterns, prefix + route, kinds)
        elif isinstance(entry, URLPattern):
            path = prefix + route
            for name, converter in kinds.items():
                kind = type(converter).__name__.removesuffix("Converter").lower()
                path = path.replace(f"<{kind}:{name}>", str(SAMPLES.get(kind, "x"))).replace(f"<{name}>", "x")
            yield "/" + path


@pytest.fixture
def forced(township_user: User) -> User:
    township_user.must_change_password = True
    township_user.save()
    return township_user


def test_a_user_with_a_one_time_password_is_sent_to_the_change_page_from_every_url(
    client: Any, forced: User
) -> None:
    client.force_login(forced)
    change = reverse("users:password")
    paths = sorted(set(every_path()))
    assert len(paths) > 50
    assert "/persons/1/" in paths
    assert "/users/1/reset/" in paths

    answers = {path: (client.get(path), client.post(path, {})) for path in paths if path != reverse("logout")}

    for path, (get, post) in answers.items():
        if path == change:
            continue
        assert (get.status_code, get.get("Location")) == (302, change), path
        assert (post.status_code, post.get("Location")) == (302, change), path
    assert answers[change][0].status_code == 200
    assert "您正在使用一次性密码，请先修改密码。" in answers[change][0].content.decode()
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()  # no page was shown


def test_logout_still_works_and_static_files_are_served(client: Any, forced: User) -> None:
    client.force_login(forced)

    css = client.get("/static/yanglao/site.css")
    out = client.post(reverse("logout"))

    assert css.status_code == 200
    assert (out.status_code, out["Location"]) == (302, reverse("login"))


def test_logging_in_with_a_one_time_password_leads_to_the_change_and_then_home(
    client: Any, forced: User
) -> None:
    login = client.post(reverse("login"), {"username": "township", "password": PASSWORD}, follow=True)
    assert login.redirect_chain[-1] == (reverse("users:password"), 302)

    wrong = client.post(
        reverse("users:password"),
        {"old_password": "nope", "new_password": NEW, "new_password_again": NEW},
    )
    changed = client.post(
        reverse("users:password"),
        {"old_password": PASSWORD, "new_password": NEW, "new_password_again": NEW},
    )

    assert "当前密码不正确" in wrong.content.decode()
    assert (changed.status_code, changed["Location"]) == (302, reverse("users:account"))
    forced.refresh_from_db()
    assert forced.check_password(NEW)
    assert not forced.must_change_password
    assert client.get(reverse("home")).status_code == 200  # the session survives the change
    event = AuditEvent.objects.get(action=Action.CHANGE, object_type="user")
    assert (event.username, event.summary) == ("township", "修改本人密码（首次登录，替换一次性密码）")
    assert NEW not in str(event.detail)
    assert PASSWORD not in str(event.detail)


@pytest.mark.parametrize(
    ("new", "again", "error"),
    [
        ("abcdefgh", "abcdefgh", "密码须包含大写字母、小写字母、数字、符号四类中的至少三类。"),
        ("Ab1!", "Ab1!", "8"),
        (NEW, NEW + "x", "两次输入的新密码不一致"),
        (PASSWORD, PASSWORD, "新密码不能与当前密码相同"),
    ],
)
def test_the_password_rules_apply(client: Any, township_user: User, new: str, again: str, error: str) -> None:
    client.force_login(township_user)

    response = client.post(
        reverse("users:password"),
        {"old_password": PASSWORD, "new_password": new, "new_password_again": again},
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    township_user.refresh_from_db()
    assert township_user.check_password(PASSWORD)


def test_an_expired_password_must_be_changed(
    client: Any, township_user: User, clock: Any, today: dt.date
) -> None:
    township_user.password_changed_at = dt.datetime.combine(today, dt.time(9), tzinfo=SHANGHAI)
    township_user.save()

    clock.move_to(today + dt.timedelta(days=89))
    client.force_login(township_user)
    before = client.get(reverse("home"))
    clock.move_to(today + dt.timedelta(days=90))
    client.force_login(township_user)
    after = client.get(reverse("home"))
    page = client.get(reverse("users:password")).content.decode()

    assert before.status_code == 200
    assert (after.status_code, after["Location"]) == (302, reverse("users:password"))
    assert "您的密码已超过 90 天未修改，请修改后继续使用。" in page


def test_expiry_follows_the_setting_and_zero_means_never(
    client: Any, township_user: User, clock: Any, today: dt.date, settings: Any
) -> None:
    township_user.password_changed_at = dt.datetime.combine(today, dt.time(9), tzinfo=SHANGHAI)
    township_user.save()
    clock.move_to(today + dt.timedelta(days=40))
    client.force_login(township_user)

    settings.PASSWORD_EXPIRY_DAYS = 30
    short = client.get(reverse("home")).status_code
    settings.PASSWORD_EXPIRY_DAYS = 0
    never = client.get(reverse("home")).status_code

    assert (short, never) == (302, 200)


def test_the_account_page_shows_who_and_where(client: Any, township_user: User) -> None:
    home = Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id="152223100000", beds=9
    )
    township_user.role = "carehome_staff"
    township_user.save()
    set_facility(township_user, home)
    client.force_login(township_user)

    html = client.get(reverse("users:account")).content.decode()

    for words in (
        "township",
        "音德尔镇经办人",
        "养老机构工作人员",
        "音德尔镇（152223100000）",
        "音德尔镇敬老院",
    ):
        assert words in html
    assert f'href="{reverse("users:password")}"' in html
