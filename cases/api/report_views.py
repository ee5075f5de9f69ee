"""GET /api/v1/reports: the report module's figures (cases.reports), by machine name.

Sealed and unscreened cases count only for a user who may read them (access.can_read_unscreened),
as on every other face of the reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _

from cases.api import api_bp, api_user
from cases.api.case_views import invalid
from cases.reports import DEFINITIONS, GROUPINGS, ReportFilters, compute_figures, figures_by, today
from cases.triage.access import can_read_unscreened

# A report over more than this many days is refused (a decade of cases: ask for less).
MAX_DAYS = 3700
# The report's query parameters (the OpenAPI document is built from this list).
REPORT_PARAMETERS = {
    "from": "First day received (YYYY-MM-DD, Shanghai time; default: the first of this month)",
    "to": "Last day received, included (default: today)",
    "by": "Group by: " + ", ".join(GROUPINGS) + " (default: the total only)",
}


def _day(raw: str, default: date, name: str, errors: dict[str, list[str]]) -> date:
    raw = raw.strip()
    if not raw:
        return default
    try:
        if len(raw) == 10:  # fromisoformat also takes 20240301 and week dates: only the one shape
            return date.fromisoformat(raw)
    except ValueError:
        pass
    errors[name] = [_("Give a day as YYYY-MM-DD.")]
    return default


def parse_report_args(args: Mapping[str, str]) -> tuple[ReportFilters, str, dict[str, list[str]]]:
    """The period and grouping of a query string, and the errors of what we cannot use."""
    errors: dict[str, list[str]] = {}
    now = today()
    end = _day(args.get("to", ""), now, "to", errors)
    start = _day(args.get("from", ""), end.replace(day=1), "from", errors)
    if not errors and start > end:
        errors["from"] = [_("The first day comes after the last.")]
    elif not errors and end - start > timedelta(days=MAX_DAYS):
        errors["from"] = [_("Ask for at most ten years at a time.")]
    by = args.get("by", "").strip()
    if by and by not in GROUPINGS:
        errors["by"] = [_("Not a value we know: %(values)s.", values=", ".join(GROUPINGS))]
    return ReportFilters(start, end), by, errors


@api_bp.get("/reports")
def reports() -> Any:
    """The figures of cases received in a period: the total, and per group when ``by`` is given."""
    filters, by, errors = parse_report_args(request.args)
    if errors:
        return invalid(errors)
    sealed = can_read_unscreened(api_user())
    total = compute_figures(filters, viewer_may_see_sealed=sealed)
    answer: dict[str, Any] = {
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "by": by or None,
        "sealed_included": sealed,
        "definitions": {d.name: {"label": _(d.label), "help": _(d.help), "unit": d.unit, "days": d.days}
                        for d in DEFINITIONS},
        "total": total.as_dict(),
        "groups": [group.as_dict() for group in figures_by(by, filters, viewer_may_see_sealed=sealed)] if by
        else [],
    }
    return jsonify(answer)
