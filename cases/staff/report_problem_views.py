"""Progress per rectification item: each problem's published measures, linked opinions and key figures.

Sorted so leaders see at a glance which items draw most opinions, which have cases overdue now and
which are answered late; the figures are the report service's (``figures_by("problem")``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import render_template, request

from cases.catalogue import current_plan
from cases.domain.report_figures import Tally
from cases.reports import FigureSet, figures_by, linked_per_task
from cases.staff import staff_bp
from cases.staff.report_problem_cases import SHOWN, linked_cases
from cases.staff.report_query import read_query
from cases.staff.report_tables import format_value, help_of, label_of
from cases.staff.report_views import filter_choices, me, reports_required
from cases.triage.access import can_read_unscreened

PROBLEM_FIGURES: tuple[str, ...] = (
    "received", "replied", "response_rate", "on_time_reply_rate", "overdue_now", "satisfaction_rate",
)
# Sort orders offered as links: the first is the default.
SORTS = ("received", "overdue", "late")


@dataclass
class ItemRow:
    """A problem (or "no problem linked") with its figures, and its tasks (headline, measures, opinions)."""

    code: str
    title: str
    measures: int
    figures: FigureSet
    texts: list[str]
    tasks: list[tuple[str, int, int]] = field(default_factory=list)


def _sort_key(sort: str) -> Callable[[ItemRow], tuple[float, float, str]]:
    def key(row: ItemRow) -> tuple[float, float, str]:
        received = float(row.figures["received"] or 0)
        if sort == "overdue":
            return (-float(row.figures["overdue_now"] or 0), -received, row.code)
        if sort == "late":
            on_time = row.figures["on_time_reply_rate"]
            return (2.0 if on_time is None else float(on_time), -received, row.code)  # no reply yet: last
        return (-received, -float(row.figures["overdue_now"] or 0), row.code)

    return key


@staff_bp.route("/reports/problems")
@reports_required
def report_problems() -> str:
    """Every rectification problem and its tasks with their figures, most opinions (or latest) first."""
    query = read_query(request.args)
    sort = request.args.get("sort", "")
    sort = sort if sort in SORTS else SORTS[0]
    sealed = can_read_unscreened(me())
    groups = {row.group: row for row in figures_by("problem", query.filters, viewer_may_see_sealed=sealed)}
    linked = linked_per_task(query.filters, viewer_may_see_sealed=sealed)
    plan = current_plan()  # the whole tree, measures included
    problems = [problem for area in plan.areas for problem in area.problems] if plan is not None else []
    empty = FigureSet("", Tally().figures(0))  # a problem no opinion concerns: zeros, rates without a value
    rows: list[ItemRow] = []
    for problem in problems:
        figures = groups.get(problem.code, empty)
        tasks = [(task.headline, len(task.measures), linked.get(task.id, 0)) for task in problem.tasks]
        rows.append(ItemRow(problem.code, problem.title, sum(count for _h, count, _l in tasks), figures,
                            [format_value(name, figures[name]) for name in PROBLEM_FIGURES], tasks))
    rows.sort(key=_sort_key(sort))
    unlinked = groups.get("")
    return render_template(
        "staff/report_problems.html", query=query, rows=rows, sort=sort, sealed_included=sealed,
        plan=plan, linked_cases=linked_cases(me(), query.filters), shown=SHOWN,
        columns=[(label_of(name), help_of(name)) for name in PROBLEM_FIGURES],
        unlinked=[format_value(name, unlinked[name]) for name in PROBLEM_FIGURES] if unlinked else None,
        **filter_choices(),
    )
