"""An Open311 GeoReport v2 style public feed (read-only, no token): the rectification problems as
services, and the accepted suggestion cases as service requests.

Only what is public: never a name, address, phone or the person's own text, never an accusation, a
sealed or a held case, nor one not (yet) accepted. ``status_notes`` carries the committee's answers
to the points of the reply once it was sent (never its opening and closing, which address the person).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import get_locale
from sqlalchemy import and_, not_, select
from sqlalchemy.orm import selectinload

from cases.domain import states
from cases.extensions import db, limiter
from cases.models import Case, CaseMessage, Department, Problem, ReplyDraft
from cases.triage.access import restricted_condition
from cases.triage.links import current_problems

open311_bp = Blueprint("open311", __name__, url_prefix="/api/open311/v2")

# GeoReport v2: without dates, the last 90 days; at most 1000 requests an answer.
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
# Accepted and beyond: a case that was not (yet) accepted is not public.
PUBLIC_STATUSES = tuple(sorted(states.REPLY_PENDING | {states.REPLIED, states.CLOSED}))


def _limit() -> str:
    return str(current_app.config["OPEN311_RATE_LIMIT"])


def _name(department: Department | None) -> str | None:
    if department is None:
        return None
    english = get_locale() is not None and get_locale().language == "en"
    return department.name_en if english else department.name_zh


def _end_of(day: date | None) -> str | None:
    """The end of a due day, local time (GeoReport gives date-times)."""
    if day is None:
        return None
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone).isoformat()


def _error(status: int, description: str) -> Response:
    response = jsonify([{"code": status, "description": description}])
    response.status_code = status
    return response


@open311_bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@open311_bp.get("/services.json")
@limiter.limit(_limit)
def services() -> Any:
    """One service per rectification problem of the current notice."""
    return jsonify([{"service_code": problem.code, "service_name": problem.title,
                     "description": problem.title, "metadata": False, "type": "batch", "keywords": "",
                     "group": problem.area.title} for problem in current_problems()])


def _moment(raw: str, default: datetime) -> datetime | None:
    if not raw:
        return default
    try:
        moment = datetime.fromisoformat(raw.strip()[:40])
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def public_condition() -> Any:
    """SQL: the cases the feed shows (accepted suggestions, never sealed nor held)."""
    return and_(Case.kind == "suggestion", not_(restricted_condition()), Case.status.in_(PUBLIC_STATUSES),
                Case.accepted_at.is_not(None))


def _notes(case: Case, replies: dict[int, ReplyDraft]) -> str | None:
    """The answers of the reply sent last (its points' answers only), or None before a reply."""
    draft = replies.get(case.id)
    if draft is None:
        return None
    answers = [str(point.get("answer", "")).strip() for point in draft.points or []]
    return "\n".join(answer for answer in answers if answer) or None


def _sent_replies(case_ids: list[int]) -> dict[int, ReplyDraft]:
    rows = db.session.execute(
        select(CaseMessage.case_id, ReplyDraft).join(ReplyDraft, ReplyDraft.id == CaseMessage.draft_id)
        .where(CaseMessage.case_id.in_(case_ids), CaseMessage.direction == "outbound",
               CaseMessage.purpose == "reply").order_by(CaseMessage.id))
    return {case_id: draft for case_id, draft in rows}  # the newest reply wins


@open311_bp.get("/requests.json")
@limiter.limit(_limit)
def requests_json() -> Any:
    """Accepted suggestion cases (GeoReport v2 service requests): service_code, status, start_date,
    end_date and service_request_id (comma-separated references) narrow them."""
    now = datetime.now(UTC)
    end = _moment(request.args.get("end_date", ""), now)
    start = _moment(request.args.get("start_date", ""), (end or now) - timedelta(days=DEFAULT_DAYS))
    if start is None or end is None:
        return _error(400, "start_date and end_date are ISO 8601 date-times")
    query = select(Case).where(public_condition(), Case.received_at >= start, Case.received_at <= end)
    wanted = [r.strip().upper() for r in request.args.get("service_request_id", "").split(",") if r.strip()]
    if wanted:
        query = select(Case).where(public_condition(), Case.reference.in_(wanted[:MAX_REQUESTS]))
    status = request.args.get("status", "").strip()
    if status not in ("", "open", "closed"):
        return _error(400, "status is open or closed")
    if status:
        closed = Case.status == states.CLOSED
        query = query.where(closed if status == "closed" else not_(closed))
    code = request.args.get("service_code", "").strip()
    if code:
        query = query.where(Case.problems.any(Problem.code == code[:16]))
    cases = list(db.session.scalars(query.options(selectinload(Case.problems), selectinload(Case.department))
                                    .order_by(Case.received_at.desc(), Case.id.desc()).limit(MAX_REQUESTS)))
    replies = _sent_replies([case.id for case in cases])
    return jsonify([{
        "service_request_id": case.reference,
        "status": "closed" if case.status == states.CLOSED else "open",
        "status_notes": _notes(case, replies),
        "service_name": case.problems[0].title if case.problems else None,
        "service_code": case.problems[0].code if case.problems else None,
        "agency_responsible": _name(case.department),
        "requested_datetime": case.received_at.isoformat(),
        "updated_datetime": case.updated_at.isoformat() if case.updated_at else None,
        "expected_datetime": _end_of(case.reply_due),
    } for case in cases])
