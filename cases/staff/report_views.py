"""The staff report pages: the dashboard of every figure, with filters, per department and a chart.

Who may read them is ``roles.can_see_reports``; whether sealed accusations and unscreened cases are
counted is ``access.can_read_unscreened`` (the report service leaves them out otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import render_template, request

from cases.domain.roles import can_see_reports
from cases.domain.states import CHANNELS, KINDS
from cases.reports import compute_figures, figures_by
from cases.staff import staff_bp
from cases.staff.admin_common import me, roles_gate
from cases.staff.labels import channel_label, kind_label
from cases.staff.report_chart import bar_chart
from cases.staff.report_query import all_departments, read_query
from cases.staff.report_tables import (
    KEY_FIGURES,
    department_name,
    figure_rows,
    format_value,
    group_namer,
    help_of,
    label_of,
)
from cases.triage.access import can_read_unscreened
from cases.triage.links import current_problems

F = TypeVar("F", bound=Callable[..., Any])
CHART_FIGURE = "response_rate"


def reports_required(view: F) -> F:
    """Only the roles that read reports: a visitor goes to the login page, others get a 403."""
    return roles_gate(can_see_reports)(view)


def filter_choices() -> dict[str, Any]:
    """What the filter form offers, and the label helpers its template uses."""
    return {"department_options": [(d.code, department_name(d)) for d in all_departments()],
            "problem_options": [(p.code, p.code) for p in current_problems()],
            "channel_options": [(c, channel_label(c)) for c in CHANNELS],
            "kind_options": [(k, kind_label(k)) for k in KINDS]}


@staff_bp.route("/reports")
@reports_required
def reports() -> tuple[str, int]:
    """Every figure of the filtered period, a table per department and a chart of the response rate."""
    query = read_query(request.args)
    sealed = can_read_unscreened(me())
    total = compute_figures(query.filters, viewer_may_see_sealed=sealed)
    departments = all_departments()
    name = group_namer("department", departments)
    groups = figures_by("department", query.filters, viewer_may_see_sealed=sealed)
    by_department = [(name(row.group), [format_value(key, row[key]) for key in KEY_FIGURES])
                     for row in groups]
    chart = bar_chart([(name(row.group), row[CHART_FIGURE], format_value(CHART_FIGURE, row[CHART_FIGURE]))
                       for row in groups])
    return render_template(
        "staff/reports.html", query=query, figures=figure_rows(total), by_department=by_department,
        columns=[(label_of(key), help_of(key)) for key in KEY_FIGURES], chart=chart,
        chart_label=label_of(CHART_FIGURE), sealed_included=sealed, **filter_choices(),
    ), 200
