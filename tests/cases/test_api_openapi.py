"""The OpenAPI document (issue 15, point 2): every /api/v1 route, action and filter is in it, and it is
a valid OpenAPI 3.1 document that needs no token."""

from __future__ import annotations

import re

from flask import Flask

from cases.api.action_views import API_ACTIONS
from cases.api.case_views import LIST_PARAMETERS


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_every_route_action_and_filter_is_in_the_document(app: Flask, client) -> None:  # noqa: ANN001
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200  # no token needed: it holds no data
    document = answer.get_json()
    assert document["openapi"] == "3.1.0"
    routes = {(_path(rule.rule), method.lower()) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    listed = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes and routes <= listed, routes - listed
    action = document["paths"]["/api/v1/cases/{reference}/actions/{action}"]["post"]
    [name] = [p for p in action["parameters"] if p["name"] == "action"]
    assert set(name["schema"]["enum"]) == set(API_ACTIONS)
    assert set(API_ACTIONS) >= {"accept", "draft_reply", "send_reply", "approve", "send_back", "note"}
    for name, spec in API_ACTIONS.items():  # each action has its own path and body
        body = document["paths"][f"/api/v1/cases/{{reference}}/actions/{name}"]["post"]["requestBody"]
        assert set(body["content"]["application/json"]["schema"]["properties"]) == set(spec.fields)
    filters = {p["name"] for p in document["paths"]["/api/v1/cases"]["get"]["parameters"]}
    assert filters == {parameter.name for parameter in LIST_PARAMETERS}


def test_the_document_is_valid_openapi(client) -> None:  # noqa: ANN001
    import schemathesis

    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").get_json())
    labels = {op.ok().label for op in schema.get_all_operations()}
    assert labels >= {"GET /api/v1/cases", "POST /api/v1/cases/{reference}/actions/{action}"}
