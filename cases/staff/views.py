"""Staff login and home."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from cases.staff import staff_bp


@staff_bp.route("/")
@login_required
def home() -> str:
    """The staff home page."""
    return render_template("staff/home.html")
