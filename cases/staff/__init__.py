"""Staff web UI: login, home, the inbox, case pages, decisions and manual entry."""

from flask import Blueprint

staff_bp = Blueprint("staff", __name__, url_prefix="/staff")

from cases.staff import (  # noqa: E402,F401  (registers the routes and panels)
    admin_pages,  # administration and passwords
    case_views,
    decision_views,
    discipline_views,
    duplicate_views,
    entry_views,
    export_views,
    handling_views,
    reply_views,
    report_exports,  # the report pages' downloads
    report_monthly,  # the monthly report for the party group
    report_monthly_xlsx,
    report_problem_views,
    report_views,
    staged_views,
    token_views,
    views,
)
