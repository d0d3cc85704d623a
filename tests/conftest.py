"""Fixtures shared by the whole suite.

- ``YANGLAO_HOME`` is a temporary directory for the session: tests never touch ``~/.local``.
- The database is SQLite (in memory) by default; with ``DATABASE_URL=postgresql://…`` pytest-django
  creates its own test database on that server.
- Five fixed users, like Healthchecks' owner/colleague/outsider: a county caseworker of 扎赉特旗, a
  township caseworker of 音德尔镇, an outsider township caseworker of 新林镇 (same county, other
  township), an auditor of the county and a visitor (网格员) of a 音德尔镇 community.
- The clock is frozen: every test runs at a fixed moment (``DEFAULT_DAY`` 10:00 Asia/Shanghai, time
  ticking from there) through time-machine, so no test depends on the day CI runs. Tests take the date
  from the ``today`` fixture (or ``clock.today``), never from ``timezone.localdate()`` or the like. Test
  modules marked ``hard_dates`` run at every day of ``HARD_DATES`` instead: the 1st, 7th and 8th of a
  month, the last day of February in a common and a leap year, 29 February, 31 December, 1 January, a
  Sunday and a Monday. ``--hard-dates=default`` runs them at the default day only (scripts/test runs the
  hard dates in a pass of their own).
- Under ``CI=true`` a missing PostgreSQL or Chromium fails the run; elsewhere those tests skip. A
  PostgreSQL-only test skips on SQLite under CI too when the PostgreSQL pass is configured
  (``YANGLAO_TEST_DATABASE_URL``, see scripts/test).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import pytest
import time_machine

# When pyproject.toml names DJANGO_SETTINGS_MODULE, pytest-django reads the settings before this
# file is imported (and yanglao.settings creates YANGLAO_HOME); without it, Django is set up after
# this file runs, with the environment below. Either way the settings that hold paths are pointed
# at the temporary home in pytest_configure.
HOME = Path(tempfile.mkdtemp(prefix="yanglao-tests-"))
os.environ["YANGLAO_HOME"] = str(HOME)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings")

# Property-based tests: no per-example deadline (CI machines are shared and timings vary; speed is
# measured by the benchmarks, never by tests).
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile(
    "yanglao", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)
hypothesis_settings.load_profile("yanglao")

PASSWORD = "Yl-tests-2024!"

COUNTY = "152223"  # 扎赉特旗
TOWNSHIP = "152223100000"  # 音德尔镇
VILLAGE = "152223100001"  # 龙腾社区, a community of 音德尔镇
OTHER_TOWNSHIP = "152223101000"  # 新林镇
OTHER_VILLAGE = "152223101001"  # 解放社区, a community of 新林镇

CHROMIUM = os.environ.get("YANGLAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --- the clock ------------------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_DAY = dt.date(2026, 6, 17)  # a Wednesday in the middle of a month
HARD_DATES = {
    "1st-monday": dt.date(2026, 6, 1),
    "7th-sunday": dt.date(2026, 6, 7),
    "8th-monday": dt.date(2026, 6, 8),
    "feb-end-common": dt.date(2026, 2, 28),
    "feb-28-leap": dt.date(2028, 2, 28),
    "feb-29-leap": dt.date(2028, 2, 29),
    "dec-31": dt.date(2026, 12, 31),
    "jan-1": dt.date(2027, 1, 1),
}


@dataclass(frozen=True)
class Clock:
    """The frozen clock of one test: ``today`` in Asia/Shanghai, and the time machine to move it."""

    today: dt.date
    traveller: Any

    def move_to(self, day: dt.date, hour: int = 10) -> None:
        self.traveller.move_to(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--hard-dates",
        choices=("all", "default"),
        default="all",
        help="run the modules marked hard_dates at every hard date (all) or at the default day only",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "clock" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("hard_dates") is None:
        return
    if metafunc.config.getoption("--hard-dates") == "default":
        return
    metafunc.parametrize("clock", list(HARD_DATES.values()), ids=list(HARD_DATES), indirect=True)


@pytest.fixture(autouse=True)
def lists_in_force() -> Iterator[None]:
    """Each test starts from the shipped lists: a version published by an earlier test (its rows rolled
    back with that test's database) is forgotten (``core/catalog/source.invalidate``)."""
    from yanglao.core.catalog import source

    source.invalidate()
    yield
    source.invalidate()


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[Clock]:
    """Every test runs at 10:00 Asia/Shanghai of ``DEFAULT_DAY`` (or of a hard date), time ticking."""
    day: dt.date = getattr(request, "param", DEFAULT_DAY)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(start, tick=True) as traveller:
        yield Clock(day, traveller)


@pytest.fixture
def today(clock: Clock) -> dt.date:
    """The frozen test day (Asia/Shanghai)."""
    return clock.today


def frozen_now() -> dt.datetime:
    """The frozen clock's time, for helpers that are not fixtures; an error outside a frozen test.

    Tests read the time only through this module (``today``, ``clock``, ``frozen_now``,
    ``frozen_today``): tests/unit/test_clock.py fails on a test that calls the wall clock itself."""
    if not time_machine.escape_hatch.is_travelling():
        raise RuntimeError("the test clock is not frozen here")
    return dt.datetime.now(SHANGHAI)


def frozen_today() -> dt.date:
    return frozen_now().date()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.HOME = HOME
    settings.MEDIA_ROOT = HOME / "media"
    settings.STATIC_ROOT = HOME / "static"
    settings.STATIC_ROOT.mkdir(exist_ok=True)
    # A fast hash: the suite creates many users; the password rules are tested through the validators.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A test that commits after a statistics page was seen queues a recomputation: never a worker
    # process on the real database (tests that want the job run it themselves).
    settings.STATS_REFRESH_WORKER = False


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(HOME, ignore_errors=True)


# --- components a test may need -------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(reason: str) -> NoReturn:
    """Skip the test, or fail it under CI, where every component must be present."""
    if in_ci():
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    """On SQLite, skip; under CI fail, unless a PostgreSQL pass of the suite is configured as well
    (``YANGLAO_TEST_DATABASE_URL``, which scripts/test runs the database suites against)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    if os.environ.get("YANGLAO_TEST_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs in the PostgreSQL pass (YANGLAO_TEST_DATABASE_URL)")
    missing("this test needs PostgreSQL: set DATABASE_URL=postgresql://…")


def require_chromium() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("this test needs Playwright: pip install playwright")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing(f"this test needs Chromium at {CHROMIUM}")


@pytest.fixture
def postgres(db: None) -> None:
    """Use in a test that only means something on PostgreSQL (mark it ``postgres`` too)."""
    require_postgres()


def browser_environment() -> dict[str, str | float | bool]:
    """Chromium keeps its crash reports and caches under the temporary home, not the user's."""
    home = HOME / "chromium"
    home.mkdir(exist_ok=True)
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, one per test module (mark the tests ``browser``).

    Playwright's sync API keeps an event loop running on the test's thread, so Django's guard
    against the ORM inside an event loop is lifted while the browser is open."""
    require_chromium()
    from playwright.sync_api import Error, sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            try:
                chromium = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=browser_environment()
                )
            except Error as exc:
                missing(f"Chromium at {CHROMIUM} does not start: {exc.message.splitlines()[0]}")
            yield chromium
            chromium.close()


# --- users ---------------------------------------------------------------------------------------


def _user(username: str, role: str, region: str | None, display_name: str) -> Any:
    from yanglao.accounts.models import User

    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, region_id=region, display_name=display_name
    )


@pytest.fixture
def county_user(db: None) -> Any:
    """A caseworker of 扎赉特旗 civil affairs: sees every person of the county."""
    return _user("county", "county_caseworker", COUNTY, "旗民政局经办人")


@pytest.fixture
def township_user(db: None) -> Any:
    """A caseworker of 音德尔镇."""
    return _user("township", "township_caseworker", TOWNSHIP, "音德尔镇经办人")


@pytest.fixture
def outsider(db: None) -> Any:
    """A caseworker of 新林镇, another township of the same county."""
    return _user("outsider", "township_caseworker", OTHER_TOWNSHIP, "新林镇经办人")


@pytest.fixture
def auditor(db: None) -> Any:
    return _user("auditor", "auditor", COUNTY, "旗审计员")


@pytest.fixture
def visitor(db: None) -> Any:
    """A 网格员 of a 音德尔镇 community."""
    return _user("visitor", "visitor", VILLAGE, "龙腾社区网格员")


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    """``login(user)`` logs the test client in as ``user`` and returns the client."""

    def do(user: Any) -> Any:
        client.force_login(user)
        return client

    return do


# --- persons -------------------------------------------------------------------------------------

_sequence = itertools.count(11)


def new_id_number(birth: dt.date = dt.date(1950, 3, 1), *, sex: str = "2", address: str = COUNTY) -> str:
    """A fresh valid ID number; odd sequences are men (sex "1"), even ones women (sex "2")."""
    from yanglao.core.idnumber import make_id_number

    while True:
        sequence = next(_sequence) % 1000
        if (sequence % 2 == 1) == (sex == "1"):
            return make_id_number(address, birth, sequence)


@pytest.fixture
def make_person(db: None) -> Callable[..., Any]:
    """``make_person(name, region=VILLAGE, birth=…, sex=…, **fields)``: a Person with a valid ID number."""
    from yanglao.registry.models import Person

    def make(
        name: str = "王秀英",
        *,
        region: str = VILLAGE,
        birth: dt.date = dt.date(1950, 3, 1),
        sex: str = "2",
        **fields: Any,
    ) -> Person:
        fields.setdefault("phone", "13912345678")
        return Person.objects.create(
            id_number=fields.pop("id_number", None) or new_id_number(birth, sex=sex),
            name=name,
            sex=sex,
            birth_date=birth,
            hukou_region=fields.pop("hukou_region", region),
            residence_region=fields.pop("residence_region", region),
            **fields,
        )

    return make
