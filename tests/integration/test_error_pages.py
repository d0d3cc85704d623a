"""The 400, 403, 404 and 500 pages: Chinese, in the system's look (its header bar, style sheet and
icon), the same for an anonymous and a logged-in user, with DEBUG off, and naming no record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug: Traceback must not reach the page")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("bad input")


urlpatterns = [
    path("broken-for-test/", broken),
    path("suspicious-for-test/", suspicious),
    path("", include("yanglao.urls")),
]

ENGLISH = re.compile(r"Not Found|Forbidden|Server Error|Bad Request|CSRF|Traceback|RuntimeError")


@pytest.fixture(autouse=True)
def debug_off(settings: Any) -> None:
    settings.DEBUG = False


def client_as(who: str, request: pytest.FixtureRequest) -> Client:
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


def looks_like_the_system(response: Any, heading: str) -> str:
    page: str = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="zh-Hans">' in page
    assert '<header class="top"><a class="brand" href="/">基本养老服务信息系统</a></header>' in page
    assert "/static/yanglao/site.css" in page
    assert "/static/yanglao/favicon.ico" in page
    assert "/static/yanglao/favicon.svg" in page
    assert f"<h1>{heading}</h1>" in page
    assert not ENGLISH.search(page), ENGLISH.search(page)
    return page


@pytest.mark.parametrize("who", ["anonymous", "township_user"])
def test_an_unknown_page_is_a_chinese_404(who: str, request: pytest.FixtureRequest) -> None:
    response = client_as(who, request).get("/no-such-page/12345/")

    assert response.status_code == 404
    page = looks_like_the_system(response, "未找到")
    assert "12345" not in page


def test_a_record_outside_the_users_area_is_the_same_404(
    request: pytest.FixtureRequest, make_person: Any
) -> None:
    person = make_person("王秀英")
    client = client_as("outsider", request)

    outside = client.get(f"/persons/{person.pk}/")
    missing = client.get(f"/persons/{person.pk + 1000}/")

    assert (outside.status_code, missing.status_code) == (404, 404)
    assert looks_like_the_system(outside, "未找到") == looks_like_the_system(missing, "未找到").replace(
        str(person.pk + 1000), str(person.pk)
    )
    assert "王秀英" not in outside.content.decode()


def test_a_role_that_may_not_is_a_chinese_403_with_the_reason(request: pytest.FixtureRequest) -> None:
    response = client_as("visitor", request).get("/imports/")

    assert response.status_code == 403
    page = looks_like_the_system(response, "无权操作")
    assert "当前角色不能导入数据。" in page


@pytest.mark.parametrize("who", ["anonymous", "township_user"])
def test_a_form_without_its_token_is_a_chinese_403(who: str, request: pytest.FixtureRequest) -> None:
    response = client_as(who, request).post("/logout/" if who != "anonymous" else "/login/", {})

    assert response.status_code == 403
    page = looks_like_the_system(response, "页面已过期")
    assert "刷新后重新提交" in page


@pytest.mark.parametrize("who", ["anonymous", "township_user"])
def test_a_crash_is_a_chinese_500(who: str, request: pytest.FixtureRequest) -> None:
    response = client_as(who, request).get("/broken-for-test/")

    assert response.status_code == 500
    page = looks_like_the_system(response, "服务器内部错误")
    assert "a bug" not in page


@pytest.mark.parametrize("who", ["anonymous", "township_user"])
def test_a_bad_request_is_a_chinese_400(who: str, request: pytest.FixtureRequest) -> None:
    response = client_as(who, request).get("/suspicious-for-test/")

    assert response.status_code == 400
    looks_like_the_system(response, "请求有误")


def test_every_page_links_the_icon(request: pytest.FixtureRequest) -> None:
    page = client_as("township_user", request).get("/").content.decode()

    assert '<link rel="icon" href="/static/yanglao/favicon.svg" type="image/svg+xml">' in page


def test_the_icon_files_are_served(request: pytest.FixtureRequest) -> None:
    from django.contrib.staticfiles import finders

    svg, ico = finders.find("yanglao/favicon.svg"), finders.find("yanglao/favicon.ico")

    assert svg is not None
    assert ico is not None
    with open(ico, "rb") as handle:
        assert handle.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    with open(svg, encoding="utf-8") as handle:
        assert handle.read().startswith("<svg")


def test_the_favicon_answers_at_the_root(client: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("yanglao/favicon.ico")
