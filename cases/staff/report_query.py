"""The report pages' filters: read from the query string, checked, and turned into ReportFilters.

The dashboard, progress per item and the downloads share one reading of the query string, so a
download holds exactly the numbers of the page it was started from. Bad input never reaches the
service: each wrong field gets a message in the reader's language and the page shows the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from cases.domain.states import CHANNELS, KINDS
from cases.domain.text_input import clean_line
from cases.extensions import db
from cases.models import Department
from cases.reports import ReportFilters, today
from cases.triage.links import current_problems

FIELDS = ("from", "to", "department", "problem", "channel", "kind")
MAX_DAYS = 366 * 5  # a longer period is a typing mistake, and a slow page


@dataclass
class ReportQuery:
    """The filters as typed (``values``), the filters to compute, and the refusals by field id."""

    values: dict[str, str]
    filters: ReportFilters
    errors: list[tuple[str, str]] = field(default_factory=list)

    def link_args(self) -> dict[str, str]:
        """The typed filters for links that keep them (downloads, other report pages)."""
        if self.errors:
            return {}  # the page shows the default period: so do its downloads
        return {name: value for name, value in self.values.items() if value}


def all_departments() -> list[Department]:
    """Every department, active first, for the filter and the names of the per-department table."""
    return list(db.session.scalars(select(Department).order_by(Department.active.desc(), Department.id)))


def _date(raw: str, name: str, errors: list[tuple[str, str]]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append((name, _("Enter a date as YYYY-MM-DD, for example 2024-03-31.")))
        return None


def _choice(raw: str, name: str, allowed: set[str], errors: list[tuple[str, str]]) -> str | None:
    if not raw:
        return None
    if raw not in allowed:
        errors.append((name, _("Choose one of the options in the list.")))
        return None
    return raw


def read_query(args: Mapping[str, str]) -> ReportQuery:
    """The report filters of a query string; defaults (this year up to today) for what is missing or wrong."""
    values = {name: clean_line(args.get(name, ""))[:40].strip() for name in FIELDS}
    errors: list[tuple[str, str]] = []
    now = today()
    start = _date(values["from"], "from", errors)
    end = _date(values["to"], "to", errors)
    start, end = start or date(now.year, 1, 1), end or now
    if end < start:
        errors.append(("to", _("The end of the period is before its start.")))
    elif (end - start).days > MAX_DAYS:
        errors.append(("to", _("Choose a period of at most five years.")))
    department = _choice(values["department"], "department", {d.code for d in all_departments()}, errors)
    problem = _choice(values["problem"], "problem", {p.code for p in current_problems()}, errors)
    channel = _choice(values["channel"], "channel", set(CHANNELS), errors)
    kind = _choice(values["kind"], "kind", set(KINDS), errors)
    if errors:
        # Nothing half-applied: a wrong field shows the default report, and says so next to the field.
        return ReportQuery(values, ReportFilters(date(now.year, 1, 1), now, as_of=now), errors)
    return ReportQuery(values, ReportFilters(start, end, department=department, problem=problem,
                                             channel=channel, kind=kind, as_of=now))
