"""``yanglao serve``: the production WSGI server, static files served by the app (WhiteNoise).

On Linux and macOS it runs ``--workers`` processes (default: the number of CPUs, at least 2) under
gunicorn, a pre-fork server: a master process that restarts a worker that dies, each worker with
``--threads`` threads. With ``--workers 1`` or on Windows (no ``fork``) it runs one waitress process.
See docs/operations.md.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.web.warm import warm

log = logging.getLogger(__name__)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# A request longer than this is cut (a worker that hangs is replaced): the bulletin PDF of a large
# county is the slowest page.
TIMEOUT_SECONDS = 300


def default_workers() -> int:
    """The number of CPUs this process may use, at least 2."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(2, cpus)


def prefork_available() -> bool:
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def serve_prefork(host: str, port: int, workers: int, threads: int) -> None:
    """Run gunicorn in this process (the master), forking ``workers`` processes."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    class Application(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            bind = f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"
            for key, value in {
                "bind": [bind],
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": TIMEOUT_SECONDS,
                "graceful_timeout": 30,
                "proc_name": "yanglao",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                # Each worker builds the application (and opens its database connections) after the fork.
                "preload_app": False,
                # Each worker parses the lists and compiles the templates beside its first requests.
                "post_worker_init": lambda worker: warm_in_background(),
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from yanglao.wsgi import application

            return application

    Application().run()


def start_response(
    status: str, headers: list[tuple[str, str]], exc_info: Any = None
) -> Callable[[bytes], object]:
    """The WSGI server's part for a request made in-process: the answer is dropped."""
    return lambda data: None


def own_host() -> str:
    """A host name this server answers to (the first of ``ALLOWED_HOSTS``), so that the request made
    in-process is not refused as coming for another host."""
    for host in settings.ALLOWED_HOSTS:
        name = host.lstrip(".")
        if name and "*" not in name:
            return name
    return "127.0.0.1"


def prepare() -> None:
    """What a server process would otherwise do on its first requests, done once before it serves (and,
    under gunicorn, before the fork, so that every worker has it): the WSGI application with its
    middleware, the URLconf with every view module it imports and its reverse index, the translations,
    and one request of the login page through the whole stack. No database connection is left open.
    The lists, the service catalogues and the templates (:func:`warm`, ~0.35 s) are loaded by each
    serving process in a thread once it listens (:func:`warm_in_background`), so that the first
    request does not wait for them."""
    from io import BytesIO

    from django.db import connections
    from django.urls import get_resolver, reverse
    from django.utils import translation

    from yanglao.wsgi import application

    try:
        get_resolver().resolve("/")
        reverse("login")
        translation.activate(settings.LANGUAGE_CODE)
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/login/",
            "SERVER_NAME": own_host(),
            "SERVER_PORT": "80",
            "HTTP_HOST": own_host(),
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": BytesIO(),
            "wsgi.url_scheme": "http",
        }
        application(environ, start_response).close()
    except Exception:  # the page itself reports what fails, as it would have without this
        log.warning("预热登录页失败", exc_info=True)
    finally:
        translation.deactivate()
        connections.close_all()


def warm_in_background() -> threading.Thread:
    """:func:`warm` in a daemon thread of a serving process (a request that needs a list before it is
    loaded loads it itself, as it would without)."""
    thread = threading.Thread(target=warm, name="yanglao-warm", daemon=True)
    thread.start()
    return thread


def serve_single(host: str, port: int, threads: int) -> None:
    from waitress import serve

    from yanglao.wsgi import application

    warm_in_background()
    serve(application, host=host, port=port, threads=threads, ident="yanglao")


class Command(BaseCommand):
    help = "启动网站服务（多进程；静态文件由应用自身提供）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"进程数，默认为本机 CPU 数且至少 2（本机：{default_workers()}）；1 表示单进程（waitress）",
        )
        parser.add_argument(
            "--threads", type=int, default=None, help="每个进程的线程数（多进程默认 4，单进程 8）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if settings.DEBUG:
            # Debug pages show settings, SQL and personal data of the request: only on this machine.
            if host not in LOOPBACK:
                raise CommandError(
                    f"DEBUG=true 时不能在 {host} 上提供服务：调试页面会泄露配置和个人信息。"
                    "生产环境请去掉 DEBUG。"
                )
            self.stderr.write(
                "警告：DEBUG=true，调试页面会显示配置和个人信息，只能用于本机开发，切勿用于生产。"
            )
        workers = options["workers"] if options["workers"] is not None else default_workers()
        if workers < 1:
            raise CommandError("--workers 至少为 1")
        prefork = workers > 1 and prefork_available()
        if workers > 1 and not prefork:
            self.stderr.write("本系统不支持多进程服务（Windows），改为单进程（waitress）。")
        threads = options["threads"] or (4 if prefork else 8)

        # Collect first: WhiteNoise looks at STATIC_ROOT when the application is built.
        call_command("collectstatic", interactive=False, verbosity=0)
        prepare()  # URLs, views and the login page, loaded once here instead of on each worker's first request
        shown = f"[{host.strip('[]')}]" if ":" in host else host
        how = f"{workers} 个进程 × {threads} 线程" if prefork else f"单进程 × {threads} 线程"
        self.stdout.write(f"服务地址：http://{shown}:{port}/  （{how}；Ctrl+C 停止）")
        self.stdout.flush()
        if prefork:
            serve_prefork(host, port, workers, threads)
        else:
            serve_single(host, port, threads)
