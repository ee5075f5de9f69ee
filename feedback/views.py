"""Public pages: the rectification catalogue."""

from __future__ import annotations

from flask import render_template

from feedback import feedback_bp


@feedback_bp.route("/")
def home() -> str:
    """The public home: the rectification catalogue."""
    return render_template("feedback/home.html")
