"""The inbox of every channel: filters, full-text search, keyset pagination and count badges."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, literal_column, or_, select, text
from sqlalchemy.orm import selectinload

from cases.domain import roles as role_names
from cases.domain.search_words import query_words
from cases.domain.states import OPEN_STATUSES, RECEIVED, REPLY_PENDING, STATUSES
from cases.domain.text_input import clean_line, parse_id
from cases.extensions import db
from cases.models import Case, CaseRating, Department, Problem, StaffUser
from cases.models.case import case_problem
from cases.triage.access import sealed_condition, visible_condition

REFERENCE = re.compile(r"^HQ-\d{4}-\d{6}$", re.IGNORECASE)
# A search is "common" when at least this many of the newest PROBE_ROWS cases match (see
# _common_search): a page of 50 is then found within about 10,000 rows walked newest first.
PROBE_ROWS = 500
COMMON_IN_PROBE = 3


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox is narrowed to; empty strings mean "any"."""

    status: str = ""
    channel: str = ""
    kind: str = ""
    problem: str = ""
    department: str = ""
    overdue: bool = False
    confidential: str = ""  # "", "yes" (sealed only) or "no"
    q: str = ""
    after: str = ""  # keyset cursor: "<received_at ISO>_<id>" of the last case shown

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilters:
        """The filters of a query string, cleaned: whatever a client sends, the query stays valid."""

        def value(name: str, limit: int = 40) -> str:
            return clean_line(args.get(name, ""))[:limit].strip()

        return cls(status=value("status"), channel=value("channel"), kind=value("kind"),
                   problem=value("problem"), department=value("department"),
                   overdue=args.get("overdue") == "1", confidential=value("confidential"),
                   q=value("q", 200), after=value("after", 80))

    def without_cursor(self) -> dict[str, str]:
        """The filters as query-string values (for links that keep them)."""
        values = {
            "status": self.status,
            "channel": self.channel,
            "kind": self.kind,
            "problem": self.problem,
            "department": self.department,
            "overdue": "1" if self.overdue else "",
            "confidential": self.confidential,
            "q": self.q,
        }
        return {key: value for key, value in values.items() if value}


def overdue_condition(today: date) -> ColumnElement[bool]:
    """SQL: the acceptance decision or the reply is late (``states.running_due`` in SQL)."""
    return or_(
        and_(Case.status == RECEIVED, Case.acceptance_due < today),
        and_(Case.status.in_(REPLY_PENDING), Case.reply_due < today),
    )


def search_condition(query: str, dialect: str, column: Any = None) -> ColumnElement[bool] | None:
    """SQL: the case holds every word of ``query`` (a reference is looked up directly); ``column``
    is the searched text when it is not the case's own (a subquery's)."""
    searched = Case.search_text if column is None else column
    query = query.strip()
    if REFERENCE.match(query):
        return Case.reference == query.upper()
    words = query_words(query)
    if not words:
        return None
    if dialect == "postgresql":
        # The same expression as the GIN index of migration 0004, or the index is not used.
        vector = func.to_tsvector(literal_column("'simple'"), searched)
        return vector.op("@@")(func.plainto_tsquery(literal_column("'simple'"), " ".join(words)))
    # The embedded mode: search_text holds the segmented words, so LIKE finds them.
    return and_(*(searched.like(f"%{_escape_like(word)}%", escape="\\") for word in words))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(user: StaffUser, filters: InboxFilters, today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [visible_condition(user)]
    if filters.status == "open":
        conditions.append(Case.status.in_(sorted(OPEN_STATUSES)))
    elif filters.status in STATUSES:
        conditions.append(Case.status == filters.status)
    if filters.channel:
        conditions.append(Case.channel == filters.channel)
    if filters.kind == "none":
        conditions.append(Case.kind.is_(None))
    elif filters.kind:
        conditions.append(Case.kind == filters.kind)
    if filters.problem:
        conditions.append(
            Case.id.in_(
                select(case_problem.c.case_id)
                .join(Problem, Problem.id == case_problem.c.problem_id)
                .where(Problem.code == filters.problem)
            )
        )
    if filters.department:
        conditions.append(
            Case.department_id
            == select(Department.id).where(Department.code == filters.department).scalar_subquery()
        )
    if filters.overdue:
        conditions.append(overdue_condition(today))
    if filters.confidential == "yes":
        conditions.append(sealed_condition())
    elif filters.confidential == "no":
        conditions.append(~sealed_condition())
    if filters.q:
        found = search_condition(filters.q, db.engine.dialect.name)
        if found is not None and role_names.can_see_contact(user.roles):
            found = or_(found, contact_condition(filters.q))
        elif role_names.can_see_contact(user.roles):
            found = contact_condition(filters.q)
        if found is not None:
            conditions.append(found)
    return conditions


def contact_condition(query: str) -> ColumnElement[bool]:
    """SQL: the sender's name or e-mail address is exactly ``query`` (for roles that see them)."""
    wanted = query.strip()
    if not wanted:
        return false()
    return or_(Case.submitter_email == wanted.lower(), Case.submitter_name == wanted)


def parse_cursor(cursor: str) -> tuple[datetime, int] | None:
    """(received_at, id) from a cursor, or None when it is missing or malformed."""
    stamp, _sep, number = cursor.rpartition("_")
    last_id = parse_id(number)
    if last_id is None:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC), last_id
    except (ValueError, OverflowError):  # not a date, or one that leaves the calendar in UTC
        return None


def make_cursor(case: Case) -> str:
    """The cursor that continues after ``case``."""
    return f"{case.received_at.astimezone(UTC).isoformat()}_{case.id}"


def inbox_select(user: StaffUser, filters: InboxFilters, today: date, page_size: int) -> Select[tuple[Case]]:
    """The page query: newest first by (received_at, id), one more row than a page to see if more follow."""
    query = select(Case).where(*_conditions(user, filters, today))
    cursor = parse_cursor(filters.after) if filters.after else None
    if cursor is not None:
        moment, last_id = cursor
        # The first condition alone is a range on the (received_at, id) index; the OR alone is not.
        query = query.where(
            Case.received_at <= moment,
            or_(Case.received_at < moment, Case.id < last_id),
        )
    return query.order_by(Case.received_at.desc(), Case.id.desc()).limit(page_size + 1)


def export_select(user: StaffUser, filters: InboxFilters, today: date) -> Select[tuple[Case]]:
    """Every case of the inbox's current filters (the cursor ignored), newest first, for a download:
    the same conditions as the pages, so the same access rules."""
    return select(Case).where(*_conditions(user, filters, today)).order_by(Case.received_at.desc(),
                                                                           Case.id.desc())


@dataclass(frozen=True)
class InboxPage:
    """One page of the inbox and the cursor of the next, if any."""

    cases: list[Case]
    next_cursor: str | None
    # The newest 好差评 level of each case of the page that has one (case id → 5 … 1).
    ratings: dict[int, int] = field(default_factory=dict)


def _common_search(filters: InboxFilters) -> bool:
    """Whether a PostgreSQL search matches so many cases that walking the newest first is cheaper.

    The planner multiplies the frequencies of the words as if they were independent (人才 and 公寓
    are not), takes a common phrase for a rare one, and fetches every match through the GIN index
    to sort them: hundreds of milliseconds at a million cases. A cheap probe tells the two apart:
    the newest PROBE_ROWS cases, read through the (received_at, id) index, checked row by row (a
    bounded cost, about 10 ms; counting the matches through the GIN index instead cost 100 ms for a
    word in half the cases).
    """
    if not filters.q or db.engine.dialect.name != "postgresql" or REFERENCE.match(filters.q.strip()):
        return False
    if search_condition(filters.q, "postgresql") is None:
        return False
    newest = (select(Case.search_text).order_by(Case.received_at.desc(), Case.id.desc())
              .limit(PROBE_ROWS).subquery())
    matches = db.session.scalar(select(func.count()).select_from(newest).where(
        search_condition(filters.q, "postgresql", newest.c.search_text)))
    return (matches or 0) >= COMMON_IN_PROBE


def inbox_page(user: StaffUser, filters: InboxFilters, today: date, page_size: int) -> InboxPage:
    """Load one page of the inbox."""
    query = inbox_select(user, filters, today, page_size).options(
        selectinload(Case.department), selectinload(Case.problems)
    )
    common = _common_search(filters)
    if common:
        # Newest first through the (received_at, id) index, checking the words row by row: a
        # common search fills a page after a few hundred rows.
        db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
        # Starting parallel workers costs more than the few hundred rows a page needs.
        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    try:
        rows = list(db.session.scalars(query))
    finally:
        if common:
            db.session.execute(text("RESET enable_bitmapscan"))
            db.session.execute(text("RESET max_parallel_workers_per_gather"))
    more = len(rows) > page_size
    rows = rows[:page_size]
    return InboxPage(rows, make_cursor(rows[-1]) if more and rows else None,
                     latest_ratings([case.id for case in rows]))


def latest_ratings(case_ids: list[int]) -> dict[int, int]:
    """The newest rating level of each of these cases that has one: one query for the whole page,
    through the case_id index of the few rating rows, whatever the page's filters cost."""
    if not case_ids:
        return {}
    newest = (select(func.max(CaseRating.id)).where(CaseRating.case_id.in_(case_ids))
              .group_by(CaseRating.case_id))
    rows = db.session.execute(select(CaseRating.case_id, CaseRating.level).where(CaseRating.id.in_(newest)))
    return {case_id: level for case_id, level in rows}


def count_badges(user: StaffUser, today: date) -> dict[str, int]:
    """How many visible cases wait in each open status, how many are overdue and sealed (one pass)."""
    rows = db.session.execute(
        select(
            Case.status,
            func.count(),
            func.count().filter(overdue_condition(today)),
            func.count().filter(sealed_condition()),
        )
        .where(visible_condition(user), Case.status.in_(sorted(OPEN_STATUSES)))
        .group_by(Case.status)
    ).all()
    badges = {status: 0 for status in STATUSES if status in OPEN_STATUSES}
    badges["overdue"] = badges["sealed_open"] = 0
    for status, count, overdue, sealed in rows:
        badges[status] = count
        badges["overdue"] += overdue
        badges["sealed_open"] += sealed
    return badges
