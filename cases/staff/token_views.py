"""Every staff member's own API tokens (issue 15, point 1): made (shown once), listed, revoked."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from cases.api_tokens import create_token, revoke_token, tokens_of
from cases.extensions import db
from cases.models import ApiToken
from cases.models.types import utcnow
from cases.staff import staff_bp
from cases.staff.admin_common import form_errors, me
from cases.staff.admin_forms import NewTokenForm, RevokeTokenForm


@staff_bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def own_tokens() -> Any:
    """List one's tokens; make a new one, shown on this answer only."""
    user, form = me(), NewTokenForm()
    new_token, status = None, 200
    if form.validate_on_submit():
        _row, new_token = create_token(user, form.name.data or "", now=utcnow(),
                                       days=int(form.days.data or 0) or None, actor=user)
        db.session.commit()
    elif form.is_submitted():
        status = 422
    response = render_template("staff/tokens.html", form=form, errors=form_errors(form),
                               tokens=tokens_of(user), new_token=new_token, revoke_form=RevokeTokenForm(),
                               now=utcnow())
    return response, status, {"Cache-Control": "no-store"}


@staff_bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_own_token(token_id: int) -> Response:
    """Revoke one of one's own tokens."""
    user, form = me(), RevokeTokenForm()
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)
    if form.validate_on_submit() and revoke_token(token, now=utcnow(), actor=user):
        db.session.commit()
        flash(_("The token is revoked: programs using it are refused from now on."), "success")
    return redirect(url_for("staff.own_tokens"))
