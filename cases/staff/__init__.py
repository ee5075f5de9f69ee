"""Staff web UI: login, home and (later) the case-handling pages."""

from flask import Blueprint

staff_bp = Blueprint("staff", __name__, url_prefix="/staff")

from cases.staff import views  # noqa: E402,F401  (registers the routes)
