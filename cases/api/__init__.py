"""The JSON API under /api/v1 (issue 15): the machine face of the same services as the staff pages.

Every request names its user with ``Authorization: Bearer <token>`` (cases.api_tokens); the user's
own permissions apply, no more. Errors are JSON, ``{"error", "message", "fields"}``, with the
message in the language of ``Accept-Language``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from cases.api_tokens import token_for_secret
from cases.catalogue import catalogue_as_dict, current_plan
from cases.events import act_through_token
from cases.extensions import csrf, db, limiter
from cases.models import StaffUser
from cases.models.types import utcnow

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
# No cookie is involved: a token in a header cannot be sent by another site's page.
csrf.exempt(api_bp)
# What an integrator reads before having a token: the description of the API, no data.
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


def _token_key() -> str:
    """The rate limit's key: the presented token (its hash: the limiter's storage never holds a token),
    else the client address. Read from the header, before the token is looked up."""
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return "api-token:" + hashlib.sha256(value.strip().encode("utf-8", "replace")).hexdigest()[:32]
    return "api-address:" + (get_remote_address() or "")


def _token_limit() -> str:
    # Read per request, so operators (and tests) can change it without re-importing the view.
    return str(current_app.config["API_RATE_LIMIT"])


def _address_limit() -> str:
    return str(current_app.config["API_ADDRESS_RATE_LIMIT"])


# Per token; and per address, so that trying made-up tokens (each a key of its own) is bounded too.
limiter.limit(_token_limit, key_func=_token_key)(api_bp)
limiter.limit(_address_limit, key_func=lambda: "api-from:" + (get_remote_address() or ""))(api_bp)


def api_error(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> Response:
    """A JSON error answer in the agreed shape."""
    response = jsonify({"error": code, "message": message, "fields": fields or {}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="hqcbd"'
    return response


_ERROR_CODES = {400: "bad_request", 401: "unauthorised", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
                429: "too_many_requests"}


def _message(status: int) -> str:
    messages = {
        400: _("The request could not be read."),
        401: _("A valid API token is needed: Authorization: Bearer <token>."),
        403: _("Your account may not do this."),
        404: _("There is no such thing here."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        429: _("Too many requests: wait a moment and try again."),
    }
    return str(messages.get(status, _("Something went wrong on our side.")))


def error_for_status(status: int) -> Response:
    """The JSON answer for an HTTP error status (also used by the app's handlers for /api/ paths)."""
    return api_error(status, _ERROR_CODES.get(status, "error"), _message(status))


def not_found() -> Response:
    """404: no such thing, or one this user may not see (the answer tells the two apart for nobody)."""
    return error_for_status(404)


@api_bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return error_for_status(error.code or 500)


@api_bp.before_request
def _require_token() -> Response | None:
    # The token in the header, and only it: a staff session cookie never counts here, so a page
    # on another site cannot make a signed-in browser act through the API (there is no CSRF token).
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    token = None
    if scheme.lower() == "bearer" and value.strip():
        token = token_for_secret(value.strip(), now=utcnow())
        db.session.commit()  # the token's last use, before the view's own unit of work
    if token is None:
        return api_error(401, "unauthorised", _message(401))
    g.api_user = token.user
    act_through_token(token.id, token.name)
    return None


def api_user() -> StaffUser:
    """The staff member whose token made this request."""
    return g.api_user  # type: ignore[no-any-return]


@api_bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Vary", "Authorization, Accept-Language")
    return response


@api_bp.get("/catalogue")
def catalogue() -> Any:
    """The rectification catalogue: areas, problems, tasks and measures of the current notice."""
    plan = current_plan()
    if plan is None:
        return api_error(404, "not_found", _message(404))
    return jsonify(catalogue_as_dict(plan))


from cases.api import (  # noqa: E402,F401  (registers the routes)
    action_views,
    case_views,
    openapi,
    report_views,
)
