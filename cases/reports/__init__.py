"""Report figures for pages, exports and the CLI: one API over the definitions and the service.

    from cases.reports import DEFINITIONS, ReportFilters, compute_figures, figures_by
    figures = compute_figures(ReportFilters(start, end), viewer_may_see_sealed=flag)
    figures["response_rate"]; figures.as_dict()
    rows = figures_by("department", ReportFilters(start, end), viewer_may_see_sealed=flag)

``DEFINITIONS`` lists every figure (name, N_-marked label and help text, unit, days); the formulas
are in ``cases.domain.report_figures``. ``viewer_may_see_sealed`` comes from
``cases.triage.access.can_read_unscreened(user)``: sealed and unscreened cases count only then.
"""

from __future__ import annotations

from cases.domain.report_definitions import BY_NAME, DEFINITIONS, NAMES, Definition
from cases.domain.report_figures import GROUPINGS
from cases.reports import facts as _facts  # noqa: F401  # registers the refresh after commit
from cases.reports.service import (
    FigureSet,
    ReportFilters,
    compute_figures,
    figures_by,
    linked_per_task,
    load_histories,
    today,
)

__all__ = ["BY_NAME", "DEFINITIONS", "GROUPINGS", "NAMES", "Definition", "FigureSet", "ReportFilters",
           "compute_figures", "figures_by", "linked_per_task", "load_histories", "today"]
