"""schemathesis against the API's own OpenAPI document (issue 15, point 4): cases, steps and figures
asked with generated parameters and bodies, with a token, on the real database; no answer is a
server error and every answer matches the document (status, content type, schema)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from cases.extensions import db
from cases.triage import decisions
from tests.cases.api_support import token_for
from tests.cases.triage_support import RECEIVED, new_case, setup_departments, staff

pytestmark = pytest.mark.slow  # Fuzzing: thousands of requests.

CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]


@pytest.fixture
def api_schema(app: Flask, catalogue: object) -> Iterator[object]:
    """The document, loaded through the app itself (WSGI), with a few cases to find."""
    setup_departments()
    triager = staff("triager")
    # A supervisor triages and still sees a case the fuzzer seals (mark_accusation): the steps go on.
    supervisor = staff("supervisor")
    cases = [new_case(body, problems=("1.1",)) for body in ("核心区楼宇空置率高，建议公开出租率。",
                                                             "申长路公交接驳不便。", "请问办事时间？")]
    for case in cases[:2]:
        decisions.accept(case, actor=triager, now=RECEIVED, kind="suggestion")
    db.session.commit()
    app.config.update(API_RATE_LIMIT="100000 per minute", API_ADDRESS_RATE_LIMIT="100000 per minute")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.token = token_for(supervisor)  # type: ignore[attr-defined]
    schema.references = [case.reference for case in cases]  # type: ignore[attr-defined]
    yield schema


FUZZ = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much])


def test_no_server_error_and_every_answer_matches_the_document(api_schema) -> None:  # noqa: ANN001
    headers = {"Authorization": f"Bearer {api_schema.token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 5 + 20  # one operation per action besides the generic one
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy(), known=st.sampled_from(api_schema.references), real=st.booleans())
        def call(case: schemathesis.Case, known: str, real: bool) -> None:
            if real and case.path_parameters and "reference" in case.path_parameters:
                case.path_parameters["reference"] = known  # half the time a case that exists
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
