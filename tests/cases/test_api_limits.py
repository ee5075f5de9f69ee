"""The JSON API's rate limits (issue 15): per token, answered as JSON 429s; another token goes on."""

from __future__ import annotations

from flask import Flask

from tests.cases.api_support import bearer, token_for
from tests.cases.test_staff_web import make_user


def test_each_token_has_its_own_budget_and_a_429_is_json(app: Flask, client, catalogue) -> None:  # noqa: ANN001
    app.config["API_RATE_LIMIT"] = "3 per minute"
    first = token_for(make_user(email="oa@hqcbd.test", roles=("leader",)))
    second = token_for(make_user(email="dash@hqcbd.test", roles=("leader",)))
    for _ in range(3):
        assert client.get("/api/v1/catalogue", headers=bearer(first)).status_code == 200
    refused = client.get("/api/v1/catalogue", headers=bearer(first, "zh-CN"))
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    body = refused.get_json()
    assert body["error"] == "too_many_requests" and body["message"] == "请求过于频繁，请稍后再试。"
    assert client.get("/api/v1/catalogue", headers=bearer(second)).status_code == 200


def test_made_up_tokens_are_bounded_per_address(app: Flask, client, catalogue) -> None:  # noqa: ANN001
    app.config["API_ADDRESS_RATE_LIMIT"] = "5 per minute"
    answers = [client.get("/api/v1/catalogue", headers=bearer(f"hq_{n:043d}")).status_code for n in range(7)]
    assert answers == [401] * 5 + [429] * 2


def test_the_open311_feed_is_limited_per_address(app: Flask, client, catalogue) -> None:  # noqa: ANN001
    app.config["OPEN311_RATE_LIMIT"] = "2 per minute"
    answers = [client.get("/api/open311/v2/services.json").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.get("/api/open311/v2/services.json").get_json()["error"] == "too_many_requests"
