"""Shared fixtures: a real database (PostgreSQL by default, SQLite with TEST_DATABASE=sqlite),
a real Redis, the application, its test client and CLI runner."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, text
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from tests.support import services

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BACKEND = os.environ.get("TEST_DATABASE", "postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database URL for this test session, on a real server."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
        return
    given = os.environ.get("DATABASE_URL", "").strip()
    if given:
        with services.scratch_database(given) as url:
            yield url
        return
    with services.private_postgres() as server, services.scratch_database(server) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis: REDIS_URL when given, otherwise a private server."""
    given = os.environ.get("REDIS_URL", "").strip()
    if given:
        import redis

        try:
            redis.Redis.from_url(given, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            services.unavailable(f"Redis at {given} unreachable: {error}")
        yield given
        return
    with services.private_redis() as url:
        yield url


@pytest.fixture(scope="session")
def instance_dir() -> Iterator[Path]:
    """An instance folder for the test session (never the project's own)."""
    with tempfile.TemporaryDirectory(prefix="hqcbd-instance-") as path:
        yield Path(path)


def _test_config(database_url: str) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "EMBEDDED_JOBS": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SUPPRESS_SEND": True,
        "MAIL_FILE_DIR": None,
        "MAIL_DEFAULT_SENDER": "hqcbd@example.test",
    }


@pytest.fixture(scope="session")
def migrated(database_url: str, instance_dir: Path) -> str:
    """Run the migrations once per session; yield the database URL."""
    os.environ["HQCBD_INSTANCE_PATH"] = str(instance_dir)
    from flask_migrate import upgrade

    from wsgi import create_app

    app = create_app(_test_config(database_url))
    with app.app_context():
        upgrade()
        from cases.extensions import db

        db.engine.dispose()
    return database_url


def _empty_all_tables(app: Flask) -> None:
    from cases.extensions import db

    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - our own table names


# Fixtures whose tests need data really committed, because another connection, thread or process
# reads it: those tests run in the truncating mode, every other test inside one rolled-back
# transaction (see ``app``).
COMMITTED_FIXTURES = frozenset({"live_server", "subprocess_env"})


def needs_committed_data(item: pytest.Item) -> bool:
    """Whether the test's data must be committed for real (its fixtures or ``@pytest.mark.committed``)."""
    return item.get_closest_marker("committed") is not None or not COMMITTED_FIXTURES.isdisjoint(
        getattr(item, "fixturenames", ()))


class _JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session on the test's one connection (its get_bind would pick the engine)."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        """The connection the session was made with (raises when the test swapped the app's engine)."""
        if bind is not None:
            return bind
        if self._db.engines[None] is not self.bind.engine:
            raise RuntimeError("this test replaced the app's engine, which its sessions do not use: "
                               "mark it @pytest.mark.committed")
        return self.bind


@contextmanager
def _rolled_back(app: Flask) -> Iterator[None]:
    """Run the test inside one transaction that is rolled back at the end, instead of emptying tables.

    Every session (the test's and each request's) is bound to one connection in an open transaction
    with ``join_transaction_mode="create_savepoint"``, so a commit in a service releases a savepoint
    and nothing reaches the database. A second connection, or this one used from another thread,
    would not see that data: both raise at once, naming the fix, instead of letting a test pass or
    fail for the wrong reason.
    """
    from cases.extensions import db

    engine = db.engine
    connection = engine.connect()
    outer = connection.begin()
    owner = threading.get_ident()

    def refuse_second_connection(*_: object) -> None:
        raise RuntimeError("this test opened a second database connection, which cannot see its "
                           "uncommitted data: mark it @pytest.mark.committed")

    def refuse_other_thread(*_: object, **__: object) -> None:
        if threading.get_ident() != owner:
            raise RuntimeError("this test used its database connection from another thread: mark it "
                               "@pytest.mark.committed")

    event.listen(engine, "checkout", refuse_second_connection)
    event.listen(connection, "before_cursor_execute", refuse_other_thread)
    original = db.session
    db.session = db._make_scoped_session(
        {"class_": _JoinedSession, "bind": connection, "join_transaction_mode": "create_savepoint"})
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        event.remove(engine, "checkout", refuse_second_connection)
        outer.rollback()
        connection.close()


@pytest.fixture
def app(request: pytest.FixtureRequest, migrated: str, instance_dir: Path) -> Iterator[Flask]:
    """The application on the session's database; each test's writes are undone after it.

    On PostgreSQL a test runs inside one rolled-back transaction (``_rolled_back``), unless it needs
    committed data (``needs_committed_data``): then its tables are emptied afterwards. SQLite
    (pysqlite's savepoints need driver workarounds) always empties them.
    """
    from wsgi import create_app

    application = create_app(_test_config(migrated))
    rollback = BACKEND != "sqlite" and not needs_committed_data(request.node)
    with application.app_context():
        from cases.extensions import db

        if rollback:
            with _rolled_back(application):
                yield application
        else:
            yield application
            db.session.remove()
            _empty_all_tables(application)
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """A test client that gives every request its own app context, as a real server does.

    The ``app`` fixture holds one app context for the whole test, so without this every request
    would share ``g`` (Flask-Login's cached user, Flask-Babel's cached locale) and the database
    session, and a test could pass for the wrong reason.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        """Send the request inside a fresh app context."""
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client whose requests do not share ``g`` or the database session with the test."""
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def catalogue(app: Flask) -> object:
    """The bundled 2023 notice imported and committed; its plan (4 areas, 12 problems, 32 tasks)."""
    from cases.catalogue import bundled_notice_path, import_notice, read_notice_file
    from cases.extensions import db

    plan = import_notice(read_notice_file(bundled_notice_path()))
    db.session.commit()
    return plan


@pytest.fixture
def smtp(app: Flask) -> Iterator[services.CollectingHandler]:
    """A real SMTP server (aiosmtpd) that receives every e-mail the app sends."""
    from cases.extensions import mail

    with services.smtp_server() as (port, handler):
        # Flask-Mail reads its settings when it is initialised.
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
        mail.init_app(app)
        yield handler


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for ``app``'s commands."""
    return app.test_cli_runner()


@pytest.fixture
def subprocess_env(app: Flask, migrated: str, instance_dir: Path) -> dict[str, str]:
    """Environment for starting the project's programs in a subprocess on the test database."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "REDIS_URL"}}
    env.update(
        DATABASE_URL=migrated,
        HQCBD_INSTANCE_PATH=str(instance_dir),
        SECRET_KEY="test-secret-key-not-for-production",
        MAIL_SUPPRESS_SEND="true",
    )
    return env


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_server(app, catalogue) -> Iterator[str]:
    """The application served by a real HTTP server on a free loopback port."""
    server = make_server("127.0.0.1", services.free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium (never a downloaded browser); missing it fails under CI=true."""
    if not os.access(CHROMIUM, os.X_OK):
        services.unavailable(f"{CHROMIUM} not found (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


# The SQLite pass runs the tests of the database layer, where SQLite can answer differently (models,
# migrations, queries, filters and search, the services that write, exports, report SQL, staging and
# the outbox): every test that touches a database, except the browser walks (marker ``browser``), the
# tests marked ``above_db`` (e.g. the sealed matrix's single-case pages) and the modules below, whose
# subject sits above the database and gave its answer on PostgreSQL. A new module runs on both passes
# until it is listed here.
ABOVE_THE_DATABASE = frozenset({
    # Pages over HTTP: markup, headers, languages, CSRF, sessions, rate limits, fuzzing for 500s.
    "tests/cases/test_api_limits.py",
    "tests/cases/test_api_openapi.py",
    "tests/cases/test_login_limits.py",
    "tests/cases/test_plain_words.py",
    "tests/cases/test_staff_sessions.py",
    "tests/cases/test_staff_web.py",
    "tests/cases/test_web_errors.py",
    "tests/feedback/test_findable.py",
    "tests/feedback/test_page_cache.py",
    "tests/feedback/test_public_pages.py",
    "tests/feedback/test_track_limits.py",
    "tests/test_api_schema_fuzz.py",
    "tests/test_fuzz.py",
    # Mail protocols: IMAP against Dovecot, SMTP connections and their faults.
    "tests/cases/test_mail_groups.py",
    "tests/mailbox/test_notice_receipt.py",
    "tests/mailbox/test_poll_throughput.py",
    "tests/mailbox/test_poller.py",
    "tests/mailbox/test_poller_faults.py",
    "tests/mailbox/test_reply_threads_back.py",
    # Programs in a subprocess, Redis outages, the progress bar (test_make_run is SQLite on both).
    "tests/cases/test_classifier_wiring.py",
    "tests/cases/test_export_progress.py",
    "tests/test_entrypoints.py",
    "tests/test_make_run.py",
    "tests/test_redis_outage.py",
})


def runs_on_sqlite(item: pytest.Item) -> bool:
    """Whether the SQLite pass runs the test (the rule above ``ABOVE_THE_DATABASE``)."""
    module = item.path.relative_to(PROJECT_ROOT).as_posix()
    return ("database_url" in getattr(item, "fixturenames", ()) and module not in ABOVE_THE_DATABASE
            and item.get_closest_marker("browser") is None and item.get_closest_marker("above_db") is None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The SQLite pass runs only the tests of the database layer: the rest ran on PostgreSQL.

    A test touches the database when it asks for ``database_url``, directly or through ``app``,
    ``client``, ``migrated`` and the like (pytest's fixture closure); pure tests give the same answer
    on either backend, and so do the pages, mail protocols and programs of ``ABOVE_THE_DATABASE``
    and the tests marked ``above_db``.
    ``SQLITE_PASS_RUNS_ALL=1`` runs every test on SQLite.
    """
    missing = sorted(name for name in ABOVE_THE_DATABASE if not (PROJECT_ROOT / name).is_file())
    if missing:
        raise pytest.UsageError(f"ABOVE_THE_DATABASE names modules that do not exist: {missing}")
    if BACKEND != "sqlite" or os.environ.get("SQLITE_PASS_RUNS_ALL"):
        return
    kept = [item for item in items if runs_on_sqlite(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
