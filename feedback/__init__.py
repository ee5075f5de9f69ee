"""Public blueprint: catalogue pages, the opinion form, acknowledgement and tracking."""

from flask import Blueprint

feedback_bp = Blueprint("feedback", __name__)

from feedback import intake_views, track_views, transparency, views  # noqa: E402,F401  (registers the routes)
