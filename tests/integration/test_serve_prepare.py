"""``yanglao serve`` prepares before it serves (issue 18: the first request within 1 s of the start): the
URLconf with its views, the middleware, the login page answered once in-process, and no database
connection left open for the workers to inherit."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import clear_url_caches, get_resolver

from yanglao.web.management.commands import serve


@pytest.mark.django_db(transaction=True)
def test_prepare_loads_the_urls_and_the_login_page_and_leaves_no_connection(
    monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    warmed: list[str] = []
    monkeypatch.setattr(serve, "warm", lambda: warmed.append("warm"))  # tested in test_warm.py
    clear_url_caches()
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        serve.prepare()

    assert get_resolver()._populated
    assert warmed == []  # the lists and templates load beside the first requests (warm_in_background)
    assert not [r for r in caplog.records if r.name == serve.__name__]  # the login page answered
    assert queries == []  # the login page reads no table
    # closed, so that no worker inherits the master's connection (an in-memory test database stays open)
    assert all(c.connection is None for c in connections.all() if not getattr(c, "is_in_memory_db", bool)())


def test_a_failing_page_is_logged_and_the_server_still_starts(
    monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    import yanglao.wsgi

    def broken(environ: Any, start_response: Any) -> Any:
        raise RuntimeError("broken")

    monkeypatch.setattr(yanglao.wsgi, "application", broken)
    monkeypatch.setattr(serve, "warm", lambda: None)

    serve.prepare()

    assert [r.getMessage() for r in caplog.records if r.name == serve.__name__] == ["预热登录页失败"]


def test_the_login_page_is_asked_for_a_host_the_server_answers_to(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ALLOWED_HOSTS = [".yanglao.example.gov.cn", "10.0.0.5"]
    assert serve.own_host() == "yanglao.example.gov.cn"
    seen: list[str] = []

    def application(environ: Any, start_response: Any) -> BytesIO:
        seen.append(environ["HTTP_HOST"])
        return BytesIO()

    import yanglao.wsgi

    monkeypatch.setattr(yanglao.wsgi, "application", application)
    monkeypatch.setattr(serve, "warm", lambda: None)

    serve.prepare()

    assert seen == ["yanglao.example.gov.cn"]
    settings.ALLOWED_HOSTS = ["*"]
    assert serve.own_host() == "127.0.0.1"
