"""The OpenAPI 3.1 document of /api/v1, built from the lists the views use (LIST_PARAMETERS,
API_ACTIONS, REPORT_PARAMETERS), so that a filter or an action cannot exist without its entry.
Its descriptions are for integrators, in English. A test checks that every /api/v1 route is in it.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from cases.api import api_bp
from cases.api.action_views import API_ACTIONS
from cases.api.case_views import LIST_PARAMETERS, MAX_LIMIT
from cases.api.report_views import REPORT_PARAMETERS
from cases.domain.states import CHANNELS, KINDS, STATUSES
from cases.reports import GROUPINGS, NAMES

STRING = {"type": "string"}
TEXT_OR_NULL = {"type": ["string", "null"]}
DAY_OR_NULL = {"type": ["string", "null"], "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


_PERSON = _object({"id": {"type": ["integer", "null"]}, "name": STRING})
_SUMMARY = {
    "reference": {"type": "string", "pattern": "^HQ-[0-9]{4}-[0-9]{6}$"},
    "status": {"type": "string", "enum": list(STATUSES)},
    "status_label": STRING,
    "kind": {"type": ["string", "null"], "enum": [*KINDS, None]},
    "kind_label": STRING,
    "channel": {"type": "string", "enum": list(CHANNELS)},
    "channel_label": STRING,
    "subject": STRING,
    "received_at": MOMENT,
    "department": {"oneOf": [{"type": "null"}, _object({"code": STRING, "name": STRING})]},
    "problems": {"type": "array", "items": STRING},
    "acceptance_due": DAY_OR_NULL,
    "reply_due": DAY_OR_NULL,
    "overdue": {"type": "boolean"},
    "sealed": {"type": "boolean"},
    "held": {"type": "boolean"},
    "rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
    "rating_label": TEXT_OR_NULL,
}
_MESSAGE = _object(
    {
        "id": {"type": "integer"},
        "direction": {"type": "string", "enum": ["inbound", "outbound", "note"]},
        "purpose": TEXT_OR_NULL,
        "purpose_label": TEXT_OR_NULL,
        "created_at": MOMENT,
        "author": {"oneOf": [{"type": "null"}, _PERSON]},
        "subject": STRING,
        "body_text": STRING,
        "delivery_status": TEXT_OR_NULL,
        "delivery_label": TEXT_OR_NULL,
        "attachments": {
            "type": "array",
            "items": _object(
                {
                    "id": {"type": "integer"},
                    "filename": STRING,
                    "content_type": STRING,
                    "size": {"type": "integer"},
                }
            ),
        },
    }
)
_EVENT = _object(
    {
        "at": MOMENT,
        "action": STRING,
        "label": STRING,
        "actor": _PERSON,
        "from_status": TEXT_OR_NULL,
        "to_status": TEXT_OR_NULL,
        "reason": STRING,
    }
)
_CONTACT = _object(
    {
        "anonymous": {"type": "boolean"},
        "name": STRING,
        "email": STRING,
        "phone": STRING,
        "email_undeliverable": {"type": "boolean"},
    }
)
_DETAIL = {
    **_SUMMARY,
    "tasks": {"type": "array", "items": _object({"id": {"type": "integer"}, "headline": STRING})},
    "handler": {"oneOf": [{"type": "null"}, _PERSON]},
    "extension_days": {"type": "integer"},
    "review_round": {"type": "integer"},
    "referred_to": TEXT_OR_NULL,
    "duplicate_of": TEXT_OR_NULL,
    "due_estimated": {"type": "boolean"},
    "contact": {
        "description": "Only for roles that contact the person",
        "oneOf": [{"type": "null"}, _CONTACT],
    },
    "messages": {"type": "array", "items": _MESSAGE},
    "events": {"type": "array", "items": _EVENT},
    "allowed_actions": {
        "type": "array",
        "items": _object({"action": {"type": "string", "enum": list(API_ACTIONS)}, "label": STRING}),
    },
}
_FIELDS = {"type": "object", "additionalProperties": {"type": "array", "items": STRING}}
_ERROR = _object({"error": STRING, "message": STRING, "fields": _FIELDS})
_FIGURES = {
    "type": "object",
    "properties": {"group": STRING, **{name: {"type": ["number", "null"]} for name in NAMES}},
    "required": ["group", *NAMES],
}
SCHEMAS = {
    "Error": _ERROR,
    "Conflict": {
        **_ERROR,
        "properties": {
            **_ERROR["properties"],
            "status": STRING,
            "allowed_actions": {"type": "array", "items": STRING},
        },
        "required": [*_ERROR["required"], "status", "allowed_actions"],
    },
    "CaseSummary": _object(_SUMMARY),
    "CaseList": _object({"items": {"type": "array", "items": _ref("CaseSummary")}, "next": TEXT_OR_NULL}),
    "Case": _object(_DETAIL),
    "ActionDone": _object(
        {
            "done": {"type": "string", "enum": list(API_ACTIONS)},
            "case": {"oneOf": [{"type": "null"}, _ref("Case")]},
        }
    ),
    "Report": _object(
        {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "by": {"type": ["string", "null"], "enum": [*GROUPINGS, None]},
            "sealed_included": {"type": "boolean"},
            "definitions": {"type": "object"},
            "total": _FIGURES,
            "groups": {"type": "array", "items": _FIGURES},
        }
    ),
    "Catalogue": {"type": "object", "properties": {"areas": {"type": "array"}}, "required": ["areas"]},
}


def _error(description: str, schema: str = "Error") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _ok(schema: str) -> dict[str, Any]:
    return {"description": "OK", "content": {"application/json": {"schema": _ref(schema)}}}


_COMMON = {"401": _error("No valid token"), "429": _error("Too many requests for this token")}


def _query(name: str, description: str, choices: list[str] | None = None, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **({"enum": choices} if choices else {}), **schema},
    }


def _list_parameters() -> list[dict[str, Any]]:
    static = {
        "status": ["open", *STATUSES],
        "channel": list(CHANNELS),
        "kind": [*KINDS, "none"],
        "confidential": ["yes", "no"],
        "overdue": ["true", "false", "1", "0"],
    }
    found = []
    for parameter in LIST_PARAMETERS:
        if parameter.name == "limit":
            found.append(
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "description": parameter.description,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                }
            )
        else:
            found.append(_query(parameter.name, parameter.description, static.get(parameter.name)))
    return found


def _action_body(fields: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON body of an action: its form's fields (any action's, for the generic path)."""
    if fields is None:
        schema: dict[str, Any] = {"type": "object"}
        description = "The fields of the case page's form for this action (see the path of each action)"
    else:
        schema = {"type": "object", "properties": fields}
        description = "The fields of the case page's form for this action"
    return {
        "description": description,
        "required": False,
        "content": {"application/json": {"schema": schema}},
    }


_ACTION_ANSWERS = {
    "200": _ok("ActionDone"),
    "403": _error("This user may not"),
    "404": _error("No such case or action"),
    "409": _error("Not in this status, or a colleague has it open", "Conflict"),
    "422": _error("The body is wrong"),
    **_COMMON,
}
_REFERENCE = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}


def _action_paths() -> dict[str, Any]:
    """One path per action, with its own body (a concrete path wins over the generic {action} one)."""
    return {
        f"/api/v1/cases/{{reference}}/actions/{name}": {
            "post": {
                "operationId": f"action_{name}",
                "summary": f"The case page's step {name}"
                + (f" (the state table's {action.transition})" if action.transition else ""),
                "parameters": [_REFERENCE],
                "requestBody": _action_body(action.fields),
                "responses": _ACTION_ANSWERS,
            }
        }
        for name, action in API_ACTIONS.items()
    }


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the JSON API."""
    reference = _REFERENCE
    action = {
        "name": "action",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(API_ACTIONS)},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hongqiao CBD supervision feedback API",
            "version": "1",
            "description": "Cases, their steps, reports and the catalogue. Every request carries "
            "Authorization: Bearer <token>; a token has its user's permissions. Errors are "
            "{error, message, fields}, the message in the Accept-Language language.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/api/v1/catalogue": {
                "get": {
                    "operationId": "catalogue",
                    "summary": "The rectification catalogue",
                    "responses": {"200": _ok("Catalogue"), "404": _error("No catalogue"), **_COMMON},
                }
            },
            "/api/v1/cases": {
                "get": {
                    "operationId": "listCases",
                    "summary": "Cases this user may see, newest first",
                    "parameters": _list_parameters(),
                    "responses": {"200": _ok("CaseList"), "422": _error("A filter we cannot use"), **_COMMON},
                }
            },
            "/api/v1/cases/{reference}": {
                "get": {
                    "operationId": "showCase",
                    "summary": "One case as its page shows it to this user",
                    "parameters": [reference],
                    "responses": {
                        "200": _ok("Case"),
                        "404": _error("No such case, or not for this user"),
                        **_COMMON,
                    },
                }
            },
            "/api/v1/cases/{reference}/actions/{action}": {
                "post": {
                    "operationId": "caseAction",
                    "summary": "Take one step the case page offers",
                    "parameters": [reference, action],
                    "requestBody": _action_body(),
                    "responses": _ACTION_ANSWERS,
                }
            },
            **_action_paths(),
            "/api/v1/reports": {
                "get": {
                    "operationId": "reports",
                    "summary": "Report figures by machine name",
                    "parameters": [
                        _query(name, text, list(GROUPINGS) if name == "by" else None)
                        for name, text in REPORT_PARAMETERS.items()
                    ],
                    "responses": {
                        "200": _ok("Report"),
                        "422": _error("A period or grouping we cannot use"),
                        **_COMMON,
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }


@api_bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI document (no token needed: it holds no data)."""
    return jsonify(document())
