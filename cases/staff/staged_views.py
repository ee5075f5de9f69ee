"""Web opinions set aside because they could not be recorded as cases: listed, and put back in line."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from cases.domain import roles as role_names
from cases.extensions import db
from cases.models import StaffUser
from cases.staff import staff_bp
from cases.staff.case_views import me
from cases.staff.notices import Notice, home_notice
from cases.staging import ask_for_recording, retry_set_aside, set_aside_count, set_aside_rows
from cases.triage.access import TRIAGE_ROLES

# Those who answer for intake: the party office's triagers and supervisors, and the operators.
STAGED_ROLES = TRIAGE_ROLES | role_names.SEALED_ROLES | {role_names.ADMIN}


def _allowed(user: StaffUser) -> bool:
    return bool(user.roles & STAGED_ROLES)


@home_notice
def _set_aside_notice(user: StaffUser) -> Notice | None:
    """Opinions that could not be recorded: safe, but nobody handles them until someone looks."""
    if not _allowed(user):
        return None
    count = set_aside_count()
    if not count:
        return None
    return Notice(_("%(num)s web opinion(s) could not be recorded as cases and are set aside (they are "
                    "kept safely).", num=count), url_for("staff.set_aside"), _("See them"))


@staff_bp.route("/staged", methods=["GET"])
@login_required
def set_aside() -> str:
    """The set-aside opinions: reference, when received, the error (their text is not shown here)."""
    if not _allowed(me()):
        abort(403)
    return render_template("staff/staged.html", rows=set_aside_rows())


@staff_bp.route("/staged/retry", methods=["POST"])
@login_required
def retry_staged() -> Response:
    """Put every set-aside opinion back in line and record them now (POST; CSRF checked)."""
    if not _allowed(me()):
        abort(403)
    count = retry_set_aside()
    db.session.commit()
    ask_for_recording()
    left = set_aside_count()
    flash(_("%(num)s opinion(s) were tried again; %(left)s could still not be recorded.",
            num=count, left=left), "info" if not left else "warning")
    return redirect(url_for("staff.set_aside"))
