"""Wrong staff passwords slow down the address that typed them and never lock the account:
the holder of the right password gets in from any other address (issue 11, point 6)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from werkzeug.test import TestResponse

from cases.extensions import db
from tests.cases.test_staff_web import PASSWORD, make_user, post_login
from tests.conftest import FreshContextClient, _test_config
from tests.support.pages import field_error, from_address

ATTACKER, OWNER = "203.0.113.9", "198.51.100.20"


def _error(response: TestResponse) -> str:
    return field_error(response, "email")


def test_wrong_passwords_from_one_address_do_not_lock_out_the_owner(client: FlaskClient) -> None:
    admin = make_user(email="admin@hqcbd.shanghai.gov.cn", roles=("admin",))
    for _attempt in range(8):  # past the old lock of five (and under LOGIN_THROTTLE's 10 a minute)
        post_login(client, admin.email, "guess", **from_address(ATTACKER))
    # The guessing address now waits, even should it find the right password...
    refused = post_login(client, admin.email, PASSWORD, **from_address(ATTACKER))
    assert refused.status_code == 429 and "分钟后再试" in _error(refused)
    # ...but the owner, from their own address, logs in at once.
    response = post_login(client, admin.email, PASSWORD, **from_address(OWNER))
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert client.get("/staff/", **from_address(OWNER)).status_code == 200


def test_the_tries_left_count_down_the_same_for_unknown_and_real_e_mails(client: FlaskClient) -> None:
    user = make_user()
    seen: dict[str, list[str]] = {}
    for email, address in ((user.email, "192.0.2.1"), ("nobody@hqcbd.test", "192.0.2.2")):
        seen[email] = [_error(post_login(client, email, "wrong", **from_address(address))) for _ in range(5)]
    assert seen[user.email] == seen["nobody@hqcbd.test"]
    messages = seen[user.email]
    assert [re.search(r"还可尝试 (\d) 次", m).group(1) for m in messages[:4]] == ["4", "3", "2", "1"]  # type: ignore[union-attr]
    assert messages[0].startswith("邮箱或密码不正确")
    assert "错误次数过多" in messages[4] and "15 分钟后再试" in messages[4]

    client.get("/lang/en")
    english = _error(post_login(client, user.email, "wrong", **from_address("192.0.2.3")))
    assert english == "Wrong e-mail or password. You can try 4 more times."
    for _attempt in range(3):
        english = _error(post_login(client, user.email, "wrong", **from_address("192.0.2.3")))
    assert english == "Wrong e-mail or password. You can try 1 more time."


def test_the_right_password_gives_the_address_its_tries_back(client: FlaskClient) -> None:
    user = make_user()
    for _attempt in range(4):
        post_login(client, user.email, "wrong")
    assert post_login(client, user.email, PASSWORD).status_code == 302
    client.get("/lang/zh_Hans")
    other = FreshContextClient(client.application)
    assert "还可尝试 4 次" in _error(post_login(other, user.email, "wrong"))


def test_one_address_cannot_spread_guesses_over_many_accounts(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_ADDRESS_FAILURES"] = "3 per hour"
    user = make_user()
    for number in range(3):
        post_login(client, f"staff{number}@hqcbd.test", "wrong", **from_address(ATTACKER))
    refused = post_login(client, user.email, PASSWORD, **from_address(ATTACKER))
    assert refused.status_code == 429 and "尝试次数过多" in _error(refused)
    assert post_login(client, user.email, PASSWORD, **from_address(OWNER)).status_code == 302


def test_an_account_under_attack_gives_each_address_one_wrong_try(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_ACCOUNT_FAILURES"] = "4 per 15 minutes"
    admin = make_user(email="admin@hqcbd.shanghai.gov.cn", roles=("admin",))
    answers = []
    for email in (admin.email, "ghost@hqcbd.test"):  # a real and an unknown e-mail alike
        for botnet in range(1, 5):  # one guess each from four addresses: the e-mail is under attack
            post_login(client, email, "guess", **from_address(f"203.0.113.{botnet}"))
        # A fresh address has one wrong try (not five) before it must wait.
        answers.append(_error(post_login(client, email, "guess", **from_address("203.0.113.50"))))
        assert post_login(client, email, "guess", **from_address("203.0.113.50")).status_code == 429
    assert answers[0] == answers[1] and "还可尝试" not in answers[0] and "分钟后再试" in answers[0]
    # An address that guessed wrong waits even with the right password; the owner gets in.
    assert post_login(client, admin.email, PASSWORD, **from_address("203.0.113.1")).status_code == 429
    assert post_login(client, admin.email, PASSWORD, **from_address(OWNER)).status_code == 302


@pytest.fixture
def redis_limits(app: Flask, redis_url: str) -> Iterator[Redis]:
    """Rate-limit storage in a real Redis (as in production); the test's keys are removed afterwards."""
    redis = Redis.from_url(redis_url)
    yield redis
    for key in redis.scan_iter("*LIMITER/login/*"):
        redis.delete(key)
    redis.close()


@contextmanager
def _web_process(config: dict[str, object]) -> Iterator[FlaskClient]:
    """A client of a freshly built app (its own storage connections), as another web process."""
    from wsgi import create_app

    application = create_app(config)
    application.test_client_class = FreshContextClient
    try:
        yield application.test_client()
    finally:
        with application.app_context():
            db.engine.dispose()


# A second application, with its own engine.
@pytest.mark.committed
def test_the_counts_live_in_redis_and_are_shared_by_every_web_process(
        migrated: str, redis_limits: Redis, redis_url: str) -> None:
    make_user()
    config = {**_test_config(migrated), "RATELIMIT_STORAGE_URI": redis_url}
    attacker = f"203.0.113.{uuid.uuid4().int % 200 + 20}"
    with _web_process(config) as first:
        for _attempt in range(5):
            post_login(first, "triager@hqcbd.test", "wrong", **from_address(attacker))
    assert any(redis_limits.scan_iter("*LIMITER/login/*"))
    # Another process (a new app, new connections, nothing shared in memory) sees the same counts.
    with _web_process(config) as second:
        assert post_login(second, "triager@hqcbd.test", PASSWORD, **from_address(attacker)).status_code == 429
        assert post_login(second, "triager@hqcbd.test", PASSWORD, **from_address(OWNER)).status_code == 302
