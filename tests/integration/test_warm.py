"""``yanglao serve`` parses the catalogues once before forking its workers (issue 11: no first page of a
worker waits for 31 YAML files)."""

from __future__ import annotations

from typing import Any

from yanglao.homeservices.names import service_names
from yanglao.web.management.commands import serve
from yanglao.web.warm import templates, warm


def test_warm_fills_the_service_names_without_touching_the_database(caplog: Any) -> None:
    """No ``django_db`` mark: a query here would fail the test (and be logged as a warning)."""
    service_names.cache_clear()

    warm()

    assert service_names.cache_info().currsize == 1
    assert service_names()  # the names of the catalogues' services
    assert not [r for r in caplog.records if r.name == "yanglao.web.warm"]


def test_serve_warms_beside_its_first_requests(monkeypatch: Any) -> None:
    """The lists and templates are loaded in a thread of the serving process as it starts to listen:
    the first request never waits for them (issue 18: the first answer within 1 s of the start)."""
    import threading

    import waitress

    warmed = threading.Event()
    calls: list[str] = []
    monkeypatch.setattr(serve, "warm", warmed.set)
    monkeypatch.setattr(serve, "prepare", lambda: calls.append("prepare"))
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: calls.append("collectstatic"))
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: calls.append("serve"))

    serve.Command().handle(host="127.0.0.1", port=8123, workers=1, threads=None)

    assert calls == ["collectstatic", "prepare", "serve"]
    assert warmed.wait(5)


def test_every_template_of_the_apps_compiles() -> None:
    """What warm() compiles before the fork; a template that does not compile fails here too."""
    from pathlib import Path

    import yanglao

    on_disk = len(list(Path(yanglao.__file__).parent.glob("*/templates/**/*.html")))
    assert templates() >= on_disk > 100  # and those of django.contrib.auth
