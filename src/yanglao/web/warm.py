"""What every server process would otherwise parse on its first request, parsed once by ``yanglao serve``
before it forks its workers (they share it, copy-on-write): the home-service catalogues and the service
lists under them (31 YAML files; 1.4–7 s of the first statistics page of each worker on a loaded
machine), and the templates. Only pure, in-process caches: no database connection is left open across
the fork."""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import connections

log = logging.getLogger(__name__)


def warm() -> None:
    from yanglao.entitlements.catalogs import available, catalog
    from yanglao.homeservices.names import service_names

    try:
        service_names()
        for code in sorted(available()):
            catalog(code)
    except Exception:  # a broken catalogue is reported by the page that uses it, not at start
        log.warning("预加载服务目录失败，将在首次使用时加载", exc_info=True)
    finally:
        connections.close_all()
    templates()


def templates() -> int:
    """Compile every template of the apps into the cached loader (each worker would compile a page's
    templates on its first request of it); the number compiled."""
    from django.template import TemplateSyntaxError, engines
    from django.template.loader import get_template

    compiled = 0
    for engine in engines.all():
        for directory in engine.template_dirs:
            for path in sorted(Path(directory).rglob("*.html")):
                try:
                    get_template(path.relative_to(directory).as_posix())
                    compiled += 1
                except TemplateSyntaxError:  # reported by the page that uses it
                    log.warning("模板 %s 编译失败", path, exc_info=True)
    return compiled
