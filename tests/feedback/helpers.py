"""Helpers for the public-page tests: read CSRF tokens from pages, post forms, read receipts."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                    r'type="hidden" name="csrf_token" value="([^"]+)"')
_BY_ID = r'id="{}"[^>]*>([^<]+)<'


def csrf_token(page_html: str) -> str:
    """The CSRF token of the first form on a page, as a browser would send it."""
    match = _TOKEN.search(page_html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def text_by_id(page_html: str, element_id: str) -> str:
    """The text of the element with ``element_id`` (first text node)."""
    match = re.search(_BY_ID.format(re.escape(element_id)), page_html)
    assert match, f"no element with id={element_id}"
    return html_lib.unescape(match.group(1)).strip()


def opinion(**overrides: Any) -> dict[str, Any]:
    """A valid opinion, as the form posts it."""
    data: dict[str, Any] = {
        "subject": "空置率",
        "body": "建议公开核心区楼宇空置率的季度数据，便于社会监督。",
        "problem": "1.1",
        "name": "张三",
        "email": "zhang@example.cn",
        "phone": "13812345678",
        "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_opinion(client: FlaskClient, data: dict[str, Any], **kwargs: Any) -> TestResponse:
    """GET the form, take its token, POST ``data`` (multipart) like a browser."""
    page = client.get("/feedback/new")
    assert page.status_code == 200
    return client.post("/feedback/new", data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data},
                       content_type="multipart/form-data", **kwargs)


def submit(client: FlaskClient, **overrides: Any) -> tuple[str, str]:
    """Submit a valid opinion; return (reference, tracking code) from the receipt page."""
    response = post_opinion(client, opinion(**overrides))
    assert response.status_code == 303, response.get_data(as_text=True)
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    return text_by_id(receipt, "case-reference"), text_by_id(receipt, "tracking-code")


def open_case(client: FlaskClient, reference: str, code: str, **kwargs: Any) -> TestResponse:
    """Look a case up on /track; returns the POST's response (303 to the case page on success).

    ``kwargs`` go to both requests (e.g. ``environ_base={"REMOTE_ADDR": ...}``)."""
    page = client.get("/track", **kwargs)
    return client.post("/track", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                       "reference": reference, "code": code}, **kwargs)
