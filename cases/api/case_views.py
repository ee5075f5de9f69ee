"""GET /api/v1/cases and /api/v1/cases/{reference}: the inbox and the case page, as JSON.

The list is the inbox's own query (cases.triage.inbox: its filters, access condition and keyset
paging); the case is what its page shows this user (cases.api.shapes), with every view of a sealed
or held case written to its trail exactly as the page does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from cases.api import api_bp, api_error, api_user, not_found
from cases.api.shapes import case_detail, case_summary, overdue_ids
from cases.domain.states import CHANNELS, KINDS, STATUSES
from cases.extensions import db
from cases.models import Case, Department
from cases.models.types import utcnow
from cases.outbox import commit_and_dispatch
from cases.staff.case_views import log_sealed_view
from cases.triage import access
from cases.triage.calendar import local_date
from cases.triage.inbox import InboxFilters, inbox_page, parse_cursor
from cases.triage.links import current_problems

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
TRUE_WORDS = ("1", "true", "yes")
FALSE_WORDS = ("", "0", "false", "no")


@dataclass(frozen=True)
class ListParameter:
    """A query parameter of the case list: its name, its allowed values (None: free) and its help
    (for the OpenAPI document, in English like the rest of it)."""

    name: str
    description: str
    choices: Callable[[], list[str]] | None = None


def _department_codes() -> list[str]:
    return list(db.session.scalars(select(Department.code).order_by(Department.id)))


def _problem_codes() -> list[str]:
    return [problem.code for problem in current_problems()]


# The inbox's filters, as the API takes them (the OpenAPI document is built from this list).
LIST_PARAMETERS = (
    ListParameter("status", ("A status, or open for every open one"), lambda: ["open", *STATUSES]),
    ListParameter("department", ("A department code"), _department_codes),
    ListParameter("problem", ("A rectification problem code, like 1.1"), _problem_codes),
    ListParameter("channel", ("How the case came in"), lambda: list(CHANNELS)),
    ListParameter("kind", ("The kind of the case, or none for not yet set"), lambda: [*KINDS, "none"]),
    ListParameter("confidential", ("yes: sealed cases only; no: none of them"), lambda: ["yes", "no"]),
    ListParameter("q", ("Words of the case, or its reference")),
    ListParameter("overdue", ("true: overdue cases only"), lambda: [*TRUE_WORDS, *FALSE_WORDS[1:]]),
    ListParameter("cursor", ("The next value of the previous page")),
    ListParameter("limit", ("Cases per page (1 to 200, default 50)")),
)


def _limit(raw: str, errors: dict[str, list[str]]) -> int:
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw[:6]) <= MAX_LIMIT:
        errors["limit"] = [_("Give a number from 1 to %(most)d.", most=MAX_LIMIT)]
        return DEFAULT_LIMIT
    return int(raw)


def parse_list_args(args: Mapping[str, str]) -> tuple[InboxFilters, int, dict[str, list[str]]]:
    """The inbox filters and page size of a query string, and the errors of any value we do not know."""
    errors: dict[str, list[str]] = {}
    overdue = args.get("overdue", "").strip().lower()
    if overdue not in TRUE_WORDS + FALSE_WORDS:
        errors["overdue"] = [_("Give true or false.")]
    cursor = args.get("cursor", "").strip()
    if cursor and parse_cursor(cursor) is None:
        errors["cursor"] = [_("This cursor is not one we gave: start again without it.")]
    wanted = {**args, "after": cursor, "overdue": "1" if overdue in TRUE_WORDS else ""}
    filters = InboxFilters.from_args(wanted)
    for parameter in LIST_PARAMETERS:
        value = getattr(filters, parameter.name, None)
        if parameter.choices is None or not isinstance(value, str) or not value:
            continue
        known = parameter.choices()
        if value not in known:
            errors[parameter.name] = [_("Not a value we know: %(values)s.", values=", ".join(known))]
    limit = _limit(args.get("limit", "").strip(), errors)
    return filters, limit, errors


def invalid(fields: dict[str, list[str]]) -> Response:
    """422 with the field errors."""
    return api_error(422, "invalid", _("The request has values we cannot use: see fields."), fields)


@api_bp.get("/cases")
def list_cases() -> Any:
    """The cases this token's user may see, newest first, with the inbox's filters and cursor paging."""
    filters, limit, errors = parse_list_args(request.args)
    if errors:
        return invalid(errors)
    today = local_date(utcnow())
    page = inbox_page(api_user(), filters, today, limit)
    overdue = overdue_ids([case.id for case in page.cases], today)
    items = [case_summary(case, case.id in overdue, page.ratings.get(case.id)) for case in page.cases]
    return jsonify({"items": items, "next": page.next_cursor})


def visible_case(reference: str) -> Case | None:
    """The case if the token's user may see it (None otherwise, so that a reference tells nothing)."""
    case = db.session.scalar(select(Case).where(Case.reference == reference.upper()[:20]))
    if case is None or not access.can_view(api_user(), case):
        return None
    return case


@api_bp.get("/cases/<reference>")
def show_case(reference: str) -> Any:
    """One case as its page shows it to this user; a look at a sealed or held case is logged."""
    case = visible_case(reference)
    if case is None:
        return not_found()
    log_sealed_view(case, "api", api_user())
    commit_and_dispatch()
    return jsonify(case_detail(api_user(), case, utcnow()))
