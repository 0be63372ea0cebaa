"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("YOLO_AUTOINSTALL", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("FACET_WEB_WARM_UP_MODELS", "false")  # tests load models when they need them
# The sentence model's vectors of the intent examples, kept once for every test process of a
# run (and of later runs in this checkout) instead of in the user's cache.
os.environ.setdefault(
    "FACET_ASSISTANT_EMBEDDING_CACHE_DIR",
    str(Path(__file__).resolve().parents[1] / "var" / "cache" / "embeddings"),
)
# Each test's app builds the routes its requests walk, not all of them (0.3 s an app, hundreds).
os.environ.setdefault("FACET_WEB_PREPARE_ROUTES", "false")
os.environ.setdefault(
    "YOLO_CONFIG_DIR", str(Path(__file__).resolve().parents[1] / "var" / "ultralytics")
)

from argon2 import PasswordHasher

import core.people.security as _passwords
from core import Database
from core.migrate import bootstrap, upgrade
from core.orm import Base
from tests.pg import fresh_postgres, require_postgres

# Argon2 at its cheapest in the test processes: the suite creates and signs in hundreds of
# people, and the production parameters (the library's RFC 9106 defaults, 64 MiB and 3 passes,
# on purpose about 0.1 s a hash) cost minutes. Verification reads the parameters from each
# hash, so everything else is unchanged; `production_argon2` puts the real ones back for the
# tests that measure sign-in timing, and tests/core/people/test_password_cost.py checks that
# the app itself hashes with them.
PRODUCTION_HASHER, PRODUCTION_DUMMY_HASH = _passwords._hasher, _passwords._DUMMY_HASH
_passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_passwords._DUMMY_HASH = _passwords._hasher.hash("facet: no such person \x00")


# The chat's test files need the fitted intent models (tests/warm_models.py); they run after
# these folders, while a background process fits the models for them.
_AFTER_WARM_UP = ("tests/assistant/chat/", "tests/bench/")
_WARM = pytest.StashKey[subprocess.Popen[bytes]]()
# Seconds a chat or bench test may take, its fixtures included: the first one in each process
# encodes every intent example and training question (about 15,000) and fits or reads the
# classifier, which on two busy cores took longer than the suite's 300 s (CI of 2026-12-05).
_FIT_TIMEOUT = 1200


# The slowest files of the web folders (servers in several processes, a real browser, the fuzz
# run), started first among them so that no process is left alone with one long file at the end
# (CI of 2026-12-06: 340, 160 and 120 s).
_SLOWEST_FIRST = (
    "tests/web/multiprocess/test_two_processes.py", "tests/web/browser/test_widths.py",
    "tests/web/test_fuzz_api.py", "tests/web/test_vision_service.py",
    "tests/web/browser/test_handheld.py", "tests/web/browser/test_pages.py",
    "tests/web/browser/test_chinese.py", "tests/web/browser/test_masterdata_pages.py",
    "tests/web/observability/test_logs.py",
)


def pytest_configure(config: pytest.Config) -> None:
    """In the controller of a run with several test processes, fit the chat's models in the
    background (niced) while the processes start and run the core tests; the files are handed
    out in the order ``pytest_collection_modifyitems`` gives them (pytest-xdist would otherwise
    start with the files of most tests: the chat's, which then wait on the fit)."""
    workers = getattr(config.option, "numprocesses", None)
    if hasattr(config, "workerinput") or not workers:
        return
    config.option.loadscopereorder = False
    root = Path(__file__).resolve().parents[1]
    log = root / "var" / "cache" / "warm_models.log"
    if _running(log.with_suffix(".pid")):
        return  # `make test` started the fit before the linters
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        config.stash[_WARM] = subprocess.Popen(
            ["nice", "-n", "5", sys.executable, "-m", "tests.warm_models"], cwd=root,
            stdout=out, stderr=subprocess.STDOUT)


def _running(pid_file: Path) -> bool:
    """Whether the process named in ``pid_file`` is still running (not a zombie)."""
    try:
        pid = int(pid_file.read_text().strip())
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return False
    return state != "Z"


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the background fit if the run ends first."""
    warm = config.stash.get(_WARM, None)
    if warm is not None and warm.poll() is None:
        warm.terminate()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The files in the order the test processes should take them: core's and the other first
    folders, then the slowest files of twin, vision and web, then the chat and bench files (the
    largest first; by then the background fit is done: a clean-clone CI run of 2026-12-07 had
    all three processes wait 70 s on it when the chat came straight after core), then the rest
    of twin, vision and web. The chat and bench tests get ``_FIT_TIMEOUT`` instead of the
    suite's timeout."""
    def later(item: pytest.Item) -> bool:
        return item.nodeid.startswith(_AFTER_WARM_UP)

    def file_of(item: pytest.Item) -> str:
        return item.nodeid.split("::", 1)[0]

    for item in items:
        if later(item):  # their first test also builds the sentence vectors and the classifier
            item.add_marker(pytest.mark.timeout(_FIT_TIMEOUT))
    first_web = next((n for n, item in enumerate(items)
                      if item.nodeid.startswith(("tests/twin/", "tests/vision/", "tests/web/"))),
                     len(items))
    head, tail = items[:first_web], items[first_web:]
    sizes: dict[str, int] = {}
    for item in head:
        sizes[file_of(item)] = sizes.get(file_of(item), 0) + 1
    chat = sorted((i for i in head if later(i)), key=lambda i: -sizes[file_of(i)])  # stable
    slow = {path: rank for rank, path in enumerate(_SLOWEST_FIRST)}
    tail.sort(key=lambda i: slow.get(file_of(i), len(slow)))  # stable: the rest keep their order
    slowest = [i for i in tail if file_of(i) in slow]
    items[:] = ([i for i in head if not later(i)] + slowest + chat
                + [i for i in tail if file_of(i) not in slow])


@pytest.fixture
def production_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's real Argon2 parameters for this test (sign-in timing)."""
    monkeypatch.setattr(_passwords, "_hasher", PRODUCTION_HASHER)
    monkeypatch.setattr(_passwords, "_DUMMY_HASH", PRODUCTION_DUMMY_HASH)


PG_URL = os.environ.get("FACET_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file copied for each test."""
    path = tmp_path_factory.mktemp("template") / "facet.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file of this test's own (a copy of the template)."""
    path = tmp_path / "facet.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database of the test module's own, dropped after the module."""
    require_postgres()
    with fresh_postgres(f"facet_{request.module.__name__.rsplit('.', 1)[-1]}") as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The PostgreSQL URL, migrated from scratch once per test run.

    With pytest-xdist each worker gets a database of its own on the same server (the tests
    truncate it freely); alone, the configured database itself is wiped and used.
    """
    if not PG_URL:
        pytest.skip("FACET_TEST_POSTGRES_URL is not set")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        with fresh_postgres(f"facet_worker_{worker}") as url:
            yield url
        return
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(PG_URL)
    yield PG_URL


def _truncate_postgres(url: str) -> None:
    """Empty every table and restart every sequence: the database as freshly migrated.

    DELETE, children first, rather than TRUNCATE: TRUNCATE gives each of the schema's tables
    and indexes new files, about a second per test on these machines, while deleting the few
    rows a test wrote takes milliseconds. A table the models do not know (none today) is
    truncated first, with whatever refers to it.
    """
    import core.models  # noqa: F401  (every table in the metadata, children sortable)

    known = [t.name for t in reversed(Base.metadata.sorted_tables)]
    engine = create_engine(url)
    with engine.begin() as conn:
        present = set(conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version'")).scalars())
        unknown = sorted(present.difference(known))
        if unknown:
            conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in unknown) + " CASCADE")
        conn.exec_driver_sql("; ".join(f'DELETE FROM "{n}"' for n in known if n in present))
        conn.execute(text("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c WHERE "
                          "c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated database URL: SQLite, and PostgreSQL when configured."""
    if request.param == "sqlite":
        path = tmp_path / "facet.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    _truncate_postgres(url)
    fresh = Database(url)
    with fresh.write() as session:
        bootstrap(session)
    fresh.dispose()
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A Database on a fresh schema."""
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session in a transaction that is rolled back after the test."""
    sess = db.session()
    sess.begin()
    try:
        yield sess
    finally:
        sess.rollback()
        sess.close()
