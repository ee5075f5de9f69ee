"""Redis goes away in the middle of submissions and comes back: no server error, nothing lost
(issue 11, point 2). Redis holds the rate limits, the lockout counts and the job queue."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from cases.extensions import db
from cases.models import Case, StagedCase
from cases.outbox import commit_and_dispatch
from cases.staging import record_staged_cases
from tests.cases.triage_support import PASSWORD, setup_departments, staff
from tests.conftest import FreshContextClient, _test_config
from tests.feedback.helpers import open_case, submit
from tests.support.services import StoppableRedis, stoppable_redis

pytestmark = pytest.mark.slow  # Stops and restarts a Redis server.


@pytest.fixture
def redis_server() -> Iterator[StoppableRedis]:
    """A Redis of this test's own, which it may stop."""
    with stoppable_redis() as server:
        yield server


@pytest.fixture
def production_like(app: Flask, migrated: str, redis_server: StoppableRedis) -> Iterator[Flask]:
    """The application configured as in production: Redis for jobs, rate limits and lockouts."""
    from wsgi import create_app

    config = _test_config(migrated)
    config.update(REDIS_URL=redis_server.url, EMBEDDED_JOBS=False, RATELIMIT_STORAGE_URI=redis_server.url,
                  RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
                  RQ_QUEUE="outage")
    application = create_app(config)
    application.test_client_class = FreshContextClient
    yield application
    from cases.extensions import db, limiter

    with application.app_context():
        db.engine.dispose()  # this app's own pool: no connection may be left for the collector

    # The extension object is shared by every app of the test process: the next test's app must
    # not start out believing its storage is down.
    limiter._storage_dead = False


def _login(client: FlaskClient) -> int:
    from tests.cases.test_staff_web import post_login

    return post_login(client, "triager@hqcbd.test", PASSWORD).status_code


def _round(application: Flask, number: int) -> list[tuple[str, str]]:
    """What the public and staff do in a minute: submit, track, log in."""
    client = application.test_client()
    receipts = [submit(client, body=f"建议公开核心区楼宇空置率的季度数据，第{number}-{n}条。")
                for n in range(3)]
    for reference, code in receipts:
        assert open_case(client, reference, code).status_code == 303
    assert _login(application.test_client()) == 302
    # Wrong answers are counted (in memory while Redis is down), never a server error.
    assert open_case(client, receipts[0][0], "AAAA-BBBB-CCCC-DDDD-EEEE").status_code == 400
    from tests.cases.test_staff_web import post_login

    assert post_login(application.test_client(), "triager@hqcbd.test", "wrong password").status_code == 200
    return receipts


# Submissions from threads, each with its own connection.
@pytest.mark.committed
def test_redis_stopped_mid_submissions_gives_no_error_and_loses_nothing(
        production_like: Flask, redis_server: StoppableRedis, catalogue: object,
        caplog: pytest.LogCaptureFixture) -> None:
    with production_like.app_context():
        setup_departments()
        staff("triager")
    receipts = _round(production_like, 1)

    redis_server.stop()
    with caplog.at_level(logging.WARNING):
        # Every request succeeds; the opinions are recorded in the request itself.
        receipts += _round(production_like, 2)
    assert any("falling back to in-memory" in r.getMessage() or "Redis unavailable" in r.getMessage()
               for r in caplog.records)

    redis_server.start()
    receipts += _round(production_like, 3)

    with production_like.app_context():
        while record_staged_cases().recorded:
            commit_and_dispatch()
        references = set(db.session.scalars(select(Case.reference)))
        assert references == {reference for reference, _code in receipts}
        assert db.session.scalar(select(func.count()).select_from(StagedCase)) == 0
