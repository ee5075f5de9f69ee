"""Fuzzing the pages the public and staff send data to: zero server errors (issue 11, point 9).

Hypothesis writes the input nobody types in a test: control characters and NUL bytes, huge and
negative numbers, right-to-left marks, half-formed references, every Unicode category. Each page is
driven over HTTP against the real database, with its CSRF token, as a browser would; a 5xx fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cases.triage_support import csrf_any, login, new_case, setup_departments, staff
from tests.feedback.helpers import open_case, submit

# PostgreSQL is where odd text used to fail (NUL, lengths); slow: fuzzing.
pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text as an attacker would send it: any code point (but lone surrogates, which no HTTP client can
# encode), with the awkward ones made likely.
AWKWARD = st.sampled_from(["\x00", "\r\n", "\u202e", "\u2028", "\x1b", "\x7f", "\x85", "\ufeff", "%00",
                           "../", "'", '"', "<script>", "HQ-2026-", "-", "9" * 25, " ", "\t"])
TEXT = st.lists(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), AWKWARD),
                max_size=8).map("".join)
NUMBERS = st.one_of(st.integers(min_value=-(2**80), max_value=2**80).map(str), TEXT)


@pytest.fixture
def fuzz_app(app: Flask, catalogue: object) -> Iterator[Flask]:
    """The app with limits high enough that the fuzzer meets the pages, not the rate limiter."""
    app.config.update(FEEDBACK_RATE_LIMIT="100000 per hour", TRACK_RATE_LIMIT="100000 per hour",
                      TRACK_LOCKOUT_FAILURES=0, LOGIN_THROTTLE="100000 per hour")
    setup_departments()
    yield app


def _ok(response: Any, what: object) -> None:
    assert response.status_code < 500, (response.status_code, what)


@FUZZ
@given(fields=st.fixed_dictionaries({
    "subject": TEXT, "body": TEXT, "name": TEXT, "email": TEXT, "phone": TEXT,
    "problem": st.one_of(TEXT, st.sampled_from(["1.1", "4.2", ""])),
    "anonymous": st.sampled_from(["", "y", "\x00"]), "consent": st.sampled_from(["", "y", "no"]),
}))
def test_the_opinion_form(fuzz_app: Flask, client: FlaskClient, fields: dict[str, str]) -> None:
    token = csrf_any(client.get("/feedback/new").get_data(as_text=True))
    response = client.post("/feedback/new", data={"csrf_token": token, **fields},
                           content_type="multipart/form-data")
    _ok(response, fields)
    if response.status_code == 303:
        _ok(client.get(response.headers["Location"]), "receipt")


@FUZZ
@given(reference=TEXT, code=TEXT)
def test_the_tracking_form(fuzz_app: Flask, client: FlaskClient, reference: str, code: str) -> None:
    _ok(open_case(client, reference, code), (reference, code))


@FUZZ
@given(text=TEXT, level=NUMBERS, comment=TEXT)
def test_the_follow_up_and_rating_forms(fuzz_app: Flask, client: FlaskClient, text: str, level: str,
                                        comment: str) -> None:
    reference, code = submit(client)
    assert open_case(client, reference, code).status_code == 303
    token = csrf_any(client.get("/track/case").get_data(as_text=True))
    _ok(client.post("/track/case/information", data={"csrf_token": token, "text": text}), text)
    _ok(client.post("/track/case/rating", data={"csrf_token": token, "level": level, "comment": comment}),
        (level, comment))


INBOX_KEYS = st.sampled_from(["status", "channel", "kind", "problem", "department", "overdue",
                              "confidential", "q", "after", "page", "x"])


@FUZZ
@given(params=st.dictionaries(INBOX_KEYS, st.one_of(TEXT, NUMBERS), max_size=5),
       raw=st.binary(max_size=40))
def test_the_staff_inbox_parameters(fuzz_app: Flask, client: FlaskClient, params: dict[str, str],
                                    raw: bytes) -> None:
    if not client.get_cookie("session"):
        staff("triager")
        new_case()
        login(client, "triager")
    _ok(client.get("/staff/cases", query_string=params), params)
    # Bytes that are no valid query string (the environment carries them as latin-1, as a server does).
    _ok(client.get("/staff/cases", query_string=raw.decode("latin-1")), raw)
